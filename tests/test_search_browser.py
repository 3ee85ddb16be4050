"""Search that understands Polish and English, in headless Chromium: inflected queries typed into the search
box of the repository's playbook site (Polish) and of the English starter's site find every page on which
a form of the word stands.

The queries and the forms of each are in tests/search_queries.yml; the pages a query must find are the
pages whose search entries hold one of the forms (tests/search_queries.py). Served on loopback, and
opened from file:// with the network cut off (the folder people open from disk). The held-out queries
(never tuned on) are measured by benchmarks/search_recall.py, not asserted here.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from search_queries import (
    english_starter,
    expected_pages,
    initializer_text,
    load_queries,
    open_search,
    page_words,
    search_pages,
)
from test_browser import OFFLINE_FLAGS

pytestmark = pytest.mark.browser

QUERIES = load_queries()
ENGLISH = load_queries("english")


@pytest.fixture(scope="module")
def english_site(tmp_path_factory: pytest.TempPathFactory):
    """The English starter project, built with the real CLI (no PDFs)."""
    folder = tmp_path_factory.mktemp("english-search")
    out = folder / "site"
    command = [sys.executable, "-m", "playbookgen", "build", str(english_starter(folder)), "--site-dir", str(out),
               "--no-pdf"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, f"playbookgen build failed:\n{result.stdout}\n{result.stderr}"
    return out


def _misses(driver, site, base: str, queries) -> list[str]:
    """Each query that did not find all its pages: what it found, and what it missed."""
    words = page_words(site)
    box = open_search(driver, base + "index.html", initializer_text(site))
    problems = []
    for query in queries:
        expected = expected_pages(query, words)
        assert expected, f"{query.text!r}: no page holds any of its forms; update tests/search_queries.yml"
        found = search_pages(driver, box, query.text, base)
        if not expected <= found:
            problems.append(f"{query.text!r} found {len(found & expected)} of {len(expected)} pages, "
                            f"missing {sorted(expected - found)}")
    return problems


def test_the_query_set_is_forty_polish_and_twenty_english_queries_or_more() -> None:
    assert len(QUERIES) >= 40
    assert len(ENGLISH) >= 20
    for query in QUERIES + load_queries("held_out") + ENGLISH + load_queries("english_held_out"):
        assert query.text.lower() in query.forms, f"{query.text!r} must be one of its own forms"


def test_inflected_polish_queries_find_every_page_of_the_word(chromium, repo_site, repo_site_url) -> None:
    problems = _misses(chromium(), repo_site, repo_site_url, QUERIES)
    assert not problems, "\n".join(problems)


def test_inflected_polish_queries_find_their_pages_from_the_file_system(chromium, repo_site) -> None:
    # Every fifth query: the worker, our stemmer and the index come through the file:// shim as well.
    problems = _misses(chromium(*OFFLINE_FLAGS), repo_site, repo_site.as_uri() + "/", QUERIES[::5])
    assert not problems, "\n".join(problems)


def test_inflected_english_queries_find_every_page_of_the_word(chromium, english_site) -> None:
    from conftest import serving

    with serving(english_site) as url:
        problems = _misses(chromium(), english_site, url, ENGLISH)
    assert not problems, "\n".join(problems)


def test_inflected_english_queries_find_their_pages_from_the_file_system(chromium, english_site) -> None:
    problems = _misses(chromium(*OFFLINE_FLAGS), english_site, english_site.as_uri() + "/", ENGLISH[::5])
    assert not problems, "\n".join(problems)
