"""`playbookgen build`: a small playbook in, a static offline site out, and the old site safe on failure."""

from __future__ import annotations

import importlib.util
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import count_calls, read_tree, run_cli
from playbookgen.build import SITE_MARKER, build_site

XSS = {
    "stages/01-first.yml": """
        id: first
        name: "</title><script>alert(1)</script>"
        summary: "<img src=x onerror=alert(1)> [x](javascript:alert(1))"
        description: |
          <script>alert(1)</script> and <img src=x onerror=alert(1)>

          [click](javascript:alert(1)) and <a href="javascript:alert(1)">raw</a>
        probability: 10
        exit_criteria:
          - text: "<img src=x onerror=alert(1)>"
            evidence: "[x](javascript:alert(1))"
        challenges:
          - name: "<script>alert(1)</script>"
            description: "[x](javascript:alert(1)) <b onmouseover=alert(1)>b</b>"
            remedy: "<script>alert(1)</script>"
        techniques: [cold-calling]
        questions: ["<svg onload=alert(1)>"]
    """,
    "playbook/techniques.yml": """
        techniques:
          - id: cold-calling
            name: "<img src=x onerror=alert(1)>"
            summary: "[x](javascript:alert(1))"
            description: "<iframe src=javascript:alert(1)></iframe>"
    """,
    "playbook/guides/10-guide.md": (
        "# Guide <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) <javascript:alert(1)>\n"
    ),
}


class LiveHtml(HTMLParser):
    """Everything in a page that a browser would run: script text, on* handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in {"href", "src", "action", "formaction", "xlink:href"} and value.replace(" ", "").startswith(("javascript:", "data:text")):
                self.problems.append(f"<{tag} {name}={value}>")
            if tag in {"img", "iframe", "svg"} and "alert" in value:
                self.problems.append(f"<{tag} {name}={value}>")
        if tag in {"iframe", "object", "embed"}:
            self.problems.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert" in data:
            self.problems.append(f"<script>{data[:40]}")


def live_problems(site: Path) -> dict[str, list[str]]:
    found = {}
    for page in sorted(site.rglob("*.html")):
        parser = LiveHtml()
        parser.feed(page.read_text(encoding="utf-8"))
        if parser.problems:
            found[page.relative_to(site).as_posix()] = parser.problems
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal playbook, built once through the CLI; shared by the read-only tests."""
    from conftest import MINIMAL_PLAYBOOK, build_file_tree

    root = build_file_tree(tmp_path_factory.mktemp("built") / "project", dict(MINIMAL_PLAYBOOK))
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 0, result.stderr
    return root / "site"


def test_build_makes_every_page_with_a_marker(built: Path) -> None:
    for page in ("index.html", "start-here.html", "stages/first.html", "stages/second.html", "techniques.html",
                 "checklists/first.html", "sitemap.xml", "search/search_index.js"):
        assert (built / page).is_file(), page
    assert (built / SITE_MARKER).read_text().startswith("# Built by playbookgen")
    stage = (built / "stages/first.html").read_text()
    assert 'type="checkbox"' in stage and "Budget confirmed" in stage
    assert 'href="../checklists/first.html"' in stage


def test_site_is_offline(built: Path) -> None:
    for page in built.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, page
        assert "cdn.jsdelivr" not in text and "unpkg.com" not in text, page
    # Search from file:// URLs: the index as a script, and the worker shim shipped, not fetched.
    assert (built / "search/search_index.js").read_text().startswith("var __index = ")
    assert 'src="assets/javascripts/iframe-worker.js"' in (built / "index.html").read_text()
    assert 'src="../assets/javascripts/iframe-worker.js"' in (built / "stages/first.html").read_text()


def test_no_yaml_text_becomes_live_html(make_project) -> None:
    root = make_project(XSS)
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 0, result.stderr
    assert live_problems(root / "site") == {}
    stage = (root / "site/stages/first.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in stage  # shown as text, not dropped silently


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_a_hostile_title_is_text_in_either_engine(make_project, engine: str, require_tool) -> None:
    """The playbook's title becomes the site name, which the theme prints in <title>, the header and the nav."""
    if engine == "zensical" and importlib.util.find_spec("zensical") is None:
        require_tool("zensical is not installed (pip install 'playbookgen[zensical]')")
    title = "</title><script>alert(1)</script><img src=x onerror=alert(1)>"
    root = make_project(XSS | {"playbook/playbook.yml": f"""
        title: "{title}"
        description: "<script>alert(1)</script>"
        language: en
        stages: [first, second]
    """})
    result = run_cli("build", root, "--no-pdf", "--engine", engine)
    assert result.exit_code == 0, result.stderr
    assert live_problems(root / "site") == {}
    home = (root / "site/index.html").read_text(encoding="utf-8")
    assert "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in home  # shown as text, not dropped silently


def test_a_team_theme_folder_joins_ours_and_keeps_titles_escaped(make_project) -> None:
    root = make_project(XSS | {
        "mkdocs.yml": "theme:\n  custom_dir: theme\n",
        "theme/main.html": '{% extends "base.html" %}\n{% block announce %}Team banner{% endblock %}\n',
        "theme/partials/copyright.html": "<div>Team copyright</div>\n",
        "theme/assets/images/team-logo.png": b"\x89PNG\r\n\x1a\n not really",
    })
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 0, result.stderr
    stage = (root / "site/stages/first.html").read_text(encoding="utf-8")
    assert "Team banner" in stage and "Team copyright" in stage  # their blocks and partials
    assert "<title>&lt;/title&gt;&lt;script&gt;" in stage  # our title fix still in the chain
    assert live_problems(root / "site") == {}
    assert (root / "site/assets/images/team-logo.png").read_bytes().startswith(b"\x89PNG")


def test_a_team_404_page_replaces_ours(make_project) -> None:
    root = make_project({"mkdocs.yml": "theme:\n  custom_dir: theme\n",
                         "theme/404.html": '{% extends "main.html" %}\n{% block content %}Team 404{% endblock %}\n'})
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 0, result.stderr
    page = (root / "site/404.html").read_text(encoding="utf-8")
    assert "Team 404" in page and "Page not found" not in page


def test_our_main_html_no_longer_chaining_a_team_main_html_fails_loudly(make_project, monkeypatch) -> None:
    """with_team_theme edits our main.html's extends line; if our override changes, that is our bug, said plainly."""
    from playbookgen.engines import work_folder

    ours = work_folder.theme_overrides()
    changed = ours["main.html"].replace('{% extends "playbookgen-theme.html" %}', '{% extends "base.html" %}')
    monkeypatch.setattr(work_folder, "theme_overrides", lambda: {**ours, "main.html": changed})
    root = make_project({"mkdocs.yml": "theme:\n  custom_dir: theme\n",
                         "theme/main.html": '{% extends "base.html" %}\n{% block announce %}Team{% endblock %}\n'})
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 70, result.stderr
    assert ("internal error: engines/overrides/main.html no longer contains "
            "'{% extends \"playbookgen-theme.html\" %}'") in result.stderr
    assert "Traceback" not in result.stderr and not (root / "site").exists()


@pytest.mark.parametrize(("files", "expected"), [
    ({"mkdocs.yml": "theme:\n  custom_dir: nope\n"},
     "mkdocs.yml:1:1: error: theme.custom_dir 'nope' is not a folder in the project [mkdocs-custom-dir]"),
    ({"mkdocs.yml": "theme:\n  custom_dir: theme\n", "theme/main.html": "<html>{% block content %}{% endblock %}</html>"},
     'theme/main.html:1:1: error: a main.html override must start with {% extends "base.html" %}, so that '
     "playbookgen's escaping of titles stays in the template chain [mkdocs-custom-dir]"),
])
def test_a_team_theme_folder_we_cannot_join_is_an_error(make_project, files, expected: str) -> None:
    root = make_project(files)
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 1
    assert expected in result.stderr.splitlines()
    assert not (root / "site").exists()


def test_two_builds_are_byte_identical(make_project, tmp_path: Path) -> None:
    root = make_project({"playbook/guides/10-a.md": "# A\n\nText.\n"})
    env = dict(os.environ)
    try:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
        build_site(root, tmp_path / "one", pdfs=False)
        build_site(root, tmp_path / "two", pdfs=False)
    finally:
        os.environ.clear()
        os.environ.update(env)
    one, two = read_tree(tmp_path / "one"), read_tree(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []


def test_a_failed_build_leaves_the_last_good_site(make_project) -> None:
    root = make_project()
    assert run_cli("build", root, "--no-pdf").exit_code == 0
    before = read_tree(root / "site")
    (root / "stages/01-first.yml").write_text("id: first\nname: [unclosed\n")
    bad_yaml = run_cli("build", root, "--no-pdf")
    assert bad_yaml.exit_code == 1
    assert "stages/01-first.yml:" in bad_yaml.stderr
    assert read_tree(root / "site") == before
    (root / "stages/01-first.yml").write_text("id: first\nname: First\nsummary: S.\nexit_criteria: [x]\n")
    (root / "templates/site").mkdir(parents=True)
    (root / "templates/site/index.md.j2").write_text("{{ missing_variable }}\n")
    assert run_cli("build", root, "--no-pdf").exit_code == 1
    assert read_tree(root / "site") == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".site.")] == []  # staging cleaned up


def test_an_engine_failure_leaves_the_last_good_site(make_project) -> None:
    root = make_project()
    assert run_cli("build", root, "--no-pdf").exit_code == 0
    before = read_tree(root / "site")
    (root / "mkdocs.yml").write_text("theme:\n  name: no-such-theme\n")
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 1
    assert "mkdocs build failed" in result.stderr
    assert read_tree(root / "site") == before


def test_a_folder_we_did_not_make_is_refused(make_project, tmp_path: Path) -> None:
    root = make_project()
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.docx").write_bytes(b"precious")
    result = run_cli("build", root, "--site-dir", foreign, "--no-pdf")
    assert result.exit_code == 2
    assert "refusing to replace" in result.stderr and "thesis.docx" in result.stderr
    assert read_tree(foreign) == {"thesis.docx": b"precious"}


def test_a_file_added_to_our_site_is_not_deleted(make_project) -> None:
    root = make_project()
    assert run_cli("build", root, "--no-pdf").exit_code == 0
    (root / "site/notes.txt").write_text("mine")
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 2 and "notes.txt" in result.stderr
    assert (root / "site/notes.txt").read_text() == "mine"


def test_a_broken_link_warns_and_fails_strict(make_project) -> None:
    root = make_project({"playbook/guides/10-links.md": "# Links\n\n[gone](../nowhere.md) [ok](../index.md)\n"})
    relaxed = run_cli("build", root, "--no-pdf")
    assert relaxed.exit_code == 0
    assert "nowhere" in relaxed.stderr
    strict = run_cli("build", root, "--no-pdf", "--strict")
    assert strict.exit_code == 1
    assert "nowhere" in strict.stderr


def test_polish_playbook_gets_polish_labels(make_project) -> None:
    root = make_project({"playbook/playbook.yml": "title: Nasz playbook\nlanguage: pl\nstages: [first, second]\n"})
    result = build_site(root, pdfs=False)
    stage = (result.site_dir / "stages/first.html").read_text()
    assert "Kryteria wyjścia" in stage and "Następny etap" in stage
    assert '<html lang="pl"' in (result.site_dir / "index.html").read_text()


def test_the_palette_stylesheet_loses_only_its_switching_rule(built: Path) -> None:
    """The theme's own palette stylesheet, but for the one rule blanked out (engines/theme_assets.py)."""
    import material

    ours = sorted(built.glob("assets/stylesheets/palette.*.min.css"))
    assert len(ours) == 1
    theirs = (Path(material.__file__).parent / "templates" / ours[0].relative_to(built)).read_text(encoding="utf-8")
    text = ours[0].read_text(encoding="utf-8")
    assert "[data-md-color-switching] *" in theirs and "data-md-color-switching" not in text
    assert len(text) == len(theirs)  # the source map still lines up
    start = next(i for i, (a, b) in enumerate(zip(text, theirs, strict=False)) if a != b)
    end = len(text) - next(i for i, (a, b) in enumerate(zip(reversed(text), reversed(theirs), strict=False)) if a != b)
    assert text[start:end].startswith("/* playbookgen:") and text[start:end].endswith("*/")
    assert theirs[start:end].startswith("[data-md-color-switching] *")


def test_the_site_gets_the_printed_checklists_and_its_pages_link_the_pdfs(make_project) -> None:
    """The engine builds while the checklists print, from empty stand-ins: the site must hold the printed files."""
    pytest.importorskip("weasyprint")
    from playbookgen.checklist_printing import make_checklists
    from playbookgen.project import load_project

    root = make_project()
    result = run_cli("build", root)
    assert result.exit_code == 0, result.stderr
    project, _ = load_project(root, history=True)
    files, _ = make_checklists(project, pdfs=True, paper=project.playbook.paper, in_site=True)
    assert {name for name in files if name.endswith(".pdf")} == {"checklists/first.pdf", "checklists/second.pdf",
                                                                 "checklists/all.pdf"}
    site = root / "site"
    assert [name for name, data in files.items() if (site / name).read_bytes() != data] == []
    assert 'href="../checklists/first.pdf"' in (site / "stages/first.html").read_text()


def test_without_pdfs_the_engine_runs_once_while_the_checklists_are_made(make_project, monkeypatch) -> None:
    """--no-pdf: the engine is given the checklist pages as stand-ins too, and the site holds the pages made."""
    from playbookgen import build
    from playbookgen.checklist_printing import make_checklists
    from playbookgen.project import load_project

    started = count_calls(monkeypatch, build, "_start_engine")
    root = make_project()
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 0, result.stderr
    assert len(started) == 1  # the pages made are the pages planned: no second build
    project, _ = load_project(root, history=True)
    files, _ = make_checklists(project, pdfs=False, paper=project.playbook.paper, in_site=True)
    site = root / "site"
    assert sorted(files) == sorted(p.relative_to(site).as_posix() for p in (site / "checklists").iterdir())
    assert [name for name, data in files.items() if (site / name).read_bytes() != data] == []


def test_a_sheet_weasyprint_cannot_print_leaves_its_pdf_and_the_link_to_it_out(make_project, monkeypatch) -> None:
    """Pages are rendered before the sheets print, as if every PDF will be there: one missing, they are redone."""
    pytest.importorskip("weasyprint")
    from playbookgen import checklist_printing, printing

    real_print = checklist_printing.print_html

    def failing_print(html: str, print_css: str, fonts: object = None, **options: bool) -> printing.Printed:
        if "<title>Second" in html:
            return printing.Printed(html, None, error="RuntimeError: no paper left")
        return real_print(html, print_css, fonts, **options)

    monkeypatch.setattr(checklist_printing, "print_html", failing_print)
    root = make_project()
    result = run_cli("build", root)
    assert result.exit_code == 0, result.stderr
    assert "checklists/second.pdf skipped: WeasyPrint failed on checklists/second.html" in result.stderr
    site = root / "site"
    assert not (site / "checklists/second.pdf").exists() and (site / "checklists/first.pdf").stat().st_size > 0
    assert "second.pdf" not in (site / "stages/second.html").read_text()
    assert 'href="../checklists/first.pdf"' in (site / "stages/first.html").read_text()
    assert (site / "checklists/second.html").stat().st_size > 0
