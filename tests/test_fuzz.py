"""Property-based: whatever bytes a file holds, only our own diagnostics come out of load and validate."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL_PLAYBOOK, build_file_tree
from playbookgen._yaml import load_yaml_file, parse_yaml
from playbookgen.errors import Diagnostic
from playbookgen.load import FILE_KINDS, STAGE_KIND
from playbookgen.project import validate_project
from playbookgen.validate import check_document

MODELS = [kind.model for kind in (*FILE_KINDS, STAGE_KIND)]
YAML_ALPHABET = st.sampled_from(list("abc:-[]{}#&*!|>'\"%@`,?~ \t\n0123456789.eE+_") + ["\ufeff", "\x00", "ł", "\u2028"])
VALID_STAGE = """id: first
name: First
summary: The first stage.
probability: 10
max_days: 14
exit_criteria:
  - Budget confirmed
  - text: Proposal accepted
    evidence: Signed form
techniques: [cold-calling]
challenges:
  - name: Silence
    remedy: Call again
settles: {bant: [budget]}
"""

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
keys = st.sampled_from(["id", "name", "summary", "title", "language", "stages", "techniques", "exit_criteria",
                        "probability", "max_days", "text", "evidence", "challenges", "remedy", "settles", "closed",
                        "frameworks", "elements", "metrics", "terms", "case_studies", "x"])
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=6),
                         max_leaves=25)


def _only_diagnostics(result: tuple[object, list[Diagnostic]]) -> None:
    _, diagnostics = result
    assert all(isinstance(d, Diagnostic) and d.line >= 1 and d.column >= 1 for d in diagnostics)


def _check_all_models(text: str) -> None:
    doc, diagnostics = parse_yaml(text, "f.yml")
    _only_diagnostics((doc, diagnostics))
    if doc is not None:
        for schema in MODELS:
            _only_diagnostics(check_document(doc, schema))


@settings(max_examples=1000, deadline=None)
@given(st.text(YAML_ALPHABET, max_size=200))
def test_random_text(text: str) -> None:
    _check_all_models(text)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(VALID_STAGE)), st.integers(0, 3), st.text(YAML_ALPHABET, max_size=3)),
                min_size=1, max_size=6))
def test_mutated_stage(edits: list[tuple[int, int, str]]) -> None:
    text = VALID_STAGE
    for position, removed, inserted in edits:
        text = text[:position] + inserted + text[position + removed:]
    _check_all_models(text)


@settings(max_examples=600, deadline=None)
@given(documents)
def test_random_structures(data: object) -> None:
    _check_all_models(yaml.safe_dump(data, allow_unicode=True))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_from_disk(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.yml"
        path.write_bytes(raw)
        _only_diagnostics(load_yaml_file(path, "f.yml"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(MINIMAL_PLAYBOOK)), st.text(YAML_ALPHABET, max_size=120))
def test_whole_project_with_one_file_replaced(name: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = build_file_tree(Path(tmp), {**MINIMAL_PLAYBOOK, name: text})
        _only_diagnostics(validate_project(root))


def test_alias_bomb_is_refused_at_once() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9))
    doc, diagnostics = parse_yaml(bomb, "bomb.yml")
    assert doc is None
    assert [d.code for d in diagnostics] == ["yaml-anchor"]


def test_hundred_thousand_brackets_do_not_crash() -> None:
    doc, diagnostics = parse_yaml("a: " + "[" * 100_000, "deep.yml")
    assert doc is None and [d.code for d in diagnostics] == ["yaml-too-deep"]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("\\`*_{}[]()#+-.!|:~=^<>&\"' \n\tazAZ09żó;/@")), max_size=40))
def test_escaped_plain_text_renders_as_that_text(text: str) -> None:
    """escape_markdown makes any plain text inert: through our Markdown extensions it comes out as one
    paragraph whose text is the input with its whitespace runs made single spaces."""
    import html
    import re

    import markdown

    from playbookgen.engines.markdown import markdown_extension_names
    from playbookgen.render.templating import escape_markdown

    expected = " ".join(text.split())
    rendered = markdown.Markdown(extensions=markdown_extension_names()).convert(escape_markdown(text))
    if not expected:
        assert rendered == ""
        return
    assert rendered.startswith("<p>") and rendered.endswith("</p>")
    inner = rendered[3:-4]
    assert "<" not in re.sub(r"&lt;", "", inner)  # no tag of any kind
    assert html.unescape(inner) == expected
