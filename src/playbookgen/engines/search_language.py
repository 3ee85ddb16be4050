"""After the site engine: search that finds every inflected form of a word, for a Polish playbook.

Material's search is lunr, run in a Web Worker that builds its index in the browser from
search/search_index.json (search_index.js when opened from file://). For the index's language it
loads lunr/min/lunr.LANG.min.js, which Material copied from lunr-languages before Polish was added
there; and Material's search plugin, finding no such file for "pl", falls back to English, which
for Polish means no stemming at all ('zastrzeżeń' finds 2 of the 6 pages 'zastrzeżenia' finds).
So for a Polish playbook we put our own lunr.pl (search/lunr.pl.js: a light stemmer, and the
patch that stems the query's words too) where the worker looks for it, and set the index's
language to pl and its pipeline to the trimmer and stemmer. Both index files keep the same bytes
otherwise. What this relies on is the "search-stemmer" entry in material_internals.py; each part is
checked here, and a part that no longer holds fails the build.

Zensical's search builds its own index with no stemmer and no hook for one: a build with Zensical
says so in a note.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from ..write import write_new_file
from .material_internals import drift

__all__ = ["INDEX_JS", "INDEX_JSON", "STEMMERS", "add_search_stemmer", "missing_stemmer_note", "stemmer_script"]

STEMMERS = {"pl": "lunr.pl.js"}  # language -> our lunr-languages plugin, in engines/search/
LUNR_FOLDER = "assets/javascripts/lunr/min"  # where Material's worker imports lunr-languages from
INDEX_JSON = "search/search_index.json"
INDEX_JS = "search/search_index.js"  # the same index for file://, written by Material's offline plugin
_JS_PREFIX = "var __index = "
_WORKERS = "assets/javascripts/workers/search.*.min.js"
# In the worker bundle: it imports lunr-languages by these names, and our patch wraps lunr's Query.clause.
_WORKER_NEEDS = ("lunr.stemmer.support.min.js", "/min/lunr.", "Query.prototype.clause")
_PIPELINE = ["trimmer", "stemmer"]
_PIPELINE_FUNCTIONS = {"trimmer", "stopWordFilter", "stemmer"}  # the names Material's config.pipeline takes
_LANGUAGE_NAMES = {"pl": "Polish"}


def stemmer_script(language: str) -> bytes:
    """Our lunr-languages plugin for ``language`` (one of STEMMERS), as shipped in the site."""
    return resources.files("playbookgen.engines").joinpath("search", STEMMERS[language]).read_bytes()


def missing_stemmer_note(engine: str, language: str) -> str | None:
    """What a build with ``engine`` should say about its search in ``language``; None when all is well."""
    if engine == "zensical" and language in STEMMERS:
        name = _LANGUAGE_NAMES[language]
        return (f"search: Zensical's search has no {name} stemmer yet, so a word typed in one case or number "
                f"may not find the pages that use another; build with --engine mkdocs for search that finds "
                f"inflected forms")
    return None


def _index_text(site: Path) -> tuple[str, dict[str, Any]]:
    """search_index.json's text and data, checked to be what Material writes: compact JSON whose config
    names a language list and a pipeline, and search_index.js the same data after `var __index = `."""
    try:
        text = (site / INDEX_JSON).read_text(encoding="utf-8")
        script = (site / INDEX_JS).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problem = f"the site's search index ({INDEX_JSON}, {INDEX_JS}) cannot be read: {exc}"
        raise drift("search-stemmer", problem) from exc
    config = data.get("config") if isinstance(data, dict) else None
    if (not isinstance(config, dict) or not isinstance(config.get("lang"), list)
            or not isinstance(config.get("pipeline"), list) or not isinstance(data.get("docs"), list)):
        raise drift("search-stemmer", f"{INDEX_JSON} has no config.lang and config.pipeline lists, or no docs")
    if _dump(data) != text or script != _JS_PREFIX + text:
        raise drift("search-stemmer", f"{INDEX_JSON} is not compact JSON, or {INDEX_JS} is not "
                                      f"'{_JS_PREFIX}' followed by the same JSON")
    return text, data


def _dump(data: dict[str, Any]) -> str:
    """JSON as Material's search plugin writes it (compact, ASCII)."""
    return json.dumps(data, separators=(",", ":"))


def _check_worker(site: Path, language: str) -> None:
    """The worker imports lunr-languages from LUNR_FOLDER by name, and has the lunr our patch wraps."""
    workers = sorted(site.glob(_WORKERS))
    if len(workers) != 1:
        raise drift("search-stemmer", f"the site has {len(workers)} search workers {_WORKERS}, not one")
    code = workers[0].read_text(encoding="utf-8")
    missing = [needed for needed in _WORKER_NEEDS if needed not in code]
    if missing:
        raise drift("search-stemmer", f"the search worker {workers[0].name} has no {', '.join(missing)}")
    if not (site / LUNR_FOLDER / "lunr.stemmer.support.min.js").is_file():
        raise drift("search-stemmer", f"the site has no {LUNR_FOLDER}/lunr.stemmer.support.min.js")
    if (site / LUNR_FOLDER / f"lunr.{language}.min.js").exists():
        raise drift("search-stemmer", f"the theme now ships {LUNR_FOLDER}/lunr.{language}.min.js of its own")


def add_search_stemmer(site: Path, language: str) -> bool:
    """Give the built MkDocs site's search our stemmer for ``language``; False when there is none for it.

    The index's language is set only where Material fell back to English (["en"]), and its pipeline
    only where it names no function (the theme's Polish translation has none): a team's own search
    settings stay as they are.
    """
    if language not in STEMMERS:
        return False
    _check_worker(site, language)
    _, data = _index_text(site)
    config = data["config"]
    if config["lang"] != ["en"]:
        return False
    config["lang"] = [language]
    if not set(config["pipeline"]) & _PIPELINE_FUNCTIONS:  # Material's Polish has [" "]: none
        config["pipeline"] = list(_PIPELINE)
    text = _dump(data)
    write_new_file(site / INDEX_JSON, text.encode("utf-8"))  # files of the staging folder
    write_new_file(site / INDEX_JS, (_JS_PREFIX + text).encode("utf-8"))
    write_new_file(site / LUNR_FOLDER / f"lunr.{language}.min.js", stemmer_script(language))
    return True
