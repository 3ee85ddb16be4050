"""Headings with ', &, " and < read the same in the table of contents as on the page, and their
anchors are slugs of the text, not of an HTML entity (issue 23, #1)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import run_cli

# Each character that HTML escaping touches, alone and next to a Markdown special.
TRICKY = {
    "apostrophe": "It's the customer's call",
    "ampersand": "Terms & conditions #1",
    "quote": 'The "cheap" option',
    "less-than": "Fewer than 5 <people>",
}

_TOC_LINK = re.compile(
    r'<a href="#([^"]*)" class="md-nav__link">\s*<span class="md-ellipsis">\s*(.*?)\s*</span>', re.DOTALL
)


def _toc(page: Path) -> dict[str, str]:
    """The page's table of contents: the text a reader sees for each entry -> its anchor."""
    text = page.read_text(encoding="utf-8")
    return {html.unescape(re.sub(r"<[^>]+>", "", label)).strip(): anchor for anchor, label in _TOC_LINK.findall(text)}


def _project(make_project) -> Path:
    challenges = "\n".join(f"          - name: '{t.replace(chr(39), chr(39) * 2)}'\n            remedy: Ask." for t in TRICKY.values())
    objections = "\n".join(
        f"          - id: obj-{key}\n            category: Price\n            objection: '{text.replace(chr(39), chr(39) * 2)}'\n"
        "            response: Listen first."
        for key, text in TRICKY.items()
    )
    return make_project({
        "stages/01-first.yml": f"""
        id: first
        name: First
        summary: The first stage.
        probability: 10
        exit_criteria:
          - Budget confirmed
        techniques: [cold-calling]
        challenges:
{challenges}
        """,
        "playbook/objections.yml": f"""
        objections:
{objections}
        """,
    })


@pytest.mark.parametrize("key", sorted(TRICKY))
def test_a_heading_reads_the_same_in_the_toc_and_its_anchor_is_a_slug(make_project, tmp_path, key):
    project = _project(make_project)
    site = tmp_path / "site"
    result = run_cli("build", project, "--site-dir", site, "--no-pdf")
    assert result.exit_code == 0, result.stdout + result.stderr
    text = TRICKY[key]

    stage_toc = _toc(site / "stages" / "first.html")
    assert text in stage_toc, sorted(stage_toc)
    anchor = stage_toc[text]  # a challenge heading: the toc extension slugs its text
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", anchor), anchor
    assert "x27" not in anchor and "quot" not in anchor and "amp" not in anchor and "lt" not in anchor.split("-")
    assert f'id="{anchor}"' in (site / "stages" / "first.html").read_text(encoding="utf-8")

    objections_toc = _toc(site / "objections.html")
    assert objections_toc.get(text) == f"objection-obj-{key}", sorted(objections_toc)


def test_the_english_starter_objections_toc_has_no_entity_text(tmp_path):
    assert run_cli("init", tmp_path / "acme", "--language", "en").exit_code == 0
    site = tmp_path / "site"
    result = run_cli("build", tmp_path / "acme", "--site-dir", site, "--no-pdf")
    assert result.exit_code == 0, result.stdout + result.stderr
    toc = _toc(site / "objections.html")
    assert "It's too expensive." in toc
    assert not [label for label in toc if "&" in label and "#x" in label]
    page = (site / "stages" / "needs-assessment.html").read_text(encoding="utf-8")
    assert 'id="misunderstanding-the-customers-needs"' in page
