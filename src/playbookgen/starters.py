"""Starters: the ready-made playbooks that `playbookgen init` copies into a new project.

Each language has one full playbook under ``starters/<language>/``; the Polish one is the
repository's own ``playbook/`` and ``stages/`` (symlinks in git, which setuptools resolves
into real files when it builds the wheel). ``starters/starters.yml`` says which stages each
smaller starter keeps; the composition below is textual so the files keep their comments.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import UserError
from .model import LANGUAGES
from .write import write_bytes_atomic

__all__ = ["GITIGNORE_PATH", "STARTERS_DIR", "LOCALE_VARIABLES", "Starter", "WORKFLOW_PATH", "available_starters",
           "compose", "gitignore_update",
           "init_project", "language_from_locale", "workflow_source"]

STARTERS_DIR = Path(__file__).with_name("starters")
MANIFEST = STARTERS_DIR / "starters.yml"
SCHEMAS_DIR = "schemas"
# A ready CI workflow: validate pull requests, publish main to GitHub Pages (docs/hosting.md).
WORKFLOW = STARTERS_DIR / "github-actions.yml"
WORKFLOW_PATH = ".github/workflows/playbook.yml"
# What git leaves out of a new project: the outputs, and CRM deals exports (customer data).
GITIGNORE = STARTERS_DIR / "gitignore"
GITIGNORE_PATH = ".gitignore"
_LIST_ITEM = re.compile(r"^  - id: (?P<id>\S+)\s*$", re.MULTILINE)
_STAGES_BLOCK = re.compile(r"^stages:[ \t]*\n(?:[ \t]+- .*\n)+", re.MULTILINE)
_REVIEWED_LINE = re.compile(r"^[ \t]*reviewed:[ \t]*\d{4}-\d{2}-\d{2}[ \t]*\n", re.MULTILINE)
_REQUIRED_LINE = re.compile(r"^(  required:[ \t]*)true[ \t]*$", re.MULTILINE)
_EMPTY_FRONT_MATTER = "---\n---\n"
# Said beside review.required in a new project's playbook.yml, in the starter's language.
_REQUIRED_LATER = {
    "en": "true once the team has reviewed the starter's pages: a missing date is then a warning",
    "pl": "true, gdy zespół przejrzy już treść startową: brak daty będzie wtedy ostrzeżeniem",
}


@dataclass(frozen=True)
class Starter:
    """One entry of starters.yml."""

    name: str
    summary: str
    stages: list[int]  # 1-based positions in the full playbook's stage list
    rename: dict[int, dict[str, dict[str, str]]] = field(default_factory=dict)


def available_starters() -> dict[str, Starter]:
    """The starters in the manifest, by name, in manifest order."""
    raw = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["starters"]
    return {name: Starter(name, spec["summary"], spec["stages"], spec.get("rename", {})) for name, spec in raw.items()}


# In POSIX order of precedence: the first one set decides.
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def language_from_locale(environ: Mapping[str, str]) -> tuple[str, str | None]:
    """The starter language a locale asks for: Polish for a ``pl`` locale, English for any other or none;
    with the setting that decided (``LANG=pl_PL.UTF-8``), None when no locale is set."""
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            code = re.split(r"[_.@-]", value, maxsplit=1)[0].lower()
            return ("pl" if code == "pl" else "en"), f"{name}={value}"
    return "en", None


def _starter(name: str) -> Starter:
    starters = available_starters()
    if name not in starters:
        raise UserError(f"unknown starter '{name}'; choose one of: {', '.join(starters)}")
    return starters[name]


def _language_dir(language: str) -> Path:
    if language not in LANGUAGES:
        raise UserError(f"unknown language '{language}'; choose one of: {', '.join(LANGUAGES)}")
    return STARTERS_DIR / language


def _stage_files(source: Path) -> dict[str, Path]:
    """Stage id -> file in the full playbook of one language."""
    files = {}
    for path in sorted((source / "stages").glob("*.yml")):
        files[yaml.safe_load(path.read_text(encoding="utf-8"))["id"]] = path
    return files


def _replace_line(text: str, key: str, value: str) -> str:
    """Replace the top-level ``key: ...`` line, keeping everything else."""
    return re.sub(rf"^{key}:.*$", lambda _: f"{key}: {value}", text, count=1, flags=re.MULTILINE)


def _keep_items(text: str, key: str, keep: set[str]) -> str:
    """Drop the ``  - id: x`` blocks of the top-level list ``key`` whose id is not in ``keep``."""
    starts = [m.start() for m in _LIST_ITEM.finditer(text)]
    if not starts:
        return text
    pieces = [text[: starts[0]]]
    for begin, end in zip(starts, starts[1:] + [len(text)], strict=True):
        block = text[begin:end]
        if _LIST_ITEM.match(block).group("id") in keep:  # type: ignore[union-attr]
            pieces.append(block)
    if len(pieces) == 1:
        return _replace_line(pieces[0], key, "[]")
    return "".join(pieces).rstrip("\n") + "\n"


def as_never_reviewed(text: str, language: str) -> str:
    """A starter file as nobody at the team has reviewed it: its review dates gone (so its pages say
    "not reviewed yet" and `playbookgen review` lists them), and review.required off until the team
    has been through them, so the first `validate` is not one warning per page."""
    text = _REVIEWED_LINE.sub("", text)
    if text.startswith(_EMPTY_FRONT_MATTER):
        text = text[len(_EMPTY_FRONT_MATTER):]
    return _REQUIRED_LINE.sub(lambda m: f"{m.group(1)}false  # {_REQUIRED_LATER[language]}", text, count=1)


def compose(starter: str = "full", language: str = "pl", unreviewed: bool = False) -> dict[str, bytes]:
    """Every file of a new project (path relative to it -> content), schemas aside.

    ``unreviewed``: the content as nobody at the team has reviewed it (see as_never_reviewed); else
    with the starter's own review dates.
    """
    spec = _starter(starter)
    source = _language_dir(language)
    playbook_text = (source / "playbook" / "playbook.yml").read_text(encoding="utf-8")
    full_ids: list[str] = yaml.safe_load(playbook_text)["stages"]
    stage_files = _stage_files(source)
    out: dict[str, bytes] = {}
    kept: list[str] = []
    used_techniques: set[str] = set()
    used_frameworks: set[str] = set()
    used_objections: set[str] = set()
    used_emails: set[str] = set()
    for number, position in enumerate(spec.stages, start=1):
        old_id = full_ids[position - 1]
        text = stage_files[old_id].read_text(encoding="utf-8")
        data: dict[str, Any] = yaml.safe_load(text)
        used_techniques.update(data.get("techniques", []))
        used_frameworks.update(data.get("settles", {}))
        used_objections.update(data.get("objections", []))
        used_emails.update(data.get("emails", []))
        renamed = spec.rename.get(position, {}).get(language)
        new_id = old_id
        if renamed:
            new_id = renamed["id"]
            text = _replace_line(_replace_line(text, "id", new_id), "name", renamed["name"])
        kept.append(new_id)
        out[f"stages/{number:02d}-{new_id}.yml"] = text.encode("utf-8")
    stages_block = "stages:\n" + "".join(f"  - {stage_id}\n" for stage_id in kept)
    playbook_text = _STAGES_BLOCK.sub(lambda _: stages_block, playbook_text, count=1)
    for path in sorted((source / "playbook").rglob("*")):
        if path.is_file():
            out[path.relative_to(source).as_posix()] = path.read_bytes()
    out["playbook/playbook.yml"] = playbook_text.encode("utf-8")
    techniques = out["playbook/techniques.yml"].decode("utf-8")
    out["playbook/techniques.yml"] = _keep_items(techniques, "techniques", used_techniques).encode("utf-8")
    frameworks = out["playbook/frameworks.yml"].decode("utf-8")
    out["playbook/frameworks.yml"] = _keep_items(frameworks, "frameworks", used_frameworks).encode("utf-8")
    # Objections and e-mails of dropped stages would be reported as unused: they go with their stages.
    for kind, used in (("objections", used_objections), ("emails", used_emails)):
        if f"playbook/{kind}.yml" in out:
            text = out[f"playbook/{kind}.yml"].decode("utf-8")
            out[f"playbook/{kind}.yml"] = _keep_items(text, kind, used).encode("utf-8")
    if unreviewed:
        out = {name: as_never_reviewed(data.decode("utf-8"), language).encode("utf-8")
               if name.endswith((".yml", ".md")) else data for name, data in out.items()}
    out[WORKFLOW_PATH] = _workflow()
    return out


def workflow_source() -> str:
    """Where the workflow installs playbookgen from: this version's tag in the project's repository."""
    from . import REPOSITORY, __version__

    return f"git+{REPOSITORY}@v{__version__}"


def _workflow() -> bytes:
    """The GitHub Actions workflow, installing the playbookgen version that wrote it from its repository."""
    from . import REPOSITORY

    text = WORKFLOW.read_text(encoding="utf-8").replace("__SOURCE__", workflow_source())
    return text.replace("__REPOSITORY__", REPOSITORY).encode("utf-8")


def gitignore_update(existing: str | None) -> str | None:
    """The project's .gitignore with our lines: ours whole when there is none, else the team's with the
    lines it lacks appended (never one of its own lines changed); None when it has every one already."""
    ours = GITIGNORE.read_text(encoding="utf-8")
    if existing is None:
        return ours
    have = {line.strip() for line in existing.splitlines()}
    missing = [line for line in ours.splitlines() if line and not line.startswith("#") and line not in have]
    if not missing:
        return None
    start = existing if not existing or existing.endswith("\n") else existing + "\n"
    return start + "\n# Added by `playbookgen init`: its outputs and CRM deals exports stay out of git.\n" + \
        "".join(f"{line}\n" for line in missing)


def _read_gitignore(dest: Path) -> str | None:
    try:
        return (dest / GITIGNORE_PATH).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {dest / GITIGNORE_PATH} to add playbookgen's lines to it: {exc}") from exc


def _schema_files() -> list[str]:
    from .schema import schemas

    return [f"{SCHEMAS_DIR}/{name}" for name in schemas()]


def init_project(dest: Path, starter: str = "full", language: str = "pl", force: bool = False,
                 unreviewed: bool = False) -> list[Path]:
    """Create a playbook project in ``dest`` from a starter; returns the files written.

    Refuses (UserError, naming every such file) to overwrite existing files unless ``force``. A
    .gitignore is never overwritten, even with ``force``: the lines it lacks are appended to it.
    ``unreviewed``: the content as nobody at the team has reviewed it (see compose).
    """
    from .schema import write_schemas

    dest = Path(dest)
    files = compose(starter, language, unreviewed)
    if dest.exists() and not dest.is_dir():
        raise UserError(f"cannot create a playbook in '{dest}': it is a file, not a folder")
    conflicts = sorted(name for name in [*files, *_schema_files()] if (dest / name).exists())
    if conflicts and not force:
        listed = "\n".join(f"  {name}" for name in conflicts)
        raise UserError(f"these files already exist in '{dest}' (use --force to overwrite them):\n{listed}")
    gitignore = gitignore_update(_read_gitignore(dest)) if dest.is_dir() else gitignore_update(None)
    if gitignore is not None:
        files[GITIGNORE_PATH] = gitignore.encode("utf-8")
    try:
        for name, content in files.items():
            write_bytes_atomic(dest / name, content)
        schema_paths = write_schemas(dest / SCHEMAS_DIR)
    except OSError as exc:
        raise UserError(f"cannot write the playbook into '{dest}': {exc}") from exc
    return [dest / name for name in files] + list(schema_paths)
