"""Renderers are pure: given a project they return text, and they create, change or delete no file.

The build flow owns every write (write.py) and the template cache; a renderer only reads its
templates. An audit hook sees every file the interpreter opens for writing, every folder it makes
and every file it renames or removes while the repository's playbook is rendered.
"""

from __future__ import annotations

import ast
import gc
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import REPO
from playbookgen.checklist_printing import make_checklists
from playbookgen.project import load_project
from playbookgen.render.site import render_site

RENDER = REPO / "src" / "playbookgen" / "render"
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_CHANGES = {"os.mkdir", "os.rename", "os.replace", "os.remove", "os.rmdir", "os.symlink", "os.link",
            "os.truncate", "os.chmod", "os.utime", "shutil.rmtree", "shutil.move", "shutil.copyfile"}
_watching: list[list[str]] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    if not _watching:
        return
    if event == "open":
        path, mode, flags = args
        writes = any(c in mode for c in "wax+") if isinstance(mode, str) else bool((flags or 0) & _WRITE_FLAGS)
        if writes:
            _watching[-1].append(f"open for writing: {path}")
    elif event in _CHANGES:
        _watching[-1].append(f"{event}: {args[0] if args else ''}")


sys.addaudithook(_audit)  # hooks cannot be removed; it does nothing unless a test is watching


@contextmanager
def file_changes() -> Iterator[list[str]]:
    """Every write, folder, rename or removal the interpreter makes inside the block.

    Garbage that earlier tests left is collected first, and the collector is held off inside the block:
    an object that cleans up when collected (WeasyPrint's font configuration removes its temporary folder)
    would otherwise be taken for the renderer's work, depending on when the collector happens to run.
    """
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    seen: list[str] = []
    _watching.append(seen)
    try:
        yield seen
    finally:
        _watching.pop()
        if enabled:
            gc.enable()


def test_the_audit_hook_sees_a_write(tmp_path: Path) -> None:
    """What the next test leans on: a write inside the block is seen."""
    with file_changes() as seen:
        (tmp_path / "x.txt").write_text("x", encoding="utf-8")
        (tmp_path / "folder").mkdir()
    assert len(seen) == 2, seen


class _CleansUpWhenCollected:
    """Like WeasyPrint's FontConfiguration: a temporary folder, removed when the object is collected."""

    def __init__(self) -> None:
        self.folder = tempfile.mkdtemp(prefix="pbg-garbage-")
        self.cycle = self  # only the cycle collector frees it

    def __del__(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def test_garbage_from_before_the_block_is_not_seen() -> None:
    _CleansUpWhenCollected()  # garbage now, freed whenever the collector next runs
    with file_changes() as seen:
        gc.collect()  # as if the collector ran in the middle of rendering
    assert seen == []
    assert gc.isenabled()


def test_rendering_the_repository_playbook_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "read-only-cache"
    cache.mkdir()
    cache.chmod(0o500)
    monkeypatch.setenv("PLAYBOOKGEN_CACHE_DIR", str(cache))
    project, _ = load_project(REPO)
    with file_changes() as seen:
        site = render_site(project)
        files, _ = make_checklists(project, pdfs=False)
    assert seen == []
    assert site.pages["index.md"] and files["checklists/index.html"]
    assert list(cache.iterdir()) == []


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
            names.update(f"{'.' * node.level}{node.module or ''}.{a.name}".replace("..", ".") for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


@pytest.mark.parametrize("module", sorted(p.name for p in RENDER.glob("*.py")))
def test_no_renderer_imports_the_writer_or_the_cache(module: str) -> None:
    imported = _imports(RENDER / module)
    forbidden = [name for name in imported if name.split(".")[-1] in {"write", "template_cache"}]
    assert forbidden == [], f"render/{module} imports {forbidden}"
