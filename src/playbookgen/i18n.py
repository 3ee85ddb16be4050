"""Every word playbookgen prints into an output, in each language a playbook can be written in.

Templates never hold literal words: they read them from ``labels(language)`` (the site) and
``checklist_labels(language)`` (the printable checklists), so a page in a Polish playbook is Polish
from its title to its last link. Adding a language means adding it here, in one file.
"""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from typing import Mapping

__all__ = ["LABELS", "labels", "CHECKLIST_LABELS", "checklist_labels", "format_date", "format_day",
           "CLOSED_STAGE_NAMES"]

_EN: dict[str, str] = {
    "home": "Home",
    "start_here": "Start here",
    "stages": "Pipeline stages",
    "stage": "Stage",
    "techniques": "Techniques",
    "frameworks": "Qualification frameworks",
    "metrics": "Metrics",
    "glossary": "Glossary",
    "case_studies": "Case studies",
    "guides": "Guides",
    "pipeline": "The pipeline",
    "pipeline_intro": "Every deal moves through these stages in this order. Open a stage to see what has to be true before the deal moves on.",
    "probability": "Win probability",
    "max_days": "Stall limit",
    "days": "days",
    "days_suffix": "days max.",
    "closed_won": "Closed: won",
    "closed_lost": "Closed: lost",
    "summary": "In short",
    "description": "About this stage",
    "exit_criteria": "Exit criteria",
    "exit_criteria_intro": "Tick each one once it is true for the deal in front of you.",
    "evidence": "Evidence",
    "techniques_used": "Techniques",
    "challenges": "Challenges",
    "remedy": "Remedy",
    "bottleneck": "Bottleneck",
    "how_to_spot": "How to spot it",
    "signals": "Signals the deal is ready to move on",
    "disqualify_when": "When to disqualify",
    "tools": "Tools",
    "questions": "Questions to ask",
    "settles": "Framework elements settled here",
    "at_a_glance": "At a glance",
    "previous_stage": "Previous stage",
    "next_stage": "Next stage",
    "printable_checklist": "Printable checklist",
    "printable_checklist_pdf": "Printable checklist (PDF)",
    "used_in": "Used in",
    "not_used": "Not used in any stage yet.",
    "steps": "Steps",
    "question": "Question",
    "elements": "Elements",
    "computation": "How it is computed",
    "formula": "Formula",
    "see_also": "See also",
    "context": "Context",
    "change": "What changed",
    "result": "Result",
    "lesson": "Lesson",
    "reading_order": "Reading order",
    "reading_order_intro": "Read the playbook in this order during your first days.",
    "first_day": "After your first day",
    "first_week": "After your first week",
    "start_intro": "Welcome to the team. This page tells you what to read first and what you should know after your first day and your first week.",
    "read_overview": "the pipeline at a glance and how deals move through it",
    "read_stages": "each stage in order: what happens, what must be true to move on",
    "read_techniques": "the techniques the stages rely on",
    "read_frameworks": "how we qualify a deal",
    "read_metrics": "the numbers we watch",
    "read_glossary": "the words you will hear",
    "read_case_studies": "pipelines that worked",
    "read_guides": "hand-written guides from the team",
    "palette_dark": "Switch to dark mode",
    "palette_light": "Switch to light mode",
    "owner": "Owner",
    "last_reviewed": "Last reviewed",
    "never_reviewed": "Not reviewed yet",
    "last_changed": "Last changed",
    "review_due": "Due for review",
    "review_overdue": "Due for review since {due}; owner: {owner}.",
    "no_owner": "none named",
    "what_changed": "What changed",
    "what_changed_intro": "The latest changes to the playbook, newest first, with the pages each one changed.",
    "history_unavailable": "The history of changes is not available: this playbook was built outside a git repository.",
    "history_empty": "No commit has changed the playbook's files yet.",
}

_PL: dict[str, str] = {
    "home": "Strona główna",
    "start_here": "Zacznij tutaj",
    "stages": "Etapy pipeline'u",
    "stage": "Etap",
    "techniques": "Techniki",
    "frameworks": "Metodyki kwalifikacji",
    "metrics": "Wskaźniki",
    "glossary": "Słowniczek",
    "case_studies": "Studia przypadków",
    "guides": "Poradniki",
    "pipeline": "Pipeline",
    "pipeline_intro": "Każdy deal przechodzi przez te etapy w tej kolejności. Otwórz etap, aby zobaczyć, co musi być spełnione, zanim deal pójdzie dalej.",
    "probability": "Prawdopodobieństwo wygranej",
    "max_days": "Limit czasu w etapie",
    "days": "dni",
    "days_suffix": "dni maks.",
    "closed_won": "Zamknięty: wygrany",
    "closed_lost": "Zamknięty: przegrany",
    "summary": "W skrócie",
    "description": "O etapie",
    "exit_criteria": "Kryteria wyjścia",
    "exit_criteria_intro": "Zaznacz każde kryterium, gdy jest spełnione dla Twojego deala.",
    "evidence": "Dowód",
    "techniques_used": "Techniki",
    "challenges": "Wyzwania",
    "remedy": "Co robić",
    "bottleneck": "Wąskie gardło",
    "how_to_spot": "Jak je rozpoznać",
    "signals": "Sygnały, że deal jest gotowy na kolejny etap",
    "disqualify_when": "Kiedy zdyskwalifikować",
    "tools": "Narzędzia",
    "questions": "Pytania do zadania",
    "settles": "Elementy metodyk ustalane w tym etapie",
    "at_a_glance": "W pigułce",
    "previous_stage": "Poprzedni etap",
    "next_stage": "Następny etap",
    "printable_checklist": "Checklista do druku",
    "printable_checklist_pdf": "Checklista do druku (PDF)",
    "used_in": "Używana w",
    "not_used": "Nie jest jeszcze używana w żadnym etapie.",
    "steps": "Kroki",
    "question": "Pytanie",
    "elements": "Elementy",
    "computation": "Jak go liczymy",
    "formula": "Wzór",
    "see_also": "Zobacz też",
    "context": "Kontekst",
    "change": "Co się zmieniło",
    "result": "Wynik",
    "lesson": "Wniosek",
    "reading_order": "Kolejność lektury",
    "reading_order_intro": "W pierwszych dniach przeczytaj playbook w tej kolejności.",
    "first_day": "Po pierwszym dniu",
    "first_week": "Po pierwszym tygodniu",
    "start_intro": "Witaj w zespole. Ta strona mówi, co przeczytać najpierw i co musisz wiedzieć po pierwszym dniu i po pierwszym tygodniu.",
    "read_overview": "pipeline w pigułce i droga deala przez etapy",
    "read_stages": "kolejne etapy: co się w nich dzieje i co musi być spełnione, aby iść dalej",
    "read_techniques": "techniki, na których opierają się etapy",
    "read_frameworks": "jak kwalifikujemy deal",
    "read_metrics": "liczby, które obserwujemy",
    "read_glossary": "słowa, które usłyszysz",
    "read_case_studies": "pipeline'y, które zadziałały",
    "read_guides": "poradniki napisane przez zespół",
    "palette_dark": "Włącz tryb ciemny",
    "palette_light": "Włącz tryb jasny",
    "owner": "Właściciel",
    "last_reviewed": "Ostatni przegląd",
    "never_reviewed": "Jeszcze bez przeglądu",
    "last_changed": "Ostatnia zmiana",
    "review_due": "Czeka na przegląd",
    "review_overdue": "Czeka na przegląd od {due}; właściciel: {owner}.",
    "no_owner": "nie wskazano",
    "what_changed": "Co się zmieniło",
    "what_changed_intro": "Ostatnie zmiany w playbooku, od najnowszej, ze stronami, które każda z nich zmieniła.",
    "history_unavailable": "Historia zmian nie jest dostępna: ten playbook zbudowano poza repozytorium git.",
    "history_empty": "Żaden commit nie zmienił jeszcze plików playbooka.",
}

LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {"en": MappingProxyType(_EN), "pl": MappingProxyType(_PL)}
)


def labels(language: str) -> Mapping[str, str]:
    """The labels for ``language`` (pl or en); English for anything else."""
    return LABELS.get(language, LABELS["en"])


# The printable checklists (checklists.py).
CHECKLIST_LABELS: dict[str, dict[str, str]] = {
    "pl": {
        "checklist": "Lista kontrolna",
        "checklists": "Listy kontrolne etapów",
        "all_checklists": "Wszystkie listy kontrolne",
        "index_intro": "Jedna strona na etap: wydrukuj ją przed spotkaniem albo odhaczaj na tablecie.",
        "no_pdf": "Wersje PDF nie zostały zbudowane: zainstaluj playbookgen[pdf].",
        "stage_of": "Etap {number} z {total}",
        "deal": "Szansa sprzedaży",
        "rep": "Handlowiec",
        "date": "Data",
        "exit_criteria": "Kryteria wyjścia z etapu",
        "criterion": "Kryterium",
        "evidence": "Dowód",
        "questions": "Pytania do zadania",
        "signals": "Sygnały gotowości",
        "red_flags": "Czerwone flagi: zdyskwalifikuj, gdy",
        "notes": "Notatki",
        "last_changed": "Ostatnia zmiana",
        "owner": "Właściciel",
    },
    "en": {
        "checklist": "Checklist",
        "checklists": "Stage checklists",
        "all_checklists": "All checklists",
        "index_intro": "One page per stage: print it before the meeting or tick it on a tablet.",
        "no_pdf": "PDF versions were not built: install playbookgen[pdf].",
        "stage_of": "Stage {number} of {total}",
        "deal": "Deal",
        "rep": "Rep",
        "date": "Date",
        "exit_criteria": "Exit criteria",
        "criterion": "Criterion",
        "evidence": "Evidence",
        "questions": "Questions to ask",
        "signals": "Signals: ready to move on",
        "red_flags": "Red flags: disqualify when",
        "notes": "Notes",
        "last_changed": "Last changed",
        "owner": "Owner",
    },
}

# Month names as a date is written (Polish takes the genitive: "27 listopada 2026").
_MONTHS = {
    "pl": ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
           "września", "października", "listopada", "grudnia"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}

# The closed stages the CRM export appends when a playbook marks none (export/_stages.py).
CLOSED_STAGE_NAMES: dict[str, dict[str, str]] = {
    "pl": {"won": "Wygrana", "lost": "Przegrana"},
    "en": {"won": "Closed Won", "lost": "Closed Lost"},
}


def checklist_labels(language: str) -> Mapping[str, str]:
    """The checklists' words for ``language`` (pl or en)."""
    return CHECKLIST_LABELS[language]


def format_date(epoch: int, language: str) -> str:
    """The day of ``epoch`` (UTC) as a reader of ``language`` writes it: '27 listopada 2026'."""
    day = dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).date()
    return f"{day.day} {_MONTHS[language][day.month - 1]} {day.year}"


def format_day(day: dt.date, language: str) -> str:
    """A calendar day as a reader of ``language`` writes it: '27 listopada 2026'."""
    return f"{day.day} {_MONTHS[language][day.month - 1]} {day.year}"
