"""Glossary tooltips: a Python-Markdown extension that marks glossary terms in running text.

Each term, or a form the glossary lists for it (Polish cases and plurals), becomes
``<abbr title="definition" tabindex="0">`` where it first stands as a whole word on a page, so Material's
``content.tooltips`` shows the definition on hover and, thanks to the tabindex, on keyboard focus.
Like Python-Markdown's ``abbr`` (whose glossary it extends with forms), it works on the parsed tree:
the definition is an attribute, escaped on output, and code, links and headings are left alone.
Listed in markdown_extensions as ``playbookgen.glossary`` with ``terms: {form: definition}`` and, for the
forms that share a definition, ``forms: {form: the form in terms}`` (so each definition is written once).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .terms import expand_forms, glossary_forms

__all__ = ["GlossaryExtension", "glossary_forms", "makeExtension"]

# Elements whose text is not running prose: a tooltip inside a heading would end up in the page
# title and the table of contents, one inside a link or code would change what it is.
_SKIP = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "a", "abbr", "code", "pre", "kbd", "script", "style",
                   "summary", "button", "label"})


class _GlossaryTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, terms: Mapping[str, str]) -> None:
        super().__init__(md)
        self.terms = dict(terms)
        # Longest first, so "pipeline sprzedażowy" wins over "pipeline"; \b is Unicode-aware.
        alternatives = "|".join(re.escape(t) for t in sorted(self.terms, key=lambda t: (-len(t), t)))
        self.pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])") if self.terms else None

    def _abbr(self, form: str, tail: str) -> ET.Element:
        element = ET.Element("abbr", {"title": self.terms[form], "tabindex": "0"})
        element.text = AtomicString(form)
        element.tail = tail
        return element

    def _split(self, text: str) -> tuple[str, list[ET.Element]]:
        """The text before the first term, and an <abbr> for each term with the text after it as tail."""
        assert self.pattern is not None
        matches = list(self.pattern.finditer(text))
        if not matches:
            return text, []
        elements = []
        for i, match in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            elements.append(self._abbr(match.group(0), text[match.end():end]))
        return text[:matches[0].start()], elements

    def _walk(self, element: ET.Element) -> None:
        for child in list(element):
            if child.tag not in _SKIP:
                self._walk(child)
            if child.tail and not isinstance(child.tail, AtomicString):
                child.tail, added = self._split(child.tail)
                index = list(element).index(child) + 1
                for offset, new in enumerate(added):
                    element.insert(index + offset, new)
        if element.text and not isinstance(element.text, AtomicString) and element.tag not in _SKIP:
            element.text, added = self._split(element.text)
            for offset, new in enumerate(added):
                element.insert(offset, new)

    def run(self, root: ET.Element) -> None:
        if self.pattern is not None:
            self._walk(root)


# The tooltips this module writes, in the page's final HTML: the definition (escaped) and the word.
_MARKED = re.compile(r'<abbr tabindex="0" title="([^"]*)">([^<]*)</abbr>')


class _FirstUsePostprocessor(Postprocessor):
    """Keeps the first tooltip of each term on the page and unwraps the others.

    The tree processor marks every use; a page is made of Markdown the engine converts and of fields
    from YAML converted before it (their HTML reaches the engine as raw blocks, out of the tree
    processor's sight). This runs on the page's final HTML, raw blocks restored, so it alone decides:
    one tooltip per term, at its first use in reading order, and a page that says "lead" forty times
    has one underline and one tab stop for it, not forty."""

    def run(self, text: str) -> str:
        seen: set[str] = set()

        def first_only(match: re.Match[str]) -> str:
            if match.group(1) in seen:
                return match.group(2)
            seen.add(match.group(1))
            return match.group(0)

        return _MARKED.sub(first_only, text)


class GlossaryExtension(Extension):
    """Marks glossary terms (config ``terms``: form -> definition; ``forms``: form -> a form in terms) for
    tooltips."""

    def __init__(self, **kwargs: object) -> None:
        self.config = {"terms": [{}, "form -> definition: a form of each glossary term"],
                       "forms": [{}, "form -> a form in terms whose definition it shares"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        terms = expand_forms(self.getConfig("terms") or {}, self.getConfig("forms") or {})
        # After inline patterns (text is final), before the table of contents reads the headings.
        md.treeprocessors.register(_GlossaryTreeprocessor(md, terms), "playbookgen_glossary", 7)
        # Last of all, after the raw HTML blocks are put back (priority 30).
        md.postprocessors.register(_FirstUsePostprocessor(md), "playbookgen_glossary_first_use", 5)


def makeExtension(**kwargs: object) -> GlossaryExtension:  # noqa: N802 - Python-Markdown's entry point
    return GlossaryExtension(**kwargs)
