"""`playbookgen templates list|copy|diff|stamp`: a team starts from our template without a source checkout,
and hears when a later playbookgen changes a template it has copied."""

from __future__ import annotations

from conftest import REPO, run_cli
from playbookgen.render.templating import BUILTIN_TEMPLATES
from playbookgen.team_templates import builtin_templates, outdated_templates, stamp


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
    ours = (BUILTIN_TEMPLATES / "site/index.md.j2").read_bytes()
    assert copied.read_bytes() == stamp("site/index.md.j2").encode("utf-8") + ours  # ours, under its stamp

    copied.write_text("# Our own home\n", encoding="utf-8")
    again = run_cli("templates", "copy", "site/index.md.j2", "stage.md.j2", "--dir", root)
    assert again.exit_code == 2 and "templates/site/index.md.j2" in again.stderr and "--force" in again.stderr
    assert copied.read_text(encoding="utf-8") == "# Our own home\n"
    assert not (root / "templates/site/stage.md.j2").exists()  # all or nothing

    forced = run_cli("templates", "copy", "site/index.md.j2", "--dir", root, "--force")
    assert forced.exit_code == 0 and copied.read_bytes().endswith(ours)


def test_an_unknown_template_name_gets_a_suggestion(make_project) -> None:
    result = run_cli("templates", "copy", "stage.md", "--dir", make_project())
    assert result.exit_code == 2
    assert "playbookgen has no template 'stage.md' (did you mean site/stage.md.j2?)" in result.stderr


def test_a_copy_of_a_template_that_has_changed_since_is_a_warning_until_restamped(make_project) -> None:
    root = make_project()
    assert run_cli("templates", "copy", "stage.md.j2", "--dir", root).exit_code == 0
    copied = root / "templates/site/stage.md.j2"
    text = copied.read_text(encoding="utf-8")
    # The stamp costs the page nothing: a copy builds the very same site as ours.
    assert run_cli("validate", "--strict", root).exit_code == 0
    assert run_cli("templates", "diff", "stage.md.j2", "--dir", root).stdout == "no difference"

    # As after an upgrade of playbookgen whose stage.md.j2 changed: the stamp names an older text.
    digest = stamp("site/stage.md.j2").split()[4].rstrip(":")
    assert digest in text.splitlines()[0]
    edited = text.replace(digest, "0123456789ab", 1).replace("\n", "\nOur own line.\n", 2)
    copied.write_text(edited, encoding="utf-8")
    expected = ("templates/site/stage.md.j2:1:1: warning: playbookgen's site/stage.md.j2 has changed since this "
                "copy was made, so the site misses what changed in it; `playbookgen templates diff "
                "site/stage.md.j2` shows ours beside yours. Carry over what you want, then update the stamp with "
                "`playbookgen templates stamp site/stage.md.j2` [template-outdated]")
    checked = run_cli("validate", root)
    assert checked.exit_code == 0 and expected in checked.stdout.splitlines()
    built = run_cli("build", root, "--no-pdf")
    assert built.exit_code == 0 and expected in built.stderr.splitlines()
    assert run_cli("build", root, "--no-pdf", "--strict").exit_code == 1

    diff = run_cli("templates", "diff", "site/stage.md.j2", "--dir", root).stdout
    assert diff.startswith("--- playbookgen site/stage.md.j2\n+++ templates/site/stage.md.j2\n")
    assert "\n+Our own line.\n" in diff and "0123456789ab" not in diff  # the team's edit; the stamp is no edit

    stamped = run_cli("templates", "stamp", "stage.md.j2", "--dir", root)
    assert stamped.stdout == "stamped templates/site/stage.md.j2\n"
    assert outdated_templates(root) == [] and "Our own line." in copied.read_text(encoding="utf-8")


def test_an_override_without_a_stamp_is_not_judged_and_the_repositorys_is_current(make_project) -> None:
    root = make_project({"templates/site/stage.md.j2": "# {{ stage.name }}\n"})
    assert outdated_templates(root) == []
    assert outdated_templates(REPO) == []  # its start-here override carries the stamp of ours as it is
