"""Errors first, then warnings, each group by file and line, the summary last: a warning never buries an error."""

from __future__ import annotations

import json

from conftest import run_cli

UNUSED = (
    "techniques:\n"
    + "".join(f"  - id: {t}\n    name: {t}\n    summary: s\n" for t in ("cold-calling", "networking", "referrals"))
)
CHANGES = {
    "playbook/techniques.yml": UNUSED,  # two techniques no stage uses: warnings in a file sorted before stages/
    "stages/02-second.yml": "id: second\nname: Second\nsummary: s\nprobability: 50\nexit_criteria: [x]\nmax_day: 5\n",
    "stages/03-third.yml": "id: third\nname: Third\nsummary: s\nexit_criteria: [x]\n",  # not listed: a warning
}
EXPECTED = [
    "stages/02-second.yml:6:1: error: unknown field 'max_day' (did you mean 'max_days'?) [unknown-field]",
    "playbook/techniques.yml:5:9: warning: technique 'networking' is not used by any stage [unused-technique]",
    "playbook/techniques.yml:8:9: warning: technique 'referrals' is not used by any stage [unused-technique]",
    "stages/03-third.yml:1:5: warning: stage 'third' is not listed in playbook.yml 'stages', so it is left out "
    "[stage-not-listed]",
    "1 error, 3 warnings",
]


def test_text_puts_the_error_above_the_warnings(make_project) -> None:
    result = run_cli("validate", make_project(CHANGES))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == EXPECTED


def test_json_and_github_keep_the_same_order(make_project) -> None:
    root = make_project(CHANGES)
    listed = json.loads(run_cli("validate", "--format", "json", root).stdout)
    assert [f"{d['file']}:{d['line']}:{d['severity']}" for d in listed] == [
        "stages/02-second.yml:6:error", "playbook/techniques.yml:5:warning", "playbook/techniques.yml:8:warning",
        "stages/03-third.yml:1:warning",
    ]
    annotations = run_cli("validate", "--format", "github", root).stdout.splitlines()
    assert [line.split(" ", 1)[0] for line in annotations] == ["::error", "::warning", "::warning", "::warning"]


def test_a_failed_build_prints_errors_first_too(make_project) -> None:
    result = run_cli("build", make_project(CHANGES), "--no-pdf")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == EXPECTED
