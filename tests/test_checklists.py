"""Printable checklists: a rep prints a stage's page, or the whole pipeline, and takes it to the meeting."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import playbookgen
from conftest import REPO, build_file_tree, count_calls, run_cli
from playbookgen import checklist_printing, fonts, printing
from playbookgen._records import check_record, replace
from playbookgen.checklist_printing import MARKER_NOTE, OUTPUT_MARKER, PDF_HINT, make_checklists
from playbookgen.errors import OutputRefused
from playbookgen.model import Playbook, Project, Stage
from playbookgen.project import validate_project
from playbookgen.render.checklists import LAYOUTS, Book, estimate_layout
from playbookgen.write import replace_folder

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LAST_CHANGED = 1_795_000_000  # 18 November 2026, UTC
STARTERS = REPO / "src" / "playbookgen" / "starters"


# --- building playbooks ------------------------------------------------------------------------


def load_project(root: Path) -> Project:
    """The project in ``root``, loaded and validated as the commands do."""
    project, diagnostics = validate_project(root)
    assert project is not None, [d.format() for d in diagnostics]
    return project


def rich_stage(number: int, **changes: Any) -> Stage:
    """A stage with every field the checklist prints, about as full as a real one."""
    data: dict[str, Any] = {
        "id": f"stage-{number}",
        "name": f"Stage {number}: discovery call",
        "summary": "You learn what the prospect needs, who decides and by when, and agree on the next step.",
        "exit_criteria": [
            {"text": f"Criterion {number}.{i}: the budget range is confirmed by the buyer",
             "evidence": "A note in the CRM quoting the amount the buyer named, with the date of the call."}
            for i in range(1, 5)
        ],
        "questions": [f"Question {i}: what happens if you do nothing this quarter?" for i in range(1, 5)],
        "signals": ["The buyer proposes the next meeting.", "The buyer shares internal documents."],
        "disqualify_when": ["No budget this year.", "Nobody can name the decision maker.", "No pain to solve."],
        "tools": ["CRM"],
    }
    data.update(changes)
    stage, problems = check_record(Stage, data)
    assert stage is not None, problems
    return stage


def project_of(root: Path, stages: list[Stage], language: str = "en", title: str = "Acme sales playbook") -> Project:
    playbook = Playbook(title=title, language=language, stages=[s.id for s in stages])
    return Project(root=root, playbook=playbook, stages=stages, last_changed=LAST_CHANGED)


def default_project() -> Project:
    """The repository's own Polish playbook; seven rich stages until that content exists."""
    if (REPO / "playbook/playbook.yml").is_file():
        return load_project(REPO)
    return project_of(REPO, [rich_stage(n) for n in range(1, 8)], language="pl")


LONG = (
    "When the buyer's procurement department insists on a formal request for proposal, make sure that "
    "the evaluation criteria, the weighting and the timeline are written down and agreed with the "
    "economic buyer, not only with the procurement officer. "
)


def long_stage() -> Stage:
    """A stage written by someone who never stops typing."""
    return rich_stage(
        1,
        name="Negotiation, legal review, security questionnaire and procurement " * 2,
        summary=LONG * 2,
        exit_criteria=[{"text": LONG, "evidence": LONG} for _ in range(6)],
        questions=[LONG for _ in range(6)],
        signals=[LONG for _ in range(4)],
        disqualify_when=[LONG for _ in range(4)],
    )


def render_checklists(project: Project, *, paper: str = "a4", pdfs: bool = False) -> dict[str, bytes]:
    """What the checklist flow makes: the HTML pages, with the PDFs too when ``pdfs``."""
    files, _ = make_checklists(project, pdfs=pdfs, paper=paper)
    return files


# --- reading what came out ---------------------------------------------------------------------


class Elements(HTMLParser):
    """Every start tag and its attributes, as a browser would build elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def elements(html: bytes) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html.decode("utf-8"))
    return parser.tags


def squash(text: str) -> str:
    """Text without whitespace: PDF extraction breaks lines where the layout did."""
    return re.sub(r"\s+", "", text)


def pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def snapshot(pdf: bytes, name: str) -> Path | None:
    """Page 1 as a PNG in tests/artifacts, for a person to look at; None without pdftoppm."""
    if shutil.which("pdftoppm") is None:
        return None
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(ARTIFACTS / name)], check=True)
    source.unlink()
    return ARTIFACTS / f"{name}.png"


pdf = pytest.mark.pdf


def needs_weasyprint() -> None:
    pytest.importorskip("weasyprint")
    pytest.importorskip("pypdf")


# --- HTML --------------------------------------------------------------------------------------


def test_every_stage_gets_a_checklist_an_index_and_a_print_all_page(tmp_path: Path) -> None:
    project = project_of(tmp_path, [rich_stage(n) for n in range(1, 4)])
    files = render_checklists(project)
    assert sorted(files) == sorted(
        ["checklists/stage-1.html", "checklists/stage-2.html", "checklists/stage-3.html",
         "checklists/index.html", "checklists/all.html"]
    )
    links = [attrs.get("href") for tag, attrs in elements(files["checklists/index.html"]) if tag == "a"]
    assert {"stage-1.html", "stage-2.html", "stage-3.html", "all.html"} <= set(links)
    page = files["checklists/stage-2.html"].decode()
    assert "Stage 2: discovery call" in page and "Acme sales playbook" in page
    assert "Stage 2 of 3" in page
    assert page.count('class="box"') == 4 + 2 + 3  # criteria, signals, red flags: CSS boxes, no controls
    assert "<input" not in page
    assert "break-before: page" in files["checklists/all.html"].decode()
    assert files["checklists/all.html"].decode().count('<section class="sheet') == 3


def test_checklists_are_self_contained(tmp_path: Path) -> None:
    files = render_checklists(project_of(tmp_path, [rich_stage(1)]))
    for path, data in files.items():
        tags = elements(data)
        assert all(tag not in {"script", "img", "iframe", "object", "input"} for tag, _ in tags), path
        # The one link: the browser-tab icon, inside the page (a data: address).
        links = [attrs for tag, attrs in tags if tag == "link"]
        assert all(a.get("rel") == "icon" and (a.get("href") or "").startswith("data:image/svg+xml,") for a in links), path
        for _, attrs in tags:
            for name in ("src", "href"):
                assert not (attrs.get(name) or "").startswith(("http:", "https:", "//", "file:")), path
        text = data.decode()
        assert "<script" not in text and "@import" not in text
        # The one URL a page holds is its embedded font, inside the page itself.
        assert text.count("url(") == text.count("url(data:font/woff2;base64,") == 2, path
        assert not re.search(r"https?://", text), path


def test_yaml_text_is_escaped_everywhere(tmp_path: Path) -> None:
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    stage = rich_stage(
        1,
        name=f"Name {evil}",
        summary=f"Summary {evil}",
        exit_criteria=[{"text": f"Text {evil}", "evidence": f"Evidence {evil}"}],
        questions=[f"Question {evil}"],
        signals=[f"Signal {evil}"],
        disqualify_when=[f"Flag {evil}"],
    )
    project = project_of(tmp_path, [stage], title=f"Title {evil}")
    for path, data in render_checklists(project).items():
        tags = elements(data)
        assert not [tag for tag, _ in tags if tag in {"script", "img"}], path
        assert not [name for _, attrs in tags for name in attrs if name.startswith("on")], path
        assert "&lt;script&gt;" in data.decode(), path


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Exit criteria", "Evidence", "Questions to ask", "Red flags", "Deal", "Rep",
                "Last changed: 18 November 2026", "Stage 1 of 1"]),
        ("pl", ["Kryteria wyjścia", "Dowód", "Pytania do klienta", "Sygnały ostrzegawcze", "Lead/transakcja",
                "Handlowiec", "Ostatnia zmiana: 18 listopada 2026", "Etap 1 z 1"]),
    ],
)
def test_labels_and_date_follow_the_playbook_language(tmp_path: Path, language: str, expected: list[str]) -> None:
    page = render_checklists(project_of(tmp_path, [rich_stage(1)], language=language))["checklists/stage-1.html"]
    text = page.decode()
    assert f'<html lang="{language}">' in text
    for label in expected:
        assert label in text


def test_a_sheet_shows_its_stages_own_last_change_when_git_knows_it(tmp_path: Path) -> None:
    """The stage's page says when its file last changed (git); its checklist must say the same day, not the
    playbook's newest change (review 2026-12-06, C17). Without history the playbook's date stays."""
    import dataclasses

    from playbookgen.model import History
    from playbookgen.render.checklists import render_pages, sheets_of

    project = project_of(tmp_path, [rich_stage(1), rich_stage(2)], language="pl")
    first, second = (s.id for s in project.stages)
    project = dataclasses.replace(project, stage_files={first: "stages/01.yml", second: "stages/02.yml"},
                                  history=History((), {"stages/01.yml": LAST_CHANGED - 3 * 86_400}))
    pages = render_pages(Book.of(project, "a4"), sheets_of(project), pdf_links=False)
    assert "Ostatnia zmiana: 15 listopada 2026" in pages[f"checklists/{first}.html"]
    assert "Ostatnia zmiana: 18 listopada 2026" in pages[f"checklists/{second}.html"]  # git does not know it


def test_letter_paper_is_an_option(tmp_path: Path) -> None:
    project = project_of(tmp_path, [rich_stage(1)])
    assert "size: A4;" in render_checklists(project)["checklists/stage-1.html"].decode()
    assert "size: letter;" in render_checklists(project, paper="letter")["checklists/stage-1.html"].decode()


def test_the_index_links_pdfs_only_when_they_are_made(tmp_path: Path) -> None:
    project = project_of(tmp_path, [rich_stage(1)])
    with_pdfs = render_checklists(project, pdfs=True)["checklists/index.html"].decode()
    without = render_checklists(project, pdfs=False)["checklists/index.html"].decode()
    assert 'href="stage-1.pdf"' in with_pdfs and 'href="all.pdf"' in with_pdfs
    assert ".pdf" not in without.replace("playbookgen[pdf]", "")


def test_html_renders_are_identical(tmp_path: Path) -> None:
    project = project_of(tmp_path, [rich_stage(n) for n in range(1, 3)])
    assert render_checklists(project) == render_checklists(project)


def test_without_weasyprint_the_html_builds_and_the_build_says_how_to_get_pdfs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checklist_printing, "pdf_available", lambda: False)
    project = project_of(tmp_path, [rich_stage(1), replace(long_stage(), id="long")])
    files, notes = make_checklists(project, pdfs=True)
    assert "checklists/stage-1.html" in files
    assert "stage-1.pdf" not in files["checklists/index.html"].decode()
    assert "playbookgen[pdf]" in files["checklists/index.html"].decode()
    assert notes == [PDF_HINT] and not [path for path in files if path.endswith(".pdf")]
    assert 'class="sheet density-regular"' in files["checklists/stage-1.html"].decode()
    assert 'class="sheet density-regular"' not in files["checklists/long.html"].decode()


def test_estimated_density_tightens_with_the_amount_of_text() -> None:
    assert estimate_layout(rich_stage(1)).density == "regular"
    assert estimate_layout(long_stage()).density != "regular"


# --- PDF ---------------------------------------------------------------------------------------


def check_pdfs(project: Project, snapshot_name: str | None = None) -> dict[str, bytes]:
    """Build the PDFs and check the promise: one page per stage, every exit criterion on its page."""
    pdfs, notes = make_checklists(project, pdfs=True)
    assert notes == []
    for stage in project.stages:
        pages = pdf_pages(pdfs[f"checklists/{stage.id}.pdf"])
        assert len(pages) == 1, f"{stage.id} spills onto {len(pages)} pages"
        for criterion in stage.exit_criteria:
            assert squash(criterion.text) in squash(pages[0]), (stage.id, criterion.text)
    every = pdf_pages(pdfs["checklists/all.pdf"])
    assert len(every) == len(project.stages)
    for stage, page in zip(project.stages, every, strict=True):
        assert squash(stage.exit_criteria[0].text) in squash(page)
    if snapshot_name:
        for stage in project.stages:
            snapshot(pdfs[f"checklists/{stage.id}.pdf"], f"{snapshot_name}-{stage.id}")
    return pdfs


@pdf
def test_default_playbook_prints_one_page_per_stage() -> None:
    needs_weasyprint()
    project = default_project()
    check_pdfs(project, snapshot_name="checklist")


@pdf
@pytest.mark.parametrize("language", ["en", "pl"])
def test_starter_playbooks_print_one_page_per_stage(language: str) -> None:
    needs_weasyprint()
    check_pdfs(load_project(STARTERS / language), snapshot_name=f"starter-{language}")


@pdf
def test_seven_rich_stages_print_one_page_each(tmp_path: Path) -> None:
    needs_weasyprint()
    check_pdfs(project_of(tmp_path, [rich_stage(n) for n in range(1, 8)], language="pl"))


@pdf
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_long_stage_tightens_instead_of_spilling(tmp_path: Path, paper: str) -> None:
    needs_weasyprint()
    unbroken = rich_stage(3, name="N" * 120, exit_criteria=[{"text": "A" * 300, "evidence": "B" * 300}])
    project = project_of(tmp_path, [long_stage(), rich_stage(2), unbroken])
    pdfs, notes = make_checklists(project, pdfs=True, paper=paper)
    assert 'class="sheet density-regular"' not in pdfs["checklists/stage-1.html"].decode()
    assert notes == []
    counts = [len(pdf_pages(pdfs[f"checklists/{s}.pdf"])) for s in ("stage-1", "stage-2", "stage-3", "all")]
    assert counts == [1, 1, 1, 3]
    assert "A" * 300 in squash(pdf_pages(pdfs["checklists/stage-3.pdf"])[0])
    snapshot(pdfs["checklists/stage-1.pdf"], f"checklist-long-{paper}")


@pdf
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_kept_sheet_also_fits_the_box_of_both_papers(tmp_path: Path, paper: str) -> None:
    """A sheet that fits A4 but not Letter is tightened: the unbroken stage's text is estimated too loose."""
    needs_weasyprint()
    unbroken = rich_stage(3, name="N" * 120, exit_criteria=[{"text": "A" * 300, "evidence": "B" * 300}])
    project = project_of(tmp_path, [rich_stage(2), unbroken])
    files, notes = make_checklists(project, pdfs=True, paper=paper)
    assert notes == []
    print_css = Book.of(project, paper).print_css
    for stage in project.stages:
        html = files[f"checklists/{stage.id}.html"].decode()
        assert printing.count_pages(html, page_size=printing.FIT_BOX, print_css=print_css) == 1, stage.id
    assert printing.count_pages(html, page_size="210mm 100mm", print_css=print_css) > 1  # the box does count


@pdf
def test_each_sheet_is_printed_once_and_its_page_has_the_layout_of_its_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_weasyprint()
    printed: dict[str, bytes | None] = {}
    real_print = checklist_printing.print_html

    def counting_print(html: str, print_css: str, fonts: Any = None, **options: Any) -> printing.Printed:
        result = real_print(html, print_css, fonts, **options)
        assert html not in printed, "the same page was printed twice"
        printed[html] = result.pdf
        return result

    monkeypatch.setattr(checklist_printing, "print_html", counting_print)
    monkeypatch.setattr(printing, "print_html", counting_print)  # print_bound's fallback
    project = project_of(tmp_path, [rich_stage(1), replace(long_stage(), id="long")])
    files, notes = make_checklists(project, pdfs=True)
    assert notes == [] and len(printed) == len(project.stages)  # one print per stage; all.pdf is bound from them
    for name in ("stage-1", "long"):
        assert printed[files[f"checklists/{name}.html"].decode()] == files[f"checklists/{name}.pdf"]


@pdf
def test_a_layout_that_spills_is_laid_out_but_never_drawn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet estimated too loose is laid out again tighter; only the PDFs that are kept are written."""
    needs_weasyprint()
    from weasyprint.document import Document

    written = count_calls(monkeypatch, Document, "write_pdf")
    laid_out = count_calls(monkeypatch, printing, "_document")
    unbroken = rich_stage(3, name="N" * 120, exit_criteria=[{"text": "A" * 300, "evidence": "B" * 300}])
    project = project_of(tmp_path, [rich_stage(2), unbroken])
    assert estimate_layout(project.stages[1]) == LAYOUTS[0]  # estimated loose: it must be tightened
    files, notes = make_checklists(project, pdfs=True)
    assert notes == [] and len(laid_out) > 2  # the unbroken sheet was laid out more than once
    assert [len(document.pages) for document, *_ in written] == [1, 1, 2]  # the sheets kept, all.pdf: no draft


@pdf
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_all_pdf_bound_from_the_sheets_has_the_bytes_of_a_print_of_all_html(tmp_path: Path, paper: str) -> None:
    """all.pdf reuses the sheets' laid-out pages: it must be what printing all.html itself gives, byte for byte,
    with sheets of different densities (the long one is tightened) and with and without evidence."""
    needs_weasyprint()
    plain = rich_stage(2, exit_criteria=[{"text": "Budget confirmed"}])
    project = project_of(tmp_path, [rich_stage(1), replace(long_stage(), id="long"), plain],
                         language="pl")
    files, notes = make_checklists(project, pdfs=True, paper=paper)
    assert notes == []
    alone = printing.print_html(files["checklists/all.html"].decode(), Book.of(project, paper).print_css)
    assert alone.pdf is not None and alone.pages == 3
    assert files["checklists/all.pdf"] == alone.pdf


@pdf
def test_the_embedded_font_is_never_decoded_at_print_time_and_the_pdfs_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The printer is handed each face's shipped TrueType rather than decoding its WOFF2 (once per font
    configuration, 0.2 s a run); the PDFs are byte for byte those WeasyPrint makes decoding the WOFF2 itself."""
    needs_weasyprint()
    from weasyprint.text import fonts as weasy_fonts

    decoded = count_calls(monkeypatch, weasy_fonts.woff2, "decompress")
    project = project_of(tmp_path, [rich_stage(n) for n in range(1, 4)])
    files, notes = make_checklists(project, pdfs=True)
    assert notes == [] and len([path for path in files if path.endswith(".pdf")]) == 4
    assert decoded == []
    monkeypatch.setattr(printing, "decoded_face", lambda data: None)  # WeasyPrint decodes the WOFF2 itself
    again, _ = make_checklists(project, pdfs=True)
    assert len(decoded) == 2  # Arimo regular and bold, once each: one font configuration serves every print
    assert {p: d for p, d in again.items() if p.endswith(".pdf")} == {p: d for p, d in files.items()
                                                                      if p.endswith(".pdf")}


def test_each_shipped_truetype_is_what_its_woff2_decodes_to() -> None:
    """scripts/subset_font.py writes both; a WOFF2 made again without its TrueType would fail here."""
    woff2 = pytest.importorskip("fontTools.ttLib.woff2")  # it comes with WeasyPrint, the pdf extra
    folder = Path(playbookgen.__file__).parent / "fonts"
    faces = sorted(folder.glob("*.woff2"))
    assert [f.name for f in faces] == ["Arimo-Bold.woff2", "Arimo-Regular.woff2"]
    for face in faces:
        out = io.BytesIO()
        woff2.decompress(io.BytesIO(face.read_bytes()), out)
        assert face.with_suffix(".ttf").read_bytes() == out.getvalue(), face.name
        assert fonts.decoded_face(face.read_bytes()) == out.getvalue()
    assert fonts.decoded_face(b"wOF2 any other font") is None


def test_without_pdfs_weasyprint_is_never_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # any import of it now fails loudly

    def no_weasyprint() -> bool:
        raise AssertionError("WeasyPrint was looked for although no PDF is made")

    monkeypatch.setattr(checklist_printing, "pdf_available", no_weasyprint)
    project = project_of(tmp_path, [rich_stage(1), replace(long_stage(), id="long")])
    files, notes = make_checklists(project, pdfs=False)
    assert notes == [] and not [path for path in files if path.endswith(".pdf")]
    assert 'class="sheet density-regular"' not in files["checklists/long.html"].decode()


def test_pages_hold_no_css_that_only_weasyprint_reads(tmp_path: Path) -> None:
    """Paged-media CSS (running footers) goes to WeasyPrint apart, so the pages pass the HTML checker."""
    for path, data in render_checklists(project_of(tmp_path, [rich_stage(1)]), pdfs=False).items():
        assert "running(" not in data.decode() and "element(" not in data.decode(), path


@pdf
def test_a_stage_too_long_for_any_density_is_reported(tmp_path: Path) -> None:
    needs_weasyprint()
    endless = rich_stage(1, exit_criteria=[{"text": LONG * 3, "evidence": LONG * 3} for _ in range(12)])
    project = project_of(tmp_path, [endless])
    pdfs, notes = make_checklists(project, pdfs=True)
    assert "checklists/stage-1.pdf" in pdfs
    assert any("stage-1.pdf has" in note and "expected 1" in note for note in notes)


@pdf
def test_pdfs_are_byte_identical_across_renders(tmp_path: Path) -> None:
    needs_weasyprint()
    project = project_of(tmp_path, [rich_stage(1), rich_stage(2)], language="pl")
    first = make_checklists(project, pdfs=True)
    second = make_checklists(project, pdfs=True)
    assert first == second
    from pypdf import PdfReader

    info = PdfReader(io.BytesIO(first[0]["checklists/stage-1.pdf"])).metadata
    assert info is not None and str(info.get("/ModDate", "")).startswith("D:20261118")


@pdf
def test_team_templates_cannot_fetch_files_or_the_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    needs_weasyprint()
    import weasyprint.urls

    def no_default_fetcher(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("WeasyPrint's own fetcher was used")

    monkeypatch.setattr(weasyprint.urls.URLFetcher, "fetch", no_default_fetcher, raising=False)
    monkeypatch.setattr(weasyprint.urls, "default_url_fetcher", no_default_fetcher, raising=False)
    sheet = (checklists_template_dir() / "_sheet.html.j2").read_text("utf-8")
    build_file_tree(tmp_path, {
        "templates/checklists/_sheet.html.j2": (
            '<img src="https://example.com/x.png"><img src="file:///etc/passwd">'
            '<div style="background: url(file:///etc/hostname)"></div>\n' + sheet
        ),
    })
    project = project_of(tmp_path, [rich_stage(1)])
    pdfs, notes = make_checklists(project, pdfs=True)
    assert len(pdf_pages(pdfs["checklists/stage-1.pdf"])) == 1
    refused = " ".join(notes)
    assert "https://example.com/x.png" in refused and "file:///etc/passwd" in refused
    assert "root:" not in " ".join(pdf_pages(pdfs["checklists/stage-1.pdf"]))


def checklists_template_dir() -> Path:
    return Path(printing.__file__).parent / "templates" / "checklists"


# --- the command -------------------------------------------------------------------------------


@pytest.fixture
def project_dir(make_project: Any) -> Path:
    return make_project()


def test_cli_writes_the_checklists_folder_and_rewrites_it(project_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "printouts"
    result = run_cli("checklists", project_dir, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert {"first.html", "second.html", "index.html", "all.html", OUTPUT_MARKER} <= {p.name for p in out.iterdir()}
    result = run_cli("checklists", project_dir, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".printouts")]


def test_cli_defaults_to_a_checklists_folder_in_the_project(project_dir: Path) -> None:
    result = run_cli("checklists", project_dir)
    assert result.exit_code == 0, result.stderr
    assert (project_dir / "checklists" / "first.html").is_file()


def test_cli_refuses_a_folder_holding_someone_elses_files(project_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("do not lose me", encoding="utf-8")
    result = run_cli("checklists", project_dir, "-o", out)
    assert result.exit_code == 2
    assert "notes.txt" in result.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_file_added_to_our_folder_is_not_deleted(tmp_path: Path) -> None:
    out = tmp_path / "checklists"
    replace_folder(out, {"a.html": b"a"}, OUTPUT_MARKER, MARKER_NOTE)
    (out / "added-by-hand.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(OutputRefused):
        replace_folder(out, {"a.html": b"b"}, OUTPUT_MARKER, MARKER_NOTE)
    assert (out / "added-by-hand.txt").read_text(encoding="utf-8") == "keep"
    assert (out / "a.html").read_bytes() == b"a"


@pytest.mark.browser
@pytest.mark.parametrize(("paper", "width_cm", "height_cm"), [("a4", 21.0, 29.7), ("letter", 21.59, 27.94)])
def test_a_browser_prints_every_stage_on_its_own_page(
    tmp_path: Path, chromium: Any, paper: str, width_cm: float, height_cm: float
) -> None:
    """Printed from Chromium rather than WeasyPrint (other fonts, no margin boxes), the sheets still fit."""
    import base64

    from selenium.webdriver.common.print_page_options import PrintOptions

    project = default_project()
    page = tmp_path / "all.html"
    page.write_bytes(render_checklists(project, paper=paper, pdfs=True)["checklists/all.html"])
    driver = chromium()
    driver.get(page.as_uri())
    options = PrintOptions()
    options.page_width, options.page_height = width_cm, height_cm
    pages = pdf_pages(base64.b64decode(driver.print_page(options)))
    assert len(pages) == len(project.stages), [p[:60] for p in pages]
    for stage, text in zip(project.stages, pages, strict=True):
        assert squash(stage.name) in squash(text)


def test_all_pdf_metadata_is_read_from_the_head_unless_the_body_has_some_too() -> None:
    """WeasyPrint reads title, meta and link elements anywhere: the body is left out only when it has none."""
    head = '<!DOCTYPE html><html lang="pl"><head><title>T</title><meta name="author" content="A"></head>'
    assert printing._head_only(head + "<body><p>x</p></body></html>") == head + "</html>"
    for tag in ('<META name="keywords" content="k">', '<link rel="attachment" href="a.txt">', "<title>U</title>"):
        page = head + f"<body>{tag}</body></html>"
        assert printing._head_only(page) == page
    assert printing._head_only("<p>no body</p>") == "<p>no body</p>"
