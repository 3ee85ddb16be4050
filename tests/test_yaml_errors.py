"""YAML mistakes a person makes by hand, each answered in plain words with a fix, at the exact place."""

from __future__ import annotations

import pytest

from conftest import run_cli

STAGE = "stages/01-first.yml"


def stage(body: str) -> dict[str, str]:
    """The minimal project's first stage, with ``body`` after its id and name lines."""
    return {STAGE: "id: first\nname: First\n" + body}


VALID_REST = "summary: s\nprobability: 10\nexit_criteria:\n  - Budget confirmed\ntechniques: [cold-calling]\n"

# (the stage file's text after 'id' and 'name', the one line `validate` prints about it)
ERRORS = {
    "a tab before a list item": (
        "summary: s\nexit_criteria:\n\t- Budget confirmed\n",
        "stages/01-first.yml:5:1: error: a tab is used to indent this line; YAML allows only spaces there: replace the "
        "tab with spaces (set your editor to insert spaces for the Tab key) [yaml-tab]",
    ),
    "a tab inside the indentation of a key": (
        "summary: s\nexit_criteria:\n  - text: Budget\n  \t evidence: Email\n",
        "stages/01-first.yml:6:3: error: a tab is used to indent this line; YAML allows only spaces there: replace the "
        "tab with spaces (set your editor to insert spaces for the Tab key) [yaml-tab]",
    ),
    "an unquoted ': ' in a text": (
        "summary: Discovery: the first call\n" + VALID_REST.split("\n", 1)[1],
        "stages/01-first.yml:3:19: error: ': ' inside a text makes YAML read a new key here; put the whole text in "
        'quotes: summary: "Discovery: the first call" [yaml-colon]',
    ),
    "a key at the list's column, meant for the item": (
        "summary: s\nexit_criteria:\n  - text: Budget confirmed\n  evidence: An email\n",
        "stages/01-first.yml:6:3: error: 'evidence' is at column 3, where the list's items start (line 5), but has no "
        "'- ': indent it to column 5 to make it part of the item above, or start it with '- ' to make it a new item "
        "[yaml-indent]",
    ),
    "a key indented one column too deep": (
        "summary: s\nexit_criteria:\n  - text: Budget confirmed\n     evidence: An email\n",
        "stages/01-first.yml:6:6: error: 'evidence' is indented to column 6, deeper than the keys around it (column 5, "
        "line 5), so YAML takes it as part of the line above: move it to column 5; if it continues the text above, "
        "put that whole text in quotes [yaml-indent]",
    ),
    "a key between two levels": (
        "summary: s\ncrm:\n    hubspot: Lead\n  salesforce: Lead\n",
        "stages/01-first.yml:6:3: error: 'salesforce' is indented to column 3, which lines up with nothing above it: "
        "indent it to column 1 (the keys on line 1) or column 5 (the keys on line 5) [yaml-indent]",
    ),
    "an unclosed quote": (
        'summary: "The first stage\nprobability: 10\n',
        'stages/01-first.yml:3:10: error: the text that starts with the quote " here has no closing ": add " at the '
        "end of the text [yaml-unclosed]",
    ),
    "a quote closed lines later by the next quote": (
        'summary: "The first stage\nprobability: 10\nexit_criteria:\n  - "Budget confirmed"\n',
        'stages/01-first.yml:3:10: error: the text that starts with the quote " here has no closing " on this line, '
        'so YAML reads the lines below as part of it, up to line 6: add " at the end of the text [yaml-unclosed]',
    ),
    "an unclosed bracket": (
        "summary: s\ntechniques: [cold-calling\nprobability: 10\n",
        "stages/01-first.yml:4:13: error: the list that starts with '[' here has no closing ']' (YAML looked as far as "
        "line 5, column 12): add ']' after its last entry; if the brackets are part of a text, put the whole text in "
        "quotes [yaml-unclosed]",
    ),
    "a list item where a key was expected": (
        "summary: s\n- Budget confirmed\n",
        "stages/01-first.yml:4:1: error: a list item ('- ') is here, at column 1, where the mapping's keys are (like "
        "'id' on line 1): a list belongs under a key of its own, as in 'signals:' on one line and the items below it, "
        "indented, each starting with '- ' [yaml-list-item]",
    ),
    "a list item on the key's line": (
        "summary: s\nexit_criteria: - Budget confirmed\n",
        "stages/01-first.yml:4:16: error: a list item ('- ') cannot follow 'exit_criteria:' on the same line: put each "
        "item on a line of its own below it, indented, starting with '- ' [yaml-list-item]",
    ),
    "a key without its colon": (
        "summary s\nprobability: 10\n",
        "stages/01-first.yml:3:1: error: 'summary s' is neither 'key: value' nor a list item: add ': ' after the key "
        "(or '- ' before a list item) [yaml-missing-colon]",
    ),
    "text after a closing quote": (
        'summary: "First" call\n',
        "stages/01-first.yml:3:18: error: text goes on after the closing quote: put all of the text inside the quotes "
        "[yaml-quote]",
    ),
    "an apostrophe inside single quotes": (
        "summary: 'the buyer's call'\n",
        "stages/01-first.yml:3:21: error: a ' inside a text in single quotes ends the text: write it twice ('') or "
        "put the text in double quotes [yaml-quote]",
    ),
    "a text starting with a backtick": (
        "summary: `s`\n",
        "stages/01-first.yml:3:10: error: a text cannot start with '`' in YAML: put the whole text in quotes "
        "[yaml-syntax]",
    ),
}


@pytest.mark.parametrize("body, expected", ERRORS.values(), ids=ERRORS.keys())
def test_a_syntax_mistake_is_named_in_plain_words(make_project, body: str, expected: str) -> None:
    result = run_cli("validate", make_project(stage(body)))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert expected in lines, "\n".join(lines)
    assert not any("YAML syntax error" in line or "token" in line or "indicator" in line for line in lines)


def test_a_colon_inside_a_list_item_is_explained(make_project) -> None:
    root = make_project(stage(VALID_REST + "signals:\n  - Ask: what comes next\n"))
    result = run_cli("validate", root)
    assert result.exit_code == 1
    assert ("stages/01-first.yml:9:5: error: 'signals' must be text, got a mapping ('Ask: what comes next'): "
            "': ' inside a text makes YAML read a key; put the whole text in quotes [wrong-type]") in result.stdout


WARNINGS = {
    "a ' #' cuts a text short": (
        VALID_REST.replace("summary: s", "summary: Deal #1 of the quarter"),
        "stages/01-first.yml:3:15: warning: '#1 of the quarter' is read as a comment, so the text ends at 'Deal': if "
        "it belongs to the text, put the whole text in quotes; a comment belongs on a line of its own "
        "[yaml-comment-in-text]",
    ),
    "a '- ' line indented deeper than its list": (
        VALID_REST.replace("  - Budget confirmed", "  - Budget confirmed\n    - Decision maker known"),
        "stages/01-first.yml:7:5: warning: this line is read as the end of the item above, which becomes 'Budget "
        "confirmed - Decision maker known', because it is indented deeper than the list (column 3): indent it to "
        "column 3 to make it an item of its own [yaml-item-in-text]",
    ),
    "a '- ' line under a text": (
        VALID_REST.replace("summary: s", "summary: The first stage\n  - with a list"),
        "stages/01-first.yml:4:3: warning: this line is read as the end of the text above, which becomes 'The first "
        "stage - with a list', not as a list item: for a list, put each item on a line of its own under its key, "
        "starting with '- '; if the dash belongs to the text, put the whole text in quotes [yaml-item-in-text]",
    ),
}


@pytest.mark.parametrize("body, expected", WARNINGS.values(), ids=WARNINGS.keys())
def test_text_that_silently_loses_what_was_typed_gets_a_warning(make_project, body: str, expected: str) -> None:
    result = run_cli("validate", make_project(stage(body)))
    assert result.stdout.splitlines() == [expected, "0 errors, 1 warning"]
    assert result.exit_code == 0
    assert run_cli("validate", "--strict", make_project(stage(body))).exit_code == 1


def test_a_comment_after_an_empty_value_is_fine_but_a_hashtag_is_not(make_project) -> None:
    quiet = run_cli("validate", make_project(stage(VALID_REST + "max_days:  # to be agreed\n")))
    assert quiet.stdout.splitlines() == ["no problems found"]
    cut = run_cli("validate", make_project(stage(VALID_REST.replace("summary: s", "summary: #1 stage"))))
    assert ("stages/01-first.yml:3:10: warning: '#1 stage' is read as a comment, so the value is empty: if it "
            "belongs to the text, put the whole text in quotes; a comment belongs on a line of its own "
            "[yaml-comment-in-text]") in cut.stdout.splitlines()
