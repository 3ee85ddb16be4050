"""`values_are_examples`: placeholder probabilities and stall limits are labelled as example values on the
site, on the printable checklists and in the CRM exports, and are shown as the team's own without it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import MINIMAL_PLAYBOOK, build_file_tree, run_cli
from playbookgen.checklist_printing import make_checklists
from playbookgen.export import EXAMPLES_NOTE, export_project
from playbookgen.project import validate_project
from playbookgen.render.site import render_site

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def _project_files(examples: bool | None, language: str = "en") -> dict[str, str]:
    files = dict(MINIMAL_PLAYBOOK)
    flag = "" if examples is None else f"values_are_examples: {'true' if examples else 'false'}\n"
    files["playbook/playbook.yml"] = f"title: Test playbook\nlanguage: {language}\n{flag}stages: [first, second]\n"
    files["stages/01-first.yml"] = f"""
        id: first
        name: 'First {EVIL}'
        summary: 'The first stage {EVIL}.'
        probability: 10
        max_days: 30
        exit_criteria:
          - 'Budget confirmed {EVIL}'
        techniques: [cold-calling]
    """
    return files


def _load(root: Path):
    project, diagnostics = validate_project(root)
    assert project is not None, [d.format() for d in diagnostics]
    return project


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(("language", "mark", "note"), [
    ("en", "(example value)", "example values until the team sets its own"),
    ("pl", "(wartość przykładowa)", "wartości przykładowe, dopóki zespół nie ustawi własnych"),
])
def test_the_library_labels_every_figure_on_the_site_and_the_checklists(
        tmp_path: Path, language: str, mark: str, note: str) -> None:
    project = _load(build_file_tree(tmp_path, _project_files(True, language)))
    pages = render_site(project).pages
    home, stage = pages["index.md"], pages["stages/first.md"]
    # One mark per stage line that shows figures (the words around the days may be ordered either way).
    assert re.search(rf"10%[^\n]*30[^\n]*{re.escape(mark)}\n", home) and re.search(rf"50%[^\n]*{re.escape(mark)}\n", home)
    assert re.search(r"\*(Procenty|The percentages)[^\n]*\*\n\n<div class=\"pb-pipeline\"", home)
    assert stage.count(mark) == 2 and note in stage
    assert "limit are our team" not in stage and "ustawienia naszego" not in stage
    # The second stage has a probability but no limit: only the probability is marked.
    assert pages["stages/second.md"].count(mark) == 1
    files, _ = make_checklists(project, pdfs=False)
    sheet = _text(files["checklists/first.html"].decode())
    examples = "(example values)" if language == "en" else "(wartości przykładowe)"
    assert re.search(r"(Win probability|Prawdopodobieństwo wygranej): 10% · (Stall limit|Limit czasu na etapie): 30 "
                     rf"(days|dni) {re.escape(examples)}", sheet), sheet


@pytest.mark.parametrize("examples", [False, None])
def test_without_the_setting_the_figures_are_the_teams_own(tmp_path: Path, examples: bool | None) -> None:
    project = _load(build_file_tree(tmp_path, _project_files(examples)))
    pages = render_site(project).pages
    assert "example value" not in pages["index.md"] + pages["stages/first.md"]
    assert re.search(r"moves on\\\.\n\n<div class=\"pb-pipeline\"", pages["index.md"])  # the intro stays a paragraph
    assert "the stall limit are our team" in pages["stages/first.md"]
    files, _ = make_checklists(project, pdfs=False)
    sheet = _text(files["checklists/first.html"].decode())
    assert "Win probability: 10% · Stall limit: 30 days" in sheet and "example value" not in sheet
    for fmt in ("salesforce", "hubspot", "pipedrive", "csv"):
        export = export_project(project, fmt)
        assert EXAMPLES_NOTE not in export.notes
        assert not any(b"example value" in data for data in export.files.values()), fmt


def test_the_cli_build_labels_the_pages_and_keeps_yaml_text_escaped(tmp_path: Path) -> None:
    root = build_file_tree(tmp_path / "pb", _project_files(True))
    site = tmp_path / "site"
    result = run_cli("build", root, "--site-dir", site)
    assert result.exit_code == 0, result.stdout + result.stderr
    for page in ("index.html", "stages/first.html", "checklists/first.html", "checklists/all.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert "example value" in html, page
        assert "<script>alert" not in html and "<img src=x" not in html, page
        assert "&lt;script&gt;" in html, page


@pytest.mark.parametrize("fmt", ["salesforce", "hubspot", "pipedrive", "csv"])
def test_the_cli_export_says_so_on_stderr_and_salesforce_in_a_comment(tmp_path: Path, fmt: str) -> None:
    root = build_file_tree(tmp_path / "pb", _project_files(True, "pl"))
    out = tmp_path / "out"
    result = run_cli("export", "--to", fmt, root, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "example values" in result.stderr and "values_are_examples" in result.stderr
    if fmt != "salesforce":
        return
    text = (out / "standardValueSets/OpportunityStage.standardValueSet").read_text(encoding="utf-8")
    comment = re.search(r"<!--(.*?)-->", text, re.DOTALL)
    assert comment is not None and "wartości przykładowe" in comment.group(1)
    # The comment changes nothing a deploy reads: the values are those of the playbook.
    values = ET.fromstring(text).findall("{http://soap.sforce.com/2006/04/metadata}standardValue")
    assert [v.findtext("{http://soap.sforce.com/2006/04/metadata}probability") for v in values][:2] == ["10", "50"]


def test_the_shipped_playbooks_say_their_values_are_examples(tmp_path: Path) -> None:
    from conftest import REPO
    from playbookgen.starters import init_project

    assert _load(REPO).playbook.values_are_examples
    for language in ("pl", "en"):
        init_project(tmp_path / language, "minimal-4", language)
        assert _load(tmp_path / language).playbook.values_are_examples, language


def test_the_repository_sites_health_page_and_stage_panels_say_so(repo_site: Path) -> None:
    health = _text((repo_site / "health.html").read_text(encoding="utf-8"))
    assert "Prawdopodobieństwa i limity czasu w playbooku to wciąż wartości przykładowe" in health
    stage = _text((repo_site / "stages/poszukiwanie.html").read_text(encoding="utf-8"))
    assert "10% (wartość przykładowa)" in stage and "30 dni (wartość przykładowa)" in stage
