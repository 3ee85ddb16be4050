"""The pipeline health page in headless Chromium: light and dark, desktop and phone.

The repository's site is built with the SAMPLE deals export (conftest.repo_site). Each case saves a
full-page screenshot to tests/artifacts/ for a person to look at, and checks what a reader would:
the charts are there, drawn in the scheme's colours with enough contrast, and fit a phone's width.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

WAIT_SECONDS = 20


def _rgb(css: str) -> tuple[float, float, float]:
    found = re.match(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)", css)
    assert found, f"not an rgb() colour: {css!r}"
    r, g, b = (float(found.group(i)) for i in (1, 2, 3))
    return r, g, b


def _contrast(one: str, two: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""

    def luminance(css: str) -> float:
        def channel(c: float) -> float:
            c /= 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = _rgb(css)
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_health_page_in_light_and_dark_on_desktop_and_phone(chromium, repo_site_url, screenshot, scheme, width):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = chromium()
    driver.set_window_size(width, 900)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
    driver.get(f"{repo_site_url}health.html")
    expected = "slate" if scheme == "dark" else "default"
    WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: d.execute_script("return document.body.dataset.mdColorScheme") == expected,
        f"the page did not take the {scheme} scheme")

    banner = driver.find_element(By.CSS_SELECTOR, ".pb-sample")
    assert banner.is_displayed() and "SAMPLE" in banner.text
    charts = driver.find_elements(By.CSS_SELECTOR, "figure.pb-chart")
    assert len(charts) == 4 and all(c.find_element(By.TAG_NAME, "svg").is_displayed() for c in charts)
    colours = driver.execute_script("""
        const bar = document.querySelector('.pb-chart rect.pb-bar');
        const text = document.querySelector('.pb-chart svg text');
        const mark = document.querySelector('.pb-chart line.pb-mark');
        let bg = 'rgba(0, 0, 0, 0)';
        for (let e = bar; e && /rgba\\(0, 0, 0, 0\\)|transparent/.test(bg); e = e.parentElement)
            bg = getComputedStyle(e).backgroundColor;
        if (/rgba\\(0, 0, 0, 0\\)/.test(bg)) bg = getComputedStyle(document.body).backgroundColor;
        return {bar: getComputedStyle(bar).fill, text: getComputedStyle(text).fill,
                mark: getComputedStyle(mark).stroke, bg: bg,
                theme: getComputedStyle(document.body).getPropertyValue('--md-default-fg-color').trim()};
    """)
    assert _contrast(colours["text"], colours["bg"]) >= 4.5, colours  # chart words read like body text
    assert _contrast(colours["bar"], colours["bg"]) >= 3, colours  # WCAG's bar for graphics
    assert _contrast(colours["mark"], colours["bg"]) >= 3, colours
    # The words follow the scheme: dark text on the light page, light text on the dark one.
    assert (sum(_rgb(colours["text"])) < sum(_rgb(colours["bg"]))) == (scheme == "light"), colours

    # Nothing sticks out of a phone's screen: the charts shrink to the column, the tables fit or scroll.
    overflow = driver.execute_script("""
        return [...document.querySelectorAll('.pb-chart svg')]
            .map(s => s.getBoundingClientRect().right).filter(r => r > window.innerWidth + 1);
    """)
    assert overflow == []
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    # Every table sits in a box that ends within the column and scrolls sideways itself (a 390 px phone),
    # and the page is no wider than its viewport less the scroll bar.
    boxes = driver.execute_script("""
        const width = document.documentElement.clientWidth;
        return [...document.querySelectorAll('article table')].map(t => {
            const box = t.closest('.pb-table-scroll');
            return box !== null && box.getBoundingClientRect().right <= width + 1; });
    """)
    assert len(boxes) >= 4 and all(boxes), boxes
    assert driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(height + 100, 16000))
    screenshot(driver, f"health-{scheme}-{width}")


def test_a_stage_page_shows_its_own_health_panel(chromium, repo_site_url, screenshot):
    from selenium.webdriver.common.by import By

    driver = chromium()
    driver.get(f"{repo_site_url}index.html")
    first = driver.find_element(By.CSS_SELECTOR, ".pb-pipeline a").get_attribute("href")
    driver.get(first)
    panel = driver.find_element(By.CSS_SELECTOR, ".pb-health")
    assert panel.is_displayed() and "SAMPLE" in panel.text
    panel.find_element(By.CSS_SELECTOR, "a[href$='health.html']").click()
    assert driver.current_url.endswith("health.html")
    screenshot(driver, "health-from-stage")
