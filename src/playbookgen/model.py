"""The playbook data model: one record class (_records.py) per thing a team writes in YAML.

Every field carries a description: the JSON Schemas for editors are generated from these classes,
so this file is the single source of truth for the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from ._records import Before, Check, Field, Format, Pattern, Record
from .crm import CRMS, DEALS_COLUMNS, DEALS_NAMES, choices_text

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LANGUAGES = ("pl", "en")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


Text = Annotated[str, Check(_not_blank)]
Markdown = Annotated[str, Format("markdown")]
ID_MEANING = "an id"  # validate.py words a wrong id with the rule for writing one
Id = Annotated[str, Pattern(ID_PATTERN, ID_MEANING)]
TextList = list[Text]  # declared with default_factory=list: an optional list of texts


def _calendar_date(value: str) -> str:
    """A day written YYYY-MM-DD that exists on the calendar: '2026-02-30' is refused."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"'{value}' is not a date: write it as YYYY-MM-DD, for example 2026-03-01")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a real calendar date") from None
    return value


Day = Annotated[str, Format("date"), Check(_calendar_date)]


class Reviewable(Record):
    """Who keeps a piece of content true, and when they last checked it (``playbookgen review``).

    Every kind of content a team reviews inherits this: making a new kind reviewable is one base class.
    """

    owner: Text | None = Field(
        default=None, description="Who keeps it up to date: a person or a team (e.g. Sales Ops); default: review.owner."
    )
    reviewed: Day | None = Field(
        default=None, description="The day it was last checked and found true, as YYYY-MM-DD."
    )
    review_every_days: int | None = Field(
        default=None, ge=1, description="Review it at least every this many days; default: review.every_days."
    )


class ReviewSettings(Record):
    """playbook.yml `review`: how often content is reviewed, by whom by default, and what the site shows."""

    every_days: int = Field(default=180, ge=1, description="Days between reviews, where an item sets none of its own.")
    owner: Text | None = Field(default=None, description="The owner of every item that names none.")
    required: bool = Field(default=False, description="When true, an item without 'reviewed' is a warning.")
    show_authors: bool = Field(
        default=False, description="Show commit authors' names on the 'what changed' page (off: dates, subjects only)."
    )
    changes: int = Field(default=30, ge=1, description="How many recent commits the 'what changed' page lists.")


class OnboardingPlan(Record):
    first_day: TextList = Field(
        default_factory=list, description="What a new rep should know or have done after the first day.")
    first_week: TextList = Field(
        default_factory=list, description="What a new rep should know or have done after the first week.")


CURRENCY_MEANING = "a three-letter currency code such as PLN or EUR"
DealsEncoding = Literal["utf-8", "utf-16", "windows-1252", "windows-1250"]
DealsDateFormat = Literal["MM/DD/YYYY", "DD/MM/YYYY"]
DealsStatus = Literal["open", "won", "lost"]


def status_word(word: str) -> str:
    """A status word as deals.statuses and a snapshot's cells are compared: trimmed and lower-cased (the SQL
    side: lower(pb_trim(status)))."""
    return word.strip().lower()


if TYPE_CHECKING:  # checked against the registry's names at run time
    DealsFormat = str
    DealsColumn = str
else:
    DealsFormat = Literal[DEALS_NAMES]
    DealsColumn = Literal[DEALS_COLUMNS]


def _iso_date(value: str) -> str:
    from datetime import datetime

    try:
        datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"'{value}' is not a date: write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ") from None
    return value


class Deals(Record):
    """The CRM export that `playbookgen health` holds the playbook against."""

    file: Text = Field(description="The deals export (CSV), relative to the project folder.")
    format: DealsFormat = Field(description=f"Which export it is: {choices_text(DEALS_NAMES)}.")
    as_of: Annotated[Text, Check(_iso_date)] | None = Field(
        default=None, description="The date the report is as of (YYYY-MM-DD, or a date-time); default: the latest "
                                  "time in the file."
    )
    currency: Annotated[str, Pattern(r"^[A-Za-z]{3}$", CURRENCY_MEANING)] | None = Field(
        default=None, description="The currency (ISO code such as PLN) whose amounts are averaged when the file "
                                  "holds several."
    )
    columns: dict[DealsColumn, Text] = Field(
        default_factory=dict, description="Our column names -> this export's headers, where the export names them "
                                          "differently."
    )
    list_stalled: bool = Field(default=False, description="Name the stalled deals (off: only counts are shown).")
    encoding: DealsEncoding | None = Field(
        default=None, description="The file's encoding, where it is not found right: utf-8, utf-16 (Excel's Unicode "
                                  "text), windows-1252 or windows-1250; default: found from the file."
    )
    date_format: DealsDateFormat | None = Field(
        default=None, description="Whether the file's report-style dates (03/04/2026) put the month or the day "
                                  "first: MM/DD/YYYY or DD/MM/YYYY (any year length or separator); default: found "
                                  "from the dates, and required when they do not tell."
    )
    pipeline: Text | None = Field(
        default=None, description="The pipeline whose deals are read from a file that holds several (its name in "
                                  "the Pipeline column); default: the one whose deals match most stages."
    )
    statuses: dict[DealsStatus, TextList] = Field(
        default_factory=dict, description="A snapshot's status column in the CRM's own words: open, won or lost -> "
                                          "the words that mean it (Wygrana, Closed Won), in any case; open, won and "
                                          "lost themselves are always read."
    )


class Playbook(Record):
    """playbook/playbook.yml: the playbook as a whole."""

    title: Text = Field(description="The playbook's title: site name and checklist header.")
    language: Literal["pl", "en"] = Field(
        description="Language of generated headings, labels and of the site's interface: pl or en."
    )
    summary: Text | None = Field(
        default=None, description="One plain sentence about the playbook, used as the site's meta description."
    )
    description: Markdown | None = Field(
        default=None, description="Markdown shown on the home page: what the pipeline is and how to use it."
    )
    stages: list[Id] = Field(
        min_length=1, description="Stage ids in pipeline order, each once; each has one file in stages/."
    )
    onboarding: OnboardingPlan | None = Field(
        default=None, description="The 'start here' plan for new reps: goals for the first day and week."
    )
    deals: Deals | None = Field(
        default=None, description="The team's deal export from its CRM, for `playbookgen health`."
    )
    review: ReviewSettings = Field(
        default_factory=ReviewSettings, description="Review dates: the interval, the default owner, whether required."
    )
    paper: Literal["a4", "letter"] = Field(
        default="a4", description="Paper size of the printable checklists (HTML and PDF) in the site and of "
        "`playbookgen checklists`: a4 or letter."
    )
    values_are_examples: bool = Field(
        default=False, description="True while the stages' probabilities and stall limits are example values the "
        "team has not set from its own deals yet: the site, the checklists and the CRM exports then say so."
    )


class Technique(Reviewable):
    id: Id = Field(description="Unique id (lowercase letters, digits, hyphens); stages refer to it.")
    name: Text = Field(description="Display name of the technique.")
    summary: Text = Field(description="One or two plain sentences: what the technique is.")
    description: Markdown | None = Field(default=None, description="Markdown: how and when to use it.")
    steps: TextList = Field(default_factory=list, description="Steps to apply the technique, in order.")
    example: Markdown | None = Field(
        default=None, description="Markdown: a worked example or talk track: what the rep actually says and does."
    )


class TechniquesFile(Record):
    """playbook/techniques.yml: the technique library that stages draw on."""

    techniques: list[Technique] = Field(description="Every technique the playbook names.")


class Objection(Reviewable):
    id: Id = Field(description="Unique id (lowercase letters, digits, hyphens); stages refer to it.")
    objection: Text = Field(description="What the buyer says, in their words (for example: 'It is too expensive').")
    response: Markdown = Field(description="Markdown: how to answer it: what to ask, what to say, what to offer.")
    category: Text | None = Field(
        default=None, description="What the objection is about (for example: price, timing, competition, authority)."
    )
    avoid: Text | None = Field(default=None, description="What not to say or do in answer.")


class ObjectionsFile(Record):
    """playbook/objections.yml: what buyers say to push back, and how the team answers."""

    objections: list[Objection] = Field(description="Objections a rep will hear, each with its response.")


class EmailTemplate(Reviewable):
    id: Id = Field(description="Unique id (lowercase letters, digits, hyphens); stages refer to it.")
    name: Text = Field(description="Display name of the template (for example: Follow-up after the first meeting).")
    subject: Text = Field(description="The subject line; may hold placeholders such as {company}.")
    body: Text = Field(
        description="The e-mail's text, kept line by line as written (plain text, not Markdown); "
        "placeholders such as {first_name} stay visible for the rep to fill in."
    )
    when: Text | None = Field(default=None, description="When to send it.")


class EmailsFile(Record):
    """playbook/emails.yml: e-mail templates reps copy and fill in."""

    emails: list[EmailTemplate] = Field(description="E-mail templates.")


def _criterion_from_text(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


class ExitCriterion(Record):
    text: Text = Field(description="What must be true before a deal leaves the stage.")
    evidence: Text | None = Field(default=None, description="How to check it: what counts as proof.")


ExitCriterionEntry = Annotated[ExitCriterion, Before(_criterion_from_text, written=str | ExitCriterion)]


class Challenge(Record):
    name: Text = Field(description="The challenge, in a few words.")
    description: Markdown | None = Field(default=None, description="Markdown: why it happens here.")
    remedy: Text = Field(description="What to do about it.")


class Bottleneck(Record):
    description: Text = Field(description="How a deal gets stuck in this stage.")
    how_to_spot: Text | None = Field(
        default=None, description="The sign to watch for (for example: deals older than max_days)."
    )
    remedy: Text | None = Field(default=None, description="What to do when you see it.")


if TYPE_CHECKING:
    CrmNames = Record
else:  # one optional name per CRM of the registry that names stages its own way
    CrmNames = type("CrmNames", (Record,), {
        "__module__": __name__, "__qualname__": "CrmNames",
        "__annotations__": {c.stage_key: Text | None for c in CRMS if c.stage_key},
        **{c.stage_key: Field(default=None, description=c.stage_key_help) for c in CRMS if c.stage_key}})


class Stage(Reviewable):
    """stages/*.yml: one stage of the pipeline."""

    id: Id = Field(description="Unique id (lowercase letters, digits, hyphens), listed in playbook.yml stages.")
    name: Text = Field(description="Display name of the stage.")
    summary: Text = Field(description="One or two plain sentences: what happens in this stage.")
    description: Markdown | None = Field(default=None, description="Markdown: the stage in more depth.")
    probability: int | None = Field(
        default=None, ge=0, le=100, description="Chance (0-100, whole number) of winning a deal that reached this "
                                                "stage."
    )
    max_days: int | None = Field(
        default=None, gt=0, description="A deal longer than this many days in the stage counts as stalled."
    )
    closed: Literal["won", "lost"] | None = Field(
        default=None, description="Marks a closed stage for CRM export: won (probability 100) or lost (probability 0)."
    )
    crm: CrmNames | None = Field(
        default=None, description="The stage's name in each CRM where it differs from 'name': used by export and "
                                  "health."
    )
    exit_criteria: list[ExitCriterionEntry] = Field(
        min_length=1, description="What must be true before a deal leaves this stage: a text, or text with evidence."
    )
    settles: dict[Id, list[Id]] = Field(
        default_factory=dict,
        description="Qualification framework elements that must be settled by this stage's exit: framework id -> "
                    "element ids.",
    )
    techniques: list[Id] = Field(default_factory=list, description="Ids of techniques (techniques.yml) used here.")
    objections: list[Id] = Field(
        default_factory=list, description="Ids of objections (objections.yml) a rep meets in this stage."
    )
    emails: list[Id] = Field(default_factory=list, description="Ids of e-mail templates (emails.yml) sent in this "
                                                               "stage.")
    challenges: list[Challenge] = Field(default_factory=list, description="Typical challenges and their remedies.")
    bottleneck: Bottleneck | None = Field(default=None, description="How deals stall in this stage and how to spot it.")
    disqualify_when: TextList = Field(
        default_factory=list, description="When to drop the lead at this stage (red flags).")
    signals: TextList = Field(default_factory=list, description="Signs that the deal is ready to move on.")
    tools: TextList = Field(default_factory=list, description="Tools that help in this stage.")
    questions: TextList = Field(default_factory=list, description="Questions to ask the prospect in this stage.")


class FrameworkElement(Record):
    id: Id = Field(description="Unique id within the framework (for example: budget).")
    name: Text = Field(description="Display name (for example: Budget).")
    question: Text = Field(description="The question to ask to settle this element.")
    evidence: Text = Field(description="What counts as evidence that it is settled.")
    description: Markdown | None = Field(default=None, description="Markdown: more about the element.")


class Framework(Reviewable):
    id: Id = Field(description="Unique id (for example: bant); stages refer to it in settles.")
    name: Text = Field(description="Display name (for example: BANT).")
    summary: Text = Field(description="What the framework checks, in a sentence or two.")
    description: Markdown | None = Field(default=None, description="Markdown: how to use it.")
    elements: list[FrameworkElement] = Field(min_length=1, description="The elements to settle, in order.")


class FrameworksFile(Record):
    """playbook/frameworks.yml: qualification frameworks such as BANT, MEDDPICC or CHAMP."""

    frameworks: list[Framework] = Field(description="Qualification frameworks.")


class Metric(Reviewable):
    id: Id = Field(description="Unique id.")
    name: Text = Field(description="Display name.")
    summary: Text = Field(description="What the metric tells you.")
    computation: Text = Field(description="How it is computed, in words.")
    formula: Text | None = Field(default=None, description="The formula, in plain text.")
    description: Markdown | None = Field(default=None, description="Markdown: how to read and act on it.")


class MetricsFile(Record):
    """playbook/metrics.yml: the pipeline metrics to watch."""

    metrics: list[Metric] = Field(description="Pipeline metrics.")


class Term(Record):
    term: Text = Field(description="The term.")
    definition: Text = Field(description="Its meaning in this playbook.")
    see_also: TextList = Field(default_factory=list, description="Other glossary terms worth reading next.")
    forms: TextList = Field(
        default_factory=list,
        description="Other forms of the term as it appears in running text (Polish cases, plurals: 'leada', "
        "'leadów'); each shows the definition on hover, like the term itself."
    )


class GlossaryFile(Record):
    """playbook/glossary.yml: the words a new rep meets."""

    terms: list[Term] = Field(description="Glossary entries.")


class CaseStudy(Reviewable):
    id: Id = Field(description="Unique id.")
    title: Text = Field(description="Title of the case.")
    context: Text = Field(description="Who the company was and where it started.")
    change: Text = Field(description="What it changed in its pipeline.")
    result: Text = Field(description="The measured result.")
    lesson: Text | None = Field(default=None, description="What to take from it.")


class CaseStudiesFile(Record):
    """playbook/case-studies.yml: examples of pipelines that worked."""

    case_studies: list[CaseStudy] = Field(description="Case studies.")


class GuideFrontMatter(Reviewable):
    """The YAML block between '---' lines at the top of a guide: the same review keys as any item."""


@dataclass(frozen=True)
class Guide:
    """A hand-written Markdown page under playbook/guides/."""

    slug: str
    title: str
    markdown: str  # the text after its front matter (load.split_front_matter reads that, once)
    source: str  # path relative to the project folder
    front: GuideFrontMatter = field(default_factory=GuideFrontMatter)


@dataclass(frozen=True)
class Commit:
    """One commit that changed playbook files, as the 'what changed' page shows it."""

    time: int  # committer time, seconds since 1970
    subject: str
    author: str  # the name only, shown when review.show_authors is true
    files: tuple[str, ...]  # the playbook files it changed, relative to the project folder


@dataclass(frozen=True)
class History:
    """The playbook's git history: the recent commits (newest first) and each file's last change."""

    commits: tuple[Commit, ...]
    last_changed: dict[str, int]  # file relative to the project folder -> committer time


@dataclass
class Project:
    """A loaded, validated playbook project: what every renderer receives."""

    root: Path
    playbook: Playbook
    stages: list[Stage]  # in pipeline order
    techniques: list[Technique] = field(default_factory=list)
    frameworks: list[Framework] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    glossary: list[Term] = field(default_factory=list)
    case_studies: list[CaseStudy] = field(default_factory=list)
    objections: list[Objection] = field(default_factory=list)
    emails: list[EmailTemplate] = field(default_factory=list)
    guides: list[Guide] = field(default_factory=list)
    stage_files: dict[str, str] = field(default_factory=dict)  # stage id -> file relative to root
    last_changed: int = 0  # SOURCE_DATE_EPOCH: seconds since 1970, drives every date we print
    as_of: date = date(1970, 1, 1)  # the day review dates are checked against (load.as_of_date)
    history: History | None = None  # from git, when the build asked for it and git could tell
    kind_files: dict[str, str] = field(default_factory=dict)  # FILE_KINDS name -> its file, relative to root
    # file relative to root -> YAML path (keys and list indices) -> (line, column), 1-based
    positions: dict[str, dict[tuple[str | int, ...], tuple[int, int]]] = field(default_factory=dict)

    def locate(self, file: str, *path: str | int) -> tuple[int, int]:
        """Line and column of the value at ``path`` in ``file``; the nearest enclosing node if absent."""
        marks = self.positions.get(file, {})
        for end in range(len(path), -1, -1):
            if path[:end] in marks:
                return marks[path[:end]]
        return (1, 1)

    def stage_file(self, stage_id: str) -> str:
        return self.stage_files.get(stage_id, "playbook/playbook.yml")

    # The lookups below are dicts built once, on first use: a Project is not changed once made (a
    # renderer asks them once per stage and per technique, and lists scanned each time were O(n^2)).

    def technique(self, technique_id: str) -> Technique:
        return self._techniques_by_id[technique_id]

    def has_technique(self, technique_id: str) -> bool:
        return technique_id in self._techniques_by_id

    def stages_using(self, technique_id: str) -> list[Stage]:
        """The stages that name this technique, in pipeline order."""
        return list(self._stages_naming["techniques"].get(technique_id, ()))

    def stages_meeting(self, objection_id: str) -> list[Stage]:
        """The stages that name this objection, in pipeline order."""
        return list(self._stages_naming["objections"].get(objection_id, ()))

    def stages_sending(self, email_id: str) -> list[Stage]:
        """The stages that name this e-mail template, in pipeline order."""
        return list(self._stages_naming["emails"].get(email_id, ()))

    @cached_property
    def _techniques_by_id(self) -> dict[str, Technique]:
        found: dict[str, Technique] = {}
        for technique in self.techniques:
            found.setdefault(technique.id, technique)  # the first of an id, as a scan would find
        return found

    @cached_property
    def _stages_naming(self) -> dict[str, dict[str, list[Stage]]]:
        """For techniques, objections and e-mails: item id -> the stages naming it, each once, in order."""
        index: dict[str, dict[str, list[Stage]]] = {"techniques": {}, "objections": {}, "emails": {}}
        for stage in self.stages:
            for kind, by_id in index.items():
                for item_id in dict.fromkeys(getattr(stage, kind)):
                    by_id.setdefault(item_id, []).append(stage)
        return index
