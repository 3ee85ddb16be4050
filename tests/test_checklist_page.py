"""The checklist page in the site: a browser-tab icon of its own, a description, a way back to its
stage; and the site's PDFs on the playbook's paper, as `checklists` makes them (issue 23, #7)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import MINIMAL_PLAYBOOK, run_cli

LETTER = {"playbook/playbook.yml": MINIMAL_PLAYBOOK["playbook/playbook.yml"].rstrip() + "\n        paper: letter\n"}
POINTS = {"a4": (595, 842), "letter": (612, 792)}


def _head(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text[:text.index("</head>")]


def _links(page: Path) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a href="([^"]+)"', page.read_text(encoding="utf-8"))]


def test_a_checklist_page_in_the_site_has_an_icon_a_description_and_a_link_to_its_stage(make_project, tmp_path):
    site = tmp_path / "site"
    result = run_cli("build", make_project(), "--site-dir", site, "--no-pdf")
    assert result.exit_code == 0, result.stderr
    page = site / "checklists/second.html"
    head = _head(page)
    icon = re.search(r'<link rel="icon" href="(data:image/svg\+xml,[^"]+)">', head)
    assert icon, head  # inside the page: no request for /favicon.ico, no 404 in the console
    description = re.search(r'<meta name="description" content="([^"]+)">', head)
    assert description and "The second stage." in html.unescape(description.group(1))
    back = [href for href in _links(page) if href.startswith("../")]
    assert back == ["../stages/second.html"]
    assert (page.parent / back[0]).resolve().is_file()  # the stage page the link names exists
    index = site / "checklists/index.html"
    assert 'name="description"' in _head(index) and 'rel="icon"' in _head(index)
    assert "../index.html" in _links(index) and (site / "index.html").is_file()
    assert 'rel="icon"' in _head(site / "checklists/all.html")


def test_checklists_on_their_own_link_to_no_site(make_project, tmp_path):
    out = tmp_path / "out"
    assert run_cli("checklists", make_project(), "-o", out).exit_code == 0
    page = out / "checklists/second.html" if (out / "checklists").is_dir() else out / "second.html"
    assert 'rel="icon"' in _head(page) and 'name="description"' in _head(page)
    assert not [href for href in _links(page) if href.startswith("../")]  # nothing to go back to


def test_build_makes_the_checklists_on_the_paper_playbook_yml_names(make_project, tmp_path):
    site = tmp_path / "site"
    assert run_cli("build", make_project(LETTER), "--site-dir", site, "--no-pdf").exit_code == 0
    assert "size: letter;" in (site / "checklists/first.html").read_text(encoding="utf-8")
    a4 = tmp_path / "a4"
    assert run_cli("build", make_project(), "--site-dir", a4, "--no-pdf").exit_code == 0
    assert "size: A4;" in (a4 / "checklists/first.html").read_text(encoding="utf-8")


def test_the_checklists_command_takes_the_paper_from_playbook_yml_unless_told(make_project, tmp_path):
    project = make_project(LETTER)
    for args, size in (((), "letter"), (("--paper", "a4"), "A4")):
        out = tmp_path / f"out-{size}"
        assert run_cli("checklists", project, "-o", out, *args).exit_code == 0
        assert f"size: {size};" in next(out.rglob("first.html")).read_text(encoding="utf-8")


def test_a_paper_playbook_yml_does_not_know_is_an_error_at_its_line(make_project):
    bad = {"playbook/playbook.yml": MINIMAL_PLAYBOOK["playbook/playbook.yml"].rstrip() + "\n        paper: a5\n"}
    result = run_cli("validate", make_project(bad))
    assert result.exit_code == 1
    assert "playbook/playbook.yml:4:" in result.stdout and "paper" in result.stdout


@pytest.mark.pdf
def test_the_sites_pdfs_are_letter_when_playbook_yml_says_so(make_project, tmp_path):
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    site = tmp_path / "site"
    result = run_cli("build", make_project(LETTER), "--site-dir", site)
    assert result.exit_code == 0, result.stderr
    reader = pypdf.PdfReader(site / "checklists/second.pdf")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == POINTS["letter"]
    assert "Stage page" not in reader.pages[0].extract_text()  # the way back is for the screen only
