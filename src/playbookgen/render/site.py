"""Project → the site's Markdown pages, its navigation and its stylesheet, as text.

Pure: no file is read or written here. Page paths are relative to the site's root (``index.md``,
``stages/ID.md``); the engine adapter (engines/work_folder.py) puts them where the engine reads them
and adds its configuration. Links are computed here, so templates only print.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from ..i18n import format_date, format_day
from ..i18n import labels as labels_for
from ..model import Commit, EmailTemplate, Guide, Project, Stage
from ..review.items import review_items
from ..terms import glossary_forms
from .templating import (
    TEMPLATE_DIR,
    escape_markdown,
    make_environment,
    markdown_with_glossary,
    render_markdown,
    render_template,
    safe_url,
)

if TYPE_CHECKING:  # the health package imports DuckDB: only builds given deals pay for it
    from ..health.report import HealthReport

__all__ = ["SitePages", "render_site", "outline_site", "page_path", "checklist_path",
           "sanitize_guide", "slugify"]

CHANGES_PAGE = "changes"
# Reference pages, in nav order: (page, name, label of why to read it). The name is at once the
# Project attribute holding the entries, the label key of the title and the renderer's method.
REFERENCE_PAGES = (
    ("techniques", "techniques", "read_techniques"),
    ("frameworks", "frameworks", "read_frameworks"),
    ("metrics", "metrics", "read_metrics"),
    ("glossary", "glossary", "read_glossary"),
    ("case-studies", "case_studies", "read_case_studies"),
    ("objections", "objections", "read_objections"),
    ("emails", "emails", "read_emails"),
)
HEALTH_PAGE = "health"  # the pipeline health page, when the build was given deals


@dataclass(frozen=True)
class SitePages:
    """What the renderer hands the engine adapter: the pages by site-relative path, the navigation (in
    mkdocs.yml's nav shape: titles over page paths) and the stylesheet for the theme to inline."""

    pages: dict[str, str]
    nav: list[Any]
    stylesheet: str


def slugify(text: str) -> str:
    """An ASCII anchor from any text: 'Łączna wartość' -> 'laczna-wartosc'."""
    folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "item"


def page_path(kind: str, item_id: str | None = None) -> str:
    """The docs-relative Markdown file of a page: 'index.md', 'stages/ID.md', 'guides/SLUG.md'..."""
    if item_id is None:
        return f"{kind}.md"
    return f"{kind}/{item_id}.md"


def checklist_path(stage_id: str, ext: str = "html") -> str:
    """Where a stage's printable checklist lives, relative to the site root (and the docs folder)."""
    return f"checklists/{stage_id}.{ext}"


def _href(from_page: str, target: str, anchor: str | None = None) -> Markup:
    """A relative link from one docs page to another file; built only from ids, so it is trusted."""
    depth = from_page.count("/")
    href = "../" * depth + target + (f"#{anchor}" if anchor else "")
    return Markup(href)


def _unique_anchors(names: list[str], prefix: str) -> list[Markup]:
    """One anchor per name, suffixed where two names fold to the same slug."""
    seen: dict[str, int] = {}
    anchors = []
    for name in names:
        base = f"{prefix}{slugify(name)}"
        seen[base] = seen.get(base, 0) + 1
        anchors.append(Markup(base if seen[base] == 1 else f"{base}-{seen[base]}"))
    return anchors


# --- guides: the team's own Markdown, with raw HTML made inert -------------------------------------

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)
_INLINE_LINK = re.compile(r"(\]\(\s*<?)([^\s)>]*)")
_REF_DEF = re.compile(r"^([ ]{0,3}\[[^\]]+\]:[ \t]*<?)(\S+)", re.M)


def _neutralize_links(text: str) -> str:
    """Link targets with unsafe schemes (javascript:, data:, ...) become '#'."""
    def fix(match: re.Match[str]) -> str:
        return match.group(1) + (match.group(2) if safe_url(match.group(2)) is not None else "#")

    return _REF_DEF.sub(fix, _INLINE_LINK.sub(fix, text))


def _inert_prose(text: str) -> str:
    """Prose outside code: every '<' escaped (no raw HTML, no autolinks) and unsafe links dropped."""
    parts: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(text):
        parts.append(_neutralize_links(text[last:span.start()].replace("<", "&lt;")))
        parts.append(span.group(0))
        last = span.end()
    parts.append(_neutralize_links(text[last:].replace("<", "&lt;")))
    return "".join(parts)


def sanitize_guide(markdown: str) -> str:
    """A guide's Markdown (the text after its front matter, which the load step splits off: MkDocs would
    print its ``title`` into the page unescaped) with raw HTML inert: '<' escaped outside code."""
    body = markdown.replace("\r\n", "\n")
    out: list[str] = []
    prose: list[str] = []
    fence: str | None = None
    for line in body.split("\n"):
        opening = _FENCE.match(line)
        if fence is None and opening:
            out.append(_inert_prose("\n".join(prose)))
            prose = []
            fence = opening.group(1)[0] * len(opening.group(1))
            out.append(line)
        elif fence is not None:
            out.append(line)
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
        else:
            prose.append(line)
    if prose:
        out.append(_inert_prose("\n".join(prose)))
    return "\n".join(part for part in out) if out else ""


def _guide_page(guide: Guide, review: str = "") -> str:
    """The guide as a page, headed by its title unless its text starts with its own H1; ``review``
    (the owner and review line, Markdown) goes under that title."""
    body = sanitize_guide(guide.markdown).lstrip("\n")
    if re.match(r"#(?!#)\s*\S", body):
        heading, _, rest = body.partition("\n")
        page = f"{heading}\n\n{review}{rest.lstrip(chr(10))}" if review else body
        return page if page.endswith("\n") else page + "\n"
    return f"# {escape_markdown(guide.title)}\n\n{review}{body}".rstrip("\n") + "\n"


# --- the home page's description: its headings become the page's own, for anchors and the contents -

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")


def description_sections(markdown: str | None) -> list[dict[str, Any]]:
    """The description split at its headings: [{heading, marks, html}], each body rendered safely.

    The engine gives a heading an anchor and a place in the table of contents only when it is a
    Markdown heading of the page, not HTML inside it; so headings are lifted out as escaped text
    (``marks``: the ``#``s, the description's top level made the page's second) and only the text
    between them goes through the safe Markdown renderer. Headings inside code fences stay code.
    """
    if not markdown:
        return []
    sections: list[tuple[int, str | None, list[str]]] = [(0, None, [])]
    fence: str | None = None
    for line in markdown.replace("\r\n", "\n").split("\n"):
        opening = _FENCE.match(line)
        heading = _ATX_HEADING.match(line) if fence is None else None
        if fence is None and opening:
            fence = opening.group(1)[0] * len(opening.group(1))
        elif fence is not None and line.strip().startswith(fence) and not line.strip().strip(fence[0]):
            fence = None
        if heading and heading.group(2).strip():
            sections.append((len(heading.group(1)), heading.group(2).strip(), []))
        else:
            sections[-1][2].append(line)
    top = min((level for level, heading, _ in sections if heading is not None), default=2)
    return [{"heading": heading, "marks": Markup("#" * min(6, level - top + 2)) if heading is not None else None,
             "html": render_markdown("\n".join(lines).strip("\n"))}
            for level, heading, lines in sections if heading is not None or "".join(lines).strip()]


# --- view models: the links and anchors templates print ------------------------------------------


def _stage_links(project: Project, from_page: str) -> list[dict[str, Any]]:
    return [{"stage": s, "name": s.name, "href": _href(from_page, page_path("stages", s.id))} for s in project.stages]


def _anchor(*parts: str) -> Markup:
    """A heading id made of ids and fixed prefixes: trusted, so it is printed without escaping."""
    return Markup("-".join(parts))


def _technique_anchor(technique_id: str) -> Markup:
    return _anchor("technique", technique_id)


def _element_anchor(framework_id: str, element_id: str) -> Markup:
    return _anchor(framework_id, element_id)


def _formula(text: str) -> Markup:
    """A formula as inline code: escaped for Markdown inside the tag, so it prints as written."""
    return Markup('<code class="pb-formula">') + Markup(escape_markdown(text)) + Markup("</code>")


def _code_block(text: str) -> Markup:
    """Plain text kept line by line, as a fenced code block (Material gives it a copy button).

    Trusted as Markdown because nothing in a fence is Markdown: the highlighter escapes it as
    text, and the fence is longer than any run of backticks in the text, so no line can close it.
    """
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    lines = text.replace("\r\n", "\n").rstrip("\n")
    return Markup(f"{fence} text\n{lines}\n{fence}")


def _email_view(email: EmailTemplate) -> dict[str, Any]:
    return {"email": email, "anchor": _anchor("email", email.id), "body": _code_block(email.body)}


def _objection_anchor(objection_id: str) -> Markup:
    return _anchor("objection", objection_id)


class _Renderer:
    """Renders each page with one environment; holds nothing but the project and its labels."""

    def __init__(self, project: Project, static: Collection[str], cache: jinja2.BytecodeCache | None,
                 health: HealthReport | None = None) -> None:
        self.project = project
        self.static = set(static)
        self.L = labels_for(project.playbook.language)
        self.env = make_environment(project.root, kind="markdown", cache=cache)
        self.env.filters["markdown"] = markdown_with_glossary(glossary_forms(project.glossary))
        self.pages: dict[str, str] = {}
        self._stage_links: dict[str, list[dict[str, Any]]] = {}
        self.health_report = health
        # The health page's charts are HTML inside the Markdown page: escaped as HTML, not as Markdown.
        self.html_env = make_environment(project.root, kind="html", cache=cache) if health else None
        self.reviews = {(item.kind, item.id): item for item in review_items(project)}

    def review(self, file: str | None, kind: str | None = None, item_id: str | None = None) -> Markup:
        """The quiet line under a title (owner, last review, last change of ``file`` in git), and a
        visible admonition when the item is overdue; empty when there is nothing to say."""
        language = self.project.playbook.language
        item = self.reviews.get((kind, item_id)) if kind and item_id else None
        parts = []
        if item is not None and item.owner:
            parts.append(f"{self.L['owner']}: {item.owner}")
        if item is not None and item.reviewed is not None:
            parts.append(f"{self.L['last_reviewed']}: {format_day(item.reviewed, language)}")
        elif item is not None and (item.owner or self.project.playbook.review.required):
            parts.append(self.L["never_reviewed"])
        history = self.project.history
        changed = history.last_changed.get(file) if history is not None and file else None
        if changed:
            parts.append(f"{self.L['last_changed']}: {format_date(changed, language)}")
        overdue = None
        if item is not None and item.status == "overdue" and item.due is not None:
            overdue = self.L["review_overdue"].format(due=format_day(item.due, language),
                                                      owner=item.owner or self.L["no_owner"])
        if not parts and overdue is None:
            return Markup("")
        return Markup(render_template(self.env, "site/_review.md.j2", L=self.L, line=" · ".join(parts),
                                      overdue=overdue))

    def kind_file(self, kind: str) -> str | None:
        return self.project.kind_files.get(kind)

    def render(self, page: str, template: str, **context: Any) -> None:
        self.pages[page] = render_template(self.env, f"site/{template}", L=self.L,
                                           examples=self.project.playbook.values_are_examples, **context)

    def reference_pages(self) -> list[tuple[str, str, str]]:
        """(page, name, why) of each reference page the project has entries for, in nav order."""
        return [(page, name, why) for page, name, why in REFERENCE_PAGES if getattr(self.project, name)]

    def home(self) -> None:
        page = page_path("index")
        self.render(page, "index.md.j2", playbook=self.project.playbook, stages=self.stage_links(page),
                    start_href=_href(page, page_path("start-here")), review=self.review(self.kind_file("playbook")),
                    description=description_sections(self.project.playbook.description))

    def start_here(self) -> None:
        page = page_path("start-here")
        reading: list[dict[str, Any]] = [
            {"title": self.L["home"], "href": _href(page, page_path("index")), "why": self.L["read_overview"]}]
        reading += [{"title": s["name"], "href": s["href"], "why": None} for s in self.stage_links(page)]
        for kind, name, why in self.reference_pages():
            reading.append({"title": self.L[name], "href": _href(page, page_path(kind)), "why": self.L[why]})
        reading += [{"title": g.title, "href": _href(page, page_path("guides", g.slug)), "why": None}
                    for g in self.project.guides]
        self.render(page, "start-here.md.j2", reading=reading, onboarding=self.project.playbook.onboarding)

    def stages(self) -> None:
        for index, stage in enumerate(self.project.stages):
            self.stage(index, stage)

    def stage_links(self, from_page: str) -> list[dict[str, Any]]:
        """_stage_links, made once for each folder the pages linking them are in (the links are relative)."""
        folder = from_page.rpartition("/")[0]
        if folder not in self._stage_links:
            self._stage_links[folder] = _stage_links(self.project, from_page)
        return self._stage_links[folder]

    @cached_property
    def _by_id(self) -> dict[str, dict[str, Any]]:
        """The project's frameworks, objections and e-mails by id, for the stage pages (its techniques by id
        are the project's own: Project.technique)."""
        return {"frameworks": {f.id: f for f in self.project.frameworks},
                "objections": {o.id: o for o in self.project.objections},
                "emails": {e.id: e for e in self.project.emails}}

    def stage(self, index: int, stage: Stage) -> None:
        page = page_path("stages", stage.id)
        stages = self.stage_links(page)
        techniques = [{"technique": self.project.technique(t),
                       "href": _href(page, page_path("techniques"), _technique_anchor(t))}
                      for t in stage.techniques if self.project.has_technique(t)]
        frameworks = self._by_id["frameworks"]
        settles = []
        for framework_id, element_ids in stage.settles.items():
            framework = frameworks.get(framework_id)
            if framework is None:
                continue
            elements = {e.id: e for e in framework.elements}
            settles.append({
                "name": framework.name,
                "href": _href(page, page_path("frameworks"), framework.id),
                "elements": [{"name": elements[e].name,
                              "href": _href(page, page_path("frameworks"), _element_anchor(framework.id, e))}
                             for e in element_ids if e in elements],
            })
        objections, emails = self._by_id["objections"], self._by_id["emails"]
        checklist = checklist_path(stage.id)
        pdf = checklist_path(stage.id, "pdf")
        self.render(
            page, "stage.md.j2", stage=stage, techniques=techniques, settles=settles,
            objections=[{"objection": objections[o], "anchor": _objection_anchor(o),
                         "href": _href(page, page_path("objections"), _objection_anchor(o))}
                        for o in stage.objections if o in objections],
            emails=[_email_view(emails[e]) for e in stage.emails if e in emails],
            health=self._health_panel(page, stage),
            review=self.review(self.project.stage_file(stage.id), "stage", stage.id),
            closed_label=self.L[f"closed_{stage.closed}"] if stage.closed else None,
            previous=stages[index - 1] if index > 0 else None,
            next=stages[index + 1] if index + 1 < len(stages) else None,
            checklist_href=_href(page, checklist) if checklist in self.static else None,
            checklist_pdf_href=_href(page, pdf) if pdf in self.static else None,
        )

    def _health_panel(self, page: str, stage: Stage) -> dict[str, Any] | None:
        if self.health_report is None:
            return None
        from .health import stage_panel  # only a build with deals has a report

        panel = stage_panel(self.health_report, stage.id, self.L, self.project.playbook.language)
        return None if panel is None else {**panel, "href": _href(page, page_path(HEALTH_PAGE))}

    def health(self) -> None:
        """The "Pipeline health" page: charts (SVG and a table each) and what the data says."""
        assert self.health_report is not None and self.html_env is not None
        from .health import health_page

        view = health_page(self.health_report, self.L, self.project.playbook.language)
        html = self.html_env

        def fragment(template: str, **context: Any) -> Markup:
            return Markup(render_template(html, f"site/{template}", L=self.L, **context).strip("\n"))

        charts = [(Markup(anchor), heading, fragment("health-chart.html.j2", chart=chart))
                  for anchor, heading, chart in view.charts]
        stalled = fragment("health-table.html.j2", table=view.stalled) if view.stalled else None
        self.render(page_path(HEALTH_PAGE), "health.md.j2", view=view, charts=charts, stalled=stalled,
                    sample_title=Markup.escape(self.L["health_sample_title"]),
                    sample_text=Markup.escape(self.L["health_sample"]),
                    history_title=Markup.escape(self.L["health_no_history_title"]),
                    history_text=Markup.escape(view.history_note or ""))

    def techniques(self) -> None:
        page = page_path("techniques")
        items = [{"technique": t, "anchor": _technique_anchor(t.id), "review": self.review(None, "technique", t.id),
                  "used_in": [{"name": s.name, "href": _href(page, page_path("stages", s.id))}
                              for s in self.project.stages_using(t.id)]}
                 for t in self.project.techniques]
        self.render(page, "techniques.md.j2", techniques=items, review=self.review(self.kind_file("techniques")))

    def frameworks(self) -> None:
        page = page_path("frameworks")
        items = []
        for f in self.project.frameworks:
            elements = [{"element": e, "anchor": _element_anchor(f.id, e.id),
                         "settled_in": [{"name": s.name, "href": _href(page, page_path("stages", s.id))}
                                        for s in self.project.stages if e.id in s.settles.get(f.id, [])]}
                        for e in f.elements]
            items.append({"framework": f, "anchor": _anchor(f.id), "elements": elements,
                          "review": self.review(None, "framework", f.id)})
        self.render(page, "frameworks.md.j2", frameworks=items, review=self.review(self.kind_file("frameworks")))

    def metrics(self) -> None:
        items = [{"metric": m, "anchor": _anchor("metric", m.id), "formula": _formula(m.formula) if m.formula else None,
                  "review": self.review(None, "metric", m.id)}
                 for m in self.project.metrics]
        self.render(page_path("metrics"), "metrics.md.j2", metrics=items, review=self.review(self.kind_file("metrics")))

    def glossary(self) -> None:
        page = page_path("glossary")
        anchors = _unique_anchors([t.term for t in self.project.glossary], "term-")
        by_term = {t.term.casefold(): a for t, a in zip(self.project.glossary, anchors, strict=True)}
        items = [{"term": t, "anchor": a,
                  "see_also": [{"term": other, "href": _href(page, page, by_term[other.casefold()])
                                if other.casefold() in by_term else None} for other in t.see_also]}
                 for t, a in zip(self.project.glossary, anchors, strict=True)]
        self.render(page, "glossary.md.j2", terms=items, review=self.review(self.kind_file("glossary")))

    def objections(self) -> None:
        """All objections grouped by category, categories in order of first appearance, uncategorised last."""
        page = page_path("objections")
        groups: dict[str | None, list[dict[str, Any]]] = {}
        for o in self.project.objections:
            groups.setdefault(o.category, []).append({
                "objection": o, "anchor": _objection_anchor(o.id),
                "heard_in": [{"name": s.name, "href": _href(page, page_path("stages", s.id))}
                             for s in self.project.stages_meeting(o.id)]})
        ordered: list[tuple[str | None, list[dict[str, Any]]]] = [(c, i) for c, i in groups.items() if c is not None]
        if None in groups:
            ordered.append((None, groups[None]))
        anchors = _unique_anchors([c or self.L["other_category"] for c, _ in ordered], "category-")
        categories = [{"name": c or self.L["other_category"], "anchor": a, "objections": items}
                      for (c, items), a in zip(ordered, anchors, strict=True)]
        self.render(page, "objections.md.j2", categories=categories)

    def emails(self) -> None:
        page = page_path("emails")
        items = [dict(_email_view(e), sent_in=[{"name": s.name, "href": _href(page, page_path("stages", s.id))}
                                               for s in self.project.stages_sending(e.id)])
                 for e in self.project.emails]
        self.render(page, "emails.md.j2", emails=items)

    def case_studies(self) -> None:
        items = [{"case": c, "anchor": _anchor("case", c.id), "review": self.review(None, "case-study", c.id)}
                 for c in self.project.case_studies]
        self.render(page_path("case-studies"), "case-studies.md.j2", cases=items,
                    review=self.review(self.kind_file("case-studies")))

    def guides(self) -> None:
        for guide in self.project.guides:
            review = self.review(guide.source, "guide", guide.slug)
            self.pages[page_path("guides", guide.slug)] = _guide_page(guide, review)

    def file_pages(self) -> dict[str, tuple[str, str]]:
        """Playbook file -> (title, page) of the page made from it, for the pages that exist."""
        pages = {self.project.stage_file(s.id): (s.name, page_path("stages", s.id)) for s in self.project.stages}
        for kind, name, _ in self.reference_pages():
            file = self.kind_file(kind)
            if file is not None:
                pages[file] = (self.L[name], page_path(kind))
        if self.kind_file("playbook") is not None:
            pages[str(self.kind_file("playbook"))] = (self.L["home"], page_path("index"))
        pages.update({g.source: (g.title, page_path("guides", g.slug)) for g in self.project.guides})
        return pages

    def changes(self) -> None:
        """The 'what changed' page: recent commits to the playbook's files, with the pages they changed."""
        page = page_path(CHANGES_PAGE)
        history = self.project.history
        pages = self.file_pages()
        commits = None if history is None else [self.commit_view(page, c, pages) for c in history.commits]
        self.render(page, "changes.md.j2", commits=commits)

    def commit_view(self, page: str, commit: Commit, pages: dict[str, tuple[str, str]]) -> dict[str, Any]:
        """A commit as the page lists it: its date, subject, the author only if the team asked, and its pages."""
        shown: dict[str, dict[str, Any]] = {}
        for file in commit.files:
            title, target = pages.get(file, (file, ""))
            shown.setdefault(target or file, {"title": title, "href": _href(page, target) if target else None})
        author = commit.author if self.project.playbook.review.show_authors and commit.author else None
        return {"date": format_date(commit.time, self.project.playbook.language), "subject": commit.subject,
                "author": author, "pages": list(shown.values())}

    def stylesheet(self) -> str:
        """Our stylesheet (a template, so a team may override it); the theme inlines it in <head>."""
        return render_template(self.env, "site/playbookgen.css.j2")

    def nav(self) -> list[Any]:
        """Home, Start here, the stages in order, the reference pages, the guides."""
        nav: list[Any] = [{self.L["home"]: page_path("index")}, {self.L["start_here"]: page_path("start-here")}]
        nav.append({self.L["stages"]: [page_path("stages", s.id) for s in self.project.stages]})
        if self.health_report is not None:
            nav.append({self.L["health"]: page_path(HEALTH_PAGE)})
        for kind, name, _ in self.reference_pages():
            nav.append({self.L[name]: page_path(kind)})
        if self.project.guides:
            nav.append({self.L["guides"]: [page_path("guides", g.slug) for g in self.project.guides]})
        nav.append({self.L["what_changed"]: page_path(CHANGES_PAGE)})
        return nav


def render_site(project: Project, static: Collection[str] = (), cache: jinja2.BytecodeCache | None = None,
                health: HealthReport | None = None) -> SitePages:
    """Every page of the site, its navigation and its stylesheet. ``static`` lists site-root files that will exist
    (the printable checklists), so pages link to them only when they are there. ``cache`` is the
    caller's compiled-template cache; without one nothing is written. ``health``: the pipeline
    health report (computed by the build from the deals export), for its page and the stage panels."""
    r = _Renderer(project, static, cache, health)
    r.home()
    r.start_here()
    r.stages()
    for _, name, _ in r.reference_pages():
        getattr(r, name)()
    if health is not None:
        r.health()
    r.guides()
    r.changes()
    return SitePages(dict(sorted(r.pages.items())), r.nav(), r.stylesheet())


# The step of _Renderer that renders each page template; the reference pages' steps are their names.
_PAGE_STEPS = {"site/index.md.j2": "home", "site/start-here.md.j2": "start_here", "site/stage.md.j2": "stages",
               "site/changes.md.j2": "changes",
               **{f"site/{page}.md.j2": name for page, name, _ in REFERENCE_PAGES}}
# Team copies that no page of a site without a deals export renders, and the stylesheet (rendered alone).
_NOT_PAGES = ("site/health.md.j2", "site/health-chart.html.j2", "site/health-table.html.j2",
              "site/stage-health.md.j2", "site/playbookgen.css.j2")


def outline_site(project: Project, static: Collection[str] = (), cache: jinja2.BytecodeCache | None = None
                 ) -> SitePages:
    """The site as `validate` needs it, without rendering it all: every page, named (left empty), and the
    navigation; rendered are only the pages made from the team's own templates (PROJECT/templates/site/),
    so that what fails in them fails here as in the build. A team template that is not one page's
    own (its own partial, or _review.md.j2 that every page uses) renders the whole site."""
    team = _team_templates(project)
    if not team <= {*_PAGE_STEPS, *_NOT_PAGES}:
        return render_site(project, static, cache)
    r = _Renderer(project, static, cache)
    for template in sorted(team & _PAGE_STEPS.keys()):
        getattr(r, _PAGE_STEPS[template])()
    pages = dict.fromkeys(_pages_of(r.nav()), "") | r.pages
    stylesheet = r.stylesheet() if "site/playbookgen.css.j2" in team else ""
    return SitePages(dict(sorted(pages.items())), r.nav(), stylesheet)


def _team_templates(project: Project) -> set[str]:
    """The templates the team has of its own under PROJECT/templates/site/, by loader name."""
    folder = project.root / TEMPLATE_DIR
    return {path.relative_to(folder).as_posix() for path in (folder / "site").rglob("*") if path.is_file()}


def _pages_of(nav: list[Any]) -> list[str]:
    """Every page the navigation names: the site has no page outside it (tests/test_validate.py)."""
    pages: list[str] = []
    for entry in nav:
        for value in entry.values() if isinstance(entry, dict) else [entry]:
            pages.extend(_pages_of(value) if isinstance(value, list) else [value])
    return pages
