"""Typed records for the YAML format: each field declared once, checked strictly, described as JSON Schema.

A record is a frozen class whose fields each carry a description. `check_record` turns a YAML
document into one, or into every problem found, each at its path in the document (validate.py
words them and finds their line and column); `json_schema` describes the same fields for editors.
This replaced pydantic, whose import and model building were most of `playbookgen validate`'s time
(docs/performance.md): the format needs strict types, a few constraints and located problems, no more.
"""

from __future__ import annotations

import inspect
import re
import sys
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Literal, TypeVar, dataclass_transform

__all__ = ["Before", "Check", "Field", "FieldInfo", "Format", "Pattern", "Problem", "Record", "check_record",
           "json_schema", "record_fields", "replace"]

Loc = tuple[str | int, ...]
R = TypeVar("R", bound="Record")


# ---------------------------------------------------------------- declaring fields
# Plain classes, not dataclasses: making a dataclass costs about a millisecond, and every command makes
# all of these (and one per record) before it reads a file.


class Check:
    """In ``Annotated[str, Check(f)]``: ``f`` returns the value, or raises ValueError with the reason in plain words."""

    __slots__ = ("func",)

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func = func


class Pattern:
    """In ``Annotated[str, Pattern(r, meaning)]``: the text must match the regular expression ``r`` (JSON Schema
    ``pattern``); ``meaning`` says in words what it must be, for the problem's message."""

    __slots__ = ("regex", "meaning")

    def __init__(self, regex: str, meaning: str) -> None:
        self.regex, self.meaning = regex, meaning


class Format:
    """In ``Annotated[str, Format(name)]``: a hint for editors (JSON Schema ``format``: date, markdown)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Before:
    """In ``Annotated[T, Before(f, written=W)]``: ``f`` turns what was written (described by ``W``) into T's input."""

    __slots__ = ("func", "written")

    def __init__(self, func: Callable[[Any], Any], *, written: Any) -> None:
        self.func, self.written = func, written


_MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()


class FieldInfo:
    """One declared field: what it means, its bounds, and its default (``default_factory`` makes one per record)."""

    __slots__ = ("description", "ge", "gt", "le", "min_length", "default", "default_factory")

    def __init__(self, description: str, ge: int | None, gt: int | None, le: int | None, min_length: int | None,
                 default: Any, default_factory: Callable[[], Any] | None) -> None:
        self.description, self.ge, self.gt, self.le, self.min_length = description, ge, gt, le, min_length
        self.default, self.default_factory = default, default_factory

    @property
    def required(self) -> bool:
        return self.default is _MISSING and self.default_factory is None


def Field(description: str, *, default: Any = _MISSING,  # noqa: N802 (it reads as a declaration)
          default_factory: Callable[[], Any] | None = None, ge: int | None = None, gt: int | None = None,
          le: int | None = None, min_length: int | None = None) -> Any:
    """One field of a record: what it means (shown in editors) and its bounds; without a default it is required."""
    return FieldInfo(description, ge, gt, le, min_length, default, default_factory)


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(Field,))
class Record:
    """Base of every record: frozen, made with keywords, equal when of one class with equal fields.

    Unknown keys are problems and types are never coerced (`check_record`)."""

    __slots__ = ()
    record_doc: ClassVar[str | None] = None  # the class's own docstring, for its JSON Schema
    declared: ClassVar[dict[str, FieldInfo]] = {}  # every field, a base's first, in the order written

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        doc = cls.__dict__.get("__doc__")
        cls.record_doc = inspect.cleandoc(doc) if doc else None
        declared = dict(cls.declared)
        for name in cls.__dict__.get("__annotations__", {}):
            info = cls.__dict__.get(name)
            if not isinstance(info, FieldInfo):
                raise TypeError(f"{cls.__name__}.{name} is declared without Field(description=...)")
            declared[name] = info
            delattr(cls, name)
        cls.declared = declared

    def __init__(self, **values: Any) -> None:
        for name, info in self.declared.items():
            if name in values:
                value = values.pop(name)
            elif info.default_factory is not None:
                value = info.default_factory()
            elif info.default is not _MISSING:
                value = info.default
            else:
                raise TypeError(f"{type(self).__name__} needs '{name}'")
            object.__setattr__(self, name, value)
        if values:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(map(repr, values))}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a {type(self).__name__} is not changed once made: use replace()")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.declared)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self.declared)})"


def replace(record: R, **changes: Any) -> R:
    """A copy of ``record`` with ``changes``."""
    return type(record)(**{**{name: getattr(record, name) for name in record.declared}, **changes})


# ---------------------------------------------------------------- problems


class Problem:
    """One thing wrong in a document, at ``loc`` (keys and list indices from its top).

    kind: 'missing', 'unknown-key' (detail: the known keys), 'type' (detail: what was expected),
    'range' (detail: low, high), 'pattern' (detail: what it must be, in words), 'choice' (detail: the
    choices), 'too-short' (detail: the fewest entries), 'invalid' (detail: the reason). ``on_key``: it is
    about a mapping key, not its value.
    """

    __slots__ = ("loc", "kind", "value", "detail", "on_key")

    def __init__(self, loc: Loc, kind: str, value: Any, detail: Any = None, on_key: bool = False) -> None:
        self.loc, self.kind, self.value, self.detail, self.on_key = loc, kind, value, detail, on_key

    def __repr__(self) -> str:
        return f"Problem({self.loc!r}, {self.kind!r}, {self.value!r}, {self.detail!r}, on_key={self.on_key})"


_INVALID: Any = object()  # returned by a check that reported problems


def _refused(problems: list[Problem], problem: Problem) -> Any:
    """Record ``problem`` and return the mark of a value that failed its check."""
    problems.append(problem)
    return _INVALID


# ---------------------------------------------------------------- the checks, one node per kind of value


class _Node:
    def check(self, value: Any, loc: Loc, problems: list[Problem]) -> Any:
        raise NotImplementedError

    def schema(self, defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
        raise NotImplementedError

    def constrained(self, info: FieldInfo) -> _Node:
        """This node with the field's bounds applied (to the value inside, for an optional field)."""
        return self


class _Text(_Node):
    def __init__(self, pattern: Pattern | None = None, fmt: str | None = None,
                 checks: tuple[Callable[[Any], Any], ...] = ()) -> None:
        self.pattern, self.fmt, self.checks = pattern, fmt, checks

    def check(self, value: Any, loc: Loc, problems: list[Problem]) -> Any:
        if not isinstance(value, str):
            return _refused(problems, Problem(loc, "type", value, "text"))
        if self.pattern is not None and re.search(self.pattern.regex, value) is None:
            return _refused(problems, Problem(loc, "pattern", value, self.pattern.meaning))
        for func in self.checks:
            try:
                value = func(value)
            except ValueError as exc:
                return _refused(problems, Problem(loc, "invalid", value, str(exc)))
        return value

    def schema(self, defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string"}
        if self.pattern is not None:
            out["pattern"] = self.pattern.regex
        if self.fmt is not None:
            out["format"] = self.fmt
        return out


class _Int(_Node):
    def __init__(self, low: int | None = None, above: int | None = None, high: int | None = None) -> None:
        self.low, self.above, self.high = low, above, high  # inclusive, exclusive, inclusive

    def check(self, value: Any, loc: Loc, problems: list[Problem]) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            return _refused(problems, Problem(loc, "type", value, "whole number"))
        low = self.low if self.low is not None else (self.above + 1 if self.above is not None else None)
        if (low is not None and value < low) or (self.high is not None and value > self.high):
            return _refused(problems, Problem(loc, "range", value, (low, self.high)))
        return value

    def constrained(self, info: FieldInfo) -> _Node:
        return _Int(low=info.ge, above=info.gt, high=info.le)

    def schema(self, defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer"}
        for key, bound in (("minimum", self.low), ("exclusiveMinimum", self.above), ("maximum", self.high)):
            if bound is not None:
                out[key] = bound
        return out


class _Bool(_Node):
    def check(self, value: Any, loc: Loc, problems: list[Problem]) -> Any:
        if not isinstance(value, bool):
            return _refused(problems, Problem(loc, "type", value, "boolean"))
        return value

    def schema(self, defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
        return {"type": "boolean"}


class _Choice(_Node):
    def __init__(self, choices: tuple[str, ...]) -> None:
        self.choices = choices

    def check(self, value: Any, loc: Loc, problems: list[Problem]) -> Any:
        if not isinstance(value, str) or value not in self.choices:
            return _refused(problems, Problem(loc, "choice", value, self.choices))
        return value

    def schema(self, defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
        return {"enum": list(self.choices), "type": "string"}


class _List(_Node):
    def __init__(self, item: _Node, min_length: int | None = None) -> None:
        self.item, self.min_length = item, min_length

    def check(self, value: Any, loc: Loc, problems: list[Problem]) -> Any:
        if not isinstance(value, list):
            return _refused(problems, Problem(loc, "type", value, "list"))
        before = len(problems)
        items = [self.item.check(entry, (*loc, index), problems) for index, entry in enumerate(value)]
        if self.min_length is not None and len(value) < self.min_length:
            problems.append(Problem(loc, "too-short", value, self.min_length))
        return items if len(problems) == before else _INVALID

    def constrained(self, info: FieldInfo) -> _Node:
        return _List(self.item, info.min_length)

    def schema(self, defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {"items": self.item.schema(defs), "type": "array"}
        if self.min_length is not None:
            out["minItems"] = self.min_length
        return out


class _Dict(_Node):
    def __init__(self, key: _Node, value: _Node) -> None:
        self.key, self.value = key, value

    def check(self, value: Any, loc: Loc, problems: list[Problem]) -> Any:
        if not isinstance(value, dict):
            return _refused(problems, Problem(loc, "type", value, "mapping"))
        before = len(problems)
        out = {}
        for key, entry in value.items():
            start = len(problems)
            checked_key = self.key.check(key, (*loc, key), problems)
            for problem in problems[start:]:
                problem.on_key = True
            out[checked_key] = self.value.check(entry, (*loc, key), problems)
        return out if len(problems) == before else _INVALID

    def schema(self, defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "object"}
        values = self.value.schema(defs)
        if isinstance(self.key, _Text) and self.key.pattern is not None:
            out["patternProperties"] = {self.key.pattern.regex: values}
        else:
            out["additionalProperties"] = values
            if isinstance(self.key, _Choice):
                out["propertyNames"] = {"enum": list(self.key.choices)}
        return out


class _Optional(_Node):
    def __init__(self, inner: _Node) -> None:
        self.inner = inner

    def check(self, value: Any, loc: Loc, problems: list[Problem]) -> Any:
        return None if value is None else self.inner.check(value, loc, problems)

    def constrained(self, info: FieldInfo) -> _Node:
        return _Optional(self.inner.constrained(info))

    def schema(self, defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
        return {"anyOf": [self.inner.schema(defs), {"type": "null"}]}


class _Before(_Node):
    def __init__(self, func: Callable[[Any], Any], inner: _Node, written: tuple[_Node, ...]) -> None:
        self.func, self.inner, self.written = func, inner, written

    def check(self, value: Any, loc: Loc, problems: list[Problem]) -> Any:
        return self.inner.check(self.func(value), loc, problems)

    def schema(self, defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
        return {"anyOf": [node.schema(defs) for node in self.written]}


class _RecordNode(_Node):
    def __init__(self, cls: type[Record]) -> None:
        self.cls = cls

    def check(self, value: Any, loc: Loc, problems: list[Problem]) -> Any:
        if not isinstance(value, dict):
            return _refused(problems, Problem(loc, "type", value, "mapping"))
        fields = _compiled(self.cls)
        before = len(problems)
        given: dict[str, Any] = {}
        for spec in fields.values():
            if spec.name in value:
                given[spec.name] = spec.node.check(value[spec.name], (*loc, spec.name), problems)
            elif spec.info.required:
                problems.append(Problem((*loc, spec.name), "missing", None))
        for key in value:
            if key not in fields:
                problems.append(Problem((*loc, key), "unknown-key", key, tuple(fields), on_key=True))
        return self.cls(**given) if len(problems) == before else _INVALID

    def schema(self, defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
        name = self.cls.__name__
        if name not in defs:
            defs[name] = {}  # reserved first, so a record that contains itself ends
            defs[name] = _record_schema(self.cls, defs)
        return {"$ref": f"#/$defs/{name}"}


# ---------------------------------------------------------------- from annotations to nodes, once per record


class _FieldSpec:
    __slots__ = ("name", "node", "info")

    def __init__(self, name: str, node: _Node, info: FieldInfo) -> None:
        self.name, self.node, self.info = name, node, info


_CACHE: dict[type[Record], dict[str, _FieldSpec]] = {}


def _compiled(cls: type[Record]) -> dict[str, _FieldSpec]:
    """The record's fields with their checks, made from its annotations on first use: a base record's
    fields from the base's own (each annotation is read once, not once per subclass)."""
    if cls not in _CACHE:
        base = cls.__mro__[1]
        specs = dict(_compiled(base)) if base is not Record and issubclass(base, Record) else {}
        own = types.SimpleNamespace(__annotations__=cls.__dict__.get("__annotations__", {}))
        hints = typing.get_type_hints(own, vars(sys.modules[cls.__module__]), include_extras=True)
        for name, annotation in hints.items():
            info = cls.declared[name]
            specs[name] = _FieldSpec(name, _node(annotation).constrained(info), info)
        _CACHE[cls] = specs
    return _CACHE[cls]


def _node(annotation: Any) -> _Node:
    """The check for one annotation; what the format does not use is refused loudly, when the record is first used."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _annotated(_node(args[0]), args[1:])
    if origin in (typing.Union, types.UnionType):
        others = [a for a in args if a is not type(None)]
        if len(others) == 1 and len(args) == 2:
            return _Optional(_node(others[0]))
    elif origin is Literal and all(isinstance(a, str) for a in args):
        return _Choice(tuple(args))
    elif origin is list:
        return _List(_node(args[0]))
    elif origin is dict:
        return _Dict(_node(args[0]), _node(args[1]))
    elif annotation is str:
        return _Text()
    elif annotation is bool:
        return _Bool()
    elif annotation is int:
        return _Int()
    elif isinstance(annotation, type) and issubclass(annotation, Record):
        return _RecordNode(annotation)
    raise TypeError(f"a record field cannot be {annotation!r}")


def _annotated(node: _Node, marks: tuple[Any, ...]) -> _Node:
    for mark in marks:
        if isinstance(mark, Before):
            written = typing.get_args(mark.written) or (mark.written,)
            node = _Before(mark.func, node, tuple(_node(w) for w in written))
        elif isinstance(node, _Text) and isinstance(mark, Check):
            node = _Text(node.pattern, node.fmt, (*node.checks, mark.func))
        elif isinstance(node, _Text) and isinstance(mark, Pattern):
            node = _Text(mark, node.fmt, node.checks)
        elif isinstance(node, _Text) and isinstance(mark, Format):
            node = _Text(node.pattern, mark.name, node.checks)
        else:
            raise TypeError(f"{mark!r} cannot apply to {node!r}")
    return node


# ---------------------------------------------------------------- the public face


def check_record(cls: type[R], data: Any) -> tuple[R | None, list[Problem]]:
    """The record ``data`` describes, or None with every problem found in it."""
    problems: list[Problem] = []
    record = _RecordNode(cls).check(data, (), problems)
    return (None if problems else typing.cast(R, record)), problems


def record_fields(cls: type[Record]) -> Iterator[tuple[str, bool, FieldInfo]]:
    """Each field's name, whether it holds a list, and its declaration, in order."""
    for spec in _compiled(cls).values():
        inner = spec.node.inner if isinstance(spec.node, _Optional) else spec.node
        yield spec.name, isinstance(inner, _List), spec.info


def _record_schema(cls: type[Record], defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    properties = {}
    for spec in _compiled(cls).values():
        prop = spec.node.schema(defs)
        if spec.info.default is not _MISSING:
            prop["default"] = spec.info.default
        prop["description"] = spec.info.description
        inner = spec.node.inner if isinstance(spec.node, _Optional) else spec.node
        if not isinstance(inner, _RecordNode):  # a record is titled by its own name, under $defs
            prop["title"] = spec.name.replace("_", " ").title()
        properties[spec.name] = prop
    out: dict[str, Any] = {"additionalProperties": False, "properties": properties, "title": cls.__name__,
                           "type": "object"}
    required = [spec.name for spec in _compiled(cls).values() if spec.info.required]
    if required:
        out["required"] = required
    if cls.record_doc:
        out["description"] = cls.record_doc
    return out


def json_schema(cls: type[Record]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12 keywords) of a file holding ``cls``: nested records under $defs.

    Keys are sorted, except a record's properties, which keep the order they are declared in."""
    defs: dict[str, dict[str, Any]] = {cls.__name__: {}}
    body = _record_schema(cls, defs)
    del defs[cls.__name__]
    if defs:
        body["$defs"] = dict(sorted(defs.items()))
    return typing.cast(dict[str, Any], _sorted_keys(body))


def _sorted_keys(node: Any, keep_order: bool = False) -> Any:
    if isinstance(node, dict):
        items = node.items() if keep_order else sorted(node.items())
        return {key: _sorted_keys(value, key == "properties" and not keep_order) for key, value in items}
    if isinstance(node, list):
        return [_sorted_keys(value) for value in node]
    return node
