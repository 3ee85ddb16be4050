"""Plain words for YAML syntax errors: what went wrong, exactly where, and how to fix it.

PyYAML's parser speaks of tokens and indicators ("found character that cannot start any token");
someone editing a stage file needs "a tab is used for indentation: use spaces". Only _yaml.py uses this.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import yaml

from .errors import Diagnostic, error

__all__ = ["Block", "Progress", "explain_syntax_error", "split_lines"]

# YAML's line breaks, as the parser counts them (so our line numbers match its marks).
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_QUOTES = {'"': "double", "'": "single"}


class Block(NamedTuple):  # a tuple: one is made per list and mapping read, so it must be cheap
    """A block list or mapping the parser was inside, and where its first item or key starts (1-based)."""

    kind: str  # "mapping" or "list"
    line: int
    column: int


@dataclass(frozen=True)
class Progress:
    """How far the parser got before the error: the blocks it was inside, and the last quoted text that
    ran over several lines (start line, start column, end line), which an unclosed quote produces."""

    blocks: tuple[Block, ...] = ()
    spanning_quote: tuple[int, int, int] | None = None
    open_flow: tuple[int, int] | None = None  # the innermost [ or { not yet closed


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` as the YAML parser numbers them."""
    return _LINE_BREAK.split(text)


@dataclass(frozen=True)
class _Where:
    """The error's place and the file's lines, with small helpers to describe them."""

    lines: list[str]
    line: int  # 1-based
    column: int  # 1-based

    def text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def indent(self, line: int) -> int:
        """The 1-based column of the line's first character that is not a space."""
        text = self.text(line)
        return len(text) - len(text.lstrip(" ")) + 1


def _label(text: str) -> str:
    """What a line starts with, short enough to quote in a message: a key's name, or the text."""
    content = text.strip()
    key = re.match(r"^(?:-\s+)?([^:#]+?):(?:\s|$)", content)
    shown = key.group(1) if key and not content.startswith("- ") else content
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _quoted(value: str) -> str:
    """``value`` as a YAML text in quotes, for a suggested fix."""
    if '"' in value and "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def explain_syntax_error(exc: yaml.YAMLError, text: str, file: str, progress: Progress) -> Diagnostic:
    """One diagnostic for a syntax error, in plain words with a fix, at the place the mistake was made."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    where = _Where(split_lines(text), line, column)
    problem = str(getattr(exc, "problem", None) or exc)
    context = str(getattr(exc, "context", None) or "")
    context_mark = getattr(exc, "context_mark", None)
    opened = (context_mark.line + 1, context_mark.column + 1) if context_mark is not None else None
    if "flow" in context and progress.open_flow is not None:
        opened = progress.open_flow  # libyaml marks where it gave up, not the bracket, when the file ends first
    quote = progress.spanning_quote
    for explain in (_tab, _unclosed_quote, _unclosed_flow, _colon_in_text, _missing_colon,
                    _text_after_closing, _item_after_key, _cannot_start):
        if explain is _colon_in_text and quote is not None and quote[2] == line:
            return error(file, *_quote_ran_on(where, quote))  # before the rest: the lines it swallowed mislead them
        found = explain(where, problem, context, opened)
        if found is not None:
            return error(file, *found)
    if any(phrase in problem for phrase in ("expected key", "expected '-'", "not allowed in this context")):
        return error(file, *_indentation(where, progress.blocks))
    message = f"{context}, {problem}" if context else problem
    return error(file, line, column, "yaml-syntax", f"YAML syntax error: {message}")


Found = tuple[int, int, str, str]  # line, column, code, message


def _tab(where: _Where, problem: str, context: str, opened: tuple[int, int] | None) -> Found | None:
    text = where.text(where.line)
    lead = text[: len(text) - len(text.lstrip(" \t"))]
    at_mark = text[where.column - 1 : where.column] == "\t"
    if "\t" not in lead and not at_mark and "tab" not in problem:
        return None
    column = lead.index("\t") + 1 if "\t" in lead else where.column
    return (where.line, column, "yaml-tab",
            "a tab is used to indent this line; YAML allows only spaces there: replace the tab with spaces "
            "(set your editor to insert spaces for the Tab key)")


def _unclosed_quote(where: _Where, problem: str, context: str, opened: tuple[int, int] | None) -> Found | None:
    if "quoted scalar" not in context or opened is None:
        return None
    quote = where.text(opened[0])[opened[1] - 1 : opened[1]] or '"'
    return (*opened, "yaml-unclosed",
            f"the text that starts with the quote {quote} here has no closing {quote}: "
            f"add {quote} at the end of the text")


def _unclosed_flow(where: _Where, problem: str, context: str, opened: tuple[int, int] | None) -> Found | None:
    if "flow" not in context or opened is None:
        return None
    bracket = where.text(opened[0])[opened[1] - 1 : opened[1]]
    close = {"[": "]", "{": "}"}.get(bracket)
    if close is None:
        return None
    what = "list" if bracket == "[" else "mapping"
    return (*opened, "yaml-unclosed",
            f"the {what} that starts with '{bracket}' here has no closing '{close}' (YAML looked as far as line "
            f"{where.line}, column {where.column}): add '{close}' after its last entry; if the brackets are part of "
            f"a text, put the whole text in quotes")


def _quote_ran_on(where: _Where, quote: tuple[int, int, int]) -> Found:
    """A quote left open is closed by the next quote YAML finds, lines below: the error shows only there."""
    line, column, _ = quote
    char = where.text(line)[column - 1 : column] or '"'
    return (line, column, "yaml-unclosed",
            f"the text that starts with the quote {char} here has no closing {char} on this line, so YAML reads "
            f"the lines below as part of it, up to line {where.line}: add {char} at the end of the text")


def _colon_in_text(where: _Where, problem: str, context: str, opened: tuple[int, int] | None) -> Found | None:
    if "mapping values are not allowed" not in problem:
        return None
    text = where.text(where.line)
    before = text[: where.column - 1]
    key = re.match(r"^(\s*(?:-\s+)?)([^\s:#][^:#]*):\s+", before)
    if key is None:
        return None  # the colon is the line's first: a key indented too deep, see _indentation
    value = text[key.end() :].rstrip()
    fix = f"{key.group(2)}: {_quoted(value)}"
    return (where.line, where.column, "yaml-colon",
            f"': ' inside a text makes YAML read a new key here; put the whole text in quotes: {fix}")


def _missing_colon(where: _Where, problem: str, context: str, opened: tuple[int, int] | None) -> Found | None:
    if "could not find expected ':'" not in problem or opened is None:
        return None
    label = _label(where.text(opened[0]))
    return (*opened, "yaml-missing-colon",
            f"'{label}' is neither 'key: value' nor a list item: add ': ' after the key (or '- ' before a list item)")


def _text_after_closing(where: _Where, problem: str, context: str, opened: tuple[int, int] | None) -> Found | None:
    """``name: "Deal" one`` or ``name: [draft] proposal``: text goes on after what YAML took as the whole value."""
    if "expected key" not in problem:
        return None
    before = where.text(where.line)[: where.column - 1].rstrip()
    if not before or before[-1] not in "\"']}" or where.indent(where.line) == where.column:
        return None
    if before[-1] == "'" and "'" in where.text(where.line)[where.column - 1 :]:
        return (where.line, where.column, "yaml-quote",
                "a ' inside a text in single quotes ends the text: "
                "write it twice ('') or put the text in double quotes")
    if before[-1] in "]}":
        return (where.line, where.column, "yaml-quote",
                f"a value that starts with '{'[' if before[-1] == ']' else '{'}' is read as a "
                f"{'list' if before[-1] == ']' else 'mapping'}, and text follows its end here: "
                f"if it is all one text, put the whole text in quotes")
    return (where.line, where.column, "yaml-quote",
            "text goes on after the closing quote: put all of the text inside the quotes")


def _item_after_key(where: _Where, problem: str, context: str, opened: tuple[int, int] | None) -> Found | None:
    if "block sequence entries are not allowed" not in problem:
        return None
    before = where.text(where.line)[: where.column - 1]
    key = re.match(r"^\s*(?:-\s+)?([^\s:#][^:#]*):\s+$", before)
    if key is None:
        return None
    return (where.line, where.column, "yaml-list-item",
            f"a list item ('- ') cannot follow '{key.group(1)}:' on the same line: put each item on a line of its "
            f"own below it, indented, starting with '- '")


def _cannot_start(where: _Where, problem: str, context: str, opened: tuple[int, int] | None) -> Found | None:
    if "cannot start any token" not in problem:
        return None
    char = where.text(where.line)[where.column - 1 : where.column]
    return (where.line, where.column, "yaml-syntax",
            f"a text cannot start with '{char}' in YAML: put the whole text in quotes")


def _indentation(where: _Where, blocks: Sequence[Block]) -> tuple[int, int, str, str]:
    """A line whose indentation fits nothing above it: name the column it should have."""
    line = where.line
    while line > 1 and not where.text(line).strip():
        line -= 1  # libyaml may stop on the blank line after the mistake
    column = where.indent(line)
    content = where.text(line).strip()
    is_item = content == "-" or content.startswith("- ")
    label = _label(content) if not is_item else content if len(content) <= 40 else content[:37] + "..."
    maps = [b for b in blocks if b.kind == "mapping"]
    lists = [b for b in blocks if b.kind == "list"]

    def first_key(block: Block) -> str:
        return _label(where.text(block.line)[block.column - 1 :])

    same_map = next((b for b in maps if b.column == column), None)
    same_list = next((b for b in lists if b.column == column), None)
    if is_item and same_map and not same_list:
        return (line, column, "yaml-list-item",
                f"a list item ('- ') is here, at column {column}, where the mapping's keys are (like "
                f"'{first_key(same_map)}' on line {same_map.line}): a list belongs under a key of its own, as in "
                f"'signals:' on one line and the items below it, indented, each starting with '- '")
    if not is_item and same_list:
        inner = next((b for b in blocks if b.kind == "mapping" and b.column > column), None)
        into = inner.column if inner else column + 2
        return (line, column, "yaml-indent",
                f"'{label}' is at column {column}, where the list's items start (line {same_list.line}), but has no "
                f"'- ': indent it to column {into} to make it part of the item above, or start it with '- ' to make "
                f"it a new item")
    if blocks and column > max(b.column for b in blocks):
        near = max((b for b in blocks if b.kind == ("list" if is_item else "mapping")),
                   key=lambda b: b.column, default=max(blocks, key=lambda b: b.column))
        what = "items" if near.kind == "list" else "keys"
        return (line, column, "yaml-indent",
                f"'{label}' is indented to column {column}, deeper than the {what} around it (column {near.column}, "
                f"line {near.line}), so YAML takes it as part of the line above: move it to column {near.column}; "
                f"if it continues the text above, put that whole text in quotes")
    nearest = sorted({(b.column, b.line, b.kind) for b in blocks}, key=lambda b: (abs(b[0] - column), b[0]))[:2]
    options = " or ".join(f"column {c} (the {'items' if k == 'list' else 'keys'} on line {n})"
                          for c, n, k in sorted(nearest))
    expected = f": indent it to {options}" if options else ""
    return (line, column, "yaml-indent",
            f"'{label}' is indented to column {column}, which lines up with nothing above it{expected}")
