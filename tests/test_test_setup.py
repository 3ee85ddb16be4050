"""What the test suite itself needs is said in one line, and a run without Chromium says loudly that its
browser tests did not run (issue 23, #8)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO, TEST_PACKAGES

HERE = Path(__file__).resolve().parent


def test_the_readme_and_ci_install_the_same_packages() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (line,) = [line for line in readme.splitlines() if "apt-get install" in line]
    assert line.split("apt-get install -y ", 1)[1].split() == TEST_PACKAGES.split()
    assert readme.index(line) < readme.index("python -m pytest")  # beside the test command
    ci = (REPO / ".ci/run").read_text(encoding="utf-8")
    listed = re.search(r"--no-install-recommends \\\n\s+(.+?) >/dev/null", ci)
    assert listed and listed.group(1).split() == TEST_PACKAGES.split()


def _run_suite(tmp_path: Path, tests: str) -> subprocess.CompletedProcess[str]:
    """pytest over one test file beside a copy of our conftest.py, in a fresh process, outside CI."""
    shutil.copy(HERE / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_sample.py").write_text(tests, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO / "src"), env.get("PYTHONPATH", "")) if p)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def test_a_run_without_chromium_ends_saying_the_browser_tests_were_skipped(tmp_path: Path) -> None:
    result = _run_suite(tmp_path, """
import conftest

conftest.CHROMIUM = "/nonexistent/chromium"  # as on a machine without the package


def test_one(chromium):
    chromium()


def test_two(chromium):
    chromium()


def test_plain():
    assert True
""")
    assert result.returncode == 0, result.stdout + result.stderr
    last = result.stdout.strip().splitlines()
    banner = next(line for line in last if "BROWSER TESTS SKIPPED" in line)
    assert f"BROWSER TESTS SKIPPED: 2 tests need Chromium/chromedriver: apt-get install {TEST_PACKAGES}" in banner
    assert "1 passed, 2 skipped" in last[-1]


def test_a_run_with_nothing_skipped_says_nothing_of_browsers(tmp_path: Path) -> None:
    result = _run_suite(tmp_path, "import pytest\n\n\ndef test_plain():\n    assert True\n\n\n"
                                  "def test_other_skip():\n    pytest.skip('needs 2 CPUs')\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROWSER TESTS SKIPPED" not in result.stdout
