"""Shared test helpers: small playbook projects built in tmp_path, and the CLI run as a user would."""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from playbookgen.cli import main
from playbookgen.halves import usable_cpus

REPO = Path(__file__).resolve().parent.parent

# --- No system fonts --------------------------------------------------------------------------
# The suite runs under a fontconfig that sees no font at all, as on a bare machine, so nothing
# passes because of a font that happens to be installed. Set before anything starts fontconfig
# (WeasyPrint, Chromium); MACHINE_FONTS is the environment as it came, for a test that wants both.
FONTCONFIG_VARS = ("FONTCONFIG_FILE", "FONTCONFIG_PATH")
MACHINE_FONTS = {name: os.environ.get(name) for name in FONTCONFIG_VARS}


def _no_fonts_config() -> Path:
    """A fontconfig file whose only font folder is empty; in a folder removed when the session ends."""
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="playbookgen-nofonts-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    (folder / "empty").mkdir()
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{folder / 'empty'}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    return config


NO_FONTS_CONFIG = _no_fonts_config()
os.environ["FONTCONFIG_FILE"] = str(NO_FONTS_CONFIG)
os.environ["FONTCONFIG_PATH"] = str(NO_FONTS_CONFIG.parent)


def machine_fonts_env() -> dict[str, str]:
    """This process's environment with the machine's own fontconfig back (for a child process)."""
    env = {k: v for k, v in os.environ.items() if k not in FONTCONFIG_VARS}
    env.update({k: v for k, v in MACHINE_FONTS.items() if v is not None})
    return env

MINIMAL_PLAYBOOK = {
    "playbook/playbook.yml": """
        title: Test playbook
        language: en
        stages: [first, second]
    """,
    "playbook/techniques.yml": """
        techniques:
          - id: cold-calling
            name: Cold calling
            summary: Calling prospects who do not expect it.
    """,
    "stages/01-first.yml": """
        id: first
        name: First
        summary: The first stage.
        probability: 10
        exit_criteria:
          - Budget confirmed
        techniques: [cold-calling]
    """,
    "stages/02-second.yml": """
        id: second
        name: Second
        summary: The second stage.
        probability: 50
        exit_criteria:
          - text: Proposal accepted
            evidence: Signed order form
    """,
}


def build_file_tree(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write ``files`` (path -> text, dedented; bytes as they are; None deletes) under ``root``."""
    for name, content in files.items():
        path = root / name
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[tuple[object, ...]]:
    """Wrap ``owner.name`` so every call is still made and its arguments recorded; the record, for asserting."""
    calls: list[tuple[object, ...]] = []
    real = getattr(owner, name)

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return calls


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by relative path, with its bytes: to compare two builds."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session", autouse=True)
def private_template_cache(tmp_path_factory: pytest.TempPathFactory):
    """Compiled templates go to a folder of the test session's, not the user's ~/.cache."""
    saved = os.environ.get("PLAYBOOKGEN_CACHE_DIR")
    os.environ["PLAYBOOKGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("template-cache"))
    yield
    if saved is None:
        os.environ.pop("PLAYBOOKGEN_CACHE_DIR", None)
    else:
        os.environ["PLAYBOOKGEN_CACHE_DIR"] = saved


@pytest.fixture
def make_project(tmp_path: Path):
    """make_project({path: text}) -> folder holding the minimal valid playbook with those changes."""

    def make(changes: dict[str, str | bytes | None] | None = None, base: dict[str, str] | None = None) -> Path:
        root = tmp_path / "project"
        build_file_tree(root, dict(MINIMAL_PLAYBOOK if base is None else base))
        build_file_tree(root, changes or {})
        return root

    return make


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


# playbookgen forks its MkDocs worker only with more than one CPU (engines/mkdocs.py).
needs_two_cpus = pytest.mark.skipif(usable_cpus() < 2, reason="children are forked only with 2+ CPUs")


def run_cli(*args: str) -> CliResult:
    """Run ``playbookgen ARGS`` in-process, keeping stdout and stderr apart."""
    runner = CliRunner()
    result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    return CliResult(result.exit_code, result.stdout, result.stderr)


# --- The repository's own site, built once, served on loopback, driven in headless Chromium -------
# (browser, HTML-quality and engine tests). Self-contained: these fixtures need nothing above.

import contextlib  # noqa: E402
import functools  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Quiet, reproducible Chromium: no calls home, no first-run pages, a fresh profile each time.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1280,900")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SAMPLE_DEALS = "examples/sample-deals-hubspot.csv"  # synthetic, labelled SAMPLE wherever it is shown
# The source guide the default playbook was written from (test_content checks every heading has a home):
# PLAYBOOKGEN_GUIDE_SEED, else the shared seeds folder beside the checkout. Missing: a skip, in CI a failure.
GUIDE_SEED = Path(os.environ.get("PLAYBOOKGEN_GUIDE_SEED")
                  or REPO.parent / "shared" / "seeds" / "000_56455550b154ae31.txt")


# The Debian packages the suite needs: the README's apt line and .ci/run name the same (test_test_setup.py).
TEST_PACKAGES = "chromium chromium-driver poppler-utils default-jre-headless fontconfig fonts-dejavu-core git"
_BROWSER_WORDS = ("chromium", "chromedriver", "selenium")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Browser tests skipped for want of Chromium did not run: the run says so loudly, last."""
    skipped = [report for report in terminalreporter.stats.get("skipped", [])
               if isinstance(report.longrepr, tuple) and any(w in str(report.longrepr[2]).lower() for w in _BROWSER_WORDS)]
    if skipped:
        terminalreporter.write_sep(
            "!", f"BROWSER TESTS SKIPPED: {len(skipped)} test{'s' * (len(skipped) != 1)} "
            f"need{'s' * (len(skipped) == 1)} Chromium/chromedriver: "
            f"apt-get install {TEST_PACKAGES}", red=True, bold=True)


def missing_tool(message: str) -> None:
    """A tool the test needs is absent: CI must hear about it (fail); a laptop may just skip."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{message} (required in CI)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def require_tool():
    """require_tool(message): fail in CI, skip elsewhere, when a tool a test needs is missing."""
    return missing_tool


@pytest.fixture(scope="session")
def repo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's playbook built with the real CLI, once per session (no PDFs: they are not pages),
    with the SAMPLE deals export, so the pipeline health page and the stage panels are checked too."""
    out = tmp_path_factory.mktemp("repo-site") / "site"
    command = [sys.executable, "-m", "playbookgen", "build", str(REPO), "--site-dir", str(out), "--no-pdf",
               "--deals", str(REPO / SAMPLE_DEALS), "--deals-format", "hubspot"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, f"playbookgen build failed:\n{result.stdout}\n{result.stderr}"
    return out


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free loopback port; yields its base URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def repo_site_url(repo_site: Path):
    """Base URL (ending in /) of the repository's site, served by a threaded server on a free port."""
    with serving(repo_site) as url:
        yield url


@pytest.fixture
def chromium(tmp_path: Path):
    """chromium(*extra_flags) -> a Selenium driver for headless Chromium; every one is quit afterwards."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing_tool("selenium is not installed (pip install selenium)")
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            missing_tool(f"{path} is missing (apt-get install chromium chromium-driver)")
    drivers = []

    def start(*extra_flags: str):
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in (*CHROMIUM_FLAGS, *extra_flags):
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='profile-', dir=tmp_path)}")
        # The performance log lists every request the page made: how the offline test sees the network.
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        # Chromium shapes no text at all without a system font, even a page's own web font: it gets
        # the machine's fonts (whatever the browser package brought), unlike the rest of the suite.
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER, env=machine_fonts_env()), options=options)
        driver.set_page_load_timeout(60)
        drivers.append(driver)
        return driver

    yield start
    for driver in drivers:
        driver.quit()


@pytest.fixture
def screenshot():
    """screenshot(driver, name) saves tests/artifacts/NAME.png for a person to look at."""

    def save(driver, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        driver.save_screenshot(str(path))
        return path

    return save
