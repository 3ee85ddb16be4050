"""The MkDocs worker: a child forked as a build starts, which imports MkDocs while we validate and
render, then runs the build. It must give the same bytes, the same errors, and leave nothing behind.

Forking is only done with no other thread running, which a pytest session cannot promise (the
browser tests serve the site from a thread), so each case runs in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from conftest import needs_two_cpus, read_tree, run_cli

# What every case needs: the imports, the build's folders, and not_here, which makes building in
# this process impossible (whatever gets built, the worker built). Cases print what happened as JSON.
SETUP = """
import json, os, sys
from pathlib import Path
from playbookgen.engines import mkdocs as engine
from playbookgen.build import build_site
from playbookgen.errors import PlaybookError

def not_here(*args, **kwargs):
    raise AssertionError("MkDocs ran in the parent process")

root, site = Path(sys.argv[1]), Path(sys.argv[2])
"""
# ...and the worker started.
PRELUDE = SETUP + """
engine.start_worker()
worker = engine._worker
assert worker is not None, "no worker was started"
"""


def _run(script: str, *args: Path, prelude: str = PRELUDE, **env: str) -> Any:
    """Run ``prelude`` + ``script`` in a fresh interpreter (with ``env`` added); the JSON it printed last."""
    command = [sys.executable, "-c", prelude + textwrap.dedent(script), *map(str, args)]
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1", **env)
    result = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@needs_two_cpus
def test_the_worker_builds_the_same_bytes_as_this_process(make_project, tmp_path: Path) -> None:
    root = make_project()
    outcome = _run("""
        engine._run_mkdocs = not_here
        build_site(root, site, pdfs=False)
        print(json.dumps({"worker": worker.pid, "left": engine._worker is not None}))
    """, root, tmp_path / "by-worker")
    assert outcome["left"] is False
    assert not _alive(outcome["worker"])
    assert run_cli("build", root, "--site-dir", tmp_path / "here", "--no-pdf").exit_code == 0
    assert read_tree(tmp_path / "by-worker") == read_tree(tmp_path / "here")


@needs_two_cpus
def test_an_engine_failure_in_the_worker_is_reported_as_in_this_process(make_project, tmp_path: Path) -> None:
    root = make_project({"mkdocs.yml": "theme:\n  name: no-such-theme\n"})
    outcome = _run("""
        engine._run_mkdocs = not_here
        try:
            build_site(root, site, pdfs=False)
            print(json.dumps({"error": None}))
        except PlaybookError as exc:
            print(json.dumps({"error": str(exc), "output": getattr(exc, "output", ""), "site": site.exists()}))
    """, root, tmp_path / "site")
    assert outcome["error"] == "mkdocs build failed"
    assert "no-such-theme" in outcome["output"]
    assert outcome["site"] is False
    here = run_cli("build", root, "--site-dir", tmp_path / "here", "--no-pdf")
    assert here.exit_code == 1 and "mkdocs build failed" in here.stderr and "no-such-theme" in here.stderr


@needs_two_cpus
def test_a_worker_that_dies_is_replaced_by_a_build_in_this_process(make_project, tmp_path: Path) -> None:
    root = make_project()
    outcome = _run("""
        import signal
        os.kill(worker.pid, signal.SIGKILL)
        build_site(root, site, pdfs=False)
        print(json.dumps({"built": (site / "index.html").is_file()}))
    """, root, tmp_path / "site")
    assert outcome["built"] is True


@needs_two_cpus
def test_a_build_that_fails_before_the_engine_ends_the_worker(make_project, tmp_path: Path) -> None:
    root = make_project({"stages/01-first.yml": "id: first\nname: [unclosed\n"})
    outcome = _run("""
        try:
            build_site(root, site, pdfs=False)
        except PlaybookError as exc:
            print(json.dumps({"error": type(exc).__name__, "worker": worker.pid, "left": engine._worker is not None}))
    """, root, tmp_path / "site")
    assert outcome["error"] == "ValidationFailed"
    assert outcome["left"] is False
    assert not _alive(outcome["worker"])


def test_with_another_thread_running_no_worker_is_forked(make_project, tmp_path: Path) -> None:
    no_worker = _run("""
        import json, threading
        from playbookgen.engines import mkdocs as engine
        threading.Thread(target=threading.Event().wait, daemon=True).start()
        engine.start_worker()
        print(json.dumps(engine._worker is None))
    """, prelude="")
    assert no_worker is True


@needs_two_cpus
def test_a_first_build_stops_compiling_the_theme_when_the_build_arrives(make_project, tmp_path: Path) -> None:
    """The worker compiles the theme into an empty cache only while it has nothing else to do."""
    root = make_project()
    cache = tmp_path / "cache"
    outcome = _run("""
        import time
        compile_theme = engine._compile_theme
        def compile_once_the_build_is_sent(cache, stop):
            while not stop():
                time.sleep(0.01)
            (cache.folder / "stopped-by-the-build").touch()
            compile_theme(cache, stop)
        engine._compile_theme = compile_once_the_build_is_sent
        engine.start_worker()
        worker = engine._worker
        engine._run_mkdocs = not_here
        build_site(root, site, pdfs=False)
        print(json.dumps({"worker": worker.pid, "built": (site / "index.html").is_file()}))
    """, root, tmp_path / "site", prelude=SETUP, PLAYBOOKGEN_CACHE_DIR=str(cache))
    assert outcome["built"] is True and not _alive(outcome["worker"])
    assert (cache / "jinja" / "stopped-by-the-build").is_file()
    assert not list((cache / "jinja").glob("theme-warm-*"))  # stopped before the end: not marked warm
    assert len(list((cache / "jinja").glob("*.cache"))) > 40  # what MkDocs compiled, it cached
    assert run_cli("build", root, "--site-dir", tmp_path / "here", "--no-pdf").exit_code == 0
    assert read_tree(tmp_path / "site") == read_tree(tmp_path / "here")
