"""The repository is the example project every team copies: its mkdocs.yml, assets/ and templates/
are used by the README's first command, and show in the site it builds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli

EXAMPLE = ("playbook", "stages", "templates", "assets", "mkdocs.yml")


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's project files, built with the README's first command, `playbookgen build .`."""
    project = tmp_path_factory.mktemp("example") / "playbook"
    project.mkdir()
    for name in EXAMPLE:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        else:
            shutil.copy2(source, project / name)
    done = subprocess.run([sys.executable, "-m", "playbookgen", "build", "."], cwd=project, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == "", "the example builds without a warning"
    return project / "site"


def test_the_example_mkdocs_yml_sets_what_a_team_would(example_site: Path) -> None:
    settings = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    home = (example_site / "index.html").read_text(encoding="utf-8")
    logo = settings["theme"]["logo"]
    assert (example_site / logo).read_bytes() == (REPO / logo).read_bytes()
    assert f'src="{logo}"' in home
    assert f'<link rel="canonical" href="{settings["site_url"]}index.html">' in home
    assert f'href="{settings["repo_url"]}"' in home
    primary = settings["theme"]["palette"][0]["primary"].replace(" ", "-")
    assert f'data-md-color-primary="{primary}"' in home


def test_the_example_template_override_shows_in_the_site(example_site: Path) -> None:
    override = (REPO / "templates/site/start-here.md.j2").read_text(encoding="utf-8")
    assert '!!! tip "Kogo pytać"' in override
    page = (example_site / "start-here.html").read_text(encoding="utf-8")
    assert "Kogo pytać" in page and "dział Sales Ops" in page
    listed = run_cli("templates", "list", REPO)
    expected = ["site/start-here.md.j2", "overridden", "by", "templates/site/start-here.md.j2"]
    assert expected in [line.split() for line in listed.stdout.splitlines()]
