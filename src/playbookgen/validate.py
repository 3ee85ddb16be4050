"""Validate: turn loaded documents into a Project, or into diagnostics that say exactly where.

Two passes: each file against its model (types, required fields, ranges, unknown keys), then
the rules that span files (stage ids, technique references, frameworks, closed stages, ...).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import model
from ._records import Problem, Record, check_record, record_fields
from ._yaml import Document, Path_
from .errors import Diagnostic, error, sort_diagnostics, warning
from .load import FILE_KINDS, STAGE_KIND, RawGuide, Sources
from .review.rules import review_diagnostics

__all__ = ["validate_sources", "did_you_mean"]

R = typing.TypeVar("R", bound=Record)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for a near miss, else ''."""
    import difflib  # only a document with a problem asks

    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


# ---------------------------------------------------------------- per-file: record problems -> diagnostics


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value}'" if len(value) < 60 else "a text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _field_name(path: Path_) -> str:
    names = [p for p in path if isinstance(p, str)]
    return names[-1] if names else "value"


def _choices(choices: tuple[str, ...]) -> str:
    """"'a', 'b' or 'c'"."""
    quoted = [f"'{c}'" for c in choices]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _type_message(name: str, expected: str, value: Any) -> str:
    if expected == "text":
        if isinstance(value, dict) and len(value) == 1 and isinstance(next(iter(value.values())), str):
            written = "{}: {}".format(*next(iter(value.items())))
            return (f"'{name}' must be text, got a mapping ('{written}'): ': ' inside a text makes "
                    f"YAML read a key; put the whole text in quotes")
        hint = "; put it in quotes if it is meant as text" if value is not None else ""
        return f"'{name}' must be text, got {_describe(value)}{hint}"
    wanted = {"whole number": "a whole number", "boolean": "true or false",
              "list": "a list (lines starting with '- ')", "mapping": "a mapping of keys to values"}[expected]
    return f"'{name}' must be {wanted}, got {_describe(value)}"


def _message(problem: Problem) -> tuple[str, str]:
    """Code and message for one problem, worded for someone editing YAML."""
    kind, value, detail = problem.kind, problem.value, problem.detail
    name = _field_name(problem.loc)
    if kind == "missing":
        return "missing-field", f"missing required field '{name}'"
    if kind == "unknown-key":
        hint = did_you_mean(name, detail) or (f"; allowed: {', '.join(detail)}" if detail else "")
        return "unknown-field", f"unknown field '{name}'{hint}"
    if kind == "type":
        return "wrong-type", _type_message(name, detail, value)
    if kind == "range":
        return "out-of-range", _range_message(name, value, *detail)
    if kind == "pattern" and detail == model.ID_MEANING:
        return "bad-id", (f"invalid id '{value}': use lowercase letters, digits and hyphens "
                          "(for example 'lead-qualification')")
    if kind == "pattern":
        return "bad-value", f"'{name}' must be {detail}, got {_describe(value)}"
    if kind == "choice":
        return "bad-value", f"'{name}' must be {_choices(detail)}, got {_describe(value)}"
    if kind == "too-short":
        return "empty-list", f"'{name}' needs at least {detail} entry"
    if detail and detail != "must not be empty":  # "invalid": a check's reason
        return "bad-value", f"'{name}': {detail}"
    return "empty-text", f"'{name}' must not be empty"


def _range_message(name: str, value: Any, low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"'{name}' must be between {low} and {high}, got {value}"
    if low is not None:
        return f"'{name}' must be at least {low}, got {value}"
    return f"'{name}' must be at most {high}, got {value}"


def _position(doc: Document, problem: Problem) -> tuple[int, int]:
    if problem.kind == "missing":
        return doc.value_at(problem.loc[:-1])  # the mapping that lacks the field
    if problem.on_key:
        return doc.key_at(problem.loc)
    return doc.value_at(problem.loc)


def check_document(doc: Document, schema: type[R]) -> tuple[R | None, list[Diagnostic]]:
    """Validate one document against its record; every problem located in the file."""
    record, problems = check_record(schema, doc.data)
    diagnostics = []
    for problem in problems:
        line, column = _position(doc, problem)
        code, message = _message(problem)
        diagnostics.append(error(doc.file, line, column, code, message))
    return record, diagnostics


# ---------------------------------------------------------------- across files


@dataclass
class _Checked:
    """Models that passed their own file's checks, with the documents they came from."""

    playbook: tuple[model.Playbook, Document] | None = None
    kinds: dict[str, tuple[Record, Document]] = field(default_factory=dict)
    stages: list[tuple[model.Stage, Document]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # A file that could not be used says so once; references into it are counted here, not reported.
    unusable: dict[str, str] = field(default_factory=dict)  # kind name -> its file ('' when there is none)
    skipped: dict[str, list[_Reference]] = field(default_factory=dict)  # kind name -> references not checked

    def at(self, doc: Document, path: Path_, code: str, message: str, *, warn: bool = False) -> None:
        line, column = doc.value_at(path)
        make = warning if warn else error
        self.diagnostics.append(make(doc.file, line, column, code, message))

    def refer(self, kind: str, what: str, doc: Document, position: tuple[int, int], code: str, message: str) -> None:
        """An unknown reference into the file of ``kind``: an error, unless that file could not be used."""
        if kind in self.unusable:
            self.skipped.setdefault(kind, []).append(_Reference(what, doc.file, position, message))
        else:
            self.diagnostics.append(error(doc.file, *position, code, message))


@dataclass(frozen=True)
class _Reference:
    """A reference left unchecked because the file it points into could not be used."""

    what: str  # "technique", "framework", ...: the noun for the line that counts them
    file: str
    position: tuple[int, int]
    message: str


def _check_files(sources: Sources) -> _Checked:
    checked = _Checked()
    for kind in FILE_KINDS:
        doc = sources.documents.get(kind.name)
        if doc is None:
            continue
        result, problems = check_document(doc, kind.model)
        checked.diagnostics.extend(problems)
        if result is not None:
            checked.kinds[kind.name] = (result, doc)
    if "playbook" in checked.kinds:
        playbook, doc = checked.kinds["playbook"]
        checked.playbook = (typing.cast(model.Playbook, playbook), doc)
    for doc in sources.stages:
        stage, problems = check_document(doc, STAGE_KIND.model)
        checked.diagnostics.extend(problems)
        if stage is not None:
            checked.stages.append((typing.cast(model.Stage, stage), doc))
    return checked


def _first_seen(items: Iterable[tuple[str, Document, Path_]], checked: _Checked, code: str,
                what: str) -> dict[str, tuple[Document, Path_]]:
    """Index items by key; a key seen again is an error at the repeat, naming the first."""
    seen: dict[str, tuple[Document, Path_]] = {}
    for key, doc, path in items:
        if key in seen:
            first_doc, first_path = seen[key]
            line, column = first_doc.value_at(first_path)
            if first_doc.file != doc.file:
                where = f"{first_doc.file}, line {line}"
            elif line == doc.value_at(path)[0]:
                where = f"line {line}, column {column}"
            else:
                where = f"line {line}"
            checked.at(doc, path, code, f"{what} '{key}' appears twice (first at {where})")
        else:
            seen[key] = (doc, path)
    return seen


def _raw_ids(docs: Iterable[Document | None], key: str | None = None) -> set[str]:
    """Ids written in documents that failed their own checks, so one mistake is not reported twice."""
    ids: set[str] = set()
    for doc in docs:
        if doc is None:
            continue
        items = doc.data.get(key) if key else [doc.data]
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                ids.add(item["id"])
    return ids


def _check_stage_list(checked: _Checked, sources: Sources) -> list[tuple[model.Stage, Document]]:
    """Stages in pipeline order: every listed id has exactly one file, every file is listed."""
    assert checked.playbook is not None
    playbook, pdoc = checked.playbook
    files = _first_seen(((s.id, d, ("id",)) for s, d in checked.stages), checked, "stage-duplicate-id", "stage id")
    by_id = {s.id: (s, d) for s, d in reversed(checked.stages)}
    listed = _first_seen(((sid, pdoc, ("stages", i)) for i, sid in enumerate(playbook.stages)), checked,
                         "stage-listed-twice", "stage")
    unseen = [(i, sid) for i, sid in enumerate(playbook.stages)
              if sid not in files and sid not in _raw_ids(sources.stages) and listed[sid] == (pdoc, ("stages", i))]
    if sources.unreadable_stages:
        # The ids may well be in the stage files that cannot be read: their own error is the one to fix,
        # and a stage still missing after that is reported then.
        unseen = []
    for i, sid in unseen:
        checked.at(pdoc, ("stages", i), "stage-missing", f"no file in stages/ has id '{sid}'{did_you_mean(sid, files)}")
    for sid, (doc, path) in files.items():
        if sid not in listed:
            checked.at(doc, path, "stage-not-listed", f"stage '{sid}' is not listed in playbook.yml 'stages', so it "
                                                      "is left out",
                       warn=True)
    return [by_id[sid] for sid in listed if sid in by_id]


@dataclass(frozen=True)
class _Library:
    """A playbook-wide list that stages name by id: techniques, objections, e-mail templates."""

    kind: str  # FILE_KINDS name, and the key of the list inside the file
    stage_field: str  # the stage field holding the ids
    noun: str  # what one entry is called in messages
    plural: str
    code: str  # unknown-CODE, unused-CODE, duplicate-CODE


_LIBRARIES = (
    _Library("techniques", "techniques", "technique", "techniques", "technique"),
    _Library("objections", "objections", "objection", "objections", "objection"),
    _Library("emails", "emails", "e-mail template", "e-mail templates", "email"),
)


def _check_library(checked: _Checked, sources: Sources, library: _Library) -> None:
    """Every id a stage names exists (else the nearest id), and every entry is named by a stage."""
    entry = checked.kinds.get(library.kind)
    written = _raw_ids([sources.documents.get(library.kind)], library.kind)
    items = list(getattr(entry[0], library.kind)) if entry else []
    ldoc = entry[1] if entry else None
    known = _first_seen(((x.id, ldoc, (library.kind, i, "id")) for i, x in enumerate(items) if ldoc),
                        checked, f"duplicate-{library.code}", f"{library.noun} id")
    used = {ref for doc in sources.stages for ref in doc.data.get(library.stage_field) or [] if isinstance(ref, str)}
    for stage, doc in checked.stages:
        for i, ref in enumerate(getattr(stage, library.stage_field)):
            if ref not in known and ref not in written:
                checked.refer(library.kind, library.noun, doc, doc.value_at((library.stage_field, i)),
                              f"unknown-{library.code}",
                              f"unknown {library.noun} '{ref}'{did_you_mean(ref, written)}; "
                              f"{library.plural} are defined in playbook/{library.kind}.yml")
    for item_id, (doc, path) in known.items():
        if item_id not in used and not sources.unreadable_stages:  # an unreadable stage may well use it
            checked.at(doc, path, f"unused-{library.code}", f"{library.noun} '{item_id}' is not used by any stage",
                       warn=True)


def _check_libraries(checked: _Checked, sources: Sources) -> None:
    for library in _LIBRARIES:
        _check_library(checked, sources, library)


def _check_probabilities(ordered: list[tuple[model.Stage, Document]], checked: _Checked) -> None:
    previous: tuple[str, int] | None = None
    for stage, doc in ordered:
        if stage.probability is None or stage.closed == "lost":
            continue
        if previous is not None and stage.probability < previous[1]:
            checked.at(doc, ("probability",), "probability-decreasing",
                       f"probability {stage.probability} is lower than {previous[1]} in the stage before "
                       f"('{previous[0]}')",
                       warn=True)
        previous = (stage.id, stage.probability)


def _check_closed(ordered: list[tuple[model.Stage, Document]], checked: _Checked) -> None:
    expected = {"won": 100, "lost": 0}
    seen: dict[str, str] = {}
    for stage, doc in ordered:
        if stage.closed is None:
            continue
        if stage.closed in seen:
            checked.at(doc, ("closed",), "closed-twice",
                       f"more than one stage is closed: {stage.closed} (also '{seen[stage.closed]}'); a CRM has one "
                       "of each")
        seen.setdefault(stage.closed, stage.id)
        want = expected[stage.closed]
        if stage.probability is not None and stage.probability != want:
            checked.at(doc, ("probability",), "closed-probability",
                       f"a stage closed as {stage.closed} has probability {want}, not {stage.probability}")


def _check_deal_statuses(checked: _Checked) -> None:
    """deals.statuses: each of the CRM's words means one status, and open, won and lost mean themselves."""
    assert checked.playbook is not None
    playbook, doc = checked.playbook
    if playbook.deals is None:
        return
    seen: dict[str, str] = {}
    for status, words in playbook.deals.statuses.items():
        for i, word in enumerate(words):
            key = model.status_word(word)
            where = ("deals", "statuses", status, i)
            if key in typing.get_args(model.DealsStatus) and key != status:
                checked.at(doc, where, "deals-status-twice", f"'{word}' is the status {key} itself; it cannot also "
                                                             f"mean {status}")
            elif seen.get(key, status) != status:
                checked.at(doc, where, "deals-status-twice", f"'{word}' is listed under both {seen[key]} and {status}; "
                                                             "a word means one status")
            seen.setdefault(key, status)


def _check_frameworks(checked: _Checked) -> None:
    entry = checked.kinds.get("frameworks")
    frameworks = typing.cast(model.FrameworksFile, entry[0]).frameworks if entry else []
    fdoc = entry[1] if entry else None
    known = _first_seen(((f.id, fdoc, ("frameworks", i, "id")) for i, f in enumerate(frameworks) if fdoc),
                        checked, "duplicate-framework", "framework id")
    elements: dict[str, set[str]] = {}
    for i, framework in enumerate(frameworks):
        assert fdoc is not None
        keyed = ((e.id, fdoc, ("frameworks", i, "elements", j, "id")) for j, e in enumerate(framework.elements))
        seen = _first_seen(keyed,
                           checked, "duplicate-element", f"element of '{framework.id}'")
        elements.setdefault(framework.id, set(seen))
    for stage, doc in checked.stages:
        for fid, refs in stage.settles.items():
            if fid not in known:
                checked.refer("frameworks", "framework", doc, doc.key_at(("settles", fid)), "unknown-framework",
                              f"unknown framework '{fid}'{did_you_mean(fid, known)}; "
                              "frameworks are defined in playbook/frameworks.yml")
                continue
            for j, ref in enumerate(refs):
                if ref not in elements[fid]:
                    checked.at(doc, ("settles", fid, j), "unknown-element",
                               f"framework '{fid}' has no element '{ref}'{did_you_mean(ref, elements[fid])}")


def _check_unique_ids(checked: _Checked) -> None:
    """Metrics and case studies are linked by id; glossary terms by their text."""
    for kind, attr, what in (("metrics", "metrics", "metric id"), ("case-studies", "case_studies", "case study id")):
        entry = checked.kinds.get(kind)
        if entry:
            items = getattr(entry[0], attr)
            keyed = ((x.id, entry[1], (attr, i, "id")) for i, x in enumerate(items))
            _first_seen(keyed, checked, f"duplicate-{kind}", what)
    entry = checked.kinds.get("glossary")
    if not entry:
        return
    terms = typing.cast(model.GlossaryFile, entry[0]).terms
    doc = entry[1]
    known = _first_seen(((t.term.casefold(), doc, ("terms", i, "term")) for i, t in enumerate(terms)), checked,
                        "duplicate-term", "glossary term")
    _first_seen(((form.casefold(), doc, ("terms", i, "forms", j)) for i, t in enumerate(terms)
                 for j, form in enumerate(t.forms) if form.casefold() != t.term.casefold()),
                checked, "duplicate-term", "glossary form")
    for i, term in enumerate(terms):
        for j, form in enumerate(term.forms):
            other = known.get(form.casefold())
            if other is not None and other[1] != ("terms", i, "term"):
                checked.at(doc, ("terms", i, "forms", j), "duplicate-term",
                           f"the form '{form}' is itself a glossary term; a word can stand for one term only")
        for j, ref in enumerate(term.see_also):
            if ref.casefold() not in known:
                names = [t.term for t in terms]
                checked.at(doc, ("terms", i, "see_also", j), "unknown-term",
                           f"see_also names '{ref}', which is not in the glossary{did_you_mean(ref, names)}")


# ---------------------------------------------------------------- no cascades


def _unusable_kinds(sources: Sources, checked: _Checked) -> dict[str, str]:
    """Kinds whose file gives nothing to check references against: not valid YAML, failed its own checks
    with no id readable in it, or missing. Kind name -> its file ('' when missing)."""
    unusable = dict(sources.unreadable)
    for kind in FILE_KINDS:
        doc = sources.documents.get(kind.name)
        if doc is None and kind.name not in unusable:
            unusable[kind.name] = ""
        elif doc is not None and kind.name not in checked.kinds and not _raw_ids([doc], _list_key(kind.model)):
            unusable[kind.name] = doc.file
    return unusable


def _list_key(schema: type[Record]) -> str | None:
    """The field holding a file's entries (techniques, frameworks, ...): its one list field."""
    lists = [name for name, is_list, _ in record_fields(schema) if is_list]
    return lists[0] if len(lists) == 1 else None


def _unchecked(references: list[_Reference], more: str = "") -> str:
    """'21 technique references in 7 files were not checked'."""
    count, files = len(references), len({r.file for r in references})
    return (f"{count} {more}{references[0].what} reference{'s' * (count != 1)} in {files} file{'s' * (files != 1)} "
            f"{'was' if count == 1 else 'were'} not checked")


def _report_skipped(checked: _Checked, sources: Sources) -> None:
    """One line per unusable file that references point into, instead of one error per reference."""
    for kind_name, references in sorted(checked.skipped.items()):
        kind = next(k for k in FILE_KINDS if k.name == kind_name)
        file = checked.unusable[kind_name]
        if file:
            _add_to_first_error(checked, file, f"because of it, {_unchecked(references)}")
        elif kind_name in sources.misnamed:
            misnamed = sources.misnamed[kind_name]
            checked.diagnostics[:] = [d for d in checked.diagnostics if (d.file, d.code) != (misnamed, "unknown-file")]
            checked.diagnostics.append(error(
                misnamed, 1, 1, "file-misnamed",
                f"playbookgen reads {kind.stem}.yml, not {Path(misnamed).name}: rename the file; "
                f"until then, {_unchecked(references)}"))
        else:
            first, rest = references[0], references[1:]
            more = f"; {_unchecked(rest, 'more ')}" if rest else ""
            checked.diagnostics.append(error(
                first.file, *first.position, "missing-file",
                f"{first.message.split(';')[0]}: {kind.stem}.yml does not exist{more}"))


def _add_to_first_error(checked: _Checked, file: str, note: str) -> None:
    """Say on the file's first error what else it held up, so the cause and its effect are one line."""
    for diagnostic in sorted(checked.diagnostics):
        if diagnostic.file == file and diagnostic.is_error:
            index = checked.diagnostics.index(diagnostic)
            checked.diagnostics[index] = dataclasses.replace(diagnostic, message=f"{diagnostic.message}; {note}")
            return
    checked.diagnostics.append(error(file, 1, 1, "file-unusable", f"this file could not be used; {note}"))


# ---------------------------------------------------------------- guides


_SLUG_PREFIX = re.compile(r"^\d+[-_]")


def _guides(sources: Sources, checked: _Checked) -> list[model.Guide]:
    guides: list[model.Guide] = []
    slugs: dict[str, str] = {}
    for raw in sources.guides:
        stem = Path(raw.file).stem
        slug = _SLUG_PREFIX.sub("", stem)
        front = _guide_front(raw, checked)
        heading = next((line for line in raw.body.splitlines() if line.startswith("# ")), None)
        if heading is None or not heading[2:].strip():
            checked.diagnostics.append(error(raw.file, 1, 1, "guide-title", "a guide starts with a '# Title' line; "
                                                                            "none found"))
            continue
        if not re.fullmatch(model.ID_PATTERN, slug):
            checked.diagnostics.append(error(raw.file, 1, 1, "guide-name",
                                             f"file name '{stem}' must be lowercase letters, digits and hyphens"))
            continue
        if slug in slugs:
            checked.diagnostics.append(error(raw.file, 1, 1, "guide-duplicate", "another guide has the name "
                                                                                f"'{slug}': {slugs[slug]}"))
            continue
        slugs[slug] = raw.file
        guides.append(model.Guide(slug=slug, title=heading[2:].strip(), markdown=raw.body, source=raw.file,
                                  front=front))
    return guides


def _guide_front(raw: RawGuide, checked: _Checked) -> model.GuideFrontMatter:
    """The guide's front matter keys (owner, reviewed, ...), checked like any YAML file."""
    if raw.front is None:
        return model.GuideFrontMatter()
    front, problems = check_document(raw.front, model.GuideFrontMatter)
    checked.diagnostics.extend(problems)
    return front if front is not None else model.GuideFrontMatter()


# ---------------------------------------------------------------- the whole project


def _positions(sources: Sources) -> dict[str, dict[Path_, tuple[int, int]]]:
    docs = list(sources.documents.values()) + sources.stages + [g.front for g in sources.guides if g.front]
    return {doc.file: dict(doc.values) for doc in docs}


def _build_project(root: Path, sources: Sources, checked: _Checked, ordered: list[tuple[model.Stage, Document]],
                   as_of: dt.date) -> model.Project:
    assert checked.playbook is not None

    def items(kind: str, attr: str) -> list[Any]:
        entry = checked.kinds.get(kind)
        return list(getattr(entry[0], attr)) if entry else []

    return model.Project(
        root=root,
        playbook=checked.playbook[0],
        stages=[s for s, _ in ordered],
        techniques=items("techniques", "techniques"),
        frameworks=items("frameworks", "frameworks"),
        metrics=items("metrics", "metrics"),
        glossary=items("glossary", "terms"),
        case_studies=items("case-studies", "case_studies"),
        objections=items("objections", "objections"),
        emails=items("emails", "emails"),
        guides=_guides(sources, checked),
        stage_files={s.id: d.file for s, d in ordered},
        last_changed=sources.last_changed,
        positions=_positions(sources),
        as_of=as_of,
        kind_files={name: doc.file for name, doc in sorted(sources.documents.items())},
    )


def validate_sources(sources: Sources, *, as_of: dt.date) -> tuple[model.Project | None, list[Diagnostic]]:
    """Check what was read: the Project when it has no errors, and every diagnostic.

    Review dates are checked against ``as_of``. Nothing is read here: the load stage read it all.
    """
    checked = _check_files(sources)
    checked.diagnostics.extend(sources.diagnostics)
    project = None
    if checked.playbook is not None:
        checked.unusable = _unusable_kinds(sources, checked)
        ordered = _check_stage_list(checked, sources)
        _check_libraries(checked, sources)
        _check_probabilities(ordered, checked)
        _check_closed(ordered, checked)
        _check_deal_statuses(checked)
        _check_frameworks(checked)
        _check_unique_ids(checked)
        _report_skipped(checked, sources)
        project = _build_project(sources.root, sources, checked, ordered, as_of)
        checked.diagnostics.extend(review_diagnostics(project))
    diagnostics = sort_diagnostics(checked.diagnostics)
    if any(d.is_error for d in diagnostics):
        return None, diagnostics
    return project, diagnostics
