"""The record layer under the data model: strict checks, every problem at its path, loud refusals.

The wording of each problem, and its line and column, are tested through the CLI in test_validate.py;
here, what the layer itself promises a model author.
"""

from __future__ import annotations

from typing import Annotated, Literal

import pytest

from conftest import run_cli
from playbookgen._records import Check, Field, Pattern, Record, check_record, json_schema, replace


def _shout(value: str) -> str:
    if value != value.upper():
        raise ValueError("write it in capitals")
    return value


class Inner(Record):
    code: Annotated[str, Pattern(r"^[a-z]+$", "lowercase letters")] = Field(description="A code.")


class Sample(Record):
    """A record with one field of each kind."""

    name: Annotated[str, Check(_shout)] = Field(description="A name.")
    count: int = Field(default=1, ge=1, le=9, description="A count.")
    above: int | None = Field(default=None, gt=0, description="Above zero.")
    flag: bool = Field(default=False, description="A flag.")
    size: Literal["s", "m"] = Field(default="s", description="A size.")
    tags: list[str] = Field(default_factory=list, min_length=0, description="Tags.")
    needs: list[str] = Field(default_factory=list, min_length=1, description="At least one.")
    inner: Inner | None = Field(default=None, description="An inner record.")
    by_code: dict[Annotated[str, Pattern(r"^[a-z]+$", "lowercase letters")], int] = Field(default_factory=dict, description="Codes.")


def problems_of(data: object) -> list[tuple[tuple[str | int, ...], str, bool]]:
    record, problems = check_record(Sample, data)
    assert (record is None) == bool(problems)
    return [(p.loc, p.kind, p.on_key) for p in problems]


def test_a_good_document_becomes_a_frozen_record_with_its_defaults() -> None:
    record, problems = check_record(Sample, {"name": "AB", "needs": ["x"], "inner": {"code": "ab"}})
    assert problems == [] and record is not None
    assert (record.count, record.above, record.flag, record.size, record.tags) == (1, None, False, "s", [])
    assert record.inner == Inner(code="ab")
    with pytest.raises(AttributeError):
        record.name = "CD"  # type: ignore[misc]
    changed = replace(record, count=3)
    assert (changed.count, record.count) == (3, 1) and changed != record
    assert replace(changed, count=1) == record
    assert hash(Inner(code="ab")) == hash(record.inner) and Inner(code="ab") != Inner(code="cd")


def test_types_are_never_coerced() -> None:
    """YAML's `yes`, `3` and `"3"` are different things: a boolean is not a number, a number is not a text."""
    assert problems_of({"name": 3, "count": True, "flag": 1, "needs": "x"}) == [
        (("name",), "type", False), (("count",), "type", False), (("flag",), "type", False),
        (("needs",), "type", False)]
    assert problems_of({"name": "AB", "count": 2.0, "needs": ["x"], "inner": "ab"}) == [
        (("count",), "type", False), (("inner",), "type", False)]


def test_every_problem_is_found_each_at_its_path() -> None:
    data = {"name": "ab", "count": 10, "above": 0, "size": "xl", "needs": [], "inner": {"code": "AB", "typo": 1},
            "by_code": {"ok": 1, "BAD": 2, "fine": "x"}, "extra": 1}
    assert problems_of(data) == [
        (("name",), "invalid", False), (("count",), "range", False), (("above",), "range", False),
        (("size",), "choice", False), (("needs",), "too-short", False), (("inner", "code"), "pattern", False),
        (("inner", "typo"), "unknown-key", True), (("by_code", "BAD"), "pattern", True),
        (("by_code", "fine"), "type", False), (("extra",), "unknown-key", True)]
    _, problems = check_record(Sample, data)
    details = {p.loc: p.detail for p in problems}
    assert details[("name",)] == "write it in capitals"
    assert details[("count",)] == (1, 9) and details[("above",)] == (1, None)  # gt=0: at least 1
    assert details[("size",)] == ("s", "m") and details[("needs",)] == 1
    assert "tags" in details[("extra",)]  # the known keys, for a did-you-mean


def test_a_missing_field_and_a_document_that_is_not_a_mapping() -> None:
    assert problems_of({}) == [(("name",), "missing", False)]
    assert problems_of(["a list"]) == [((), "type", False)]
    assert problems_of(None) == [((), "type", False)]


def test_a_type_the_layer_does_not_know_is_refused_when_first_used() -> None:
    class Odd(Record):
        when: float = Field(description="Not a type of the format.")

    with pytest.raises(TypeError, match="cannot be"):
        check_record(Odd, {"when": 1.5})


def test_a_field_without_a_description_is_refused_when_declared() -> None:
    with pytest.raises(TypeError, match="without Field"):
        class Bare(Record):
            name: str


def test_the_schema_describes_the_same_fields() -> None:
    schema = json_schema(Sample)
    assert schema["description"] == "A record with one field of each kind."
    assert list(schema["properties"]) == ["name", "count", "above", "flag", "size", "tags", "needs", "inner",
                                          "by_code"]
    assert schema["required"] == ["name"]
    assert schema["properties"]["count"] == {"default": 1, "description": "A count.", "maximum": 9, "minimum": 1,
                                             "title": "Count", "type": "integer"}
    assert schema["properties"]["by_code"]["patternProperties"] == {"^[a-z]+$": {"type": "integer"}}
    assert schema["$defs"]["Inner"]["required"] == ["code"]


def test_validate_reports_each_wrong_type_at_its_line_and_column(make_project) -> None:  # type: ignore[no-untyped-def]
    """The same strictness through the CLI (test_validate.py has the wording of every kind of problem)."""
    root = make_project({"stages/01-first.yml": """
        id: first
        name: 12
        summary: The first stage.
        probability: true
        exit_criteria:
          - Budget confirmed
        techniques: [cold-calling]
    """})
    result = run_cli("validate", str(root))
    assert result.exit_code == 1
    assert "stages/01-first.yml:2:7: error: 'name' must be text, got the number 12" in result.stdout
    assert ("stages/01-first.yml:4:14: error: 'probability' must be a whole number, got the boolean true"
            in result.stdout)


def test_a_pattern_other_than_an_id_is_worded_by_what_it_must_be(make_project) -> None:  # type: ignore[no-untyped-def]
    """A currency that is not three letters is not an 'invalid id': the message says what a currency is."""
    root = make_project({"playbook/playbook.yml": """
        title: Test playbook
        language: en
        stages: [first, second]
        deals:
          file: deals.csv
          format: csv
          currency: EURO
    """})
    result = run_cli("validate", str(root))
    assert result.exit_code == 1
    assert ("playbook/playbook.yml:7:13: error: 'currency' must be a three-letter currency code such as PLN or EUR, "
            "got the text 'EURO' [bad-value]") in result.stdout
    assert "invalid id" not in result.stdout
