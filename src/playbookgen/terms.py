"""The glossary's forms: every way a term is written in running text -> its definition.

Apart from the Markdown extension (glossary.py) that marks them, so the build's configuration can
list them without importing Python-Markdown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the MkDocs worker imports this early; the data model is not its to load (engines/mkdocs.py)
    from .model import Term

__all__ = ["compact_forms", "expand_forms", "glossary_forms"]


def _cases(word: str) -> list[str]:
    """The word as written, and with its first letter in the other case (sentence starts), unless it
    is an acronym (CRM stays CRM)."""
    variants = [word]
    if len(word) > 1 and word[1:2].islower():
        variants.append((word[0].lower() if word[0].isupper() else word[0].upper()) + word[1:])
    return variants


def glossary_forms(terms: Iterable[Term]) -> dict[str, str]:
    """Every form a term is written in -> its definition: the term, its listed forms, each also with
    the first letter's case switched. A form written out in the glossary wins over a derived one."""
    written: dict[str, str] = {}
    for term in terms:
        for form in (term.term, *term.forms):
            written.setdefault(form.strip(), term.definition)
    forms = dict(written)
    for form, definition in written.items():
        for variant in _cases(form):
            forms.setdefault(variant, definition)
    return {form: forms[form] for form in sorted(forms)}


def compact_forms(forms: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """``forms`` (form -> definition) with each definition written once: the first form of each (in
    ``forms``' order) -> its definition, and every other form -> that first form. The extension's
    configuration in mkdocs.yml, which MkDocs reads again on every rebuild of serve: a definition is a
    sentence, and a Polish term has a dozen forms."""
    first: dict[str, str] = {}  # definition -> the first form that has it
    others: dict[str, str] = {}
    for form, definition in forms.items():
        if definition in first:
            others[form] = first[definition]
        else:
            first[definition] = form
    return {form: definition for definition, form in first.items()}, others


def expand_forms(terms: dict[str, str], others: dict[str, str]) -> dict[str, str]:
    """compact_forms undone: every form -> its definition, sorted as glossary_forms sorts them."""
    forms = dict(terms)
    for form, term in others.items():
        forms[form] = terms[term]
    return {form: forms[form] for form in sorted(forms)}
