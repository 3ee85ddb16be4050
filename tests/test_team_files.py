"""The team's own files reach the site: what its mkdocs.yml names (logo, favicon, stylesheets, scripts)
and what its site-root/ folder holds (CNAME, robots.txt, downloads), with no file put into the output by hand."""

from __future__ import annotations

from pathlib import Path

from conftest import read_tree, run_cli

LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>\n'
TEAM_CONFIG = """
    site_url: https://playbook.acme.example/
    theme:
      logo: assets/acme-logo.svg
      favicon: assets/favicon.png
    extra_css:
      - assets/team.css
      - https://cdn.example.com/remote.css
    extra_javascript:
      - path: assets/team.mjs
        type: module
      - !ENV [TEAM_SCRIPT, "https://cdn.example.com/remote.js"]
    markdown_extensions:
      - pymdownx.superfences:
          custom_fences:
            - name: text
              class: text
              format: !!python/name:pymdownx.superfences.fence_code_format
"""
TEAM_FILES = {
    "mkdocs.yml": TEAM_CONFIG,
    "assets/acme-logo.svg": LOGO,
    "assets/favicon.png": b"\x89PNG\r\n\x1a\n-a-favicon",
    "assets/team.css": ".md-header { border-bottom: 2px solid #c00; }\n",
    "assets/team.mjs": "document.documentElement.dataset.team = 'acme';\n",
}


def test_files_named_in_mkdocs_yml_are_found_in_the_project_and_copied(make_project) -> None:
    root = make_project(TEAM_FILES)
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 0, result.stderr
    site = root / "site"
    for name in ("assets/acme-logo.svg", "assets/favicon.png", "assets/team.css", "assets/team.mjs"):
        assert (site / name).read_bytes() == (root / name).read_bytes(), name
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'src="assets/acme-logo.svg"' in home  # the header shows the team's logo
    assert '<link rel="icon" href="assets/favicon.png">' in home
    assert 'href="assets/team.css"' in home and 'src="assets/team.mjs"' in home
    stage = (site / "stages/first.html").read_text(encoding="utf-8")
    assert 'src="../assets/acme-logo.svg"' in stage  # and every page finds it from its own folder


def test_a_missing_file_is_an_error_at_its_line_in_mkdocs_yml(make_project) -> None:
    root = make_project({**TEAM_FILES, "assets/acme-logo.svg": None, "assets/team.mjs": None})
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 1
    assert ("mkdocs.yml:3:9: error: theme.logo: there is no file assets/acme-logo.svg in the project folder"
            in result.stderr)
    assert "mkdocs.yml:9:11: error: extra_javascript: there is no file assets/team.mjs" in result.stderr
    assert "2 errors" in result.stderr
    assert "Traceback" not in result.stderr and not (root / "site").exists()


def test_a_file_outside_the_project_or_in_place_of_a_page_is_refused(make_project) -> None:
    outside = make_project({"mkdocs.yml": "theme:\n  logo: ../logo.svg\n"})
    result = run_cli("build", outside, "--no-pdf")
    assert result.exit_code == 1
    assert "mkdocs.yml:2:9: error: theme.logo '../logo.svg' must be a file inside the project folder" in result.stderr

    page = make_project({"mkdocs.yml": "extra_css: [index.md]\n", "index.md": "# Mine\n"})
    result = run_cli("build", page, "--no-pdf")
    assert result.exit_code == 1
    assert "mkdocs.yml:1:13: error: extra_css: 'index.md' is the name of a file playbookgen makes" in result.stderr


def test_site_root_files_are_copied_verbatim_on_every_build(make_project) -> None:
    root = make_project({
        "site-root/CNAME": "playbook.acme.example\n",
        "site-root/.nojekyll": "",
        "site-root/robots.txt": "User-agent: *\nDisallow: /\n",
        "site-root/downloads/price-list.pdf": b"%PDF-1.4 not really\n",
    })
    assert run_cli("build", root, "--no-pdf").exit_code == 0
    site = root / "site"
    for name in ("CNAME", ".nojekyll", "robots.txt", "downloads/price-list.pdf"):
        assert (site / name).read_bytes() == (root / "site-root" / name).read_bytes(), name
    # Copied files are the build's own: the next build replaces the folder, and a file taken out of
    # site-root/ leaves the site.
    (root / "site-root/robots.txt").unlink()
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 0, result.stderr
    assert (site / "CNAME").is_file() and not (site / "robots.txt").exists()


def test_a_file_put_into_the_site_by_hand_is_refused_with_the_way_out(make_project) -> None:
    root = make_project()
    assert run_cli("build", root, "--no-pdf").exit_code == 0
    (root / "site/CNAME").write_text("playbook.acme.example\n", encoding="utf-8")
    before = read_tree(root / "site")
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 2
    assert "it holds files playbookgen did not make (CNAME)" in result.stderr
    assert "belong in the project's site-root/ folder: every build copies them into the site" in result.stderr
    assert read_tree(root / "site") == before


def test_a_site_root_file_may_not_replace_a_built_page(make_project) -> None:
    root = make_project({"site-root/index.html": "<p>mine</p>\n"})
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 1
    assert ("site-root/index.html:1:1: error: site-root/index.html has the name of a file the build makes"
            in result.stderr)
    assert not (root / "site").exists()


def test_the_site_folder_may_not_be_the_site_root_folder(make_project) -> None:
    root = make_project({"site-root/CNAME": "x\n"})
    result = run_cli("build", root, "--no-pdf", "--site-dir", Path(root, "site-root"))
    assert result.exit_code == 2 and "is inside site-root/" in result.stderr
    assert (root / "site-root/CNAME").read_text() == "x\n"


def test_a_file_the_team_theme_folder_brings_is_found_there(make_project) -> None:
    root = make_project({"mkdocs.yml": "theme:\n  custom_dir: theme\nextra_javascript: [js/team.js]\n",
                         "theme/js/team.js": "window.team = 1;\n"})
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 0, result.stderr
    assert (root / "site/js/team.js").read_text() == "window.team = 1;\n"
    (root / "theme/js/team.js").unlink()
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 1
    assert "extra_javascript: there is no file js/team.js in the project folder (nor in the theme folder theme/)" \
        in result.stderr


def _problem_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if ": error: " in line or ": warning: " in line]


def test_validate_reports_what_the_build_would_refuse_in_mkdocs_yml(make_project) -> None:
    """The pull-request check runs `validate`: a change to mkdocs.yml that would fail the build on main
    fails there first, with the build's own words and places."""
    cases = {
        "missing files": {**TEAM_FILES, "assets/acme-logo.svg": None, "assets/team.mjs": None},
        "outside the project": {"mkdocs.yml": "theme:\n  logo: ../logo.svg\n"},
        "a checklist's name": {"mkdocs.yml": "extra_css: [checklists/first.html]\n", "checklists/first.html": "x"},
        "not YAML": {"mkdocs.yml": "theme: [unclosed\n"},
        "no theme folder": {"mkdocs.yml": "theme:\n  custom_dir: nope\n"},
    }
    for name, files in cases.items():
        root = make_project(files)
        checked = run_cli("validate", root)
        built = run_cli("build", root, "--no-pdf")
        assert built.exit_code == 1, name
        assert checked.exit_code == 1, (name, checked.stdout)
        assert _problem_lines(checked.stdout) == _problem_lines(built.stderr) != [], name
    fine = make_project(TEAM_FILES)
    assert run_cli("validate", fine).exit_code == 0
