"""`playbookgen templates list|copy`: a team starts from our template without a source checkout."""

from __future__ import annotations

from conftest import run_cli
from playbookgen.team_templates import builtin_templates
from playbookgen.templating import BUILTIN_TEMPLATES


def test_list_shows_our_templates_and_which_the_project_overrides(make_project) -> None:
    root = make_project({"templates/site/stage.md.j2": "# {{ stage.name }}\n",
                         "templates/site/_partner.md.j2": "partner\n"})
    result = run_cli("templates", "list", root)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.split() == ["site/index.md.j2"] for line in lines)
    assert any(line.split()[:4] == ["site/stage.md.j2", "overridden", "by", "templates/site/stage.md.j2"]
               for line in lines)
    assert any(line.startswith("site/_partner.md.j2") and "not one of ours" in line for line in lines)
    assert any(line.split() == ["checklists/_style.css.j2"] for line in lines)
    assert lines[-1].startswith(f"1 of {len(builtin_templates())} overridden")


def test_copy_puts_our_template_into_the_project_and_never_over_an_edit(make_project) -> None:
    root = make_project()
    result = run_cli("templates", "copy", "index.md.j2", "checklists/_style.css.j2", "--dir", root)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["copied templates/site/index.md.j2",
                                          "copied templates/checklists/_style.css.j2"]
    copied = root / "templates/site/index.md.j2"
    assert copied.read_bytes() == (BUILTIN_TEMPLATES / "site/index.md.j2").read_bytes()

    copied.write_text("# Our own home\n", encoding="utf-8")
    again = run_cli("templates", "copy", "site/index.md.j2", "stage.md.j2", "--dir", root)
    assert again.exit_code == 2 and "templates/site/index.md.j2" in again.stderr and "--force" in again.stderr
    assert copied.read_text(encoding="utf-8") == "# Our own home\n"
    assert not (root / "templates/site/stage.md.j2").exists()  # all or nothing

    forced = run_cli("templates", "copy", "site/index.md.j2", "--dir", root, "--force")
    assert forced.exit_code == 0 and copied.read_bytes() == (BUILTIN_TEMPLATES / "site/index.md.j2").read_bytes()


def test_an_unknown_template_name_gets_a_suggestion(make_project) -> None:
    result = run_cli("templates", "copy", "stage.md", "--dir", make_project())
    assert result.exit_code == 2
    assert "playbookgen has no template 'stage.md' (did you mean site/stage.md.j2?)" in result.stderr
