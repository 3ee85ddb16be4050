"""One title: the playbook's, in the site's header, the browser tab and the checklists, whatever mkdocs.yml says."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli

TEAM_CONFIG = "# our site settings\nsite_name: Acme Sales Wiki\ntheme:\n  palette:\n    primary: teal\n"
WARNING = ("mkdocs.yml:2:1: warning: site_name 'Acme Sales Wiki' differs from the playbook's title 'Test playbook' "
           "(playbook/playbook.yml), which the site uses everywhere: remove site_name from mkdocs.yml, or change the "
           "title in playbook.yml [mkdocs-site-name]")


def pages(site: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html")))


def test_a_different_site_name_gives_way_to_the_playbook_title_with_a_warning(make_project) -> None:
    root = make_project({"mkdocs.yml": TEAM_CONFIG})
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 0, result.stderr
    assert WARNING in result.stderr.splitlines()
    html = pages(root / "site")
    assert "Acme Sales Wiki" not in html
    assert "<title>Test playbook</title>" in html  # the home page's tab
    assert 'class="md-header__topic"' in html and "Test playbook" in html.split('class="md-header__topic"')[1][:400]

    strict = run_cli("build", root, "--no-pdf", "--strict")
    assert strict.exit_code == 1 and WARNING in strict.stderr.splitlines()


def test_the_same_title_in_both_places_is_fine(make_project) -> None:
    root = make_project({"mkdocs.yml": TEAM_CONFIG.replace("Acme Sales Wiki", "Test playbook")})
    result = run_cli("build", root, "--no-pdf", "--strict")
    assert result.exit_code == 0, result.stderr
    assert "site_name" not in result.stderr
