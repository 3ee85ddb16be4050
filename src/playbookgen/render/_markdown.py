"""Python-Markdown set up for fields from YAML: raw HTML off, only safe links, images as their alt text.

Its own module so that Python-Markdown is imported only when a field needs it (templating.py renders
plain prose itself, and `validate` renders no field at all).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import markdown as md

from .templating import safe_url

__all__ = ["converter"]


class _SafeLinks(md.treeprocessors.Treeprocessor):
    """Drops unsafe link targets (keeping the text) and turns images into their alt text."""

    def run(self, root: ET.Element) -> None:
        for parent in root.iter():
            for child in list(parent):
                if child.tag == "a" and safe_url(child.get("href", "")) is None:
                    child.attrib.pop("href", None)
                elif child.tag == "img":
                    child.tag = "span"
                    child.text = child.get("alt", "")
                    child.attrib.clear()


class _NoRawHtml(md.extensions.Extension):
    def extendMarkdown(self, md_: md.Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        md_.preprocessors.deregister("html_block")
        md_.inlinePatterns.deregister("html")
        md_.treeprocessors.register(_SafeLinks(md_), "playbookgen_safe_links", 0)


def converter(*extensions: md.extensions.Extension) -> md.Markdown:
    """A converter for YAML fields, with ``extensions`` (the glossary's) after ours."""
    return md.Markdown(extensions=[_NoRawHtml(), "sane_lists", "tables", *extensions], output_format="html")
