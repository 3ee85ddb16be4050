"""Starters: the ready-made playbooks that `playbookgen init` copies into a new project.

Each language has one full playbook under ``starters/<language>/``; the Polish one is the
repository's own ``playbook/`` and ``stages/`` (symlinks in git, which setuptools resolves
into real files when it builds the wheel). ``starters/starters.yml`` says which stages each
smaller starter keeps; the composition below is textual so the files keep their comments.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import UserError
from .model import LANGUAGES
from .write import write_bytes_atomic

__all__ = ["STARTERS_DIR", "LOCALE_VARIABLES", "Starter", "available_starters", "compose", "init_project",
           "language_from_locale"]

STARTERS_DIR = Path(__file__).with_name("starters")
MANIFEST = STARTERS_DIR / "starters.yml"
SCHEMAS_DIR = "schemas"
# A ready CI workflow: validate pull requests, publish main to GitHub Pages (docs/hosting.md).
WORKFLOW = STARTERS_DIR / "github-actions.yml"
WORKFLOW_PATH = ".github/workflows/playbook.yml"
_LIST_ITEM = re.compile(r"^  - id: (?P<id>\S+)\s*$", re.MULTILINE)
_STAGES_BLOCK = re.compile(r"^stages:[ \t]*\n(?:[ \t]+- .*\n)+", re.MULTILINE)
_REVIEWED = re.compile(r"^([ \t]*(?:- )?reviewed:[ \t]*)\d{4}-\d{2}-\d{2}", re.MULTILINE)


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


def stamp_reviewed(text: str, day: dt.date) -> str:
    """Every ``reviewed:`` date in a starter file set to ``day``: the review cycle starts when the team adopts it."""
    return _REVIEWED.sub(lambda m: f"{m.group(1)}{day.isoformat()}", text)


def compose(starter: str = "full", language: str = "pl", reviewed: dt.date | None = None) -> dict[str, bytes]:
    """Every file of a new project (path relative to it -> content), schemas aside.

    ``reviewed``: the day every review date is set to (the starter's own dates where None).
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
    if reviewed is not None:
        out = {name: stamp_reviewed(data.decode("utf-8"), reviewed).encode("utf-8") if name.endswith((".yml", ".md"))
               else data for name, data in out.items()}
    out[WORKFLOW_PATH] = _workflow()
    return out


def _workflow() -> bytes:
    """The GitHub Actions workflow, installing the playbookgen version that wrote it."""
    from . import __version__

    return WORKFLOW.read_text(encoding="utf-8").replace("__VERSION__", __version__).encode("utf-8")


def _schema_files() -> list[str]:
    from .schema import schemas

    return [f"{SCHEMAS_DIR}/{name}" for name in schemas()]


def init_project(dest: Path, starter: str = "full", language: str = "pl", force: bool = False,
                 reviewed: dt.date | None = None) -> list[Path]:
    """Create a playbook project in ``dest`` from a starter; returns the files written.

    Refuses (UserError, naming every such file) to overwrite existing files unless ``force``.
    ``reviewed``: the day the starter's review dates are set to (see compose).
    """
    from .schema import write_schemas

    dest = Path(dest)
    files = compose(starter, language, reviewed)
    if dest.exists() and not dest.is_dir():
        raise UserError(f"cannot create a playbook in '{dest}': it is a file, not a folder")
    conflicts = sorted(name for name in [*files, *_schema_files()] if (dest / name).exists())
    if conflicts and not force:
        listed = "\n".join(f"  {name}" for name in conflicts)
        raise UserError(f"these files already exist in '{dest}' (use --force to overwrite them):\n{listed}")
    try:
        for name, content in files.items():
            write_bytes_atomic(dest / name, content)
        schema_paths = write_schemas(dest / SCHEMAS_DIR)
    except OSError as exc:
        raise UserError(f"cannot write the playbook into '{dest}': {exc}") from exc
    return [dest / name for name in files] + list(schema_paths)
