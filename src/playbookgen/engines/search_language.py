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

For an English playbook the theme keeps lunr's English but drops its stemmer from the index (its
pipeline is ["stopWordFilter"]), and the wildcard it adds to each query word means the query is not
stemmed either: 'objections' misses the page that says 'objection'. The worker loads no language file
for "en", so the index's language is set to "en-stem", a name the theme has no file for, and our
search/lunr.en-stem.js goes where the worker then looks: lunr's own English stemmer (lunr.stemmer) on
both the index and the query's words, so there is no second stemmer to keep in step.

Zensical's search builds its own index with no stemmer and no hook for one: a build of a Polish playbook
says so in a note.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..write import write_new_file
from .material_internals import drift

__all__ = ["INDEX_JS", "INDEX_JSON", "STEMMERS", "add_search_stemmer", "missing_stemmer_note", "stemmer_script"]


@dataclass(frozen=True)
class Stemmer:
    """Our lunr-languages plugin for one playbook language: the index language it is loaded under (the
    worker imports lunr/min/lunr.CODE.min.js and uses lunr[CODE]), its file in engines/search/, the
    pipeline functions Material's default for the language names (a pipeline that names others is a
    team's own) and the pipeline it sets instead."""

    code: str
    script: str
    default: frozenset[str]
    pipeline: tuple[str, ...]


STEMMERS = {  # playbook language -> our plugin
    # Material's Polish translation names no pipeline function ([" "])
    "pl": Stemmer("pl", "lunr.pl.js", frozenset(), ("trimmer", "stemmer")),
    # Material's English: the stop word filter only; ours adds the stemmer back
    "en": Stemmer("en-stem", "lunr.en-stem.js", frozenset({"stopWordFilter"}), ("stopWordFilter", "stemmer")),
}
LUNR_FOLDER = "assets/javascripts/lunr/min"  # where Material's worker imports lunr-languages from
INDEX_JSON = "search/search_index.json"
INDEX_JS = "search/search_index.js"  # the same index for file://, written by Material's offline plugin
_JS_PREFIX = "var __index = "
_WORKERS = "assets/javascripts/workers/search.*.min.js"
# In the worker bundle: it imports lunr-languages by these names, loads none for "en", drops the pipeline
# functions config.pipeline does not name, and has the lunr our plugins use (the stemmer, Query.clause).
_WORKER_NEEDS = ("lunr.stemmer.support.min.js", "/min/lunr.", '!=="en"', '"trimmer","stopWordFilter","stemmer"',
                 "Query.prototype.clause", 'registerFunction(t.stemmer,"stemmer")')
_PIPELINE_FUNCTIONS = frozenset({"trimmer", "stopWordFilter", "stemmer"})  # what Material's config.pipeline takes
_LANGUAGE_NAMES = {"pl": "Polish"}  # where Zensical lacks what we give Material (English: not measured)


def stemmer_script(language: str) -> bytes:
    """Our lunr-languages plugin for ``language`` (one of STEMMERS), as shipped in the site."""
    return resources.files("playbookgen.engines").joinpath("search", STEMMERS[language].script).read_bytes()


def missing_stemmer_note(engine: str, language: str) -> str | None:
    """What a build with ``engine`` should say about its search in ``language``; None when all is well."""
    if engine == "zensical" and language in _LANGUAGE_NAMES:
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


def _check_worker(site: Path, code: str) -> None:
    """The worker imports lunr-languages from LUNR_FOLDER by name, and has the lunr our patch wraps."""
    workers = sorted(site.glob(_WORKERS))
    if len(workers) != 1:
        raise drift("search-stemmer", f"the site has {len(workers)} search workers {_WORKERS}, not one")
    bundle = workers[0].read_text(encoding="utf-8")
    missing = [needed for needed in _WORKER_NEEDS if needed not in bundle]
    if missing:
        raise drift("search-stemmer", f"the search worker {workers[0].name} has no {', '.join(missing)}")
    if not (site / LUNR_FOLDER / "lunr.stemmer.support.min.js").is_file():
        raise drift("search-stemmer", f"the site has no {LUNR_FOLDER}/lunr.stemmer.support.min.js")
    if (site / LUNR_FOLDER / f"lunr.{code}.min.js").exists():
        raise drift("search-stemmer", f"the theme now ships {LUNR_FOLDER}/lunr.{code}.min.js of its own")


def add_search_stemmer(site: Path, language: str) -> bool:
    """Give the built MkDocs site's search our stemmer for ``language``; False when there is none for it.

    The index's language is set only where Material left it at English (["en"]), and its pipeline
    only where it is Material's default for the language: a team's own search settings stay as they are.
    """
    stemmer = STEMMERS.get(language)
    if stemmer is None:
        return False
    _check_worker(site, stemmer.code)
    _, data = _index_text(site)
    config = data["config"]
    if config["lang"] != ["en"]:
        return False
    default = set(config["pipeline"]) & _PIPELINE_FUNCTIONS == stemmer.default
    if language == "en" and not default:  # a team's own English pipeline: its own English search
        return False
    config["lang"] = [stemmer.code]
    if default:
        config["pipeline"] = list(stemmer.pipeline)
    text = _dump(data)
    write_new_file(site / INDEX_JSON, text.encode("utf-8"))  # files of the staging folder
    write_new_file(site / INDEX_JS, (_JS_PREFIX + text).encode("utf-8"))
    write_new_file(site / LUNR_FOLDER / f"lunr.{stemmer.code}.min.js", stemmer_script(language))
    return True
