"""Jinja for every renderer: sandboxed, strict, escaping by default, overridable file by file.

Two kinds of output need two kinds of escaping. HTML templates (``*.html.j2``) autoescape every
value. Markdown templates (``*.md.j2``) pass every value through :func:`escape_markdown`, because
Python-Markdown lets raw HTML through and turns ``[x](javascript:...)`` into a live link. Markdown
fields from YAML go through the ``markdown`` filter, which renders them to HTML with raw HTML off and
only safe link schemes.
"""

from __future__ import annotations

import functools
import html
import re
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ..errors import TemplateError, error

if TYPE_CHECKING:
    from markdown import Markdown

__all__ = [
    "TEMPLATE_DIR",
    "make_environment",
    "render_template",
    "escape_markdown",
    "render_markdown",
    "safe_url",
    "markdown_with_glossary",
]

TEMPLATE_DIR = "templates"
BUILTIN_TEMPLATES = Path(__file__).parent.parent / "templates"
SAFE_SCHEMES = ("http", "https", "mailto")

# Python-Markdown's backslash-escapable characters, plus | for tables and : for attribute lists;
# each gets a backslash. The backslash comes first, so the backslashes added after it stay single.
# One str.replace per character present: 2.1 us a call on the playbook's own text, against 7.6 us
# for str.translate (which looks each character up in a dict) and 9.5 us for a regex substitution.
_MD_SPECIALS = "\\`*_{}[]()#+-.!|:~=^"


def escape_markdown(value: Any) -> str:
    """Plain text, made inert for Markdown: specials backslash-escaped, then HTML-escaped, one line.

    Backslashes first: the other way round the ``#`` of the ``&#x27;`` that html.escape makes of an
    apostrophe got a backslash too, and the table of contents (which reads the heading back through
    Markdown's unescaping) showed ``It&#x27;s`` and slugged it to ``itx27s``.
    """
    if isinstance(value, Markup):
        return str(value)
    text = " ".join(str(value).split())
    for char in _MD_SPECIALS:
        if char in text:
            text = text.replace(char, "\\" + char)
    return html.escape(text, quote=True)


def safe_url(url: str) -> str | None:
    """The URL when it is relative or http(s)/mailto; None for javascript:, data: and the rest."""
    probe = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(url)).lower()
    scheme = re.match(r"^([a-z][a-z0-9+.\-]*):", probe)
    if scheme is None:
        return url
    return url if scheme.group(1) in SAFE_SCHEMES else None


_local = threading.local()


def _markdown_engine() -> Markdown:
    """One configured converter per thread: building one loads every extension, converting is cheap."""
    engine = getattr(_local, "engine", None)
    if engine is None:
        from ._markdown import converter  # Python-Markdown only once a field is more than plain prose

        engine = _local.engine = converter()
    return engine


def render_markdown(text: str | None) -> Markup:
    """A Markdown field from YAML rendered to HTML with raw HTML off and only safe links."""
    return _render_markdown(text) if text else Markup("")


# Prose in which Markdown would find nothing: no inline syntax or HTML anywhere, no line that could
# open a block (heading, list, quote, code, rule, table), no hard line break. Most YAML text is
# such prose, and Python-Markdown's dozens of passes over it only wrap paragraphs; a property test
# holds the shortcut to Python-Markdown's own output.
_BLOCK_START = re.compile(r"[\s#>+\-=*\d]")
_INLINE_SYNTAX = re.compile(r"[\\`*_\[\]<>&!|~\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029]")


def _plain_paragraphs(text: str) -> str | None:
    """The HTML Python-Markdown makes of ``text`` when it is plain prose (see above), else None."""
    if _INLINE_SYNTAX.search(text):
        return None
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        if not line.strip(" "):  # only spaces make a blank line for Markdown, not other white space
            paragraphs.append([])
        elif _BLOCK_START.match(line) or line[-1] == " ":
            return None
        else:
            paragraphs[-1].append(line)
    return "\n".join("<p>" + "\n".join(lines) + "</p>" for lines in paragraphs if lines)


@functools.lru_cache(maxsize=4096)
def _render_markdown(text: str) -> Markup:
    """Cached: a technique's description appears on its own page and on every stage that uses it."""
    plain = _plain_paragraphs(text)
    if plain is not None:
        return Markup(plain)
    engine = _markdown_engine()
    try:
        return Markup(engine.convert(text))
    finally:
        engine.reset()


def markdown_with_glossary(terms: Mapping[str, str]) -> Callable[[str | None], Markup]:
    """The ``markdown`` filter for a site whose glossary terms (form -> definition) get tooltips.

    Markdown fields are rendered to HTML before the site engine sees them, so the engine's own
    glossary extension cannot reach into them; this renders them with the same extension."""
    if not terms:
        return render_markdown
    key = tuple(sorted(terms.items()))

    def render(text: str | None) -> Markup:
        return _render_glossed(key, text) if text else Markup("")

    return render


@functools.lru_cache(maxsize=4096)
def _render_glossed(terms: tuple[tuple[str, str], ...], text: str) -> Markup:
    from ..glossary import GlossaryExtension
    from ._markdown import converter

    engines: dict[tuple[tuple[str, str], ...], Markdown] = _local.__dict__.setdefault("glossed", {})
    engine = engines.get(terms)
    if engine is None:
        engine = engines[terms] = converter(GlossaryExtension(terms=dict(terms)))
    try:
        return Markup(engine.convert(text))
    finally:
        engine.reset()


def _finalize_markdown(value: Any) -> Any:
    return value if isinstance(value, Markup) else escape_markdown(value)


def _loader(project_root: Path | None) -> jinja2.BaseLoader:
    loaders: list[jinja2.BaseLoader] = []
    if project_root is not None and (project_root / TEMPLATE_DIR).is_dir():
        loaders.append(jinja2.FileSystemLoader(project_root / TEMPLATE_DIR, encoding="utf-8"))
    loaders.append(jinja2.FileSystemLoader(BUILTIN_TEMPLATES, encoding="utf-8"))
    return jinja2.ChoiceLoader(loaders)


def make_environment(
    project_root: Path | None, kind: str = "html", cache: jinja2.BytecodeCache | None = None
) -> SandboxedEnvironment:
    """The sandboxed environment for ``kind`` 'html' or 'markdown' output.

    Templates are looked up in PROJECT/templates first, then in the built-in set, so a team
    overrides one file without copying the rest. ``cache`` is the caller's compiled-template cache
    (the build's, see template_cache.py); without one, nothing is written anywhere.
    """
    options: dict[str, Any] = {
        "loader": _loader(project_root),
        "undefined": jinja2.StrictUndefined,
        "keep_trailing_newline": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "bytecode_cache": cache,
    }
    if kind == "markdown":
        options["autoescape"] = False
        options["finalize"] = _finalize_markdown
    else:
        options["autoescape"] = True
    env = SandboxedEnvironment(**options)
    env.filters["markdown"] = render_markdown
    env.filters["md"] = escape_markdown
    env.filters["safe_url"] = lambda url: safe_url(str(url)) or "#"
    return env


def template_source(env: jinja2.Environment, name: str) -> str:
    """Where a template came from, relative to the project when it is the team's own."""
    try:
        _, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    except jinja2.TemplateNotFound:
        return f"{TEMPLATE_DIR}/{name}"
    path = Path(filename or name)
    if path.is_relative_to(BUILTIN_TEMPLATES):
        return f"<built-in>/{path.relative_to(BUILTIN_TEMPLATES).as_posix()}"
    return f"{TEMPLATE_DIR}/{name}"


def _template_line(exc: BaseException) -> tuple[str | None, int]:
    """The template file and line where rendering failed, from the traceback Jinja rewrites."""
    line = getattr(exc, "lineno", None)
    found: tuple[str | None, int] = (None, line if isinstance(line, int) and line > 0 else 1)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _where(env: jinja2.Environment, name: str, filename: str | None) -> str:
    if filename is None:
        return template_source(env, name)
    path = Path(filename)
    if path.is_relative_to(BUILTIN_TEMPLATES):
        return f"<built-in>/{path.relative_to(BUILTIN_TEMPLATES).as_posix()}"
    for parent in path.parents:
        if parent.name == TEMPLATE_DIR:
            return f"{TEMPLATE_DIR}/{path.relative_to(parent).as_posix()}"
    return template_source(env, name)


def render_template(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render ``name``; any failure becomes a TemplateError naming templates/FILE:LINE."""
    source_name = template_source(env, name)
    try:
        template = env.get_template(name)
        return template.render(**context)
    except jinja2.TemplateSyntaxError as exc:
        where = template_source(env, exc.name or name)
        raise TemplateError([error(where, exc.lineno or 1, 1, "template-syntax", exc.message or str(exc))]) from exc
    except jinja2.TemplateNotFound as exc:
        raise TemplateError([error(source_name, 1, 1, "template-missing", f"template not found: {exc.name}")]) from exc
    except (jinja2.exceptions.SecurityError, jinja2.UndefinedError, jinja2.TemplateError, TypeError,
            ValueError, AttributeError, KeyError, IndexError, ZeroDivisionError, RecursionError) as exc:
        filename, line = _template_line(exc)
        code = "template-unsafe" if isinstance(exc, jinja2.exceptions.SecurityError) else "template-error"
        message = f"{type(exc).__name__}: {exc}"
        raise TemplateError([error(_where(env, name, filename), line, 1, code, message)]) from exc


Renderer = Callable[..., str]
