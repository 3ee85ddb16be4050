"""A new user's first hour, end to end: init, copy a template, edit it, preview it (a broken edit
shows in the page, and goes once fixed), then build with the team's logo and a CNAME."""

from __future__ import annotations

import time

import pytest

from conftest import run_cli
from test_serve import SERVE_TIMEOUT, wait_for
from test_serve_problems import _start_serve, _stop

pytestmark = pytest.mark.browser

LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><circle cx="4" cy="4" r="4"/></svg>\n'
# No glossary term in the line: a term's first use on a page carries its tooltip (<abbr>), which splits the text.
TEAM_LINE = "Ask your manager before you move anything on."


def test_init_copy_edit_preview_fix_build(chromium, tmp_path, screenshot) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    project = tmp_path / "acme-playbook"
    assert run_cli("init", project, "--starter", "minimal-4", "--language", "en").exit_code == 0
    copied = run_cli("templates", "copy", "stage.md.j2", "--dir", project)
    assert copied.stdout.strip() == "copied templates/site/stage.md.j2"
    template = project / "templates/site/stage.md.j2"
    ours = template.read_text(encoding="utf-8")
    stamp, body = ours.split("\n", 1)  # the first line says which version of ours this is
    edited = f"{stamp}\n" + body.replace("\n", f"\n\n{TEAM_LINE}\n", 1)  # the team's line under the title
    template.write_text(edited, encoding="utf-8")

    server, output, base, temp = _start_serve(project, tmp_path)
    try:
        page = base + "stages/lead-generation.html"
        wait_for(page, TEAM_LINE, time.monotonic() + SERVE_TIMEOUT)
        driver = chromium()
        driver.get(page)
        assert TEAM_LINE in driver.find_element(By.CSS_SELECTOR, "article").text

        template.write_text(edited.replace(TEAM_LINE, TEAM_LINE + " {% if %}"), encoding="utf-8")  # a slip

        def box(d):
            """The problem box's text while it is shown, else None; read in one go, inside the wait."""
            found = d.find_elements(By.ID, "playbookgen-problems")
            return found[0].text if found and found[0].is_displayed() else None

        # serve reloads the page when a rebuild lands, which can fall between finding an element and
        # reading it: such a read is stale, and the wait asks again rather than failing.
        def wait(condition, message):
            return WebDriverWait(driver, SERVE_TIMEOUT, ignored_exceptions=(StaleElementReferenceException,)).until(
                condition, message)

        shown = wait(box, "the broken template never showed in the page")
        screenshot(driver, "new-user-broken-template")
        assert "templates/site/stage.md.j2:4:1: error:" in shown and "[template-syntax]" in shown

        template.write_text(edited, encoding="utf-8")  # fixed
        wait(lambda d: box(d) is None, "the box stayed after the fix")
        wait(lambda d: TEAM_LINE in d.find_element(By.CSS_SELECTOR, "article").text, "the page lost the team's line")
    finally:
        assert _stop(server) == 0, output.text()
    assert list(temp.iterdir()) == []

    (project / "assets").mkdir()
    (project / "assets/acme-logo.svg").write_bytes(LOGO)
    (project / "mkdocs.yml").write_text("theme:\n  logo: assets/acme-logo.svg\n", encoding="utf-8")
    (project / "site-root").mkdir()
    (project / "site-root/CNAME").write_text("playbook.acme.example\n", encoding="utf-8")
    built = run_cli("build", project, "--no-pdf")
    assert built.exit_code == 0, built.stderr
    site = project / "site"
    assert (site / "assets/acme-logo.svg").read_bytes() == LOGO
    assert (site / "CNAME").read_text(encoding="utf-8") == "playbook.acme.example\n"
    assert TEAM_LINE in (site / "stages/lead-generation.html").read_text(encoding="utf-8")
