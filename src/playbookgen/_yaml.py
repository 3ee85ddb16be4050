"""Safe YAML: PyYAML's parser, our own composer.

PyYAML's loaders lose data without a word (duplicate keys, ``no`` -> False, ``1:30`` -> 90,
``0755`` -> 493, implicit dates) and crash on hostile input (alias bombs, deep nesting, odd tags).
So we take only the event stream from PyYAML's parser (iterative, no recursion) and build values
ourselves, YAML 1.2 style, recording the line and column of every key and value.
Nothing but our own diagnostics leaves this module.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ._yaml_errors import Block, Progress, explain_syntax_error, split_lines
from .errors import Diagnostic, error, warning

__all__ = ["Document", "Path_", "MAX_BYTES", "MAX_DEPTH", "load_yaml_file", "parse_yaml"]

MAX_BYTES = 1_000_000  # a playbook file is text written by hand; a megabyte is plenty
MAX_DEPTH = 16  # our format nests four levels; sixteen leaves room and stops stack games
MAX_NODES = 100_000

# libyaml's event parser is thirty times faster and, like the pure-Python one, keeps its state on the
# heap, so deep nesting cannot crash it; only its composer recurses, and we never call that.
_EVENT_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple[str | int, ...]
Mark = tuple[int, int]

_NULL = re.compile(r"^(?:~|null|Null|NULL)?$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


_COMMENT = re.compile(r"[ \t]+#(?=(\S?))")  # a comment after a value on its line; group 1: its first character
_DROPPED = "\x00dropped"  # the key of a repeated entry: its value is read but not kept


@dataclass
class Document:
    """One parsed YAML file: plain Python data plus where each piece of it was written."""

    file: str
    data: dict[str, Any]
    values: dict[Path_, Mark] = field(default_factory=dict)  # path -> position of the value
    keys: dict[Path_, Mark] = field(default_factory=dict)  # path -> position of its key

    def value_at(self, path: Path_) -> Mark:
        """Position of the value at ``path``, or of the nearest enclosing node."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.values:
                return self.values[path[:end]]
        return (1, 1)

    def key_at(self, path: Path_) -> Mark:
        """Position of the key that introduces ``path``; the value's position when there is no key."""
        return self.keys.get(path) or self.value_at(path)


class _Stop(Exception):
    """Raised inside the composer once a problem makes the rest of the file meaningless."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _mark(event: yaml.Event) -> Mark:
    mark = event.start_mark
    if mark is None:  # PyYAML's parser marks every event; a hand-made one may have none
        return (1, 1)
    return (mark.line + 1, mark.column + 1)


def resolve_plain(text: str) -> Any:
    """A plain (unquoted) scalar, YAML 1.2 core style; anything else stays the text as typed."""
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text) and any(c.isdigit() for c in text):
        return float(text)
    return text


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    path: Path_
    block: Block | None = None  # where a block (not [flow]) list or mapping starts, to explain indentation
    pending_key: str | None = None
    key_lines: dict[str, int] = field(default_factory=dict)


class _Composer:
    """Builds values from parser events, refusing what our format never needs."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.closed: list[Block] = []  # blocks closed since the latest value: with the stack, what it was inside
        self.spanning_quote: tuple[int, int, int] | None = None
        self.doc = Document(file, {})
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.documents = 0
        self.nodes = 0
        self.diagnostics: list[Diagnostic] = []

    def fail(self, event: yaml.Event, code: str, message: str) -> _Stop:
        line, column = _mark(event)
        return _Stop(error(self.file, line, column, code, message))

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise self.fail(event, "yaml-multi-document", "more than one YAML document in a file; remove the "
                                                              "'---' separator")
            return
        if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
            return
        if isinstance(event, yaml.AliasEvent):
            raise self.fail(event, "yaml-alias", f"aliases (*{event.anchor}) are not allowed: write the value out in "
                                                 "full")
        self.check_node(event)
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self.close()
        elif isinstance(event, yaml.ScalarEvent):
            self.scalar(event)
        elif isinstance(event, yaml.MappingStartEvent):
            self.open(event, {})
        elif isinstance(event, yaml.SequenceStartEvent):
            self.open(event, [])

    def check_node(self, event: yaml.Event) -> None:
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise self.fail(event, "yaml-anchor", f"anchors (&{anchor}) are not allowed: write the value out in full")
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise self.fail(event, "yaml-tag", f"explicit tags ({tag}) are not allowed: quote the value if it is text")
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(event, "yaml-too-large", f"more than {MAX_NODES} values in one file")

    def child_path(self, event: yaml.Event) -> Path_ | None:
        """The path of the node this event starts; None when it is a mapping key."""
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            return frame.path + (len(frame.container),)
        if frame.pending_key is None:
            return None
        return frame.path + (frame.pending_key,)

    def open(self, event: yaml.Event, container: dict[str, Any] | list[Any]) -> None:
        path = self.child_path(event)
        if path is None:
            raise self.fail(event, "yaml-complex-key", "a mapping key must be plain text, not a list or a mapping")
        if len(self.stack) >= MAX_DEPTH:
            raise self.fail(event, "yaml-too-deep", f"nesting deeper than {MAX_DEPTH} levels")
        line, column = self.doc.values[path] = _mark(event)
        kind = "list" if isinstance(container, list) else "mapping"
        block = None if getattr(event, "flow_style", False) else Block(kind, line, column)
        self.stack.append(_Frame(container, path, block))

    def close(self) -> None:
        frame = self.stack.pop()
        if frame.block is not None:
            self.closed.append(frame.block)
        self.attach(frame.container)

    def scalar(self, event: yaml.ScalarEvent) -> None:
        path = self.child_path(event)
        if path is None:
            self.key(event)
            return
        plain = not event.style and event.implicit[0]  # libyaml says '' where PyYAML says None
        value = resolve_plain(event.value) if plain else event.value
        line, column = self.doc.values[path] = _mark(event)
        if self.closed:
            self.closed.clear()
        if plain and (isinstance(value, str) or not event.value):
            start, end = event.start_mark, event.end_mark
            comment = _COMMENT.match(self.text, end.index) if end else None  # marks count characters
            if start and end and (comment or end.line != start.line):
                self.check_plain_text(event.value, start.line, (end.line, end.column), comment)
        elif event.style in ("'", '"') and event.end_mark and event.end_mark.line + 1 > line:
            self.spanning_quote = (line, column, event.end_mark.line + 1)  # an unclosed quote shows up as one
        self.attach(value)

    @functools.cached_property
    def lines(self) -> list[str]:
        return split_lines(self.text)

    def check_plain_text(self, value: str, first: int, end: tuple[int, int], comment: re.Match[str] | None) -> None:
        """Two ways an unquoted text silently loses what was typed: a ' #' and a swallowed '- ' line.
        ``first`` is the text's first line and ``end`` where it ends (0-based); ``comment``, what follows it."""
        last = end[0]
        # An empty value before '# note' is a placeholder; before '#1' or '#tag' it is a text cut off.
        if comment and (value or comment.group(1)):
            line, column = last + 1, end[1] + comment.end() - comment.start()  # 1-based, at the '#'
            shown = self.lines[last][column - 1 :].rstrip() if last < len(self.lines) else "#"
            cut = f"the text ends at '{value}'" if value else "the value is empty"
            self.diagnostics.append(warning(
                self.file, line, column, "yaml-comment-in-text",
                f"'{shown}' is read as a comment, so {cut}: if it belongs to the text, put the whole text in "
                f"quotes; a comment belongs on a line of its own"))
        for number in range(first + 1, min(last + 1, len(self.lines))):
            text = self.lines[number]
            if text.lstrip().startswith("- ") or text.strip() == "-":
                self.diagnostics.append(self.swallowed_item(number + 1, len(text) - len(text.lstrip()) + 1, value))
                break

    def swallowed_item(self, line: int, column: int, value: str) -> Diagnostic:
        """A '- ' line indented deeper than its list is read as the end of the text above it."""
        shown = value if len(value) <= 60 else value[:57] + "..."
        frame = self.stack[-1] if self.stack else None
        if frame is not None and frame.block is not None and frame.block.kind == "list":
            return warning(self.file, line, column, "yaml-item-in-text",
                           f"this line is read as the end of the item above, which becomes '{shown}', because it is "
                           f"indented deeper than the list (column {frame.block.column}): indent it to column "
                           f"{frame.block.column} to make it an item of its own")
        return warning(self.file, line, column, "yaml-item-in-text",
                       f"this line is read as the end of the text above, which becomes '{shown}', not as a list item: "
                       f"for a list, put each item on a line of its own under its key, starting with '- '; if the "
                       f"dash belongs to the text, put the whole text in quotes")

    def key(self, event: yaml.ScalarEvent) -> None:
        frame = self.stack[-1]
        name = event.value
        line, column = _mark(event)
        if name in frame.key_lines:
            # Reported, and the repeat's value dropped; reading goes on so every other problem is found too.
            first = frame.key_lines[name]
            self.diagnostics.append(error(self.file, line, column, "yaml-duplicate-key",
                                          f"duplicate key '{name}' (first defined on line {first})"))
            frame.pending_key = _DROPPED
            return
        frame.key_lines[name] = line
        frame.pending_key = name
        self.doc.keys[frame.path + (name,)] = (line, column)

    def attach(self, value: Any) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            frame.container.append(value)
        else:
            assert frame.pending_key is not None
            if frame.pending_key is not _DROPPED:
                frame.container[frame.pending_key] = value
            frame.pending_key = None


def _decode(raw: bytes, file: str) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 with an optional BOM; a bad byte is named with its line and column."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        byte = raw[exc.start]
        return None, error(file, line, column, "yaml-encoding", f"not valid UTF-8: byte 0x{byte:02X}; save the file "
                                                                "as UTF-8")


def _syntax_error(exc: yaml.YAMLError, text: str, file: str, progress: Progress) -> Diagnostic:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = getattr(exc, "problem", None) or str(exc)
    if "maximum nesting depth" in problem:  # libyaml >= 0.2.6 stops at its own limit while scanning ahead
        return error(file, line, column, "yaml-too-deep", f"nesting deeper than {MAX_DEPTH} levels")
    return explain_syntax_error(exc, text, file, progress)


def parse_yaml(text: str, file: str) -> tuple[Document | None, list[Diagnostic]]:
    """Parse one YAML file's text into a Document whose top level is a mapping."""
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        return None, [error(file, 1, 1, "yaml-empty", "the file is empty: it must hold a mapping of keys to values")]
    composer = _Composer(file, text)
    try:
        for event in yaml.parse(text, Loader=_EVENT_LOADER):
            composer.feed(event)
    except _Stop as stop:
        return None, composer.diagnostics + [stop.diagnostic]
    except yaml.YAMLError as exc:
        flow = [composer.doc.values[f.path] for f in composer.stack if f.block is None]
        blocks = [f.block for f in composer.stack if f.block is not None] + composer.closed[::-1]
        progress = Progress(tuple(blocks), composer.spanning_quote, flow[-1] if flow else None)
        return None, [_syntax_error(exc, text, file, progress)]
    except (RecursionError, MemoryError, ValueError, IndexError, KeyError, AttributeError, TypeError) as exc:
        return None, [error(file, 1, 1, "yaml-syntax", f"YAML could not be read: {type(exc).__name__}")]
    if not isinstance(composer.root, dict):
        kind = "a list" if isinstance(composer.root, list) else "a single value"
        return None, [error(file, 1, 1, "yaml-not-mapping", f"the file holds {kind}; it must hold a mapping of keys "
                                                            "to values")]
    composer.doc.data = composer.root
    return composer.doc, composer.diagnostics


def load_yaml_file(path: Path, file: str) -> tuple[Document | None, list[Diagnostic]]:
    """Read, bound, decode and parse one file; ``file`` is the name used in diagnostics."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [error(file, 1, 1, "yaml-too-large", f"file is {size} bytes; the limit is {MAX_BYTES}")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [error(file, 1, 1, "file-unreadable", f"cannot read the file: {exc.strerror or exc}")]
    text, problem = _decode(raw, file)
    if problem is not None or text is None:
        return None, [problem] if problem else []
    return parse_yaml(text, file)
