"""The command line: the one place that turns diagnostics and errors into output and exit codes."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from . import __version__
from .crm import CRMS, DEALS_NAMES, EXPORT_NAMES
from .errors import (
    EXIT_ERRORS,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    Diagnostic,
    EngineError,
    InternalError,
    PlaybookError,
    Severity,
    UserError,
    ValidationFailed,
    sort_diagnostics,
)

if TYPE_CHECKING:
    from .model import Project

F = TypeVar("F", bound=Callable[..., Any])

REPORT_HINT = ("This is a bug in playbookgen; please report it, with the command you ran and this message, "
               "to the project's issue tracker. Set PLAYBOOKGEN_DEBUG=1 to see the traceback.")
DEBUG_ENV = "PLAYBOOKGEN_DEBUG"  # set (to anything but empty or 0): internal errors show their traceback
FORMATS = ("text", "json", "github")
FOLDER_EXPORTS = [c.name for c in CRMS if c.folder]


def in_print_order(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Errors first, then warnings, each by file, line and column: a warning never buries an error."""
    return sorted(sort_diagnostics(diagnostics), key=lambda d: not d.is_error)  # sorted() is stable


def format_diagnostics(diagnostics: list[Diagnostic], fmt: str) -> str:
    """The diagnostics in one of FORMATS (all in print order), with a summary line last for text."""
    ordered = in_print_order(diagnostics)
    if fmt == "json":
        import json

        return json.dumps([d.as_dict() for d in ordered], ensure_ascii=False, indent=2)
    if fmt == "github":
        from .annotations import annotation

        return "\n".join(annotation(d.severity.value, d.message, file=d.file, line=d.line, col=d.column, title=d.code)
                         for d in ordered)
    lines = [d.format() for d in ordered]
    lines.append(summary_line(ordered))
    return "\n".join(lines)


def summary_line(diagnostics: Iterable[Diagnostic]) -> str:
    items = list(diagnostics)
    errors = sum(d.severity is Severity.ERROR for d in items)
    warnings = len(items) - errors
    if not items:
        return "no problems found"
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def exit_code_for(diagnostics: list[Diagnostic], strict: bool) -> int:
    if any(d.is_error for d in diagnostics):
        return EXIT_ERRORS
    if strict and diagnostics:
        return EXIT_ERRORS
    return EXIT_OK


def report_problems(diagnostics: list[Diagnostic]) -> None:
    """Diagnostics from a command other than validate: text on stderr."""
    if diagnostics:
        click.echo(format_diagnostics(diagnostics, "text"), err=True)


def handle_errors(func: F) -> F:
    """Every command runs inside this: our errors become messages and exit codes, never tracebacks."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ValidationFailed as exc:
            report_problems(exc.diagnostics)
            sys.exit(EXIT_ERRORS)
        except EngineError as exc:
            if exc.output:
                click.echo(exc.output.rstrip(), err=True)
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_ERRORS)
        except InternalError as exc:
            _internal_error(str(exc))
        except UserError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except PlaybookError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader went away (`playbookgen review | head`): stop quietly, as other command-line
            # tools do, and keep Python from complaining again when it flushes stdout at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_ERRORS)
        except Exception as exc:  # noqa: BLE001 - the last line of defence against a traceback
            _internal_error(f"{type(exc).__name__}: {exc}")

    return wrapper  # type: ignore[return-value]


def _internal_error(message: str) -> NoReturn:
    """A bug of ours, not the user's doing: a short message and where to report it, its own exit status."""
    if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
        import traceback  # only when asked for: most runs never need it

        traceback.print_exc()
    click.echo(f"internal error: {message}\n{REPORT_HINT}", err=True)
    sys.exit(EXIT_INTERNAL)


def project_dir(value: str) -> Path:
    """The project folder argument, checked: a missing folder is a usage error (exit 2)."""
    path = Path(value)
    if not path.is_dir():
        raise UserError(f"no such playbook folder: {value}")
    return path.resolve()


def load_valid_project(directory: str, last_change: bool = True, history: bool = False) -> Project:
    """The validated project in DIR; its warnings go to stderr, its errors end the command (exit 1).
    Without ``last_change``, git is not asked when the playbook last changed (for output that prints no date);
    with ``history``, git's log gives each file's own last change (for output that dates each stage)."""
    from .project import load_project

    project, warnings = load_project(project_dir(directory), last_change=last_change, history=history)
    report_problems(warnings)
    return project


AS_OF_OPTION = click.option("--as-of", "as_of", default=None, metavar="DATE",
                            help="The day review dates are checked against (YYYY-MM-DD); "
                                 "default: SOURCE_DATE_EPOCH, else today (UTC).")


def print_notes(notes: Iterable[str]) -> None:
    for note in notes:
        click.echo(f"note: {note}", err=True)


DIR_ARGUMENT = click.argument("directory", default=".", metavar="[DIR]")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="playbookgen")
def main() -> None:
    """playbookgen: a sales pipeline in YAML, validated and rendered into a playbook."""


@main.command()
@DIR_ARGUMENT
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for people, json for tools, github for Actions annotations.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@AS_OF_OPTION
@handle_errors
def validate(directory: str, fmt: str, strict: bool, as_of: str | None) -> None:
    """Check every YAML file of the playbook in DIR (and the mkdocs.yml and templates a build would use); report
    each problem with file, line and column."""
    from .load import as_of_date
    from .project import validate_project

    root = project_dir(directory)
    project, diagnostics = validate_project(root, as_of=as_of_date(as_of)[0], last_change=False)
    if project is not None:  # the playbook is sound: what else the build would refuse (mkdocs.yml, templates)
        from .build import check_site

        diagnostics += check_site(project)
    output = format_diagnostics(diagnostics, fmt)
    if output:
        click.echo(output)
    sys.exit(exit_code_for(diagnostics, strict))


@main.command()
@click.option("-o", "--output", "out", default="schemas", show_default=True, metavar="DIR",
              help="Folder to write the JSON Schema files into.")
@handle_errors
def schema(out: str) -> None:
    """Write JSON Schema files for the playbook's YAML files (for editor completion)."""
    from .schema import write_schemas

    for path in write_schemas(Path(out)):
        click.echo(f"wrote {path}")


@main.command()
@DIR_ARGUMENT
@click.option("--to", "fmt", required=True, type=click.Choice(EXPORT_NAMES),
              help="The CRM (or csv) to export the pipeline's stages for.")
@click.option("-o", "--output", "out", default=None, metavar="PATH",
              help=f"Folder for {', '.join(FOLDER_EXPORTS)} (required), file for the others (default: stdout).")
@handle_errors
def export(directory: str, fmt: str, out: str | None) -> None:
    """Export the pipeline's stages from the playbook in DIR for a CRM, so the two never drift apart."""
    from .export import export_project, write_export

    project = load_valid_project(directory)
    result = export_project(project, fmt)
    print_notes(result.notes)
    for path in write_export(result, Path(out) if out else None, sys.stdout.buffer, project.root):
        click.echo(f"wrote {path}", err=True)


@main.command()
@click.argument("directory", metavar="DIR")
@click.option("--starter", default="full", show_default=True,
              help="full (seven stages), ecommerce-5 (five stages) or minimal-4 (four stages).")
@click.option("--language", type=click.Choice(["pl", "en"]), default=None,
              help="Language of the starter's content; default: from the locale (LC_ALL, LC_MESSAGES, LANG), "
                   "pl for a Polish one, en otherwise.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist in DIR.")
@handle_errors
def init(directory: str, starter: str, language: str | None, force: bool) -> None:
    """Create a playbook project in DIR from a starter, ready to edit, validate and build."""
    import os

    from .starters import GITIGNORE_PATH, WORKFLOW_PATH, init_project, language_from_locale, workflow_source

    from_locale = language is None
    language, setting = language_from_locale(os.environ) if language is None else (language, None)
    root = Path(directory)
    had_gitignore = (root / GITIGNORE_PATH).exists()
    # Nobody at the team has reviewed the starter yet: its pages say so until someone does.
    created = init_project(root, starter=starter, language=language, force=force, unreviewed=True)
    for path in created:
        name = path.relative_to(root).as_posix()
        if name == GITIGNORE_PATH and had_gitignore:
            click.echo(f"added to {name}: the lines for playbookgen's outputs and deals exports (yours are kept)")
        else:
            click.echo(f"created {name}")
    if had_gitignore and root / GITIGNORE_PATH not in created:
        click.echo(f"kept {GITIGNORE_PATH}: it leaves out playbookgen's outputs and deals exports already")
    click.echo(f"{len(created)} files written; next: playbookgen validate {directory} (check it), "
               f"playbookgen serve {directory} (the site, live as you edit), "
               f"playbookgen build {directory} (the site to publish)")
    print_notes([f"{WORKFLOW_PATH} installs playbookgen from {workflow_source()}; to use your own copy, "
                 "change PLAYBOOKGEN_SOURCE at its top"])
    if from_locale:
        names, other = {"pl": "Polish", "en": "English"}, "en" if language == "pl" else "pl"
        why = f"from the locale ({setting})" if setting else "as no locale is set (LC_ALL, LC_MESSAGES, LANG)"
        print_notes([f"the content is in {names[language]}, chosen {why}; for {names[other]}, start again in an "
                     f"empty folder with: playbookgen init {directory} --language {other}"])


@main.command()
@DIR_ARGUMENT
@click.option("--site-dir", "site_dir", default=None, metavar="OUT",
              help="Folder to write the site into (default: DIR/site). Replaced only if playbookgen made it.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too, broken links included.")
@click.option("--engine", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True,
              help="Site engine that turns the generated Markdown into HTML.")
@click.option("--no-pdf", "no_pdf", is_flag=True, help="Skip the PDF checklists (HTML checklists are still made).")
@click.option("--deals", "deals", default=None, metavar="FILE",
              help="A CRM deals export (CSV) for the Pipeline health page; default: deals.file in playbook.yml.")
@click.option("--deals-format", "deals_format", type=click.Choice(DEALS_NAMES),
              default=None, help="Which CRM the deals file comes from; default: deals.format in playbook.yml.")
@AS_OF_OPTION
@handle_errors
def build(directory: str, site_dir: str | None, strict: bool, engine: str, no_pdf: bool, deals: str | None,
          deals_format: str | None, as_of: str | None) -> None:
    """Build the playbook site from DIR: validated, rendered, built offline, swapped in only on success."""
    from .engines import start_worker

    start_worker(engine)  # before the heavier imports below, so the child has the most time
    from .build import DealsOptions, build_site
    from .load import as_of_date

    day, source = as_of_date(as_of)  # a bad date is refused before any work (the worker then just exits)

    result = build_site(project_dir(directory), Path(site_dir) if site_dir else None, strict=strict,
                        engine=engine, pdfs=not no_pdf, deals=DealsOptions(deals, deals_format, as_of), as_of=day)
    report_problems(result.diagnostics)
    print_notes(result.notes)
    click.echo(f"review dates as of {day} ({source})")
    click.echo(f"built {result.site_dir}")


@main.command()
@DIR_ARGUMENT
@click.option("-a", "--dev-addr", "dev_addr", default="127.0.0.1:8000", show_default=True, metavar="IP:PORT",
              help="Address to serve the preview on.")
@click.option("--engine", type=click.Choice(["mkdocs"]), default="mkdocs", show_default=True, hidden=True)
@handle_errors
def serve(directory: str, dev_addr: str, engine: str) -> None:
    """Preview the site from DIR, rebuilt whenever a YAML file, template or guide changes."""
    from .serve import serve_project

    def say(message: str) -> None:
        click.echo(f"playbookgen: {message}", err=True)

    serve_project(project_dir(directory), dev_addr=dev_addr, say=say,
                  fmt=lambda diagnostics: format_diagnostics(diagnostics, "text"))


TEMPLATES_DIR_OPTION = click.option("-C", "--dir", "directory", default=".", show_default=True, metavar="DIR",
                                    help="The playbook project whose templates/ folder to use.")


@main.group()
def templates() -> None:
    """The templates pages and checklists are made from: list them, copy one into your project to edit."""


@templates.command("list")
@DIR_ARGUMENT
@handle_errors
def templates_list(directory: str) -> None:
    """Show playbookgen's templates, and which of them the project in DIR overrides."""
    from .team_templates import list_templates

    entries = list_templates(project_dir(directory))
    width = max(len(e.name) for e in entries)
    for entry in entries:
        if not entry.ours:
            note = f"templates/{entry.name}: not one of ours, used only where your templates include it"
        elif entry.overridden:
            note = f"overridden by templates/{entry.name}"
        else:
            note = ""
        click.echo(f"{entry.name:<{width}}  {note}".rstrip())
    overridden = sum(e.overridden and e.ours for e in entries)
    click.echo(f"{overridden} of {sum(e.ours for e in entries)} overridden; "
               "copy one to edit it: playbookgen templates copy NAME")


@templates.command("copy")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@TEMPLATES_DIR_OPTION
@click.option("--force", is_flag=True, help="Replace templates the project already has with ours.")
@handle_errors
def templates_copy(names: tuple[str, ...], directory: str, force: bool) -> None:
    """Copy playbookgen's templates NAME... into DIR/templates/, where editing them changes the site."""
    from .team_templates import copy_templates

    root = project_dir(directory)
    for path in copy_templates(root, list(names), force=force):
        click.echo(f"copied {path.relative_to(root).as_posix()}")


@templates.command("diff")
@click.argument("name", metavar="NAME")
@TEMPLATES_DIR_OPTION
@handle_errors
def templates_diff(name: str, directory: str) -> None:
    """Show how DIR/templates/NAME differs from playbookgen's template NAME as it is now (a unified diff,
    ours first): your edits, and what changed in ours since you copied it."""
    from .team_templates import diff_template

    click.echo(diff_template(project_dir(directory), name) or "no difference", nl=False)


@templates.command("stamp")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@TEMPLATES_DIR_OPTION
@handle_errors
def templates_stamp(names: tuple[str, ...], directory: str) -> None:
    """Mark DIR/templates/NAME... as up to date with playbookgen's templates as they are now, once you have
    carried over what changed in ours (the 'template-outdated' warning then stops)."""
    from .team_templates import restamp

    root = project_dir(directory)
    for name in names:
        click.echo(f"stamped {restamp(root, name).relative_to(root).as_posix()}")


@main.command()
@DIR_ARGUMENT
@click.option("-o", "--output", "out", default=None, metavar="OUT",
              help="Folder for the checklists (default: DIR/checklists). Replaced only if playbookgen made it.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default=None,
              help="Paper size of the pages and PDFs; the layout fits both. Default: paper in playbook.yml, else a4.")
@handle_errors
def checklists(directory: str, out: str | None, paper: str | None) -> None:
    """Write a printable one-page checklist per stage of DIR: HTML, and PDF with the pdf extra."""
    from .checklist_printing import MARKER_NOTE, OUTPUT_MARKER, make_checklists, written_files
    from .template_cache import template_cache
    from .write import check_replaceable, replace_folder

    root = project_dir(directory)
    target = Path(out).resolve() if out else root / "checklists"
    check_replaceable(target, OUTPUT_MARKER, option="-o")  # refuse before the slow part, not after it
    project = load_valid_project(directory, history=True)  # each sheet dated as its stage's page is
    files, notes = make_checklists(project, pdfs=True, paper=paper or project.playbook.paper, cache=template_cache())
    print_notes(notes)
    written = replace_folder(target, written_files(files), OUTPUT_MARKER, MARKER_NOTE)
    click.echo(f"wrote {len(written)} checklist files to {target}")


@main.command()
@DIR_ARGUMENT
@click.option("--deals", "deals", default=None, metavar="FILE",
              help="The deals export (CSV) to read; default: deals.file in playbook.yml.")
@click.option("--deals-format", "deals_format", type=click.Choice(DEALS_NAMES),
              default=None, help="Which CRM the file comes from; default: deals.format in playbook.yml.")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="The date the report is as of (YYYY-MM-DD); default: the latest time in the file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True,
              help="text for people, json for scripts, csv for a spreadsheet (one row per stage).")
@handle_errors
def health(directory: str, deals: str | None, deals_format: str | None, as_of: str | None, fmt: str) -> None:
    """Hold the playbook in DIR against the team's real deals: conversion, time in stage, stalled deals, win rates."""
    from .health import analyse, resolve_request
    from .health.output import render

    project = load_valid_project(directory, last_change=False)  # the report's dates are the deals' own
    report, diagnostics = analyse(project, resolve_request(project, deals, deals_format, as_of))
    report_problems(diagnostics)
    if fmt != "text":  # the text report ends with its notes: on stderr too, a terminal would show each twice
        print_notes(report.notes)
    click.echo(render(report, fmt), nl=False)
    sys.exit(exit_code_for(diagnostics, strict=False))


@main.command()
@DIR_ARGUMENT
@AS_OF_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "github"]), default="text",
              show_default=True, help="text for people, json for scripts, csv for a spreadsheet, github for Actions.")
@click.option("--owner", default=None, metavar="NAME",
              help="Only items whose owner contains NAME (case does not matter).")
@click.option("--strict", is_flag=True, help="Exit 1 when anything is overdue.")
@handle_errors
def review(directory: str, as_of: str | None, fmt: str, owner: str | None, strict: bool) -> None:
    """List every reviewable item of DIR with its owner and due date, overdue first: the weekly review."""
    from .load import as_of_date
    from .project import load_project
    from .review.items import filter_owner, review_items
    from .review.output import render_review

    day, _ = as_of_date(as_of)
    project, warnings = load_project(project_dir(directory), as_of=day)
    report_problems([d for d in warnings if not d.code.startswith("review-")])  # the table says those
    items = review_items(project)
    if owner is not None:
        items = filter_owner(items, owner)
    click.echo(render_review(items, fmt, day), nl=False)
    overdue = any(item.status == "overdue" for item in items)
    sys.exit(EXIT_ERRORS if strict and overdue else EXIT_OK)
