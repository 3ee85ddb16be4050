"""`playbookgen serve`: the preview follows the playbook as the team edits it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import build_file_tree
from playbookgen.serve import render_into, snapshot

SERVE_TIMEOUT = 90


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, deadline: float) -> str:
    """Poll ``url`` until its page holds ``text``; fail when ``deadline`` passes."""
    page = None
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and text in page:
            return page
        time.sleep(0.5)
    pytest.fail(f"{url} never showed {text!r} (last page: {(page or '')[:200]!r})")


class Output:
    """Collects a child's output lines on a thread, so a test can wait for the line it is about."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self.thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()

    def wait_for(self, text: str, deadline: float) -> None:
        """Block until a line holding ``text`` has been printed; fail when ``deadline`` passes."""
        with self.changed:
            found = self.changed.wait_for(lambda: any(text in line for line in self.lines),
                                          timeout=max(0.0, deadline - time.monotonic()))
        if not found:
            pytest.fail(f"the server never printed {text!r}; it printed:\n{self.text()}")

    def text(self) -> str:
        with self.changed:
            return "".join(self.lines)


def test_preview_rebuilds_when_a_stage_changes(make_project) -> None:
    root = make_project()
    port = free_port()
    cache = root.parent / "serve-cache"
    server = subprocess.Popen(
        [sys.executable, "-m", "playbookgen", "serve", str(root), "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=dict(os.environ, PLAYBOOKGEN_CACHE_DIR=str(cache)),
    )
    output = Output(server)
    try:
        deadline = time.monotonic() + SERVE_TIMEOUT
        url = f"http://127.0.0.1:{port}/stages/first.html"
        wait_for(url, "The first stage.", deadline)
        stage = root / "stages/01-first.yml"
        stage.write_text(stage.read_text().replace("The first stage.", "Renamed while serving."))
        wait_for(url, "Renamed while serving.", deadline)
        # A broken edit keeps the last good preview instead of stopping the server: once the server
        # has reported the failed re-render, the page must still be the last good one.
        stage.write_text("id: first\nname: [unclosed\n")
        output.wait_for("keeping the last good preview", deadline)
        assert "stages/01-first.yml:" in output.text() and "[yaml-unclosed]" in output.text()
        assert server.poll() is None
        assert "Renamed while serving." in (fetch(url) or "")
        assert len(list((cache / "jinja").glob("*.cache"))) > 40  # the theme's templates too, via our hook
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    output.thread.join(timeout=10)
    output = output.text()
    assert f"Serving on http://127.0.0.1:{port}/" in output  # the user is told where to look
    assert "Documentation built in" in output


def test_rerender_writes_only_what_changed(make_project, tmp_path: Path) -> None:
    root = make_project()
    work = tmp_path / "work"
    assert render_into(root, work)  # first time: everything is new
    assert render_into(root, work) == []  # nothing changed: nothing written, no rebuild loop
    before = snapshot(root)
    stage = root / "stages/02-second.yml"
    stage.write_text(stage.read_text().replace("The second stage.", "Changed."))
    assert snapshot(root) != before
    changed = {p.relative_to(work).as_posix() for p in render_into(root, work)}
    assert "docs/stages/second.md" in changed
    assert "docs/stages/first.md" not in changed


def test_an_editors_scratch_files_are_not_changes_but_hidden_stages_and_the_theme_folder_are(make_project) -> None:
    """Vim's swap file, Emacs' auto-save and backup files come and go around a save: only the save is a change."""
    root = make_project({"mkdocs.yml": "theme:\n  custom_dir: theme\n", "theme/partials/a.html": "<p>a</p>\n"})
    before = snapshot(root)
    for name in ("stages/.01-first.yml.swp", "stages/01-first.yml~", "stages/#01-first.yml#", "playbook/x.tmp",
                 "templates/stage.md.j2.swx"):
        build_file_tree(root, {name: "scratch\n"})
    assert snapshot(root) == before
    build_file_tree(root, {"stages/.draft.yml": "id: draft\n"})  # hidden, but the loader reads it
    assert snapshot(root) != before
    before = snapshot(root)
    build_file_tree(root, {"theme/.htaccess": "x\n"})  # copied into the site with the rest of the theme
    assert snapshot(root) != before


def test_a_removed_stage_disappears_from_the_preview(make_project, tmp_path: Path) -> None:
    root = make_project()
    work = tmp_path / "work"
    render_into(root, work)
    (root / "stages/02-second.yml").unlink()
    (root / "playbook/playbook.yml").write_text("title: Test playbook\nlanguage: en\nstages: [first]\n")
    render_into(root, work)
    assert not (work / "docs/stages/second.md").exists()


def test_the_team_theme_folder_is_watched_and_rendered(make_project, tmp_path: Path) -> None:
    root = make_project({"mkdocs.yml": "theme:\n  custom_dir: theme\n",
                         "theme/partials/copyright.html": "<div>One</div>\n"})
    work = tmp_path / "work"
    render_into(root, work)
    before = snapshot(root)
    (root / "theme/partials/copyright.html").write_text("<div>Two</div>\n")
    assert snapshot(root) != before
    changed = {p.relative_to(work).as_posix() for p in render_into(root, work)}
    assert changed == {"overrides/partials/copyright.html"}
    assert (work / "overrides/partials/copyright.html").read_text() == "<div>Two</div>\n"


def test_the_preview_reports_problems_in_the_deals_export(make_project, tmp_path: Path) -> None:
    """A deals: export with a stage the playbook lacks still previews, and the warning reaches the report.

    (A row that cannot be read at all is an error: the preview then keeps the last good version.)"""
    from playbookgen.serve import render_preview

    root = make_project({
        "playbook/playbook.yml": """
            title: Test playbook
            language: en
            stages: [first, second]
            deals:
              file: deals.csv
              format: csv
        """,
        "deals.csv": "deal_id,stage,entered_at\nd1,First,2024-01-01\nd1,Secnd,2024-01-05\nd2,First,2024-01-02\n",
    })
    preview = render_preview(root, tmp_path / "work")
    bad = [d for d in preview.warnings if d.file == "deals.csv"]
    assert [(d.line, d.column, d.code) for d in bad] == [(3, 2, "deals-unknown-stage")], \
        [d.format() for d in preview.warnings]
    assert "'Secnd'" in bad[0].message and "if it is stage 'Second'" in bad[0].message


def _save(path: Path, text: str) -> None:
    """Save as editors do: the whole new file under a temporary name, then renamed over the old one."""
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def test_each_save_is_one_rebuild(make_project) -> None:
    """One watcher (ours) renders and then asks the dev server for the rebuild: MkDocs does not watch the
    rendered files too, so a save never rebuilds twice (once for some files, again for the rest)."""
    root = make_project()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "playbookgen", "serve", str(root), "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=dict(os.environ, PLAYBOOKGEN_CACHE_DIR=str(root.parent / "serve-cache")),
    )
    output = Output(server)
    stage = root / "stages/01-first.yml"
    try:
        deadline = time.monotonic() + SERVE_TIMEOUT
        url = f"http://127.0.0.1:{port}/stages/first.html"
        wait_for(url, "The first stage.", deadline)
        original = stage.read_text(encoding="utf-8")
        for number in range(1, 4):
            _save(stage, original.replace("The first stage.", f"Edit number {number}."))
            wait_for(url, f"Edit number {number}.", deadline)
    finally:
        server.terminate()
        server.wait(timeout=30)
    output.thread.join(timeout=10)
    lines = output.text().splitlines()
    assert sum("Documentation built in" in line for line in lines) == 1 + 3, output.text()
    assert sum("Detected file changes" in line for line in lines) == 3
