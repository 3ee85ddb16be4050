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
