"""The pre-commit hook a team adds runs the validator exactly as its entry says."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import yaml

from conftest import REPO


def test_hook_entry_validates_strictly_and_fails_on_a_bad_playbook(make_project) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "playbookgen-validate"]
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    assert re.search(hook["files"], "stages/01-first.yml") and re.search(hook["files"], "playbook/playbook.yml")
    program, *args = shlex.split(hook["entry"])
    assert program == "playbookgen"
    command = [sys.executable, "-m", "playbookgen", *args]
    assert subprocess.run(command, cwd=make_project(), capture_output=True).returncode == 0
    unlisted = make_project({"stages/03-third.yml": "id: third\nname: T\nsummary: t\nexit_criteria: [x]\n"})
    result = subprocess.run(command, cwd=unlisted, capture_output=True, text=True)
    assert result.returncode == 1 and "[stage-not-listed]" in result.stdout


def _readme_precommit_config() -> str:
    """The .pre-commit-config.yaml the docs tell a team to save, exactly as printed there."""
    readme = (REPO / "docs" / "using.md").read_text(encoding="utf-8")
    section = readme[readme.index("save this as\n`.pre-commit-config.yaml`"):]
    return section[section.index("```yaml\n") + len("```yaml\n"):section.index("```\n", section.index("```yaml\n") + 8)]


def test_the_documented_pre_commit_example_stops_a_bad_commit(make_project, tmp_path, require_tool) -> None:
    import os
    import shutil

    pre_commit = shutil.which("pre-commit", path=os.path.dirname(sys.executable)) or shutil.which("pre-commit")
    if pre_commit is None:
        require_tool("pre-commit is not installed (it is in the test extra)")
    root = make_project({".pre-commit-config.yaml": _readme_precommit_config()})
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), GIT_AUTHOR_NAME="Rep",
               GIT_AUTHOR_EMAIL="rep@example.com", GIT_COMMITTER_NAME="Rep", GIT_COMMITTER_EMAIL="rep@example.com",
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)

    assert run("git", "init", "-q", "-b", "main").returncode == 0
    assert run(pre_commit, "install").returncode == 0  # as docs/using.md says: once
    run("git", "add", "-A")
    good = run("git", "commit", "-q", "-m", "playbook")
    assert good.returncode == 0, good.stdout + good.stderr
    stage = root / "stages/01-first.yml"
    stage.write_text(stage.read_text().replace("probability: 10", "probability: 150"))
    run("git", "add", "-A")
    bad = run("git", "commit", "-q", "-m", "typo")
    assert bad.returncode != 0
    assert "stages/01-first.yml:4:14: error: 'probability' must be between 0 and 100" in bad.stdout + bad.stderr
    assert run("git", "log", "--format=%s").stdout.split() == ["playbook"]  # the bad commit was stopped
