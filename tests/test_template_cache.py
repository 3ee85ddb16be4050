"""The compiled-template cache: reused between builds, never shared across escaping rules, never trusted blindly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import REPO, needs_two_cpus, read_tree, run_cli
from playbookgen.build import build_site
from playbookgen.engines.mkdocs import _compile_theme
from playbookgen.render.templating import make_environment, render_template
from playbookgen.template_cache import template_cache


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PLAYBOOKGEN_CACHE_DIR", str(folder))
    return folder / "jinja"


def test_builds_reuse_the_cache_and_write_the_same_bytes_as_without_it(make_project, tmp_path: Path,
                                                                      cache_dir: Path, monkeypatch) -> None:
    root = make_project()
    assert run_cli("build", root, "--site-dir", tmp_path / "cold", "--no-pdf").exit_code == 0
    assert len(read_tree(cache_dir)) > 40  # ours and Material's theme templates
    # A build this small may send MkDocs its job before the engine's worker has compiled the whole theme
    # (how far it got depends on what this process had imported before); finish that here, as the next
    # builds' workers would (test_a_first_build_fills_the_cache... below), so the build after it must
    # compile nothing at all.
    cache = template_cache()
    assert cache is not None
    _compile_theme(cache)
    assert list(cache_dir.glob("theme-warm-*"))
    entries = read_tree(cache_dir)
    assert run_cli("build", root, "--site-dir", tmp_path / "warm", "--no-pdf").exit_code == 0
    assert read_tree(cache_dir) == entries  # all reused: nothing recompiled, and the work folder's overrides not kept
    monkeypatch.setenv("PLAYBOOKGEN_CACHE_DIR", "")  # turned off
    build_site(root, tmp_path / "uncached", pdfs=False)
    assert read_tree(tmp_path / "warm") == read_tree(tmp_path / "cold") == read_tree(tmp_path / "uncached")


def test_an_escaping_environment_never_runs_code_compiled_without_escaping(make_project, cache_dir: Path) -> None:
    root = make_project({"templates/probe.j2": "{{ value }}"})
    cache = template_cache()
    markdown = render_template(make_environment(root, "markdown", cache), "probe.j2", value="<b>*x*</b>")
    html = render_template(make_environment(root, "html", cache), "probe.j2", value="<b>*x*</b>")
    assert html == "&lt;b&gt;*x*&lt;/b&gt;"
    assert markdown != html
    assert len(read_tree(cache_dir)) == 2  # one compiled copy per set of rules


def test_a_damaged_entry_is_compiled_again(make_project, tmp_path: Path, cache_dir: Path) -> None:
    root = make_project()
    build_site(root, tmp_path / "first", pdfs=False)
    for number, entry in enumerate(sorted(cache_dir.iterdir())):
        entry.write_bytes(b"" if number % 2 else entry.read_bytes()[:40])  # emptied or truncated
    result = run_cli("build", root, "--site-dir", tmp_path / "second", "--no-pdf")
    assert result.exit_code == 0, result.stderr
    assert read_tree(tmp_path / "second") == read_tree(tmp_path / "first")


def test_a_cache_folder_others_can_write_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "shared"
    (folder / "jinja").mkdir(parents=True)
    os.chmod(folder / "jinja", 0o777)
    monkeypatch.setenv("PLAYBOOKGEN_CACHE_DIR", str(folder))
    assert template_cache() is None
    os.chmod(folder / "jinja", 0o700)
    assert template_cache() is not None


def test_no_usable_cache_folder_still_builds(make_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache would go")
    monkeypatch.setenv("PLAYBOOKGEN_CACHE_DIR", str(blocker))
    assert template_cache() is None
    result = run_cli("build", make_project(), "--no-pdf")
    assert result.exit_code == 0, result.stderr


@needs_two_cpus
def test_a_first_build_fills_the_cache_with_the_theme_and_writes_the_same_bytes(tmp_path: Path) -> None:
    """In a fresh process (no other thread), the CLI's MkDocs worker compiles the theme into the cache
    while it waits, and MkDocs adds what it compiles; the output is the same with or without it.

    The repository's playbook (seven stages), as teams start from: the worker compiles only while the
    build validates and renders, and a two-stage playbook gives it next to no time (it then leaves the
    theme to MkDocs, which caches what it renders, and the walk is never finished)."""
    import shutil
    import subprocess
    import sys

    root = tmp_path / "project"
    for name in ("playbook", "stages"):
        shutil.copytree(REPO / name, root / name)
    cache = tmp_path / "fresh-cache"

    def build(site: str, cache_dir: str) -> None:
        env = dict(os.environ, PLAYBOOKGEN_CACHE_DIR=cache_dir, NO_MKDOCS_2_WARNING="1")
        command = [sys.executable, "-m", "playbookgen", "build", str(root), "--site-dir", str(tmp_path / site), "--no-pdf"]
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
        assert result.returncode == 0, result.stderr

    def entries() -> int:
        return len(list((cache / "jinja").glob("*.cache")))

    build("first", str(cache))
    assert entries() > 40
    build("uncached", "")
    assert read_tree(tmp_path / "first") == read_tree(tmp_path / "uncached")
    # Each build's worker goes on from where the last one was stopped (a build this small sends the
    # job early), so within a few builds the theme is all in the cache and the cache marked warm.
    for again in range(1, 6):
        build(f"again-{again}", str(cache))
        assert read_tree(tmp_path / f"again-{again}") == read_tree(tmp_path / "first")
        if list((cache / "jinja").glob("theme-warm-*")):
            break
    assert len(list((cache / "jinja").glob("theme-warm-*"))) == 1, "the cache never became warm"
    warm = entries()
    build("warm", str(cache))  # nothing new compiled
    assert entries() == warm
    assert read_tree(tmp_path / "warm") == read_tree(tmp_path / "first")


def test_a_warm_build_compiles_none_of_the_themes_templates(make_project, tmp_path: Path, cache_dir: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Material's search plugin makes theme environments of its own while it is configured; they
    read the cache too (they compiled the translation templates on every build before)."""
    import jinja2
    import material

    import playbookgen.build

    monkeypatch.setattr(playbookgen.build, "start_worker", lambda engine: None)  # MkDocs in this process
    root = make_project()
    build_site(root, tmp_path / "cold", pdfs=False)
    compiled: list[str] = []
    compile_template = jinja2.Environment.compile

    def recording(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(filename or "")
        return compile_template(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", recording)
    build_site(root, tmp_path / "warm", pdfs=False)
    theme = str(Path(material.__file__).parent)
    assert compiled  # the work folder's own overrides are compiled each time
    assert [name for name in compiled if name.startswith(theme)] == []
