"""`playbookgen serve` shows the playbook's problems on the page being previewed, and leaves nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from playbookgen.render.preview import problems_box
from test_serve import SERVE_TIMEOUT, Output, free_port, wait_for

POLISH = {"playbook/playbook.yml": "title: Playbook testowy\nlanguage: pl\nstages: [first, second]\n"}
BROKEN_STAGE = """id: first
name: First
summary: The first stage.
exit_criteria: [Budget confirmed]
techniques: [cold-calling]
"<img src=x onerror=alert(1)>": 1
"""


def _start_serve(root: Path, tmp_path: Path) -> tuple[subprocess.Popen[str], Output, str, Path]:
    """`playbookgen serve` in a child with a temporary folder of its own, to see what it leaves there."""
    port = free_port()
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = dict(os.environ, TMPDIR=str(temp), PLAYBOOKGEN_CACHE_DIR=str(tmp_path / "cache"))
    command = [sys.executable, "-m", "playbookgen", "serve", str(root), "--dev-addr", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    return server, Output(server), f"http://127.0.0.1:{port}/", temp


def _stop(server: subprocess.Popen[str]) -> int:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
    try:
        return server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        pytest.fail("serve did not stop on SIGTERM")


@pytest.mark.browser
def test_a_broken_edit_shows_on_the_open_page_and_clears_when_fixed(chromium, make_project, tmp_path, screenshot):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    root = make_project(POLISH)
    stage = root / "stages/01-first.yml"
    good = stage.read_text(encoding="utf-8")
    server, output, base, _ = _start_serve(root, tmp_path)
    try:
        deadline = time.monotonic() + SERVE_TIMEOUT
        wait_for(base + "stages/first.html", "The first stage.", deadline)
        driver = chromium()
        driver.get(base + "stages/first.html")
        assert driver.find_elements(By.ID, "playbookgen-problems") == []

        def box(d):
            found = d.find_elements(By.ID, "playbookgen-problems")
            return found[0] if found and found[0].is_displayed() else None

        # serve reloads the page when a rebuild lands, which can fall between finding the box and asking
        # whether it is shown: that read is stale, and the wait asks again rather than failing.
        wait = WebDriverWait(driver, SERVE_TIMEOUT, ignored_exceptions=(StaleElementReferenceException,))

        stage.write_text(BROKEN_STAGE, encoding="utf-8")  # the page is not reloaded by the test: serve does it
        shown = wait.until(box, "the problem never showed on the open page")
        screenshot(driver, "serve-problem-box")
        assert "Podgląd nie jest aktualny" in shown.text  # in the playbook's language
        assert "Błędy: 1, ostrzeżenia: 0" in shown.text
        assert "stages/01-first.yml:6:1: error: unknown field '<img src=x onerror=alert(1)>'" in shown.text
        assert shown.find_elements(By.TAG_NAME, "img") == []  # the YAML's text stayed text
        assert "The first stage." in driver.find_element(By.CSS_SELECTOR, "article").text  # the last good page

        stage.write_text(good, encoding="utf-8")
        wait.until(lambda d: box(d) is None, "the box stayed after the fix")

        (root / "stages/03-extra.yml").write_text("id: extra\nname: Extra\nsummary: x\nexit_criteria: [x]\n")
        warned = wait.until(box, "a warning was not counted on the page")
        assert warned.get_attribute("data-warnings") == "1" and warned.get_attribute("data-errors") == "0"
        assert "Błędy: 0, ostrzeżenia: 1" in warned.text
    finally:
        _stop(server)
    output.thread.join(timeout=10)
    # The terminal says the same, in cli.py's format.
    assert "stages/01-first.yml:6:1: error: unknown field" in output.text()
    assert "keeping the last good preview" in output.text()


def test_sigterm_stops_serve_and_leaves_no_temporary_folder(make_project, tmp_path) -> None:
    root = make_project()
    server, output, base, temp = _start_serve(root, tmp_path)
    try:
        wait_for(base + "index.html", "Test playbook", time.monotonic() + SERVE_TIMEOUT)
        assert list(temp.iterdir()), "serve works in a temporary folder of its own"
    finally:
        code = _stop(server)
    output.thread.join(timeout=10)
    assert code == 0, output.text()
    assert list(temp.iterdir()) == [], f"left behind: {sorted(p.name for p in temp.iterdir())}"


def test_the_box_escapes_every_line_and_counts() -> None:
    box = problems_box(["a.yml:1:1: error: unknown field '</pre><script>x()</script>'"], 1, 2, "en")
    assert "<script>" not in box and "&lt;/pre&gt;&lt;script&gt;" in box
    assert "Errors: 1, warnings: 2" in box and 'role="alert"' in box
    assert problems_box([], 0, 0, "pl") == ""
