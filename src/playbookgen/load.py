"""Load: find a playbook project's files and parse them into positioned documents.

This is the first stage of the pipeline. It knows which files make a project (the FILE_KINDS
table) but nothing of what the values mean; that is ``validate``'s job.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import model
from ._records import Record
from ._yaml import MAX_BYTES, Document, load_yaml_file, parse_yaml
from .engines.layout import CONFIG_FILE
from .errors import Diagnostic, UserError, ValidationFailed, error, warning

if TYPE_CHECKING:
    from .engines.site_config import TeamFile

__all__ = ["FileKind", "FILE_KINDS", "SITE_ROOT_DIR", "Sources", "RawGuide", "read_sources", "read_site_root",
           "read_team_files", "source_date_epoch", "as_of_date", "read_history", "is_shallow_clone"]

PLAYBOOK_DIR = "playbook"
# Files copied as they are to the top of the built site: CNAME, robots.txt, .nojekyll, downloads.
SITE_ROOT_DIR = "site-root"
STAGES_DIR = "stages"
GUIDES_DIR = "playbook/guides"
YAML_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class FileKind:
    """One kind of playbook-wide file: where it lives and which model reads it."""

    name: str  # also the schema's name: schemas/<name>.schema.json
    stem: str  # path without suffix, relative to the project folder
    model: type[Record]
    required: bool = False


# Adding a file kind: add a model in model.py, a row here, and a field on Project filled in validate.py.
FILE_KINDS: tuple[FileKind, ...] = (
    FileKind("playbook", "playbook/playbook", model.Playbook, required=True),
    FileKind("techniques", "playbook/techniques", model.TechniquesFile),
    FileKind("frameworks", "playbook/frameworks", model.FrameworksFile),
    FileKind("metrics", "playbook/metrics", model.MetricsFile),
    FileKind("glossary", "playbook/glossary", model.GlossaryFile),
    FileKind("case-studies", "playbook/case-studies", model.CaseStudiesFile),
    FileKind("objections", "playbook/objections", model.ObjectionsFile),
    FileKind("emails", "playbook/emails", model.EmailsFile),
)
STAGE_KIND = FileKind("stage", "stages/*", model.Stage)


@dataclass(frozen=True)
class RawGuide:
    file: str
    text: str
    body: str = ""  # the text after its front matter (all of it when there is none)
    front: Document | None = None  # the front matter, positioned as lines of the guide file


@dataclass
class Sources:
    """Everything read from disk, before validation."""

    root: Path
    documents: dict[str, Document] = field(default_factory=dict)  # kind name -> document
    stages: list[Document] = field(default_factory=list)  # in file-name order
    unreadable_stages: list[str] = field(default_factory=list)  # stage files that are not valid YAML
    unreadable: dict[str, str] = field(default_factory=dict)  # kind name -> its file, which is not valid YAML
    misnamed: dict[str, str] = field(default_factory=dict)  # kind name -> a file whose name is close to it
    guides: list[RawGuide] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    last_changed: int = 0  # the time of the last change to these files (source_date_epoch)


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _find_kind_file(root: Path, kind: FileKind, sources: Sources) -> Path | None:
    """The .yml or .yaml file of ``kind``; both at once is an error."""
    found = [root / f"{kind.stem}{suffix}" for suffix in YAML_SUFFIXES if (root / f"{kind.stem}{suffix}").is_file()]
    if len(found) > 1:
        sources.diagnostics.append(error(_relative(root, found[1]), 1, 1, "file-conflict",
                                         f"both {found[0].name} and {found[1].name} exist; keep one"))
    if not found and kind.required:
        sources.diagnostics.append(error(f"{kind.stem}.yml", 1, 1, "missing-file",
                                         f"{kind.stem}.yml is missing: every playbook needs one"))
    return found[0] if found else None


def _read_document(root: Path, path: Path, sources: Sources) -> Document | None:
    document, problems = load_yaml_file(path, _relative(root, path))
    sources.diagnostics.extend(problems)
    return document


def _warn_unknown_playbook_files(root: Path, sources: Sources) -> None:
    """A misnamed file (techniqes.yml) would be silently ignored: say so instead."""
    known = {Path(kind.stem).name for kind in FILE_KINDS}
    folder = root / PLAYBOOK_DIR
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix in YAML_SUFFIXES and path.stem not in known:
            import difflib  # only a file we do not know asks

            close = difflib.get_close_matches(path.stem, sorted(known), n=1)
            if close:
                kind = next(k for k in FILE_KINDS if Path(k.stem).name == close[0])
                sources.misnamed.setdefault(kind.name, _relative(root, path))
            known_files = ", ".join(sorted(known))
            hint = f" (did you mean {close[0]}{path.suffix}?)" if close else f"; known files: {known_files}"
            sources.diagnostics.append(warning(_relative(root, path), 1, 1, "unknown-file",
                                               f"playbookgen does not read this file{hint}"))


def _read_guides(root: Path, sources: Sources) -> None:
    folder = root / GUIDES_DIR
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.md")):
        file = _relative(root, path)
        try:
            if path.stat().st_size > MAX_BYTES:
                sources.diagnostics.append(error(file, 1, 1, "file-too-large",
                                                 f"file is larger than {MAX_BYTES} bytes"))
                continue
            text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        except UnicodeDecodeError as exc:
            sources.diagnostics.append(error(file, 1, 1, "guide-encoding", "not valid UTF-8 (byte at offset "
                                                                           f"{exc.start})"))
            continue
        except OSError as exc:
            sources.diagnostics.append(error(file, 1, 1, "file-unreadable", f"cannot read the file: {exc.strerror}"))
            continue
        front, body, problems = split_front_matter(text, file)
        sources.diagnostics.extend(problems)
        sources.guides.append(RawGuide(file, text, body, front))


# '---' on the first line, up to '---' or '...'. Read here only: the pages get the text after it, so
# MkDocs never sees (and never prints unescaped) a guide's front matter.
FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str, file: str) -> tuple[Document | None, str, list[Diagnostic]]:
    """A guide's front matter as a positioned Document (lines counted in the guide), and the text after it."""
    text = text.replace("\r\n", "\n")
    found = FRONT_MATTER.match(text)
    if found is None:
        return None, text, []
    block = found.group(0)
    yaml_text = block[: block.rstrip("\n").rfind("\n") + 1]  # the opening '---' starts the YAML document
    body = text[found.end():]
    if not any(line.strip() and not line.lstrip().startswith("#") for line in yaml_text.splitlines()[1:]):
        return Document(file, {}), body, []
    document, problems = parse_yaml(yaml_text, file)
    return document, body, problems


def read_sources(root: Path, *, last_change: bool = True) -> Sources:
    """Read every file of the project at ``root``; problems are collected, never raised. ``last_change``:
    also find when the playbook last changed (``source_date_epoch``), for the dates a build prints."""
    sources = Sources(root)
    for kind in FILE_KINDS:
        path = _find_kind_file(root, kind, sources)
        if path is not None:
            document = _read_document(root, path, sources)
            if document is not None:
                sources.documents[kind.name] = document
            else:
                sources.unreadable[kind.name] = _relative(root, path)
    _warn_unknown_playbook_files(root, sources)
    stage_dir = root / STAGES_DIR
    if stage_dir.is_dir():
        for path in sorted(p for p in stage_dir.iterdir() if p.is_file() and p.suffix in YAML_SUFFIXES):
            document = _read_document(root, path, sources)
            if document is not None:
                sources.stages.append(document)
            else:
                sources.unreadable_stages.append(_relative(root, path))
    _read_guides(root, sources)
    inputs = [root / doc.file for doc in list(sources.documents.values()) + sources.stages]
    if last_change:
        sources.last_changed = source_date_epoch(root, inputs + [root / g.file for g in sources.guides])
    return sources


def _git_commit_time(root: Path) -> int | None:
    import subprocess  # git is asked only by the commands that print dates (not validate)

    try:
        result = subprocess.run(["git", "log", "-1", "--format=%ct", "--", "."], cwd=root, capture_output=True,
                                text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    value = result.stdout.strip()
    return int(value) if result.returncode == 0 and value.isdigit() else None


def source_date_epoch(root: Path, inputs: list[Path]) -> int:
    """The time of the playbook's last change: SOURCE_DATE_EPOCH, else the last git commit, else newest file."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "")
    if re.fullmatch(r"\d+", env):
        return int(env)
    committed = _git_commit_time(root)
    if committed is not None:
        return committed
    times = [int(p.stat().st_mtime) for p in inputs if p.exists()]
    return max(times, default=0)


def as_of_date(given: str | None) -> tuple[dt.date, str]:
    """The day review dates are checked against, and where it came from: --as-of, SOURCE_DATE_EPOCH, today (UTC)."""
    if given is not None:
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", given.strip()):
                raise ValueError
            return dt.date.fromisoformat(given.strip()), "--as-of"
        except ValueError:
            raise UserError(f"--as-of '{given}' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-01") from None
    env = os.environ.get("SOURCE_DATE_EPOCH", "")
    if re.fullmatch(r"\d+", env):
        return dt.datetime.fromtimestamp(int(env), tz=dt.UTC).date(), "SOURCE_DATE_EPOCH"
    return dt.datetime.now(tz=dt.UTC).date(), "today"


# What the "what changed" page follows: the files a team edits, not the site's settings or templates.
HISTORY_PATHS = (PLAYBOOK_DIR, STAGES_DIR)


def is_shallow_clone(root: Path) -> bool:
    """Whether ``root`` is in a shallow git clone, whose log stops at its last commits (so every file
    seems last changed by them)."""
    import subprocess

    try:
        result = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=root, capture_output=True,
                                text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0 and result.stdout.strip() == "true"


def read_history(root: Path, limit: int) -> model.History | None:
    """The commits that changed the playbook's files, newest first; None when git cannot tell.

    One ``git log`` over the whole history: the newest ``limit`` commits are the page's, and every
    commit counts for each file's last change. Author e-mails are never read.
    """
    import subprocess

    command = ["git", "-c", "core.quotePath=false", "log", "-z", "--no-merges", "--name-only", "--relative",
               "--format=%x1e%ct%x1f%an%x1f%s", "--", *HISTORY_PATHS]
    try:
        result = subprocess.run(command, cwd=root, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    commits = [_commit(record) for record in result.stdout.decode("utf-8", "replace").split("\x1e")[1:]]
    last_changed: dict[str, int] = {}
    for commit in commits:
        for file in commit.files:
            last_changed[file] = max(last_changed.get(file, 0), commit.time)
    return model.History(tuple(commits[:limit]), last_changed)


def _commit(record: str) -> model.Commit:
    """One record of read_history's log: 'time US author US subject NUL LF file NUL file NUL ...'."""
    header, _, names = record.partition("\0")
    time, author, subject = (header.split("\x1f") + ["", ""])[:3]
    files = tuple(name for name in names.lstrip("\n").split("\0") if name)
    return model.Commit(int(time) if time.isdigit() else 0, subject.strip(), author.strip(), files)


def read_folder(root: Path, name: str) -> dict[str, bytes] | None:
    """Every file of the project's folder ``name``, by path relative to it; None when it is not a folder."""
    folder = root / name
    if not folder.is_dir():
        return None
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def read_team_files(root: Path, files: list[TeamFile], theme_dir: str | None = None) -> list[tuple[TeamFile, bytes]]:
    """The bytes of each file the team's mkdocs.yml names; every missing one is an error at its line.

    A file that is not in the project but in the team's theme folder (``theme_dir``, theme.custom_dir)
    is left out: the theme brings it into the site already, as MkDocs does.
    """
    found, problems = [], []
    for ref in files:
        path = root / ref.path
        if not path.exists() and theme_dir is not None and (root / theme_dir / ref.path).is_file():
            continue
        try:
            found.append((ref, path.read_bytes()))
            continue
        except IsADirectoryError:
            why = f"{ref.path} is a folder, not a file"
        except FileNotFoundError:
            where = f" (nor in the theme folder {theme_dir}/)" if theme_dir else ""
            why = f"there is no file {ref.path} in the project folder{where}"
        except OSError as exc:
            why = f"{ref.path} cannot be read: {exc.strerror or exc}"
        problems.append(error(CONFIG_FILE, ref.line, ref.column, "mkdocs-file",
                              f"{ref.setting}: {why} (paths in mkdocs.yml are relative to the folder that holds it)"))
    if problems:
        raise ValidationFailed(problems)
    return found


def read_site_root(root: Path) -> dict[str, bytes]:
    """Every file of the project's site-root/ folder, by path relative to it (empty when there is none)."""
    folder = root / SITE_ROOT_DIR
    if not folder.is_dir():
        return {}
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            try:
                files[path.relative_to(folder).as_posix()] = path.read_bytes()
            except OSError as exc:
                raise ValidationFailed([error(_relative(root, path), 1, 1, "file-unreadable",
                                              f"cannot read the file: {exc.strerror or exc}")]) from exc
    return files
