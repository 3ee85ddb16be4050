"""The home page and the checklists as laid out in headless Chromium, on a desktop and on a phone."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PHONE = (390, 844)
# Two desktop widths and a narrow laptop: the pipeline wraps differently at each.
WIDTHS = [(1280, 900), (1600, 900), (1000, 800), PHONE]

# Each stage box: where it is, and what its arrow (the ::after content) is.
BOXES_JS = """
return [...document.querySelectorAll('.pb-pipeline > ol > li')].map(li => {
  const r = li.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
          arrow: getComputedStyle(li, '::after').content};
});
"""


def _open(chromium, url: str, size: tuple[int, int]):
    driver = chromium()
    driver.set_window_size(*size)
    driver.get(url)
    return driver


@pytest.mark.parametrize("size", WIDTHS, ids=lambda s: f"{s[0]}px")
def test_every_pipeline_arrow_points_at_the_next_stage(chromium, repo_site_url, screenshot, size) -> None:
    driver = _open(chromium, repo_site_url + "index.html", size)
    width = driver.execute_script("return window.innerWidth")
    boxes = driver.execute_script(BOXES_JS)
    screenshot(driver, f"home-pipeline-{width}px")
    assert len(boxes) >= 4
    assert boxes[-1]["arrow"] == "none", "the last stage points at nothing"
    for box, after in zip(boxes, boxes[1:], strict=False):
        same_row = abs(box["top"] - after["top"]) < 2
        if box["arrow"] == '"→"':
            assert same_row and after["left"] > box["right"], f"an arrow points right at nothing: {box}"
        elif box["arrow"] == '"↓"':
            assert after["top"] > box["bottom"] and after["left"] < box["right"], \
                f"an arrow points down at nothing: {box}"
        else:
            assert box["arrow"] == "none" and not same_row, f"two boxes side by side without an arrow: {box}"
    if width <= PHONE[0]:  # a phone: one column, each box pointing down at the next
        assert len({round(b["left"]) for b in boxes}) == 1
        assert all(b["arrow"] == '"↓"' for b in boxes[:-1])
    else:  # room for rows: they are used
        assert any(b["arrow"] == '"→"' for b in boxes)


def test_headings_of_the_home_description_have_anchors_and_are_in_the_contents(chromium, repo_site_url) -> None:
    from selenium.webdriver.common.by import By

    driver = _open(chromium, repo_site_url + "index.html", (1280, 900))
    heading = driver.find_element(By.XPATH, "//article//h2[contains(., 'Czym jest pipeline sprzedażowy?')]")
    anchor = heading.get_attribute("id")
    assert anchor and heading.find_element(By.CSS_SELECTOR, "a.headerlink").get_attribute("href").endswith(f"#{anchor}")
    contents = driver.find_element(By.CSS_SELECTOR, ".md-sidebar--secondary nav.md-nav--secondary")
    assert contents.is_displayed()
    linked = [a.get_attribute("href").rsplit("#", 1)[-1] for a in contents.find_elements(By.CSS_SELECTOR, "a")]
    assert anchor in linked
    assert heading.text.strip().startswith("Czym jest pipeline")  # the heading's text, not its Markdown


def test_checklist_labels_never_break_mid_word_on_a_phone(chromium, repo_site_url, screenshot) -> None:
    driver = _open(chromium, repo_site_url + "checklists/kwalifikacja-leadow.html", PHONE)
    lines = driver.execute_script("""
      return [...document.querySelectorAll('.fields .label')].map(label => {
        const range = document.createRange();
        range.selectNodeContents(label);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        return [label.textContent.trim(), tops.size, label.scrollWidth <= label.clientWidth];
      });
    """)
    screenshot(driver, "checklist-phone")
    assert [text for text, _, _ in lines] == ["Lead/transakcja", "Handlowiec", "Data"]
    for text, line_count, fits in lines:
        assert line_count == 1 and fits, f"the label {text!r} takes {line_count} lines on a phone"
