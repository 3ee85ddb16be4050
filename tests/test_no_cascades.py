"""One root cause, one error: a playbook file that cannot be used is reported once, and the references
into it are counted on that line instead of each being reported again."""

from __future__ import annotations

from conftest import run_cli

TECHNIQUES = "playbook/techniques.yml"
FRAMEWORKS = "playbook/frameworks.yml"
THREE_TECHNIQUES = (
    "techniques:\n"
    + "".join(f"  - id: {t}\n    name: {t}\n    summary: s\n" for t in ("cold-calling", "networking", "referrals"))
)
# Both stages use techniques, so a broken techniques.yml would make five references fail with it.
USES = {
    TECHNIQUES: THREE_TECHNIQUES,
    "stages/01-first.yml": "id: first\nname: First\nsummary: s\nprobability: 10\nexit_criteria: [x]\n"
                           "techniques: [cold-calling, networking, referrals]\n",
    "stages/02-second.yml": "id: second\nname: Second\nsummary: s\nprobability: 50\nexit_criteria: [x]\n"
                            "techniques: [networking, referrals]\n",
}


def validate(root) -> tuple[int, list[str]]:
    result = run_cli("validate", root)
    return result.exit_code, result.stdout.splitlines()


def test_an_empty_techniques_file_is_one_error_that_counts_what_it_held_up(make_project) -> None:
    assert validate(make_project({**USES, TECHNIQUES: "# to do\n"})) == (1, [
        "playbook/techniques.yml:1:1: error: the file is empty: it must hold a mapping of keys to values; because of "
        "it, 5 technique references in 2 files were not checked [yaml-empty]",
        "1 error, 0 warnings",
    ])


def test_a_techniques_file_with_a_syntax_error(make_project) -> None:
    broken = THREE_TECHNIQUES.replace("name: networking", "name: networking: the art")
    code, lines = validate(make_project({**USES, TECHNIQUES: broken}))
    assert code == 1 and len(lines) == 2 and lines[1] == "1 error, 0 warnings"
    assert lines[0].startswith("playbook/techniques.yml:6:21: error: ': ' inside a text")
    assert lines[0].endswith("because of it, 5 technique references in 2 files were not checked [yaml-colon]")


def test_a_misnamed_techniques_file_is_the_one_error(make_project) -> None:
    assert validate(make_project({**USES, TECHNIQUES: None, "playbook/technique.yml": THREE_TECHNIQUES})) == (1, [
        "playbook/technique.yml:1:1: error: playbookgen reads playbook/techniques.yml, not technique.yml: rename the "
        "file; until then, 5 technique references in 2 files were not checked [file-misnamed]",
        "1 error, 0 warnings",
    ])


def test_a_missing_techniques_file_is_named_at_the_first_reference(make_project) -> None:
    assert validate(make_project({**USES, TECHNIQUES: None})) == (1, [
        "stages/01-first.yml:6:14: error: unknown technique 'cold-calling': playbook/techniques.yml does not exist; "
        "4 more technique references in 2 files were not checked [missing-file]",
        "1 error, 0 warnings",
    ])


def test_a_techniques_file_whose_list_has_the_wrong_key(make_project) -> None:
    code, lines = validate(make_project({**USES, TECHNIQUES: THREE_TECHNIQUES.replace("techniques:", "technique:")}))
    assert code == 1
    assert lines == [
        "playbook/techniques.yml:1:1: error: missing required field 'techniques'; because of it, 5 technique "
        "references in 2 files were not checked [missing-field]",
        "playbook/techniques.yml:1:1: error: unknown field 'technique' (did you mean 'techniques'?) [unknown-field]",
        "2 errors, 0 warnings",
    ]


def test_frameworks_follow_the_same_rule(make_project) -> None:
    settles = "id: first\nname: First\nsummary: s\nprobability: 10\nexit_criteria: [x]\n" \
              "techniques: [cold-calling]\nsettles:\n  bant: [budget]\n  meddic: [champion]\n"
    code, lines = validate(make_project({"stages/01-first.yml": settles, FRAMEWORKS: "frameworks: [\n"}))
    assert code == 1 and lines[1:] == ["1 error, 0 warnings"]
    assert lines[0].startswith("playbook/frameworks.yml:1:13: error: the list that starts with '[' here")
    assert lines[0].endswith("because of it, 2 framework references in 1 file were not checked [yaml-unclosed]")


def test_a_reference_to_a_readable_file_is_still_checked(make_project) -> None:
    typo = USES["stages/02-second.yml"].replace("referrals", "refferals")
    root = make_project({**USES, "stages/02-second.yml": typo})
    assert validate(root) == (1, [
        "stages/02-second.yml:6:26: error: unknown technique 'refferals' (did you mean 'referrals'?); techniques are "
        "defined in playbook/techniques.yml [unknown-technique]",
        "1 error, 0 warnings",
    ])
