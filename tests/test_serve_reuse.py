"""What a serve rebuild takes over from the one before it (engines/serve_reuse.py): the site it builds
is, file for file, the one MkDocs builds from scratch, and a page is converted again exactly when one of
its inputs changed."""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from playbookgen.engines import serve_reuse
from playbookgen.engines.mkdocs_serve import _hooks
from playbookgen.serve import PROBLEMS_FILE, render_into

REPO = Path(__file__).resolve().parents[1]
STAGE_PAGE = "docs/stages/negocjacje.md"


@pytest.fixture
def work(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "work"
    render_into(REPO, folder)
    yield folder
    serve_reuse.stop_reusing()


def _build(work: Path, site: Path, *, serve_hook: bool) -> None:
    """One MkDocs build of the work folder, as serve's rebuild runs it (with serve's hook or without)."""
    hooks = _hooks(work, PROBLEMS_FILE, []) if serve_hook else []
    config = load_config(str(work / "mkdocs.yml"), site_dir=str(site), hooks=hooks)
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url="http://127.0.0.1:8000/")


def _fresh(work: Path, site: Path) -> None:
    """MkDocs' own build of the work folder, with its own Page.render and search indexing even after a
    rebuild with serve's hook has put ours in their place."""
    from material.plugins.search.plugin import SearchIndex
    from mkdocs.structure.pages import Page

    state = serve_reuse._STATE
    with pytest.MonkeyPatch.context() as patch:
        if state.render is not None:
            patch.setattr(Page, "render", state.render)
        if state.index is not None:
            patch.setattr(SearchIndex, "add_entry_from_context", state.index)
        before = (serve_reuse.conversion_stats().converted, serve_reuse.conversion_stats().indexed)
        _build(work, site, serve_hook=False)
        assert (serve_reuse.conversion_stats().converted, serve_reuse.conversion_stats().indexed) == before


def _site(site: Path) -> dict[str, bytes]:
    """Every file of a built site; the sitemap's gzip without its header's time stamp."""
    files = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        files[path.relative_to(site).as_posix()] = gzip.decompress(data) if path.suffix == ".gz" else data
    return files


def _same_site(built: Path, expected: Path) -> None:
    mine, theirs = _site(built), _site(expected)
    assert sorted(mine) == sorted(theirs)
    differing = [name for name in theirs if mine[name] != theirs[name]]
    assert differing == []


def test_rebuilds_give_the_site_mkdocs_builds_and_convert_only_what_changed(work: Path, tmp_path: Path) -> None:
    fresh, served = tmp_path / "fresh", tmp_path / "served"
    _fresh(work, fresh)
    pages = len(list((work / "docs").rglob("*.md")))
    _build(work, served, serve_hook=True)
    stats = serve_reuse.conversion_stats()
    assert (stats.converted, stats.reused) == (pages, 0)
    assert (stats.indexed, stats.index_reused) == (pages, 0)
    _build(work, served, serve_hook=True)  # nothing changed: every page takes its kept conversion
    assert (stats.converted, stats.reused) == (pages, pages)
    assert (stats.indexed, stats.index_reused) == (pages, pages)
    _same_site(served, fresh)  # the search index among the files

    # One page edited, its text and then its title: that page alone is converted and indexed again, and
    # the site (its search index too) is still MkDocs' own.
    page = work / STAGE_PAGE
    for rebuilt, (before, after) in enumerate((("Obie strony omawiają", "Obie strony spokojnie omawiają"),
                                               ("# Negocjacje", "# Negocjacje i warunki")), start=1):
        page.write_text(page.read_text(encoding="utf-8").replace(before, after, 1), encoding="utf-8")
        _build(work, served, serve_hook=True)
        assert (stats.converted, stats.reused) == (pages + rebuilt, (1 + rebuilt) * pages - rebuilt)
        assert (stats.indexed, stats.index_reused) == (pages + rebuilt, (1 + rebuilt) * pages - rebuilt)
        _fresh(work, fresh)
        _same_site(served, fresh)
        index = json.loads((served / "search/search_index.json").read_text(encoding="utf-8"))
        assert any(after.lstrip("# ") in doc["title"] + doc["text"] for doc in index["docs"])


def test_a_new_file_converts_every_page_again(work: Path, tmp_path: Path) -> None:
    """Links are checked and rewritten against the site's files, so a file added (or gone) is a change
    of every page's inputs."""
    served, fresh = tmp_path / "served", tmp_path / "fresh"
    _build(work, served, serve_hook=True)
    pages = serve_reuse.conversion_stats().converted
    (work / "docs/extra.md").write_text("# Extra\n\nSee [negotiation](stages/negocjacje.md).\n", encoding="utf-8")
    _build(work, served, serve_hook=True)
    assert serve_reuse.conversion_stats().converted == 2 * pages + 1
    _fresh(work, fresh)
    _same_site(served, fresh)


def test_a_kept_conversion_logs_what_its_conversion_logged(work: Path, tmp_path: Path,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    """A page's broken link is reported on every rebuild, as MkDocs reports it, not only the first."""
    page = work / STAGE_PAGE
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [the old page](gone.md).\n", encoding="utf-8")
    served = tmp_path / "served"
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        for _ in range(2):
            caplog.clear()
            _build(work, served, serve_hook=True)
            assert [r.getMessage() for r in caplog.records if "gone.md" in r.getMessage()] == [
                "Doc file 'stages/negocjacje.md' contains a link 'gone.md', but the target 'stages/gone.md' is not "
                "found among documentation files."]
    assert serve_reuse.conversion_stats().reused > 0


def test_an_extension_that_may_read_other_files_turns_reuse_off(work: Path, tmp_path: Path) -> None:
    """pymdownx.snippets includes other files into a page: its text alone no longer says what it gives."""
    config = work / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("markdown_extensions:\n", "markdown_extensions:\n- pymdownx.snippets\n", 1),
                      encoding="utf-8")
    served, fresh = tmp_path / "served", tmp_path / "fresh"
    for _ in range(2):
        _build(work, served, serve_hook=True)
    stats = serve_reuse.conversion_stats()
    assert stats.reused == 0 and stats.converted == 0  # MkDocs' own render ran, untouched
    _fresh(work, fresh)
    _same_site(served, fresh)


def test_the_theme_listing_leaves_out_only_what_mkdocs_never_copies(work: Path) -> None:
    """Material's hidden .icons folder is most of its files; MkDocs drops hidden names from a theme."""
    from mkdocs.structure.files import Files

    config = load_config(str(work / "mkdocs.yml"))
    theirs, mine = Files([]), Files([])
    theirs.add_files_from_theme(config.theme.get_env(), config)
    serve_reuse.skip_hidden_theme_files(config.theme)
    environment = config.theme.get_env()
    mine.add_files_from_theme(environment, config)
    assert [f.src_uri for f in mine] == [f.src_uri for f in theirs] != []
    assert not any(name.startswith(".") for name in environment.list_templates())
    assert environment.get_template(".icons/material/magnify.svg") is not None  # still loads by name


def test_serve_stops_when_mkdocs_render_sets_something_it_did_not(work: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The kept conversion gives back what Page.render set: if render sets more, serve must say so."""
    from mkdocs.structure.pages import Page

    from playbookgen.errors import EngineError

    original = Page.render

    def render_and_more(page: Page, config: object, files: object) -> None:
        original(page, config, files)  # type: ignore[arg-type]
        page.something_new = 1  # type: ignore[attr-defined]

    monkeypatch.setattr(Page, "render", render_and_more)
    with pytest.raises(EngineError, match="serve-reuse.*Page.render also set something_new"):
        _build(work, tmp_path / "served", serve_hook=True)


def test_serve_stops_when_the_search_index_does_more_than_add_entries(work: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from material.plugins.search.plugin import SearchIndex

    from playbookgen.errors import EngineError

    original = SearchIndex.add_entry_from_context

    def index_and_more(index: SearchIndex, page: object) -> None:
        original(index, page)
        index.pages_seen = 1  # type: ignore[attr-defined]

    monkeypatch.setattr(SearchIndex, "add_entry_from_context", index_and_more)
    with pytest.raises(EngineError, match="serve-reuse.*did more than add entries"):
        _build(work, tmp_path / "served", serve_hook=True)
