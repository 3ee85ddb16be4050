"""The rep's toolkit: objections, e-mail templates, worked examples and glossary tooltips on the site.

A project using every new field is built through the CLI; what the rep sees is read back from the
built HTML, with hostile text from the YAML checked to stay text.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import MINIMAL_PLAYBOOK, build_file_tree, run_cli

REPO = Path(__file__).resolve().parents[1]

HOSTILE = "<script>alert(1)</script>"

TOOLKIT = {
    **MINIMAL_PLAYBOOK,
    "playbook/techniques.yml": """
        techniques:
          - id: cold-calling
            name: Cold calling
            summary: Calling a prospect who does not expect it.
            example: |
              **Rep:** "Hi Anna, this is Tom from Acme. <img src=x onerror=alert(2)> Is this a bad time?"
    """,
    "playbook/objections.yml": f"""
        objections:
          - id: too-expensive
            category: Price
            objection: "It's too expensive {HOSTILE}"
            response: |
              Ask what they **compare** it with. [Never](javascript:alert(3)) <b>bold</b>.
            avoid: "Dropping the price <i>at once</i>."
          - id: send-an-offer
            objection: Just send me an offer by email.
            response: Agree, and ask for fifteen minutes to make the offer fit; a lead who says yes is warm.
    """,
    "playbook/emails.yml": f"""
        emails:
          - id: follow-up
            name: Follow-up after the first meeting
            when: The same day.
            subject: "Our call about {{company}} {HOSTILE}"
            body: |
              Hi {{first_name}},

                thank you for today. {HOSTILE}
              ```
              </code></pre><script>alert(4)</script>
              Best regards,
              {{rep_name}}
    """,
    "playbook/glossary.yml": """
        terms:
          - term: Lead
            definition: A person or company that "might" buy <b>from us</b>.
            forms: [leads, leady]
    """,
    "stages/01-first.yml": """
        id: first
        name: First
        summary: The first stage, where every lead starts.
        probability: 10
        max_days: 7
        exit_criteria:
          - Budget confirmed
        techniques: [cold-calling]
        objections: [too-expensive, send-an-offer]
        emails: [follow-up]
    """,
}


@pytest.fixture(scope="module")
def toolkit_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = build_file_tree(tmp_path_factory.mktemp("toolkit") / "project", TOOLKIT)
    result = run_cli("validate", "--strict", root)
    assert result.exit_code == 0, result.stdout + result.stderr
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 0, result.stdout + result.stderr
    return root / "site"


def _article(site: Path, page: str) -> str:
    html = (site / page).read_text(encoding="utf-8")
    return html[html.index("<article"):html.index("</article>")]


def test_nothing_from_the_yaml_becomes_live_html(toolkit_site: Path) -> None:
    for page in ("stages/first.html", "objections.html", "emails.html", "techniques.html", "glossary.html"):
        article = _article(toolkit_site, page)
        assert "<script" not in article, page
        assert not re.search(r"<(img|b|i)[ >]", article), page
        assert "javascript:" not in article, page


def test_the_stage_page_folds_its_objections_and_shows_its_emails(toolkit_site: Path) -> None:
    article = _article(toolkit_site, "stages/first.html")
    assert '<h2 id="objections">Objections you will hear' in article
    folded = re.findall(r'<details class="question" id="objection-([a-z-]+)">\s*<summary>(.*?)</summary>', article)
    assert folded == [("too-expensive", "It&#39;s too expensive &lt;script&gt;alert(1)&lt;/script&gt;"),
                      ("send-an-offer", "Just send me an offer by email.")]
    assert "<strong>compare</strong>" in article and "&lt;b&gt;bold&lt;/b&gt;" in article
    assert "<strong>Avoid:</strong> Dropping the price &lt;i&gt;at once&lt;/i&gt;." in article
    assert '<h2 id="emails">Emails for this stage' in article
    assert "<strong>Subject:</strong> Our call about {company} &lt;script&gt;" in article


def test_an_email_body_is_kept_line_by_line_in_one_code_block(toolkit_site: Path) -> None:
    article = _article(toolkit_site, "stages/first.html")
    blocks = re.findall(r'<div class="highlight"><pre><span></span><code>(.*?)</code></pre></div>', article, re.S)
    assert blocks == [
        "Hi {first_name},\n\n  thank you for today. &lt;script&gt;alert(1)&lt;/script&gt;\n```\n"
        "&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(4)&lt;/script&gt;\nBest regards,\n{rep_name}\n"
    ]


def test_the_stage_marks_probability_and_limit_as_the_teams_settings(toolkit_site: Path) -> None:
    article = _article(toolkit_site, "stages/first.html")
    facts = article[article.index('<div class="pb-facts">'):]
    facts = html.unescape(facts[:facts.index("</div>")])
    assert "Win probability:" in facts and "Stall limit:" in facts
    assert "are our team's settings, set from our own deals; they are not research findings." in facts


def test_reference_pages_group_objections_and_list_templates_and_examples(toolkit_site: Path) -> None:
    objections = _article(toolkit_site, "objections.html")
    headings = re.findall(r'<h([23]) id="([a-z-]+)"', objections)
    assert headings == [("2", "category-price"), ("3", "objection-too-expensive"),
                        ("2", "category-other"), ("3", "objection-send-an-offer")]
    assert objections.count('<strong>Heard in:</strong> <a href="stages/first.html">First</a>') == 2
    emails = _article(toolkit_site, "emails.html")
    assert '<h2 id="email-follow-up">' in emails and 'href="stages/first.html"' in emails
    techniques = _article(toolkit_site, "techniques.html")
    assert '<p class="admonition-title">Worked example</p>' in techniques
    assert "<strong>Rep:</strong>" in techniques and "&lt;img src=x" in techniques


def test_the_site_has_both_reference_pages_in_its_navigation(toolkit_site: Path) -> None:
    html = (toolkit_site / "index.html").read_text(encoding="utf-8")
    assert 'href="objections.html"' in html and 'href="emails.html"' in html


def test_glossary_terms_and_their_forms_carry_the_definition_escaped(toolkit_site: Path) -> None:
    title = 'title="A person or company that &quot;might&quot; buy &lt;b&gt;from us&lt;/b&gt;."'
    article = _article(toolkit_site, "stages/first.html")
    marked = re.findall(r'<abbr tabindex="0" ([^>]*)>([^<]*)</abbr>', article)
    assert marked and {attributes for attributes, _ in marked} == {title}
    assert ("lead" in {word for _, word in marked}), "the term's lower-case form in running text"
    # Once a page: the summary (Markdown the engine converts) and the objection's answer (a YAML field
    # converted before it) both say "lead"; only the first is marked.
    assert len(marked) == 1 and len(re.findall(r"\blead\b", article)) >= 2
    assert "<abbr" not in article[:article.index("</h1>")], "no tooltip inside a heading"
    glossary = _article(toolkit_site, "glossary.html")
    assert "<b>" not in glossary


def test_glossary_forms_match_whole_words_only() -> None:
    import markdown

    from playbookgen.glossary import GlossaryExtension, glossary_forms
    from playbookgen.model import Term

    terms = glossary_forms([Term(term="Lead", definition="d", see_also=[], forms=["leada", "leadów"])])
    assert terms == {"Lead": "d", "Leada": "d", "Leadów": "d", "lead": "d", "leada": "d", "leadów": "d"}
    html = markdown.markdown("Leadowanie; `lead` w kodzie, [lead](x) w linku, potem leadów i leada.",
                             extensions=[GlossaryExtension(terms=terms)])
    assert re.findall(r"<abbr[^>]*>([^<]*)</abbr>", html) == ["leadów"]


def test_the_site_configuration_writes_each_definition_once() -> None:
    """MkDocs reads the generated mkdocs.yml again on every serve rebuild: a definition is a sentence and a
    Polish term has a dozen forms, so the forms name the term whose definition they share."""
    import markdown
    import yaml

    from playbookgen.build import render_project
    from playbookgen.glossary import GlossaryExtension, glossary_forms
    from playbookgen.project import load_project
    from playbookgen.terms import compact_forms, expand_forms

    project, _ = load_project(REPO)
    forms = glossary_forms(project.glossary)
    config = yaml.safe_load(render_project(project, {}, outline=True).files["mkdocs.yml"])
    [entry] = [e["playbookgen.glossary"] for e in config["markdown_extensions"]
               if isinstance(e, dict) and "playbookgen.glossary" in e]
    assert sorted(entry["terms"].values()) == sorted({term.definition for term in project.glossary})
    assert expand_forms(entry["terms"], entry["forms"]) == forms == expand_forms(*compact_forms(forms))
    text = "Każdy lead, leada i leadów."
    assert markdown.markdown(text, extensions=[GlossaryExtension(**entry)]) == markdown.markdown(
        text, extensions=[GlossaryExtension(terms=forms)])


def test_a_glossary_term_is_marked_once_a_page_where_it_first_stands() -> None:
    import markdown

    from playbookgen.glossary import GlossaryExtension, glossary_forms
    from playbookgen.model import Term

    terms = glossary_forms([Term(term="Lead", definition="L", see_also=[], forms=["leada"]),
                            Term(term="CRM", definition="C", see_also=[], forms=[])])
    md = markdown.Markdown(extensions=[GlossaryExtension(terms=terms)])
    page = ("Each **lead** goes to the CRM.\n\n- a leada in a list\n- CRM again, *Lead* again\n\n"
            "Text before a [link](x), then lead, then CRM.")
    html = md.convert(page)
    assert re.findall(r'<abbr tabindex="0" title="(.)">([^<]*)</abbr>', html) == [("L", "lead"), ("C", "CRM")]
    assert html.count("lead") == 3 and html.count("CRM") == 3  # the later uses stay, as plain text
    # Reading order: a paragraph's own text comes before what follows its first inline element.
    ordered = md.reset().convert("The CRM, a [link](y), the CRM again.")
    assert ordered.count("<abbr") == 1 and ordered.index("<abbr") < ordered.index('<a href="y"')
    second = md.reset().convert("Another page: the CRM holds each lead.")  # a new page marks them again
    assert re.findall(r"<abbr[^>]*>([^<]*)</abbr>", second) == ["CRM", "lead"]
