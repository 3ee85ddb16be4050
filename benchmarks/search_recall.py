"""Recall of the site's search on inflected queries: the theme's own search beside ours, in Chromium.

The repository's playbook (Polish; with --english, the English starter project, made by
playbookgen init --starter full --language en) is built twice in the same run: as playbookgen
builds it, and with the one step that gives the search our stemmer (engines/search_language.py)
left out, which is the search the site had before. Each query of tests/search_queries.yml is typed
into the search box of each site, served on loopback (or opened from file:// with --file), and the
pages the results list are compared with the pages on which one of the query's hand-written forms
stands. Prints, per query and in all, the pages found of those expected (recall) and the pages found
beyond them, and each site's size; the Polish held-out queries (written after the stemmer, never
tuned on) apart from the rest.

    python benchmarks/search_recall.py [--english] [--file] [--verbose]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS, machine_fonts_env, serving  # noqa: E402
from search_queries import (  # noqa: E402
    english_starter,
    expected_pages,
    initializer_text,
    load_queries,
    open_search,
    page_words,
    search_pages,
)

# The build as it was before: the step that gives the search our stemmer does nothing.
_WITHOUT_STEMMER = """
import sys
import playbookgen.engines as engines
engines.add_search_stemmer = lambda site, language: False
from playbookgen.cli import main
sys.argv = ["playbookgen", "build", *sys.argv[1:]]
main()
"""


def build(project: Path, out: Path, stemmer: bool) -> Path:
    """``project``'s playbook built into ``out``, with or without our search stemmer."""
    args = [str(project), "--site-dir", str(out), "--no-pdf"]
    command = [sys.executable, "-m", "playbookgen", "build", *args] if stemmer else \
        [sys.executable, "-c", _WITHOUT_STEMMER, *args]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=600)
    return out


def site_bytes(site: Path) -> int:
    return sum(path.stat().st_size for path in site.rglob("*") if path.is_file())


def measure(site: Path, base: str, queries, driver) -> list[tuple[int, int, int]]:
    """(expected, found of those, found beyond them) per query."""
    words = page_words(site)
    box = open_search(driver, base + "index.html", initializer_text(site))
    rows = []
    for query in queries:
        expected = expected_pages(query, words)
        found = search_pages(driver, box, query.text, base)
        rows.append((len(expected), len(found & expected), len(found - expected)))
    return rows


def _driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER, env=machine_fonts_env()), options=options)


def _summary(rows: list[tuple[int, int, int]]) -> tuple[float, float, int, int]:
    """Mean recall per query, recall over all (query, page) pairs, queries with every page found, extras."""
    macro = sum(found / expected for expected, found, _ in rows if expected) / sum(1 for e, _, _ in rows if e)
    micro = sum(found for _, found, _ in rows) / sum(expected for expected, _, _ in rows)
    complete = sum(1 for expected, found, _ in rows if found == expected)
    return macro, micro, complete, sum(extra for _, _, extra in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", action="store_true", help="open the sites from file:// instead of loopback")
    parser.add_argument("--verbose", action="store_true", help="print every query's figures")
    parser.add_argument("--english", action="store_true", help="the English queries, on the English starter site")
    options = parser.parse_args()
    if options.english:
        parts = {"english": load_queries("english"), "english_held_out": load_queries("english_held_out")}
        labels = {"english": ("the English query set, on the English starter site", "English"),
                  "english_held_out": ("held out (not tuned on)", "English")}
    else:
        parts = {"queries": load_queries(), "held_out": load_queries("held_out")}
        labels = {"queries": ("the query set", "Polish"), "held_out": ("held out (not tuned on)", "Polish")}
    queries = [query for part in parts.values() for query in part]
    with tempfile.TemporaryDirectory(prefix="search-recall-") as folder:
        project = english_starter(Path(folder)) if options.english else REPO
        sites = {"before": build(project, Path(folder) / "before", stemmer=False),
                 "after": build(project, Path(folder) / "after", stemmer=True)}
        results = {}
        driver = _driver()
        try:
            for name, site in sites.items():
                if options.file:
                    results[name] = measure(site, site.as_uri() + "/", queries, driver)
                else:
                    with serving(site) as url:
                        results[name] = measure(site, url, queries, driver)
        finally:
            driver.quit()
        sizes = {name: site_bytes(site) for name, site in sites.items()}
    if options.verbose:
        print(f"{'query':<20} {'expected':>8} {'before':>7} {'after':>7} {'extra before':>13} {'extra after':>12}")
        for query, before, after in zip(queries, results["before"], results["after"], strict=True):
            print(f"{query.text:<20} {before[0]:>8} {before[1]:>7} {after[1]:>7} {before[2]:>13} {after[2]:>12}")
    print(f"{'file://' if options.file else 'served on loopback'}, headless Chromium")
    start = 0
    for part, (label, language) in labels.items():
        count = len(parts[part])
        pairs = sum(r[0] for r in results["after"][start:start + count])
        print(f"{label}: {count} {language} queries in inflected forms, {pairs} (query, page) pairs expected")
        for name in ("before", "after"):
            macro, micro, complete, extra = _summary(results[name][start:start + count])
            print(f"  {name:>6}: recall {micro:.1%} of pairs, {macro:.1%} mean per query; {complete}/{count} "
                  f"queries find every page; {extra} pages found beyond the expected")
        start += count
    print(f"site: {sizes['before']:,} bytes before, {sizes['after']:,} after "
          f"({sizes['after'] / sizes['before'] - 1:+.2%})")


if __name__ == "__main__":
    main()
