"""The GitHub Actions workflow `init` writes: its install line installs playbookgen from the one place
the team sets (PLAYBOOKGEN_SOURCE), and the build checks out the whole history (issue 23, #2 and #3)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli
from playbookgen import REPOSITORY, __version__


def _workflow(tmp_path: Path) -> dict:
    result = run_cli("init", tmp_path / "team", "--language", "en")
    assert result.exit_code == 0
    # init says where the workflow gets playbookgen, and which line to change
    assert f"installs playbookgen from git+{REPOSITORY}@v{__version__}" in result.stderr
    assert "PLAYBOOKGEN_SOURCE" in result.stderr
    return yaml.safe_load((tmp_path / "team/.github/workflows/playbook.yml").read_text(encoding="utf-8"))


def _install_lines(workflow: dict) -> dict[str, str]:
    """Each job's pip install step, by job."""
    return {name: step["run"] for name, job in workflow["jobs"].items()
            for step in job["steps"] if "pip install" in step.get("run", "")}


def test_the_repository_is_named_once_and_the_workflow_installs_its_tagged_release(tmp_path):
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["urls"]["Repository"] == REPOSITORY
    workflow = _workflow(tmp_path)
    assert workflow["env"] == {"PLAYBOOKGEN_SOURCE": f"git+{REPOSITORY}@v{__version__}"}
    lines = _install_lines(workflow)
    assert set(lines) == {"validate", "build"}
    assert all("${PLAYBOOKGEN_SOURCE}" in line and "==" not in line for line in lines.values())


def test_the_build_job_checks_out_the_whole_history(tmp_path):
    steps = _workflow(tmp_path)["jobs"]["build"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0


@pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(), reason="needs git and a git checkout")
def test_the_workflow_install_lines_resolve_against_a_clone_of_the_repository(tmp_path):
    """Each job's install line, run by bash as Actions runs it, with PLAYBOOKGEN_SOURCE as written
    except that the repository is a local clone (tagged as a release would be): pip finds playbookgen
    of this version, with the pdf extra where the job asks for it."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-local", str(REPO), str(clone)], check=True, timeout=120)
    subprocess.run(["git", "-C", str(clone), "tag", f"v{__version__}"], check=True)
    workflow = _workflow(tmp_path)
    source = workflow["env"]["PLAYBOOKGEN_SOURCE"].replace(REPOSITORY, f"file://localhost{clone}")
    for job, line in _install_lines(workflow).items():
        report = tmp_path / f"{job}.json"
        command = line.replace("python -m pip install",
                               f"{sys.executable} -m pip install --dry-run --ignore-installed --no-deps --quiet "
                               f"--report {report}", 1)
        assert command != line
        env = {**{k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, "PLAYBOOKGEN_SOURCE": source}
        result = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"{job}: {line}\n{result.stderr}"
        (installed,) = json.loads(report.read_text(encoding="utf-8"))["install"]
        assert (installed["metadata"]["name"], installed["metadata"]["version"]) == ("playbookgen", __version__)
        assert installed["download_info"]["vcs_info"]["requested_revision"] == f"v{__version__}"
        wanted = installed.get("requested_extras", [])
        assert wanted == (["pdf"] if job == "build" else []), job
        assert set(wanted) <= set(installed["metadata"].get("provides_extra", []))
