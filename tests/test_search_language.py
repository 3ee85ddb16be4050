"""A Polish playbook's site gets search that understands Polish; the step fails loudly when the theme's
search no longer looks the way it was written against, and a build says which engine lacks it.

A site folder is made here with what the step reads of the theme's search (the index files, the
worker, lunr-languages' support file), as Material writes them; the browser side is
tests/test_search_browser.py.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from conftest import run_cli
from playbookgen.engines.search_language import add_search_stemmer, missing_stemmer_note, stemmer_script
from playbookgen.errors import EngineError

WORKER = ('importScripts(`${e}/min/lunr.stemmer.support.min.js`);`${e}/min/lunr.${t}.min.js`;t.Query.prototype.clause=1;'
          'n!=="en"&&r.push();Re(["trimmer","stopWordFilter","stemmer"],e.pipeline);'
          't.Pipeline.registerFunction(t.stemmer,"stemmer")')


def _site(tmp_path: Path, config: dict | None = None, worker: str = WORKER, js_prefix: str = "var __index = ") -> Path:
    site = tmp_path / "site"
    index = {"config": config or {"lang": ["en"], "separator": "[\\s\\-]+", "pipeline": [" "], "fields": {}},
             "docs": [{"location": "index.html", "title": "Zastrzeżenia", "text": "<p>Klienci</p>"}]}
    text = json.dumps(index, separators=(",", ":"))
    files = {"search/search_index.json": text, "search/search_index.js": js_prefix + text,
             "assets/javascripts/workers/search.a7633da7.min.js": worker,
             "assets/javascripts/lunr/min/lunr.stemmer.support.min.js": "/* support */"}
    for name, content in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(content, encoding="utf-8")
    return site


def _index(site: Path) -> dict:
    return json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))


def test_a_polish_site_gets_the_stemmer_and_an_index_that_names_it(tmp_path: Path) -> None:
    site = _site(tmp_path)
    assert add_search_stemmer(site, "pl")
    index = _index(site)
    assert index["config"]["lang"] == ["pl"] and index["config"]["pipeline"] == ["trimmer", "stemmer"]
    assert index["docs"][0]["title"] == "Zastrzeżenia"  # the entries are as they were
    text = (site / "search/search_index.json").read_text(encoding="utf-8")
    assert (site / "search/search_index.js").read_text(encoding="utf-8") == "var __index = " + text
    assert (site / "assets/javascripts/lunr/min/lunr.pl.min.js").read_bytes() == stemmer_script("pl")


def test_the_stemmer_step_gives_the_same_bytes_each_time(tmp_path: Path) -> None:
    first, second = _site(tmp_path / "a"), _site(tmp_path / "b")
    add_search_stemmer(first, "pl")
    add_search_stemmer(second, "pl")
    for name in ("search/search_index.json", "search/search_index.js", "assets/javascripts/lunr/min/lunr.pl.min.js"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_an_english_site_gets_lunrs_english_stemmer_under_a_language_the_theme_has_no_file_for(tmp_path: Path) -> None:
    site = _site(tmp_path, {"lang": ["en"], "separator": "[\\s\\-]+", "pipeline": ["stopWordFilter"], "fields": {}})
    assert add_search_stemmer(site, "en")
    config = _index(site)["config"]
    assert config["lang"] == ["en-stem"] and config["pipeline"] == ["stopWordFilter", "stemmer"]
    assert (site / "assets/javascripts/lunr/min/lunr.en-stem.min.js").read_bytes() == stemmer_script("en")
    assert b"lunr.stemmer(new lunr.Token(" in stemmer_script("en")  # lunr's own stemmer, no second one


def test_a_teams_own_search_language_or_english_pipeline_is_left_alone(tmp_path: Path) -> None:
    english = _site(tmp_path / "en", {"lang": ["en"], "separator": "x", "pipeline": ["trimmer"], "fields": {}})
    before = (english / "search/search_index.json").read_bytes()
    assert not add_search_stemmer(english, "en")
    assert (english / "search/search_index.json").read_bytes() == before
    assert not (english / "assets/javascripts/lunr/min/lunr.en-stem.min.js").exists()
    german = _site(tmp_path / "de", {"lang": ["de"], "separator": "x", "pipeline": ["stemmer"], "fields": {}})
    assert not add_search_stemmer(german, "pl")
    assert _index(german)["config"]["lang"] == ["de"]
    assert not (german / "assets/javascripts/lunr/min/lunr.pl.min.js").exists()
    assert not add_search_stemmer(_site(tmp_path / "fr"), "fr")  # no stemmer of ours for it


@pytest.mark.parametrize(("change", "found"), [
    ({"worker": WORKER.replace("Query.prototype.clause", "Query.clause")}, "has no Query.prototype.clause"),
    ({"worker": "t.Query.prototype.clause=1"}, "has no lunr.stemmer.support.min.js, /min/lunr."),
    ({"worker": WORKER.replace('n!=="en"', 'n!=="xx"')}, 'has no !=="en"'),
    ({"js_prefix": "const index = "}, "is not 'var __index = ' followed by the same JSON"),
    ({"config": {"language": "en"}}, "has no config.lang and config.pipeline lists"),
])
def test_a_theme_search_that_changed_fails_the_step(tmp_path: Path, change: dict, found: str) -> None:
    site = _site(tmp_path, **change)
    with pytest.raises(EngineError, match="theme check 'search-stemmer' failed") as caught:
        add_search_stemmer(site, "pl")
    assert found in str(caught.value)


@pytest.mark.parametrize(("language", "code"), [("pl", "pl"), ("en", "en-stem")])
def test_a_theme_that_ships_its_own_file_by_our_name_fails_the_step(tmp_path: Path, language: str, code: str) -> None:
    site = _site(tmp_path)
    (site / f"assets/javascripts/lunr/min/lunr.{code}.min.js").write_text("/* theirs */", encoding="utf-8")
    with pytest.raises(EngineError, match=f"now ships assets/javascripts/lunr/min/lunr.{code}.min.js"):
        add_search_stemmer(site, language)


def test_a_zensical_build_of_a_polish_playbook_says_its_search_lacks_the_stemmer() -> None:
    note = missing_stemmer_note("zensical", "pl")
    assert note is not None and "Zensical's search has no Polish stemmer" in note and "--engine mkdocs" in note
    assert missing_stemmer_note("mkdocs", "pl") is None
    assert missing_stemmer_note("zensical", "en") is None


def test_a_polish_build_ships_the_stemmer_and_says_nothing_of_it(make_project) -> None:
    root = make_project({"playbook/playbook.yml": "title: Podręcznik\nlanguage: pl\nstages: [first, second]\n"})
    result = run_cli("build", str(root), "--no-pdf")
    assert result.exit_code == 0, result.stderr
    assert _index(root / "site")["config"]["lang"] == ["pl"]
    assert (root / "site/assets/javascripts/lunr/min/lunr.pl.min.js").read_bytes() == stemmer_script("pl")
    assert "stemmer" not in result.stdout + result.stderr


def test_an_english_build_ships_the_english_stemmer(make_project) -> None:
    root = make_project({"playbook/playbook.yml": "title: Playbook\nlanguage: en\nstages: [first, second]\n"})
    result = run_cli("build", str(root), "--no-pdf")
    assert result.exit_code == 0, result.stderr
    assert _index(root / "site")["config"]["lang"] == ["en-stem"]
    assert (root / "site/assets/javascripts/lunr/min/lunr.en-stem.min.js").read_bytes() == stemmer_script("en")


@pytest.mark.skipif(importlib.util.find_spec("zensical") is None, reason="no zensical")
def test_a_zensical_build_of_a_polish_playbook_prints_the_note(make_project) -> None:
    root = make_project({"playbook/playbook.yml": "title: Podręcznik\nlanguage: pl\nstages: [first, second]\n"})
    result = run_cli("build", str(root), "--no-pdf", "--engine", "zensical")
    assert result.exit_code == 0, result.stderr
    assert "Zensical's search has no Polish stemmer yet" in result.stdout + result.stderr


def test_a_theme_folder_with_its_own_polish_search_fails_the_build(make_project) -> None:
    root = make_project({"playbook/playbook.yml": "title: Podręcznik\nlanguage: pl\nstages: [first, second]\n",
                         "mkdocs.yml": "theme:\n  custom_dir: theme\n",
                         "theme/assets/javascripts/lunr/min/lunr.pl.min.js": "/* a Polish of their own */"})
    result = run_cli("build", str(root), "--no-pdf")
    assert result.exit_code == 1, result.stderr
    assert "error: theme check 'search-stemmer' failed: the theme now ships" in result.stderr
    assert "engines/search/lunr.pl.js, lunr.en-stem.js relies on this" in result.stderr
    assert "Traceback" not in result.stderr and not (root / "site").exists()
