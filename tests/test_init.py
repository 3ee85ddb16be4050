"""`playbookgen init`: a team gets a playbook that validates at once, and nothing of theirs is overwritten."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli
from playbookgen.errors import UserError
from playbookgen.project import validate_project
from playbookgen.starters import available_starters, init_project

STARTERS = {"full": 7, "ecommerce-5": 5, "minimal-4": 4}
FIRST_STAGE = {("minimal-4", "pl"): "generowanie-leadow", ("minimal-4", "en"): "lead-generation"}


def test_the_manifest_lists_the_three_starters() -> None:
    assert list(available_starters()) == list(STARTERS)


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("starter", list(STARTERS))
def test_every_starter_passes_strict_validation(tmp_path: Path, starter: str, language: str) -> None:
    result = run_cli("init", tmp_path, "--starter", starter, "--language", language)
    assert result.exit_code == 0, result.stderr
    assert "created playbook/playbook.yml" in result.stdout

    project, diagnostics = validate_project(tmp_path)
    assert diagnostics == [] and project is not None
    assert project.playbook.language == language
    assert len(project.stages) == STARTERS[starter]
    assert project.stages[0].id == FIRST_STAGE.get((starter, language), project.stages[0].id)
    assert run_cli("validate", "--strict", tmp_path).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "stages").iterdir())[0].startswith("01-")
    assert (tmp_path / "schemas" / "stage.schema.json").is_file()

    built = run_cli("build", tmp_path, "--strict", "--no-pdf")  # and it builds as it is
    assert built.exit_code == 0, built.stderr
    stage_pages = sorted(p.stem for p in (tmp_path / "site" / "stages").glob("*.html"))
    assert stage_pages == sorted(s.id for s in project.stages)


def test_the_polish_full_starter_is_the_repository_playbook(tmp_path: Path) -> None:
    init_project(tmp_path)
    for folder in ("playbook", "stages"):
        for source in (REPO / folder).rglob("*"):
            if source.is_file():
                target = tmp_path / source.relative_to(REPO)
                assert target.read_bytes() == source.read_bytes(), target


def test_the_english_starter_translates_every_polish_file(tmp_path: Path) -> None:
    pl, en = tmp_path / "pl", tmp_path / "en"
    init_project(pl, language="pl")
    init_project(en, language="en")
    for name in ("playbook", "techniques", "frameworks", "metrics", "glossary", "case-studies", "objections", "emails"):
        source = yaml.safe_load((pl / f"playbook/{name}.yml").read_text(encoding="utf-8"))
        target = yaml.safe_load((en / f"playbook/{name}.yml").read_text(encoding="utf-8"))
        assert _shape(source) == _shape(target), name  # same entries, lists and fields: nothing summarized away
    assert len(list((en / "playbook/guides").glob("*.md"))) == len(list((pl / "playbook/guides").glob("*.md")))
    for pl_stage, en_stage in zip(sorted((pl / "stages").iterdir()), sorted((en / "stages").iterdir()), strict=True):
        assert _shape(yaml.safe_load(pl_stage.read_text("utf-8"))) == _shape(yaml.safe_load(en_stage.read_text("utf-8")))


def _shape(value: object) -> object:
    if isinstance(value, dict):
        # A glossary term's forms are its inflections: how many depends on the language.
        return {key: _shape(item) for key, item in value.items() if key not in ("language", "forms")}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return type(value).__name__


def test_smaller_starters_keep_comments_and_drop_unused_techniques(tmp_path: Path) -> None:
    init_project(tmp_path, starter="minimal-4")
    playbook = (tmp_path / "playbook/playbook.yml").read_text(encoding="utf-8")
    assert playbook.startswith("# yaml-language-server: $schema=../schemas/playbook.schema.json\n")
    assert yaml.safe_load(playbook)["stages"] == [
        "generowanie-leadow", "kwalifikacja-leadow", "oferta-wycena", "zamkniecie-transakcji",
    ]  # fmt: skip
    first = (tmp_path / "stages/01-generowanie-leadow.yml").read_text(encoding="utf-8")
    assert "name: Generowanie leadów\n" in first and "przykłady" in first
    techniques = (tmp_path / "playbook/techniques.yml").read_text(encoding="utf-8")
    assert "id: kotwiczenie" not in techniques and "id: cold-calling" in techniques


def test_init_lists_every_file_it_created(tmp_path: Path) -> None:
    created = init_project(tmp_path / "new", starter="ecommerce-5", language="en")
    assert all(path.is_file() for path in created)
    names = {path.relative_to(tmp_path / "new").as_posix() for path in created}
    assert {"playbook/playbook.yml", "stages/04-proposal.yml", "schemas/playbook.schema.json"} <= names
    on_disk = {p.relative_to(tmp_path / "new").as_posix() for p in (tmp_path / "new").rglob("*") if p.is_file()}
    assert names == on_disk


def test_init_refuses_to_overwrite_and_names_the_conflicts(tmp_path: Path) -> None:
    (tmp_path / "playbook").mkdir()
    (tmp_path / "playbook/playbook.yml").write_text("title: ours\n", encoding="utf-8")

    result = run_cli("init", tmp_path)

    assert result.exit_code == 2
    assert "playbook/playbook.yml" in result.stderr and "--force" in result.stderr
    assert (tmp_path / "playbook/playbook.yml").read_text(encoding="utf-8") == "title: ours\n"
    assert not (tmp_path / "stages").exists(), "nothing is written when anything conflicts"


def test_force_overwrites(tmp_path: Path) -> None:
    init_project(tmp_path, language="en")
    (tmp_path / "stages/01-prospecting.yml").write_text("edited\n", encoding="utf-8")
    with pytest.raises(UserError, match="stages/01-prospecting.yml"):
        init_project(tmp_path, language="en")

    result = run_cli("init", tmp_path, "--language", "en", "--force")

    assert result.exit_code == 0, result.stderr
    assert "created stages/01-prospecting.yml" in result.stdout
    assert (tmp_path / "stages/01-prospecting.yml").read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_unknown_starter_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="unknown starter 'big-9'.*full, ecommerce-5, minimal-4"):
        init_project(tmp_path, starter="big-9")

    result = run_cli("init", tmp_path / "p", "--starter", "big-9")

    assert result.exit_code == 2
    assert "unknown starter 'big-9'" in result.stderr
    assert not (tmp_path / "p").exists()


def test_init_from_an_installed_wheel_outside_the_repository(tmp_path: Path) -> None:
    """The starters must ship as real files: the Polish ones are symlinks in git."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    wheels, venv, project = tmp_path / "wheels", tmp_path / "venv", tmp_path / "project"

    def run(*args: object, cwd: Path = tmp_path) -> str:
        done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run(sys.executable, "-m", "pip", "wheel", REPO, "--no-deps", "-q", "-w", wheels, cwd=REPO)
    run(sys.executable, "-m", "venv", "--system-site-packages", venv)
    python = venv / "bin" / "python"
    # --system-site-packages sees the base interpreter only; when the tests themselves run in a
    # venv (as in CI), point the new venv at this one's packages too, so no dependency is downloaded.
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    (purelib / "outer-env.pth").write_text("\n".join(p for p in sys.path if p.endswith("-packages")) + "\n")
    run(python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", next(wheels.glob("playbookgen-*.whl")))
    package = Path(run(python, "-c", "import playbookgen; print(playbookgen.__file__)").strip()).parent
    assert venv in package.parents, f"imported {package}, not the installed wheel"
    assert not (package / "starters/pl/stages").is_symlink()
    assert (package / "starters/pl/stages/01-poszukiwanie.yml").read_bytes() == (REPO / "stages/01-poszukiwanie.yml").read_bytes()

    out = run(venv / "bin" / "playbookgen", "init", project, "--starter", "ecommerce-5", "--language", "pl")
    assert "created stages/05-zamkniecie-transakcji.yml" in out
    run(venv / "bin" / "playbookgen", "validate", "--strict", project)


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("starter", ["full", "ecommerce-5", "minimal-4"])
def test_every_starter_carries_the_toolkit_and_talks_only_about_its_own_stages(
        tmp_path: Path, starter: str, language: str) -> None:
    from playbookgen.starters import compose

    init_project(tmp_path, starter=starter, language=language)
    result = run_cli("validate", "--strict", tmp_path)
    assert result.exit_code == 0 and result.stdout.strip() == "no problems found", result.stdout
    project, _ = validate_project(tmp_path)
    assert project is not None and project.objections and project.emails
    assert all(s.objections and s.emails for s in project.stages)
    assert all(t.example for t in project.techniques)
    full = yaml.safe_load(compose("full", language)["playbook/playbook.yml"])["stages"]
    names = {yaml.safe_load(text)["id"]: yaml.safe_load(text)["name"]
             for path, text in compose("full", language).items() if path.startswith("stages/")}
    dropped = [names[sid] for sid in full if sid not in {s.id for s in project.stages}]
    renamed = {s.name for s in project.stages} - set(names.values())
    dropped += [names[full[0]]] if renamed else []  # minimal-4 renames the first stage
    for path in sorted((tmp_path / "stages").glob("*.yml")):
        text = path.read_text(encoding="utf-8").casefold()
        for name in dropped:
            assert name.casefold() not in text, f"{starter}/{language}: {path.name} talks about the stage '{name}'"
    # Guides name no stage list of their own: the home page's pipeline (generated) does that.
    for path in sorted((tmp_path / "playbook/guides").glob("*.md")):
        text = path.read_text(encoding="utf-8").casefold()
        assert "siedem kluczowych" not in text and "seven key stages" not in text, path.name


def test_init_writes_a_ready_github_actions_workflow(tmp_path: Path) -> None:
    result = run_cli("init", tmp_path, "--starter", "minimal-4", "--language", "en")
    assert result.exit_code == 0 and "created .github/workflows/playbook.yml" in result.stdout
    workflow = yaml.safe_load((tmp_path / ".github/workflows/playbook.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    assert set(workflow["env"]) == {"PLAYBOOKGEN_SOURCE"}  # test_workflow.py checks what it installs
    jobs = workflow["jobs"]

    def commands(job: str) -> list[str]:
        return [step.get("run", step.get("uses", "")) for step in jobs[job]["steps"]]

    assert jobs["validate"]["if"] == "github.event_name == 'pull_request'"
    assert "playbookgen validate --format github" in commands("validate")
    assert jobs["build"]["if"] == "github.event_name != 'pull_request'"
    build = commands("build")
    assert build.index('python -m pip install "playbookgen[pdf] @ ${PLAYBOOKGEN_SOURCE}"') < build.index("playbookgen build --site-dir _site")
    upload = next(s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_site"
    assert jobs["deploy"]["needs"] == "build" and commands("deploy")[0].startswith("actions/deploy-pages@")
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow["permissions"] == {"contents": "read"}  # the build job cannot publish by itself
    # What the pull-request job runs works on the new project as it is.
    assert run_cli("validate", tmp_path, "--format", "github").exit_code == 0


# --- What a new team meets in its first hour (issue 23, #4 and #6) ---------------------------------

def _git_ignored(root: Path, *names: str) -> set[str]:
    """Which of ``names`` git itself would leave out of ``root`` (a fresh repository)."""
    subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
    result = subprocess.run(["git", "-C", str(root), "check-ignore", "--no-index", *names],
                            capture_output=True, text=True, check=False)
    return set(result.stdout.split())


@pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0, reason="needs git")
def test_init_writes_a_gitignore_that_keeps_outputs_and_deals_exports_out_of_git(tmp_path: Path) -> None:
    result = run_cli("init", tmp_path, "--language", "en")
    assert result.exit_code == 0 and "created .gitignore" in result.stdout
    outputs = ["site/index.html", "_site/index.html", "checklists/first.pdf", ".site.k2j3.new/x.html"]
    deals = ["deals/hubspot.csv", "exports/deals.csv", "hubspot-crm-exports-all-deals-2026-12-01.csv",
             "team/q3.deals.csv", "all-deals.xlsx"]
    sources = ["playbook/playbook.yml", "stages/01-prospecting.yml", ".github/workflows/playbook.yml",
               "schemas/stage.schema.json", "templates/site/stage.md.j2", "site-root/CNAME", "mkdocs.yml"]
    assert _git_ignored(tmp_path, *outputs, *deals, *sources) == {*outputs, *deals}


def test_init_never_overwrites_a_gitignore_it_adds_the_missing_lines(tmp_path: Path) -> None:
    ours = "# the team's own\n*.log\n/site/"  # no newline at the end, one of our lines already there
    (tmp_path / ".gitignore").write_text(ours, encoding="utf-8")
    result = run_cli("init", tmp_path, "--language", "en")
    assert result.exit_code == 0, result.stderr
    assert "added to .gitignore" in result.stdout and "created .gitignore" not in result.stdout
    text = (tmp_path / ".gitignore").read_text(encoding="utf-8")
    assert text.startswith(ours + "\n\n# Added by `playbookgen init`")
    lines = text.splitlines()
    assert lines.count("/site/") == 1 and "/deals/" in lines and "/_site/" in lines
    # Run again (--force rewrites the starter's files): the .gitignore has every line, and stays as it is.
    again = run_cli("init", tmp_path, "--language", "en", "--force")
    assert again.exit_code == 0, again.stderr
    assert "kept .gitignore" in again.stdout
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == text


def test_a_new_project_is_not_reviewed_yet_and_says_so(tmp_path: Path) -> None:
    assert run_cli("init", tmp_path / "p", "--language", "en").exit_code == 0
    project = tmp_path / "p"
    for path in [*project.glob("playbook/*.yml"), *project.glob("stages/*.yml"), *project.glob("playbook/guides/*.md")]:
        assert "reviewed:" not in path.read_text(encoding="utf-8"), path
    assert run_cli("validate", "--strict", project).exit_code == 0  # not one warning per page
    review = run_cli("review", project, "--format", "csv")
    statuses = {line.split(",")[7] for line in review.stdout.splitlines()[1:]}
    assert statuses == {"never"}, review.stdout  # the weekly review lists every page as never reviewed
    site = tmp_path / "site"
    assert run_cli("build", project, "--site-dir", site, "--no-pdf").exit_code == 0
    page = (site / "stages/prospecting.html").read_text(encoding="utf-8")
    assert "Not reviewed yet" in page and "Last reviewed" not in page


@pytest.mark.parametrize("language", ["pl", "en"])
def test_starter_yaml_has_no_blank_line_inside_an_item(tmp_path: Path, language: str) -> None:
    assert run_cli("init", tmp_path, "--language", language).exit_code == 0
    for path in sorted([*tmp_path.glob("playbook/*.yml"), *tmp_path.glob("stages/*.yml")]):
        lines = path.read_text(encoding="utf-8").split("\n")
        for number, (line, after) in enumerate(zip(lines, lines[1:], strict=False), start=1):
            assert not (line == "" and after.startswith("    ") and after.strip()[:1].isalpha() and ":" in after
                        and not after.startswith("      ")), f"{path.name}:{number}: a blank line inside an item"


def test_init_names_the_next_commands(tmp_path: Path) -> None:
    result = run_cli("init", tmp_path / "acme", "--language", "en")
    last = result.stdout.splitlines()[-1]
    for command in ("validate", "serve", "build"):
        assert f"playbookgen {command} {tmp_path / 'acme'}" in last, last


# How the full playbook's texts refer to what a smaller starter drops (issue 22, C11/C12): the first-meeting
# stage's follow-up e-mail, and the needs stage with its summary e-mail. A smaller starter must not point at them.
DROPPED_REFERENCES = {
    "pl": {3: ("podziękowania po spotkaniu", "po-pierwszym-spotkaniu", "pierwsze spotkanie", "pierwszym spotkaniu"),
           4: ("ocena potrzeb", "oceny potrzeb", "ocenie potrzeb", "rozmowy o potrzebach", "podsumowanie-potrzeb",
               "podsumowania potrzeb")},
    "en": {3: ("meeting follow-up", "meeting-follow-up", "first meeting", "initial contact"),
           4: ("needs assessment", "needs-assessment", "needs summary", "needs-summary", "needs call")},
}


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("starter", ["ecommerce-5", "minimal-4"])
def test_smaller_starters_point_at_no_stage_template_or_need_they_dropped(
        tmp_path: Path, starter: str, language: str) -> None:
    from playbookgen.starters import available_starters

    init_project(tmp_path, starter=starter, language=language)
    kept = available_starters()[starter].stages
    texts = {p.relative_to(tmp_path).as_posix(): p.read_text(encoding="utf-8").casefold()
             for p in [tmp_path / "playbook/playbook.yml", *sorted((tmp_path / "stages").glob("*.yml"))]}
    found = [(name, phrase) for position, phrases in DROPPED_REFERENCES[language].items() if position not in kept
             for phrase in phrases for name, text in texts.items() if phrase in text]
    assert not found, found
    project, _ = validate_project(tmp_path)
    assert project is not None
    settled = {e for s in project.stages for e in s.settles.get("bant", [])}
    assert settled == {"budget", "authority", "need", "timeline"}, f"{starter}/{language} settles only {settled}"
