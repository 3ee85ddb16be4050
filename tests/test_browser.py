"""End-to-end: the repository's playbook site in headless Chromium, as a sales rep would use it.

Served on loopback for the clicking scenarios, and opened from file:// with the network cut off for
the offline one (the site ships as a folder people open from disk). Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import yaml

from conftest import run_cli, serving
from search_queries import search_box

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 20
# Schemes that never leave the machine; anything else (http, https, ws...) is a network request.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome:", "chrome-extension:", "chrome-untrusted:", "devtools:")
# No name resolves and every connection goes to a closed local port: the network is gone.
OFFLINE_FLAGS = ("--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
                 "--proxy-bypass-list=<-loopback>")


def _playbook() -> tuple[dict, dict]:
    """The first stage and first technique of the repository's playbook, read from its YAML."""
    playbook = yaml.safe_load((REPO / "playbook" / "playbook.yml").read_text(encoding="utf-8"))
    first_id = playbook["stages"][0]
    stage = next(
        data for path in sorted((REPO / "stages").glob("*.yml"))
        if (data := yaml.safe_load(path.read_text(encoding="utf-8"))).get("id") == first_id
    )
    techniques = yaml.safe_load((REPO / "playbook" / "techniques.yml").read_text(encoding="utf-8"))["techniques"]
    technique = next(t for t in techniques if t["id"] in stage.get("techniques", []))
    return stage, technique


def _wait(driver, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(condition, message)


def _open_stage_from_pipeline(driver, stage: dict) -> None:
    """Click the stage in the home page's pipeline picture and wait for its page."""
    from selenium.webdriver.common.by import By

    link = driver.find_element(By.CSS_SELECTOR, f".pb-pipeline a[href$='stages/{stage['id']}.html']")
    assert link.text.strip() == stage["name"]
    link.click()
    _wait(driver, lambda d: d.current_url.split("#")[0].endswith(f"stages/{stage['id']}.html"),
          f"clicking the pipeline did not open the page of stage {stage['id']}")
    assert driver.find_element(By.CSS_SELECTOR, "article h1").text.strip() == stage["name"]


def _search(driver, query: str) -> list[str]:
    """Type into Material's search box and return the result links once results show."""
    from selenium.webdriver.common.by import By

    box = search_box(driver)
    box.send_keys(query)
    links = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".md-search-result__item a"),
                  f"search for {query!r} showed no result")
    return [link.get_attribute("href") for link in links]


def _requests(driver) -> list[str]:
    """Every URL the browser asked for, from the performance log and the page's resource timing."""
    urls: list[str] = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    urls += driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return urls


def test_home_page_leads_to_a_stage_through_the_pipeline(chromium, repo_site_url, screenshot):
    stage, _ = _playbook()
    driver = chromium()
    driver.get(repo_site_url)
    screenshot(driver, "home")
    _open_stage_from_pipeline(driver, stage)
    screenshot(driver, f"stage-{stage['id']}")


def test_a_checklist_item_can_be_ticked(chromium, repo_site_url, screenshot):
    from selenium.webdriver.common.by import By

    stage, _ = _playbook()
    driver = chromium()
    driver.get(f"{repo_site_url}stages/{stage['id']}.html")
    item = driver.find_element(By.CSS_SELECTOR, "li.task-list-item")
    box = item.find_element(By.CSS_SELECTOR, "input[type=checkbox]")
    assert not box.is_selected()
    assert box.is_enabled(), "the exit criteria checkboxes must be clickable"
    first_criterion = stage["exit_criteria"][0]
    text = first_criterion if isinstance(first_criterion, str) else first_criterion["text"]
    assert text in item.text
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", item)
    item.find_element(By.CSS_SELECTOR, "label.task-list-control").click()  # the box is drawn by the label
    assert box.is_selected()
    screenshot(driver, "checklist-ticked")


def test_search_finds_a_technique(chromium, repo_site_url, screenshot):
    _, technique = _playbook()
    driver = chromium()
    driver.get(repo_site_url)
    hrefs = _search(driver, technique["name"])
    screenshot(driver, "search")
    anchor = f"#technique-{technique['id']}"
    assert any(href.endswith(anchor) for href in hrefs), f"no result links to {anchor}: {hrefs}"


def test_site_works_from_the_file_system_without_network(chromium, repo_site, screenshot):
    from selenium.webdriver.common.by import By

    stage, technique = _playbook()
    driver = chromium(*OFFLINE_FLAGS)
    driver.get((repo_site / "index.html").as_uri())
    header = driver.find_element(By.CSS_SELECTOR, "header.md-header")
    # The theme's stylesheet loaded: the header is sticky and coloured, not a browser-default block.
    assert header.value_of_css_property("position") == "sticky"
    assert header.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent")
    screenshot(driver, "offline-home")
    _open_stage_from_pipeline(driver, stage)
    hrefs = _search(driver, technique["name"])
    assert any(href.endswith(f"#technique-{technique['id']}") for href in hrefs), hrefs
    screenshot(driver, "offline-search")
    remote = [url for url in _requests(driver) if not url.startswith(LOCAL_SCHEMES)]
    assert not remote, f"the offline site asked the network for: {remote}"


# Installed before the page exists: every change to <html>'s attributes (name, old and new value),
# with whether the <body> existed yet (it does not while <head> is parsed).
ROOT_WATCH = """
window.rootChanges = [];
new MutationObserver(list => {
  const root = document.documentElement;
  list.forEach((m, i) => {
    if (m.target !== root) return;
    // Setting a value it already has is recorded too; only a real change counts.
    const next = list.slice(i + 1).find(n => n.target === root && n.attributeName === m.attributeName);
    const value = next ? next.oldValue : root.getAttribute(m.attributeName);
    if (value !== m.oldValue) rootChanges.push([m.attributeName, m.oldValue, value, document.body !== null]);
  });
}).observe(document, {attributes: true, attributeOldValue: true, subtree: true});  // <html> does not exist yet
"""


def _theme_started(driver) -> None:
    _wait(driver, lambda d: d.execute_script("return typeof window.document$ === 'object'"),
          "the theme's script never started")


def test_the_theme_start_leaves_the_root_element_alone(chromium, repo_site_url):
    """The classes the theme's script puts on <html> are there from the <head> on. Set later, by the
    theme's start-up, each change to <html> restyles every element of the page once more."""
    driver = chromium()
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": ROOT_WATCH})
    driver.get(repo_site_url)
    _theme_started(driver)
    changes = driver.execute_script("return rootChanges")
    assert changes and not any(with_body for *_, with_body in changes), changes
    classes = driver.execute_script("return [...document.documentElement.classList]")
    assert {"js", "js-focus-visible"} <= set(classes) and "no-js" not in classes


def test_switching_light_and_dark_fades_nothing(chromium, repo_site_url):
    """The palette stylesheet's rule that stops transitions during a switch is gone (it cost two
    restyles of the whole page at start-up); our script does its job, at the switch only."""
    from selenium.webdriver.common.by import By

    driver = chromium()
    driver.get(repo_site_url)
    _theme_started(driver)
    header = driver.find_element(By.CSS_SELECTOR, "header.md-header")
    duration = "return getComputedStyle(arguments[0]).transitionDuration"
    before = driver.execute_script(duration, header)
    assert any(float(d.strip().rstrip("s")) > 0 for d in before.split(",")), before
    toggle = driver.find_element(By.CSS_SELECTOR, "[data-md-component=palette] label:not([hidden])")
    during, scheme = driver.execute_script("""
        arguments[0].click();
        return [getComputedStyle(arguments[1]).transitionDuration, document.body.dataset.mdColorScheme];
    """, toggle, header)
    assert scheme == "slate"
    assert set(during.replace(" ", "").split(",")) == {"0s"}, during
    _wait(driver, lambda d: d.execute_script(duration, header) == before, "transitions stayed off after the switch")
    # It is our script that did it: no stylesheet of the page holds the theme's rule any more.
    assert not driver.execute_script("""
        const rules = group => [...group.cssRules].flatMap(r => [r, ...(r.cssRules ? rules(r) : [])]);
        return [...document.styleSheets].flatMap(rules)
          .some(r => (r.selectorText || "").includes("data-md-color-switching"));
    """)


TEAM_SCRIPT = """
window.teamEvents = window.teamEvents || [];
document.addEventListener("DOMContentLoaded", function () {
  // The theme's bundle publishes document$ when it has run (Material and Zensical alike).
  window.teamEvents.push(typeof window.document$ === "object" ? "theme-ready" : "theme-not-ready");
});
"""


TEAM_MAIN = """{% extends "base.html" %}
{% block scripts %}{{ super() }}<script>
window.teamInline = {themeReady: typeof window.document$ === "object",
                     teamScriptLoaded: Array.isArray(window.teamEvents)};
</script>{% endblock %}
"""


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_scripts_wait_for_the_first_paint_and_start_once(engine, chromium, make_project, tmp_path, require_tool):
    """The theme's bundle is fetched after the first contentful paint, not alongside the stylesheet,
    and it and a team's extra_javascript still each get DOMContentLoaded once, in order."""
    if engine == "zensical" and importlib.util.find_spec("zensical") is None:
        require_tool("zensical is not installed (pip install 'playbookgen[zensical]')")
    project = make_project({
        "mkdocs.yml": "theme:\n  custom_dir: theme\nextra_javascript:\n  - js/team.js\n",
        "theme/js/team.js": TEAM_SCRIPT,
        "theme/main.html": TEAM_MAIN,
    })
    site = tmp_path / "site"
    result = run_cli("build", project, "--site-dir", site, "--no-pdf", "--engine", engine)
    assert result.exit_code == 0, result.stdout + result.stderr
    driver = chromium()
    with serving(site) as url:
        driver.get(f"{url}stages/first.html")
        _wait(driver, lambda d: d.execute_script("return (window.teamEvents || []).length > 0"),
              "the team's script never saw DOMContentLoaded")
        driver.execute_script("return new Promise(r => setTimeout(r, 300))")  # room for a second event
    assert driver.execute_script("return window.teamEvents") == ["theme-ready"]
    # An inline script a team's main.html adds to the block runs too, after the scripts before it.
    assert driver.execute_script("return window.teamInline") == {"themeReady": True, "teamScriptLoaded": True}
    paint, bundle = driver.execute_script("""
        const paint = performance.getEntriesByName("first-contentful-paint")[0];
        const bundle = performance.getEntriesByType("resource").find(e => /bundle\\.[0-9a-f]+\\.min\\.js$/.test(e.name));
        return [paint.startTime, bundle.startTime];
    """)
    assert bundle >= paint, f"the bundle was fetched at {bundle:.0f} ms, before the first paint at {paint:.0f} ms"
