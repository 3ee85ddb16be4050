"""`playbookgen validate`: every rule, each with a small bad project, through the CLI and the library."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import MINIMAL_PLAYBOOK, REPO, run_cli
from playbookgen.project import validate_project

STAGE = "stages/01-first.yml"
PLAYBOOK = "playbook/playbook.yml"
TECHNIQUES = "playbook/techniques.yml"
OBJECTIONS = "playbook/objections.yml"
EMAILS = "playbook/emails.yml"
OBJECTIONS_FILE = "objections:\n  - id: too-expensive\n    objection: It costs too much.\n    response: Ask what it is compared with.\n"
EMAILS_FILE = "emails:\n  - id: follow-up\n    name: F\n    subject: S\n    body: |\n      Hi {first_name},\n"

# The minimal project's first stage, indented as the edits below expect.
FIRST_STAGE = textwrap.indent(textwrap.dedent(MINIMAL_PLAYBOOK[STAGE]), "    ")

# (changes to the minimal project, the one diagnostic expected, exactly as the CLI prints it)
CASES = {
    # --- YAML itself
    "duplicate key": (
        {STAGE: "id: first\nname: First\nname: Again\nsummary: s\nexit_criteria: [x]\ntechniques: [cold-calling]\n"},
        "stages/01-first.yml:3:1: error: duplicate key 'name' (first defined on line 2) [yaml-duplicate-key]",
    ),
    "anchor": (
        {STAGE: "id: first\nname: &n First\nsummary: s\nexit_criteria: [x]\ntechniques: [cold-calling]\n"},
        "stages/01-first.yml:2:7: error: anchors (&n) are not allowed: write the value out in full [yaml-anchor]",
    ),
    "alias": (
        {PLAYBOOK: "title: T\nlanguage: en\nstages: [first, second]\nsummary: *x\n"},
        "playbook/playbook.yml:4:10: error: aliases (*x) are not allowed: write the value out in full [yaml-alias]",
    ),
    "explicit tag": (
        {PLAYBOOK: "title: !!str T\nlanguage: en\nstages: [first, second]\n"},
        "playbook/playbook.yml:1:8: error: explicit tags (tag:yaml.org,2002:str) are not allowed: quote the value if it is text [yaml-tag]",
    ),
    "two documents": (
        {PLAYBOOK: "title: T\nlanguage: en\nstages: [first, second]\n---\ntitle: U\n"},
        "playbook/playbook.yml:4:1: error: more than one YAML document in a file; remove the '---' separator [yaml-multi-document]",
    ),
    "too deep": (
        {PLAYBOOK: "title: T\nlanguage: en\nstages: [first, second]\nx: " + "[" * 40 + "]" * 40 + "\n"},
        "playbook/playbook.yml:4:19: error: nesting deeper than 16 levels [yaml-too-deep]",
    ),
    "bad utf-8": (
        {PLAYBOOK: b"title: T\nlanguage: en\nstages: [first, second]\nsummary: caf\xe9\n"},
        "playbook/playbook.yml:4:13: error: not valid UTF-8: byte 0xE9; save the file as UTF-8 [yaml-encoding]",
    ),
    "empty file": (
        {STAGE: "# nothing here yet\n"},
        "stages/01-first.yml:1:1: error: the file is empty: it must hold a mapping of keys to values [yaml-empty]",
    ),
    "top level list": (
        {STAGE: "- id: first\n"},
        "stages/01-first.yml:1:1: error: the file holds a list; it must hold a mapping of keys to values [yaml-not-mapping]",
    ),
    "syntax error": (
        {STAGE: "id: first\nname: [First\n"},
        "stages/01-first.yml:2:7: error: the list that starts with '[' here has no closing ']' (YAML looked as far as line 3, "
        "column 1): add ']' after its last entry; if the brackets are part of a text, put the whole text in quotes [yaml-unclosed]",
    ),
    "complex key": (
        {STAGE: "id: first\n? [a]\n: b\n"},
        "stages/01-first.yml:2:3: error: a mapping key must be plain text, not a list or a mapping [yaml-complex-key]",
    ),
    # --- types, required fields, ranges, unknown keys
    "missing field": (
        {STAGE: "id: first\nname: First\nexit_criteria: [x]\ntechniques: [cold-calling]\nprobability: 10\n"},
        "stages/01-first.yml:1:1: error: missing required field 'summary' [missing-field]",
    ),
    "missing field in a list item": (
        {STAGE: FIRST_STAGE + "    challenges:\n      - name: Silence\n"},
        "stages/01-first.yml:9:5: error: missing required field 'remedy' [missing-field]",
    ),
    "unknown field with suggestion": (
        {STAGE: FIRST_STAGE + "    max_day: 5\n"},
        "stages/01-first.yml:8:1: error: unknown field 'max_day' (did you mean 'max_days'?) [unknown-field]",
    ),
    "unknown field nested": (
        {STAGE: FIRST_STAGE + "    challenges:\n      - name: Silence\n        remedi: Call again\n"},
        "stages/01-first.yml:10:5: error: unknown field 'remedi' (did you mean 'remedy'?) [unknown-field]",
    ),
    "number where text is expected": (
        {STAGE: FIRST_STAGE.replace("name: First", "name: 2024")},
        "stages/01-first.yml:2:7: error: 'name' must be text, got the number 2024; put it in quotes if it is meant as text [wrong-type]",
    ),
    "boolean where text is expected": (
        {STAGE: FIRST_STAGE + "    signals: [yes, true]\n"},
        "stages/01-first.yml:8:16: error: 'signals' must be text, got the boolean true; put it in quotes if it is meant as text [wrong-type]",
    ),
    "text where a number is expected": (
        {STAGE: FIRST_STAGE.replace("probability: 10", "probability: 10%")},
        "stages/01-first.yml:4:14: error: 'probability' must be a whole number, got the text '10%' [wrong-type]",
    ),
    "fraction where a whole number is expected": (
        {STAGE: FIRST_STAGE.replace("probability: 10", "probability: 10.5")},
        "stages/01-first.yml:4:14: error: 'probability' must be a whole number, got the number 10.5 [wrong-type]",
    ),
    "probability out of range": (
        {STAGE: FIRST_STAGE.replace("probability: 10", "probability: 150")},
        "stages/01-first.yml:4:14: error: 'probability' must be between 0 and 100, got 150 [out-of-range]",
    ),
    "max_days not positive": (
        {STAGE: FIRST_STAGE + "    max_days: 0\n"},
        "stages/01-first.yml:8:11: error: 'max_days' must be at least 1, got 0 [out-of-range]",
    ),
    "bad id": (
        {STAGE: FIRST_STAGE.replace("id: first", "id: First Stage")},
        "stages/01-first.yml:1:5: error: invalid id 'First Stage': use lowercase letters, digits and hyphens (for example 'lead-qualification') [bad-id]",
    ),
    "no exit criteria": (
        {STAGE: FIRST_STAGE.replace("exit_criteria:\n      - Budget confirmed", "exit_criteria: []")},
        "stages/01-first.yml:5:16: error: 'exit_criteria' needs at least 1 entry [empty-list]",
    ),
    "exit criterion without text": (
        {STAGE: FIRST_STAGE.replace("- Budget confirmed", "- evidence: a signed form")},
        "stages/01-first.yml:6:5: error: missing required field 'text' [missing-field]",
    ),
    "empty text": (
        {STAGE: FIRST_STAGE.replace("summary: The first stage.", "summary: '  '")},
        "stages/01-first.yml:3:10: error: 'summary' must not be empty [empty-text]",
    ),
    "empty value": (
        {STAGE: FIRST_STAGE.replace("summary: The first stage.", "summary:")},
        "stages/01-first.yml:3:9: error: 'summary' must be text, got nothing (an empty value) [wrong-type]",
    ),
    "unknown language": (
        {PLAYBOOK: "title: T\nlanguage: de\nstages: [first, second]\n"},
        "playbook/playbook.yml:2:11: error: 'language' must be 'pl' or 'en', got the text 'de' [bad-value]",
    ),
    "list expected": (
        {STAGE: FIRST_STAGE.replace("techniques: [cold-calling]", "techniques: cold-calling")},
        "stages/01-first.yml:7:13: error: 'techniques' must be a list (lines starting with '- '), got the text 'cold-calling' [wrong-type]",
    ),
    # --- across files
    "listed stage without a file": (
        {PLAYBOOK: "title: T\nlanguage: en\nstages: [first, secnd]\n"},
        "playbook/playbook.yml:3:17: error: no file in stages/ has id 'secnd' (did you mean 'second'?) [stage-missing]",
    ),
    "stage listed twice": (
        {PLAYBOOK: "title: T\nlanguage: en\nstages:\n  - first\n  - second\n  - first\n"},
        "playbook/playbook.yml:6:5: error: stage 'first' appears twice (first at line 4) [stage-listed-twice]",
    ),
    "two files, one id": (
        {"stages/03-copy.yml": FIRST_STAGE},
        "stages/03-copy.yml:1:5: error: stage id 'first' appears twice (first at stages/01-first.yml, line 1) [stage-duplicate-id]",
    ),
    "unknown technique": (
        {STAGE: FIRST_STAGE.replace("[cold-calling]", "[cold-caling]")},
        "stages/01-first.yml:7:14: error: unknown technique 'cold-caling' (did you mean 'cold-calling'?); techniques are defined in playbook/techniques.yml [unknown-technique]",
    ),
    "duplicate technique": (
        {TECHNIQUES: "techniques:\n  - id: cold-calling\n    name: A\n    summary: a\n  - id: cold-calling\n    name: B\n    summary: b\n"},
        "playbook/techniques.yml:5:9: error: technique id 'cold-calling' appears twice (first at line 2) [duplicate-technique]",
    ),
    "unknown objection": (
        {OBJECTIONS: OBJECTIONS_FILE, STAGE: FIRST_STAGE + "    objections: [too-expensiv]\n"},
        "stages/01-first.yml:8:14: error: unknown objection 'too-expensiv' (did you mean 'too-expensive'?); objections are defined in playbook/objections.yml [unknown-objection]",
    ),
    "unknown e-mail template": (
        {EMAILS: EMAILS_FILE, STAGE: FIRST_STAGE + "    emails: [follow-upp]\n"},
        "stages/01-first.yml:8:10: error: unknown e-mail template 'follow-upp' (did you mean 'follow-up'?); e-mail templates are defined in playbook/emails.yml [unknown-email]",
    ),
    "objection without a response": (
        {OBJECTIONS: "objections:\n  - id: too-expensive\n    objection: It costs too much.\n", STAGE: FIRST_STAGE + "    objections: [too-expensive]\n"},
        "playbook/objections.yml:2:5: error: missing required field 'response' [missing-field]",
    ),
    "e-mail with an unknown field": (
        {EMAILS: EMAILS_FILE.replace("    subject: S", "    subjet: S"), STAGE: FIRST_STAGE + "    emails: [follow-up]\n"},
        "playbook/emails.yml:4:5: error: unknown field 'subjet' (did you mean 'subject'?) [unknown-field]",
    ),
    "duplicate objection": (
        {OBJECTIONS: OBJECTIONS_FILE + OBJECTIONS_FILE.removeprefix("objections:\n"), STAGE: FIRST_STAGE + "    objections: [too-expensive]\n"},
        "playbook/objections.yml:5:9: error: objection id 'too-expensive' appears twice (first at line 2) [duplicate-objection]",
    ),
    "glossary form that is another term": (
        {"playbook/glossary.yml": "terms:\n  - term: Lead\n    definition: d\n    forms: [Leada, Pipeline]\n  - term: Pipeline\n    definition: p\n"},
        "playbook/glossary.yml:4:20: error: the form 'Pipeline' is itself a glossary term; a word can stand for one term only [duplicate-term]",
    ),
    "two stages closed as won": (
        {STAGE: FIRST_STAGE.replace("probability: 10", "probability: 100\n    closed: won"),
         "stages/02-second.yml": "id: second\nname: S\nsummary: s\nprobability: 100\nclosed: won\nexit_criteria: [x]\n"},
        "stages/02-second.yml:5:9: error: more than one stage is closed: won (also 'first'); a CRM has one of each [closed-twice]",
    ),
    "won stage below 100": (
        {"stages/02-second.yml": "id: second\nname: S\nsummary: s\nprobability: 90\nclosed: won\nexit_criteria: [x]\n"},
        "stages/02-second.yml:4:14: error: a stage closed as won has probability 100, not 90 [closed-probability]",
    ),
    "unknown framework": (
        {"playbook/frameworks.yml": "frameworks:\n  - id: bant\n    name: BANT\n    summary: s\n    elements:\n      - id: budget\n        name: Budget\n        question: q\n        evidence: e\n",
         STAGE: FIRST_STAGE + "    settles:\n      bnat: [budget]\n"},
        "stages/01-first.yml:9:3: error: unknown framework 'bnat' (did you mean 'bant'?); frameworks are defined in playbook/frameworks.yml [unknown-framework]",
    ),
    "unknown framework element": (
        {"playbook/frameworks.yml": "frameworks:\n  - id: bant\n    name: BANT\n    summary: s\n    elements:\n      - id: budget\n        name: Budget\n        question: q\n        evidence: e\n",
         STAGE: FIRST_STAGE + "    settles:\n      bant: [budgett]\n"},
        "stages/01-first.yml:9:10: error: framework 'bant' has no element 'budgett' (did you mean 'budget'?) [unknown-element]",
    ),
    "glossary reference": (
        {"playbook/glossary.yml": "terms:\n  - term: Lead\n    definition: d\n    see_also: [Pipline]\n  - term: Pipeline\n    definition: p\n"},
        "playbook/glossary.yml:4:16: error: see_also names 'Pipline', which is not in the glossary (did you mean 'Pipeline'?) [unknown-term]",
    ),
    "playbook.yml missing": (
        {PLAYBOOK: None},
        "playbook/playbook.yml:1:1: error: playbook/playbook.yml is missing: every playbook needs one [missing-file]",
    ),
    "guide without a title": (
        {"playbook/guides/10-intro.md": "Some text without a heading.\n"},
        "playbook/guides/10-intro.md:1:1: error: a guide starts with a '# Title' line; none found [guide-title]",
    ),
}

WARNINGS = {
    "stage file not listed": (
        {"stages/03-third.yml": "id: third\nname: T\nsummary: t\nexit_criteria: [x]\n"},
        "stages/03-third.yml:1:5: warning: stage 'third' is not listed in playbook.yml 'stages', so it is left out [stage-not-listed]",
    ),
    "unused technique": (
        {TECHNIQUES: "techniques:\n  - id: cold-calling\n    name: A\n    summary: a\n  - id: networking\n    name: N\n    summary: n\n"},
        "playbook/techniques.yml:5:9: warning: technique 'networking' is not used by any stage [unused-technique]",
    ),
    "unused objection": (
        {OBJECTIONS: OBJECTIONS_FILE},
        "playbook/objections.yml:2:9: warning: objection 'too-expensive' is not used by any stage [unused-objection]",
    ),
    "unused e-mail template": (
        {EMAILS: EMAILS_FILE},
        "playbook/emails.yml:2:9: warning: e-mail template 'follow-up' is not used by any stage [unused-email]",
    ),
    "probability going down": (
        {"stages/02-second.yml": "id: second\nname: S\nsummary: s\nprobability: 5\nexit_criteria: [x]\n"},
        "stages/02-second.yml:4:14: warning: probability 5 is lower than 10 in the stage before ('first') [probability-decreasing]",
    ),
    "misnamed playbook file": (
        {"playbook/technique.yml": "techniques: []\n"},
        "playbook/technique.yml:1:1: warning: playbookgen does not read this file (did you mean techniques.yml?) [unknown-file]",
    ),
}


@pytest.mark.parametrize("changes, expected", CASES.values(), ids=CASES.keys())
def test_error_through_library(make_project, changes, expected):
    project, diagnostics = validate_project(make_project(changes))
    assert project is None
    assert expected in [d.format() for d in diagnostics]


@pytest.mark.parametrize("changes, expected", CASES.values(), ids=CASES.keys())
def test_error_through_cli(make_project, changes, expected):
    result = run_cli("validate", make_project(changes))
    assert result.exit_code == 1
    assert expected in result.stdout.splitlines()
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("changes, expected", WARNINGS.values(), ids=WARNINGS.keys())
def test_warning_exits_0_and_1_when_strict(make_project, changes, expected):
    root = make_project(changes)
    project, diagnostics = validate_project(root)
    assert project is not None
    assert [d.format() for d in diagnostics] == [expected]
    plain = run_cli("validate", root)
    assert (plain.exit_code, plain.stdout.splitlines()) == (0, [expected, "0 errors, 1 warning"])
    assert run_cli("validate", "--strict", root).exit_code == 1


def test_valid_project_reports_nothing(make_project):
    result = run_cli("validate", make_project())
    assert (result.exit_code, result.stdout.strip()) == (0, "no problems found")


@pytest.mark.parametrize("typed", ["no", "on", "1:30", "0755", "2024-01-05", "0o14", "0x1F", "2024-13-45", "~foo", "1_000"])
def test_text_stays_as_typed(make_project, typed):
    """YAML 1.1 would turn these into False, True, 90, 493, a date or a crash; we keep the text."""
    root = make_project({STAGE: FIRST_STAGE.replace("summary: The first stage.", f"summary: {typed}")})
    project, diagnostics = validate_project(root)
    assert diagnostics == []
    assert project is not None and project.stages[0].summary == typed


def test_bom_is_fine(make_project):
    root = make_project({PLAYBOOK: "\ufefftitle: Tytuł\nlanguage: pl\nstages: [first, second]\n".encode("utf-8")})
    project, diagnostics = validate_project(root)
    assert diagnostics == [] and project is not None and project.playbook.title == "Tytuł"


def test_oversized_file(make_project):
    root = make_project({STAGE: "id: first\n" + "# padding\n" * 120_000})
    result = run_cli("validate", root)
    assert result.exit_code == 1
    assert "stages/01-first.yml:1:1: error: file is 1200010 bytes; the limit is 1000000 [yaml-too-large]" in result.stdout


def test_a_broken_stage_file_is_one_error_not_also_a_missing_stage(make_project):
    root = make_project({STAGE: "id: first\nname: [First\n"})
    lines = run_cli("validate", root).stdout.splitlines()
    assert lines == [  # one root cause, one error: the stage the playbook seems to miss is in the broken file
        "stages/01-first.yml:2:7: error: the list that starts with '[' here has no closing ']' (YAML looked as far as line 3, "
        "column 1): add ']' after its last entry; if the brackets are part of a text, put the whole text in quotes "
        "[yaml-unclosed]",
        "1 error, 0 warnings",
    ]


def test_a_duplicate_key_does_not_hide_the_other_problems(make_project):
    root = make_project({STAGE: FIRST_STAGE.replace("probability: 10", "probability: no\n    name: Again")})
    assert run_cli("validate", root).stdout.splitlines() == [
        "stages/01-first.yml:4:14: error: 'probability' must be a whole number, got the text 'no' [wrong-type]",
        "stages/01-first.yml:5:1: error: duplicate key 'name' (first defined on line 2) [yaml-duplicate-key]",
        "2 errors, 0 warnings",
    ]


def test_all_problems_in_one_run_sorted_with_summary(make_project):
    root = make_project({
        STAGE: FIRST_STAGE.replace("probability: 10", "probability: 150") + "    typo: 1\n",
        PLAYBOOK: "title: T\nlanguage: de\nstages: [first, second]\n",
    })
    lines = run_cli("validate", root).stdout.splitlines()
    assert lines == [
        "playbook/playbook.yml:2:11: error: 'language' must be 'pl' or 'en', got the text 'de' [bad-value]",
        "stages/01-first.yml:4:14: error: 'probability' must be between 0 and 100, got 150 [out-of-range]",
        "stages/01-first.yml:8:1: error: unknown field 'typo'; allowed: owner, reviewed, review_every_days, id, name, summary, description, probability, "
        "max_days, closed, crm, exit_criteria, settles, techniques, objections, emails, challenges, bottleneck, disqualify_when, signals, tools, "
        "questions [unknown-field]",
        "3 errors, 0 warnings",
    ]


def test_json_format(make_project):
    root = make_project({STAGE: FIRST_STAGE.replace("probability: 10", "probability: 150")})
    result = run_cli("validate", "--format", "json", root)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [{
        "file": "stages/01-first.yml", "line": 4, "column": 14, "severity": "error", "code": "out-of-range",
        "message": "'probability' must be between 0 and 100, got 150",
    }]


def test_github_format(make_project):
    root = make_project({"stages/03-third.yml": "id: third\nname: T\nsummary: t\nexit_criteria: [x]\n"})
    result = run_cli("validate", "--format", "github", root)
    assert result.stdout.strip() == (
        "::warning file=stages/03-third.yml,line=1,col=5,title=stage-not-listed::"
        "stage 'third' is not listed in playbook.yml 'stages', so it is left out"
    )


def test_default_directory_is_current_folder(make_project, monkeypatch):
    monkeypatch.chdir(make_project({STAGE: FIRST_STAGE.replace("probability: 10", "probability: 150")}))
    assert run_cli("validate").exit_code == 1


def test_missing_folder_is_a_usage_error(tmp_path):
    result = run_cli("validate", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: no such playbook folder: {tmp_path / 'nowhere'}"


def test_an_internal_error_has_its_own_exit_status_and_says_where_to_report(make_project, monkeypatch):
    import playbookgen.project as validate_module

    def broken(root: Path, **_: object):
        raise RuntimeError("boom")

    monkeypatch.setattr(validate_module, "validate_project", broken)
    monkeypatch.delenv("PLAYBOOKGEN_DEBUG", raising=False)
    result = run_cli("validate", make_project())
    assert result.exit_code == 70  # not 2: the user did nothing wrong (sysexits' EX_SOFTWARE)
    assert "internal error: RuntimeError: boom" in result.stderr
    assert "please report it" in result.stderr and "issue tracker" in result.stderr
    assert "Traceback" not in result.stderr


def test_playbookgen_debug_shows_an_internal_errors_traceback(make_project, monkeypatch):
    import playbookgen.project as validate_module

    def broken(root: Path, **_: object):
        raise RuntimeError("boom")

    monkeypatch.setattr(validate_module, "validate_project", broken)
    monkeypatch.setenv("PLAYBOOKGEN_DEBUG", "1")
    result = run_cli("validate", make_project())
    assert result.exit_code == 70
    assert "Traceback" in result.stderr and 'raise RuntimeError("boom")' in result.stderr


def test_cli_runs_as_a_program(make_project):
    """The installed console script, not just the click object, gives the same exit codes."""
    import subprocess
    import sys

    root = make_project({STAGE: FIRST_STAGE.replace("probability: 10", "probability: 150")})
    result = subprocess.run([sys.executable, "-m", "playbookgen", "validate", str(root)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "stages/01-first.yml:4:14: error:" in result.stdout


# --- validate checks the team's templates without rendering the whole site ----------------------


@pytest.mark.parametrize("template", ["site/stage.md.j2", "site/start-here.md.j2", "site/_review.md.j2",
                                      "site/techniques.md.j2", "site/playbookgen.css.j2", "site/_mine.md.j2"])
def test_validate_finds_an_error_in_any_team_template_a_build_renders(make_project, template: str) -> None:
    """Only the pages of the team's own templates are rendered by validate: each of them still fails it."""
    changes = {f"templates/{template}": "{{ no_such_value.field }}\n"}
    if template == "site/_mine.md.j2":  # the team's own partial, pulled in by its copy of a page template
        changes["templates/site/index.md.j2"] = '{% include "site/_mine.md.j2" %}\n'
    if template == "site/_review.md.j2":  # rendered under the title of a page with an owner
        changes["stages/01-first.yml"] = MINIMAL_PLAYBOOK["stages/01-first.yml"] + "    owner: Ala\n"
    root = make_project(changes)
    result = run_cli("validate", root)
    assert result.exit_code == 1, result.stdout
    assert f"templates/{template}:1:1: error:" in result.stdout and "[template-error]" in result.stdout
    assert result.exit_code == run_cli("build", root, "--no-pdf").exit_code


def test_the_outline_validate_checks_names_every_page_the_build_renders(make_project) -> None:
    """validate's outline of the site (pages named, not rendered) must have the build's pages and navigation."""
    from playbookgen.project import load_project
    from playbookgen.render.site import outline_site, render_site

    for root in (REPO, make_project({"playbook/guides/10-a.md": "# A\n\nText.\n"})):
        project, _ = load_project(root, history=True)
        outline, full = outline_site(project), render_site(project)
        assert outline.pages.keys() == full.pages.keys() and outline.nav == full.nav


def test_validate_does_not_ask_git_while_the_build_does(make_project, monkeypatch) -> None:
    """validate prints no date, so it does not run git for the playbook's last change (a process start on
    every check); the library's default, as a build uses it, still finds that date."""
    import subprocess

    root = make_project()
    calls: list[list[str]] = []
    real_run = subprocess.run

    def spy(command, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(list(command))
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    result = run_cli("validate", str(root))
    assert result.exit_code == 0, result.stdout
    assert calls == []
    project, _ = validate_project(root)
    assert project is not None and any(c[:2] == ["git", "log"] for c in calls)
