"""The rep's toolkit in headless Chromium: checklists that remember ticks, and glossary tooltips.

The repository's own site, served on loopback and opened from file:// (the folder people open from
disk): ticks survive a reload, "clear" removes them, and a glossary term shows its definition when
it gets keyboard focus.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 20


def _first_stage_id() -> str:
    return yaml.safe_load((REPO / "playbook" / "playbook.yml").read_text(encoding="utf-8"))["stages"][0]


def _wait(driver, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(condition, message)


def _open_list(driver, url: str, name: str):
    """Open ``url`` and wait until the ticks script has set up the list ``name``; returns (boxes, labels, clear)."""
    from selenium.webdriver.common.by import By

    driver.get(url)
    selector = f"[data-pb-ticks='{name}']"
    clear = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"{selector} button.pb-ticks-clear"),
                  f"the list {name} got no clear button: the ticks script did not run")[0]
    labels = driver.find_elements(By.CSS_SELECTOR, f"{selector} li.task-list-item label.task-list-control")
    boxes = [label.find_element(By.CSS_SELECTOR, "input[type=checkbox]") for label in labels]
    assert len(boxes) >= 2, f"the list {name} needs two items for this test"
    return boxes, labels, clear


def _click(driver, element) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def _ticks_survive_a_reload_and_clear_removes_them(driver, url: str, name: str) -> None:
    boxes, labels, _ = _open_list(driver, url, name)
    assert not any(box.is_selected() for box in boxes), "a fresh browser starts with nothing ticked"
    _click(driver, labels[0])
    _click(driver, labels[-1])
    assert boxes[0].is_selected() and boxes[-1].is_selected()

    boxes, labels, clear = _open_list(driver, url, name)  # a fresh load of the page
    ticked = [box.is_selected() for box in boxes]
    assert ticked == [True] + [False] * (len(boxes) - 2) + [True], f"after a reload: {ticked}"

    _click(driver, clear)
    assert not any(box.is_selected() for box in boxes), "clear left a tick"
    boxes, _, _ = _open_list(driver, url, name)
    assert not any(box.is_selected() for box in boxes), "a cleared tick came back after a reload"


def test_exit_criteria_remember_ticks_when_served(chromium, repo_site_url):
    driver = chromium()
    _ticks_survive_a_reload_and_clear_removes_them(driver, f"{repo_site_url}stages/{_first_stage_id()}.html",
                                                   "exit-criteria")


def test_exit_criteria_remember_ticks_from_the_file_system(chromium, repo_site, screenshot):
    driver = chromium()
    url = (repo_site / "stages" / f"{_first_stage_id()}.html").as_uri()
    _ticks_survive_a_reload_and_clear_removes_them(driver, url, "exit-criteria")
    screenshot(driver, "ticks-from-file")


def test_start_here_lists_remember_ticks_from_the_file_system(chromium, repo_site):
    driver = chromium()
    url = (repo_site / "start-here.html").as_uri()
    _ticks_survive_a_reload_and_clear_removes_them(driver, url, "first-day")
    _ticks_survive_a_reload_and_clear_removes_them(driver, url, "first-week")


def test_ticks_of_one_page_stay_on_that_page(chromium, repo_site_url):
    stages = yaml.safe_load((REPO / "playbook" / "playbook.yml").read_text(encoding="utf-8"))["stages"]
    driver = chromium()
    _, labels, _ = _open_list(driver, f"{repo_site_url}stages/{stages[0]}.html", "exit-criteria")
    _click(driver, labels[0])
    boxes, _, _ = _open_list(driver, f"{repo_site_url}stages/{stages[1]}.html", "exit-criteria")
    assert not any(box.is_selected() for box in boxes)


def test_without_javascript_the_list_is_plain(chromium, repo_site_url):
    from selenium.webdriver.common.by import By

    driver = chromium("--blink-settings=scriptEnabled=false")
    driver.get(f"{repo_site_url}stages/{_first_stage_id()}.html")
    # The theme's first inline script swaps no-js for js as the page loads: still no-js, no script ran.
    assert "no-js" in driver.find_element(By.TAG_NAME, "html").get_attribute("class").split()
    lists = driver.find_elements(By.CSS_SELECTOR, "[data-pb-ticks='exit-criteria']")
    assert lists and lists[0].find_elements(By.CSS_SELECTOR, "li.task-list-item")
    assert not driver.find_elements(By.CSS_SELECTOR, "button.pb-ticks-clear")


def test_a_glossary_term_shows_its_definition_on_focus(chromium, repo_site_url, screenshot):
    from selenium.webdriver.common.by import By

    driver = chromium()
    driver.get(f"{repo_site_url}stages/{_first_stage_id()}.html")
    term = driver.find_element(By.CSS_SELECTOR, "article abbr[tabindex='0'][title]")
    definition = term.get_attribute("title")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", term)
    # The theme mounts its tooltips when its scripts start, after the first paint (our theme defers
    # them); it publishes component$ once every component is mounted, so a focus before that is lost.
    _wait(driver, lambda d: d.execute_script("return typeof window.component$ !== 'undefined'"),
          "the theme's scripts never started")
    # A page the browser has not given focus delivers no focus events: newer Chromiums start a fresh profile's
    # window unfocused. A person clicks into the page before tabbing to a term; so does the test.
    driver.find_element(By.CSS_SELECTOR, "article h1").click()
    assert driver.execute_script("return document.hasFocus()"), "the page did not get focus from a click"
    driver.execute_script("arguments[0].focus()", term)
    # The tooltip turns active first and gets its text a frame later (and fades in, so Selenium's
    # visible .text may still be empty): wait for an active tooltip that holds text, then compare it.
    tip = _wait(driver, lambda d: next((t for t in d.find_elements(By.CSS_SELECTOR, ".md-tooltip2.md-tooltip2--active")
                                        if (t.get_attribute("textContent") or "").strip()), None),
                "focusing a glossary term showed no tooltip with text")
    assert " ".join(tip.get_attribute("textContent").split()) == " ".join(definition.split())
    assert term.get_attribute("aria-describedby") == tip.get_attribute("id")
    screenshot(driver, "glossary-tooltip")
