"""The search query set (search_queries.yml), the pages each query must find, and a person's use of the
site's search box in Chromium: for tests/test_search_browser.py and benchmarks/search_recall.py.

The pages a query must find come from its hand-written forms, looked up as words in the text the
site's search index holds (search/search_index.json), never from the stemmer under test.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

QUERIES_FILE = Path(__file__).resolve().with_name("search_queries.yml")
WAIT_SECONDS = 20
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[\w'’]+")


@dataclass(frozen=True)
class Query:
    text: str
    forms: frozenset[str]


def load_queries(part: str = "queries", path: Path = QUERIES_FILE) -> list[Query]:
    """The queries of one part of the set, in order: "queries" and "held_out" (Polish, for the repository's
    playbook; held out: those the stemmer was not written against), or "english" (the English starter's)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Query(entry["query"], frozenset(entry["forms"].lower().split())) for entry in data[part]]


def english_starter(folder: Path) -> Path:
    """The English starter project (playbookgen init --starter full --language en), made in ``folder``: the
    playbook the English queries are written for."""
    project = folder / "english-starter"
    command = [sys.executable, "-m", "playbookgen", "init", "--starter", "full", "--language", "en", str(project)]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=300)
    return project


def page_words(site: Path) -> dict[str, set[str]]:
    """Each page of the built site (its path, such as stages/x.html) with the words its search entries hold."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    words: dict[str, set[str]] = defaultdict(set)
    for doc in index["docs"]:
        text = html.unescape(_TAG.sub(" ", f"{doc['title']} {doc['text']}")).lower()
        words[doc["location"].split("#")[0]].update(_WORD.findall(text))
    return dict(words)


def expected_pages(query: Query, words: dict[str, set[str]]) -> set[str]:
    """The pages on which one of the query's forms stands as a word."""
    return {page for page, found in words.items() if found & query.forms}


def _wait(driver, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS, poll_frequency=0.1).until(condition, message)


def initializer_text(site: Path) -> str:
    """What the search's meta line says in the built home page, until the worker has built its index."""
    page = (site / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<div class="md-search-result__meta">\s*([^<]*?)\s*</div>', page)
    assert found, "the home page has no search meta line"
    return html.unescape(found[1])


def search_box(driver):
    """The open page's search box, opened and focused (on narrow screens through the header's magnifier)."""
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.CSS_SELECTOR, "input.md-search__input")
    magnifier = driver.find_element(By.CSS_SELECTOR, "label.md-header__button[for='__search']")
    # The theme shows its search controls once its scripts run, which is after the first paint.
    _wait(driver, lambda d: box.is_displayed() or magnifier.is_displayed(), "no search control appeared")
    if not box.is_displayed():  # narrow screens: the magnifier in the header opens the search
        magnifier.click()
    _wait(driver, lambda d: box.is_displayed(), "the search box did not open")
    box.click()
    return box


def open_search(driver, url: str, initializing: str):
    """Open ``url``, wait for the theme's search to be ready (its meta line no longer says
    ``initializing``), and return its search box."""
    from selenium.webdriver.common.by import By

    driver.get(url)
    box = search_box(driver)
    meta = driver.find_element(By.CSS_SELECTOR, ".md-search-result__meta")
    _wait(driver, lambda d: meta.text != initializing, f"the search stayed at {initializing!r}")
    return box


def _state(driver) -> tuple[str, int]:
    from selenium.webdriver.common.by import By

    meta = driver.find_element(By.CSS_SELECTOR, ".md-search-result__meta").text
    return meta, len(driver.find_elements(By.CSS_SELECTOR, ".md-search-result__list > li"))


def search_pages(driver, box, query: str, base: str) -> set[str]:
    """Type ``query`` into the search box (after emptying it) and return every page the results list, as
    site paths: all of them, scrolling the list as a person would, for the theme shows ten at first."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    box.send_keys(query)
    # Each key typed sends a query; the answers come in order, so the last one holds still.
    last, since = _state(driver), time.monotonic()
    deadline = since + WAIT_SECONDS
    while time.monotonic() - since < 0.8:
        if time.monotonic() > deadline:
            raise AssertionError(f"the results for {query!r} did not settle")
        time.sleep(0.1)
        now = _state(driver)
        if now != last:
            last, since = now, time.monotonic()
    count = int(match[0]) if (match := re.search(r"\d+", last[0])) else 0
    scroller = driver.find_element(By.CSS_SELECTOR, ".md-search__scrollwrap")
    while _state(driver)[1] < count:
        shown = _state(driver)[1]
        # The theme adds results when the list's end comes into view: leave the end, then reach it.
        driver.execute_script("arguments[0].scrollTop = 0", scroller)
        time.sleep(0.05)
        driver.execute_script("arguments[0].scrollTop = arguments[0].scrollHeight", scroller)
        _wait(driver, lambda d, shown=shown: _state(d)[1] > shown, f"the results for {query!r} stopped at {shown}")
    links = driver.find_elements(By.CSS_SELECTOR, ".md-search-result__list > li > a")
    return {_site_path(link.get_attribute("href"), base) for link in links}


def _site_path(href: str, base: str) -> str:
    """``href``'s page as a path inside the site (no query, no fragment)."""
    path, root = urlsplit(href).path, urlsplit(base).path
    assert path.startswith(root), f"a result outside the site: {href}"
    return path[len(root):]
