"""The site renderer: a small playbook in, Markdown pages and mkdocs.yml out (no engine runs here)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_cli
from playbookgen.engines.site_config import Tagged, load_team_config
from playbookgen.engines.work_folder import SiteFiles, work_files
from playbookgen.errors import TemplateError
from playbookgen.model import Project
from playbookgen.project import load_project
from playbookgen.render.site import render_site, sanitize_guide


def render(root: Path, **kwargs: object) -> dict[str, str]:
    """The work folder's text files: the rendered pages, joined with mkdocs.yml and our theme by the adapter."""
    project, _ = load_project(root)
    team = root / "mkdocs.yml"
    return _work(project, team.read_text() if team.is_file() else None, **kwargs).files


def _work(project: Project, team_config: str | None, **kwargs: object) -> SiteFiles:
    site = render_site(project, **kwargs)  # type: ignore[arg-type]
    return work_files(project, site.pages, site.nav, site.stylesheet, team_config)


def nav_of(files: dict[str, str]) -> list[object]:
    return yaml.load(files["mkdocs.yml"], Loader=yaml.SafeLoader)["nav"]  # noqa: S506


def test_every_page_is_rendered_and_the_nav_follows_the_pipeline(make_project) -> None:
    root = make_project({
        "playbook/guides/10-first-call.md": "# First call\n\nSay hello.\n",
        "playbook/glossary.yml": "terms:\n  - term: Lead\n    definition: A possible buyer.\n",
    })
    files = render(root)
    assert {"docs/index.md", "docs/start-here.md", "docs/stages/first.md", "docs/stages/second.md",
            "docs/techniques.md", "docs/glossary.md", "docs/guides/first-call.md"} <= set(files)
    assert nav_of(files) == [
        {"Home": "index.md"},
        {"Start here": "start-here.md"},
        {"Pipeline stages": ["stages/first.md", "stages/second.md"]},
        {"Techniques": "techniques.md"},
        {"Glossary": "glossary.md"},
        {"Guides": ["guides/first-call.md"]},
        {"What changed": "changes.md"},
    ]


def test_stage_page_links_neighbours_techniques_and_its_checklist(make_project) -> None:
    files = render(make_project(), static={"checklists/first.html"})
    first = files["docs/stages/first.md"]
    assert "- [ ] Budget confirmed" in first
    assert "[Cold calling](../techniques.md#technique-cold-calling)" in first
    assert "[Second](../stages/second.md)" in first
    assert "(../checklists/first.html)" in first
    assert "checklists/second.html" not in files["docs/stages/second.md"]  # only when the file exists
    assert "*Evidence:* Signed order form" in files["docs/stages/second.md"]
    assert "[First](stages/first.md)" in files["docs/techniques.md"]  # "used in" links back


def test_labels_follow_the_playbook_language(make_project) -> None:
    polish = render(make_project({"playbook/playbook.yml": "title: T\nlanguage: pl\nstages: [first, second]\n"}))
    english = render(make_project())
    assert "## Kryteria wyjścia" in polish["docs/stages/first.md"]
    assert "## Exit criteria" in english["docs/stages/first.md"]
    assert {"Strona główna": "index.md"} in nav_of(polish)
    config = yaml.load(polish["mkdocs.yml"], Loader=yaml.SafeLoader)  # noqa: S506
    assert config["theme"]["language"] == "pl"
    assert config["theme"]["font"] is False
    names = [entry if isinstance(entry, str) else next(iter(entry)) for entry in config["plugins"]]
    assert "offline" in names and "search" in names
    assert {"search": {"separator": r"[\s\-/]+"}} in config["plugins"]  # words joined by '/' are two words


def test_yaml_text_is_escaped_in_markdown_and_in_the_config(make_project) -> None:
    root = make_project({"playbook/playbook.yml": """
        title: "<script>alert(1)</script>"
        summary: '<img src=x onerror=alert(1)>'
        language: en
        stages: [first, second]
        """})
    files = render(root)
    assert "<script>" not in files["docs/index.md"]
    config = yaml.load(files["mkdocs.yml"], Loader=yaml.SafeLoader)  # noqa: S506
    assert config["site_name"] == "&lt;script&gt;alert(1)&lt;/script&gt;"  # themes print it unescaped
    assert "<img" not in config["site_description"]


def test_team_config_wins_where_set_and_keeps_unknown_tags(make_project) -> None:
    root = make_project({"mkdocs.yml": """
        site_name: Our sales playbook
        nav: [index.md]
        theme:
          palette:
            primary: teal
        markdown_extensions:
          - pymdownx.superfences:
              custom_fences:
                - name: mermaid
                  class: mermaid
                  format: !!python/name:pymdownx.superfences.fence_code_format
        """})
    project, _ = load_project(root)
    site = _work(project, (root / "mkdocs.yml").read_text())
    text = site.files["mkdocs.yml"]
    assert "!!python/name:pymdownx.superfences.fence_code_format" in text
    config = load_team_config(text)
    assert config["site_name"] == "Test playbook"  # one title, the playbook's (issue 17)
    assert any(d.code == "mkdocs-site-name" and d.line == 1 for d in site.diagnostics)
    assert config["theme"]["palette"] == {"primary": "teal"}
    assert config["theme"]["font"] is False and config["theme"]["name"] == "material"
    assert config["nav"][0] == {"Home": "index.md"}  # the nav is ours
    fence = next(e for e in config["markdown_extensions"] if isinstance(e, dict) and "pymdownx.superfences" in e)
    assert isinstance(fence["pymdownx.superfences"]["custom_fences"][0]["format"], Tagged)
    assert any("'nav' in mkdocs.yml is ignored" in d.message for d in site.diagnostics)


def test_the_short_theme_form_keeps_our_theme_settings(make_project) -> None:
    root = make_project({"mkdocs.yml": "theme: material\n"})
    project, _ = load_project(root)
    theme = load_team_config(_work(project, "theme: material\n").files["mkdocs.yml"])["theme"]
    assert theme["name"] == "material"
    assert theme["font"] is False and theme["custom_dir"] == "overrides"  # no Google Fonts, our title fix kept


def test_a_team_template_overrides_one_file(make_project) -> None:
    root = make_project({"templates/site/techniques.md.j2": "# Our own {{ L.techniques }} page\n"})
    files = render(root)
    assert files["docs/techniques.md"] == "# Our own Techniques page\n"
    assert "## Exit criteria" in files["docs/stages/first.md"]  # the rest stay built in


def test_template_error_names_the_team_file_and_line(make_project) -> None:
    root = make_project({"templates/site/stage.md.j2": "# {{ stage.name }}\n\n{{ stage.no_such_field }}\n"})
    with pytest.raises(TemplateError) as caught:
        render(root)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.file, diagnostic.line) == ("templates/site/stage.md.j2", 3)


def test_sandbox_stops_a_template_reaching_python_internals(make_project) -> None:
    root = make_project({"templates/site/index.md.j2": "{{ ''.__class__.__mro__[1].__subclasses__() }}\n"})
    with pytest.raises(TemplateError) as caught:
        render(root)
    assert caught.value.diagnostics[0].file == "templates/site/index.md.j2"
    assert caught.value.diagnostics[0].code in {"template-unsafe", "template-error"}


def test_template_syntax_error_through_the_cli(make_project) -> None:
    root = make_project({"templates/site/stage.md.j2": "# {{ stage.name }}\n{% if %}\n"})
    result = run_cli("build", root, "--site-dir", root.parent / "out", "--no-pdf")
    assert result.exit_code == 1
    assert "templates/site/stage.md.j2:2:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root.parent / "out").exists()


def test_a_guides_front_matter_never_reaches_its_page(make_project) -> None:
    root = make_project({"playbook/guides/call.md": "---\nowner: <script>x</script>\n---\n# Call\n\nSay hello.\n"})
    page = render(root)["docs/guides/call.md"]
    assert "owner:" not in page and "<script>" not in page and "Say hello." in page


def test_guides_keep_markdown_but_lose_raw_html_and_unsafe_links() -> None:
    text = sanitize_guide(
        "# Guide\n\n<script>alert(1)</script> and `<b>code</b>`\n\n"
        "[bad](javascript:alert(1)) [good](other.md) [ref]\n\n[ref]: javascript:alert(2)\n\n"
        "```html\n<em>kept in code</em>\n```\n"
    )
    assert text.startswith("# Guide")
    assert "&lt;script>alert(1)&lt;/script>" in text
    assert "`<b>code</b>`" in text and "<em>kept in code</em>" in text
    assert "javascript:" not in text
    assert "[good](other.md)" in text


# Prose (mostly taking the shortcut) and prose mixed with what Markdown treats specially.
_PLAIN = list("ab ząę\n\n1.,;:'\"()?%@/=+-#\xa0")
_SPECIAL = list("*_`[]<&|~{}\t\r\x02\x85\u2028")
_PROSE = st.text(alphabet=st.sampled_from(_PLAIN), max_size=60) | st.text(
    alphabet=st.sampled_from(_PLAIN + _SPECIAL), max_size=60)


@settings(max_examples=3000, deadline=None)
@given(_PROSE)
def test_the_plain_prose_shortcut_matches_python_markdown(text: str) -> None:
    from playbookgen.render.templating import _markdown_engine, _plain_paragraphs

    shortcut = _plain_paragraphs(text)
    if shortcut is not None:
        engine = _markdown_engine()
        try:
            assert shortcut == engine.convert(text)
        finally:
            engine.reset()


def test_the_plain_prose_shortcut_takes_most_prose_and_no_markup() -> None:
    from playbookgen.render.templating import _plain_paragraphs

    assert _plain_paragraphs("Ask about budget.\nThen timing, please.\n\nSecond paragraph (50%).") == (
        "<p>Ask about budget.\nThen timing, please.</p>\n<p>Second paragraph (50%).</p>")
    for markup in ("**bold**", "- item", "1. first", "# Title", "> quote", "a  \nb", "    code", "a | b", "<b>"):
        assert _plain_paragraphs(markup) is None, markup
