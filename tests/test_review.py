"""A living playbook: owners and review dates on every kind of content, checked against an as-of day,
listed by `playbookgen review`, shown on the site, and a "what changed" page from git."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, build_file_tree, read_tree, run_cli
from playbookgen.load import as_of_date
from playbookgen.project import load_project, validate_project
from playbookgen.render.site import render_site
from playbookgen.review.items import review_items
from playbookgen.review.output import FIELDS, render_review
from playbookgen.starters import available_starters, compose

# The day the shipped playbooks were last reviewed as a whole (tests/test_content.py uses it too).
REVIEW_DAY = "2026-11-30"

PROJECT = {
    "playbook/playbook.yml": """
        title: Review test
        language: en
        stages: [first, second]
        review:
          every_days: 90
          owner: Sales Ops
    """,
    # reviewed on line 4, column 11; due 2026-04-10
    "stages/01-first.yml": """
        id: first
        name: First
        owner: Anna Nowak <anna@example.com>
        reviewed: 2026-01-10
        summary: The first stage.
        exit_criteria:
          - Budget confirmed
        techniques: [cold-calling]
    """,
    # its own interval: due 2026-05-20
    "stages/02-second.yml": """
        id: second
        name: Second
        reviewed: 2026-04-20
        review_every_days: 30
        summary: The second stage.
        exit_criteria:
          - Order signed
    """,
    "playbook/techniques.yml": """
        techniques:
          - id: cold-calling
            name: Cold calling
            summary: Calling prospects who do not expect it.
    """,
    # due 2026-07-24
    "playbook/guides/10-call.md": """
        ---
        owner: Ben Lis
        reviewed: 2026-04-25
        ---
        # The first call

        Say hello.
    """,
}
AS_OF = "2026-05-10"  # first overdue by 30 days, second due in 10, the guide ok, the technique never reviewed


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return build_file_tree(tmp_path / "project", dict(PROJECT))


def with_changes(root: Path, changes: dict[str, str | None]) -> Path:
    return build_file_tree(root, changes)


def base(name: str) -> str:
    """A file of PROJECT as written to disk, to add lines to."""
    return textwrap.dedent(PROJECT[name]).lstrip("\n")


# --- checks ----------------------------------------------------------------------------------------


def test_an_overdue_item_is_a_warning_naming_its_owner_and_days_and_fails_strict(project: Path) -> None:
    result = run_cli("validate", project, "--as-of", AS_OF)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "stages/01-first.yml:4:11: warning: stage 'first' is 30 days overdue for review (reviewed 2026-01-10, "
        "due 2026-04-10); owner: Anna Nowak <anna@example.com> [review-overdue]",
        "0 errors, 1 warning",
    ]
    assert run_cli("validate", project, "--as-of", AS_OF, "--strict").exit_code == 1
    # Its own interval wins over review.every_days. The day it falls due it is not overdue yet; the day after, it is.
    first = base("stages/01-first.yml")
    with_changes(project, {"stages/01-first.yml": first + "review_every_days: 120\n"})  # due 2026-05-10
    assert run_cli("validate", project, "--as-of", AS_OF, "--strict").exit_code == 0
    with_changes(project, {"stages/01-first.yml": first + "review_every_days: 119\n"})
    assert "stage 'first' is 1 day overdue for review (reviewed 2026-01-10, due 2026-05-09)" in \
        run_cli("validate", project, "--as-of", AS_OF).stdout


def test_a_review_in_the_future_is_an_error_at_its_place(project: Path) -> None:
    result = run_cli("validate", project, "--as-of", "2026-04-19")
    assert result.exit_code == 1
    assert ("stages/02-second.yml:3:11: error: 'reviewed' is 2026-04-20, after the as-of date 2026-04-19: "
            "a review cannot be in the future; is the date mistyped? [review-future]") in result.stdout.splitlines()


@pytest.mark.parametrize(("written", "message"), [
    ("2026-02-30", "'reviewed': '2026-02-30' is not a real calendar date [bad-value]"),
    ("2026-2-3", "'reviewed': '2026-2-3' is not a date: write it as YYYY-MM-DD, for example 2026-03-01 [bad-value]"),
    ('"last week"',
     "'reviewed': 'last week' is not a date: write it as YYYY-MM-DD, for example 2026-03-01 [bad-value]"),
])
def test_a_review_date_that_is_not_a_real_date_is_an_error_at_its_place(project: Path, written: str,
                                                                      message: str) -> None:
    text = PROJECT["stages/02-second.yml"].replace("2026-04-20", written)
    with_changes(project, {"stages/02-second.yml": text})
    result = run_cli("validate", project, "--as-of", AS_OF)
    assert result.exit_code == 1
    column = 11
    lines = result.stdout.splitlines()
    assert f"stages/02-second.yml:3:{column}: error: {message}" in lines and lines[-1] == "1 error, 1 warning"


def test_required_reviews_warn_where_a_date_is_missing(project: Path) -> None:
    playbook = base("playbook/playbook.yml") + "  required: true\n"
    with_changes(project, {"playbook/playbook.yml": playbook})
    lines = run_cli("validate", project, "--as-of", "2026-04-25").stdout.splitlines()
    assert lines == [
        "playbook/techniques.yml:2:5: warning: technique 'cold-calling' has no 'reviewed' date, and "
        "review.required is true in playbook.yml; owner: Sales Ops [review-missing]",
        "stages/01-first.yml:4:11: warning: stage 'first' is 15 days overdue for review (reviewed 2026-01-10, "
        "due 2026-04-10); owner: Anna Nowak <anna@example.com> [review-overdue]",
        "0 errors, 2 warnings",
    ]


@pytest.mark.parametrize(("setting", "expected"), [
    ("every_days: 0", "playbook/playbook.yml:5:15: error: 'every_days' must be at least 1, got 0 [out-of-range]"),
    ("required: yes",
     "playbook/playbook.yml:5:13: error: 'required' must be true or false, got the text 'yes' [wrong-type]"),
    ("every_day: 30", "playbook/playbook.yml:5:3: error: unknown field 'every_day' (did you mean 'every_days'?) "
                      "[unknown-field]"),
])
def test_review_settings_are_checked(project: Path, setting: str, expected: str) -> None:
    playbook = "title: T\nlanguage: en\nstages: [first, second]\nreview:\n  " + setting + "\n"
    with_changes(project, {"playbook/playbook.yml": playbook})
    result = run_cli("validate", project, "--as-of", AS_OF)
    assert result.exit_code == 1
    assert expected in result.stdout.splitlines()


def test_the_as_of_day_is_the_option_else_source_date_epoch_else_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1778371200")  # 2026-05-10T00:00:00Z
    assert as_of_date(None) == (dt.date(2026, 5, 10), "SOURCE_DATE_EPOCH")
    assert as_of_date("2026-01-02") == (dt.date(2026, 1, 2), "--as-of")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    day, source = as_of_date(None)
    assert source == "today" and day == dt.datetime.now(tz=dt.UTC).date()


def test_source_date_epoch_is_the_as_of_day_of_validate(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1778371200")  # 2026-05-10
    assert "30 days overdue" in run_cli("validate", project).stdout


@pytest.mark.parametrize("command", ["validate", "review", "build"])
def test_a_bad_as_of_is_a_usage_error(project: Path, command: str) -> None:
    result = run_cli(command, project, "--as-of", "10.05.2026")
    assert result.exit_code == 2
    assert result.stderr == "error: --as-of '10.05.2026' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-01\n"


# --- guides' front matter --------------------------------------------------------------------------


def test_a_guides_front_matter_is_read_and_left_out_of_its_page(project: Path) -> None:
    loaded, _ = load_project(project, as_of=dt.date.fromisoformat(AS_OF))
    guide = loaded.guides[0]
    assert (guide.title, guide.front.owner, guide.front.reviewed) == ("The first call", "Ben Lis", "2026-04-25")
    page = render_site(loaded).pages["guides/call.md"]
    assert page.startswith("# The first call\n\nOwner\\: Ben Lis · Last reviewed\\: 25 April 2026\n{: .pb-review }\n")
    assert "reviewed: 2026" not in page and "---" not in page


@pytest.mark.parametrize(("front", "expected"), [
    ("owner: Ben\nreviewed: 2026-13-01\n",
     "playbook/guides/10-call.md:3:11: error: 'reviewed': '2026-13-01' is not a real calendar date [bad-value]"),
    ("owner: Ben\ntitle: Call\n",
     "playbook/guides/10-call.md:3:1: error: unknown field 'title'; allowed: owner, reviewed, review_every_days "
     "[unknown-field]"),
    ("owner: [Ben\n", "playbook/guides/10-call.md:2:8: error: the list that starts with '[' here has no closing ']'"),
    ("# only a comment\n", None),
])
def test_front_matter_problems_are_reported_at_their_line_and_column(project: Path, front: str,
                                                                     expected: str | None) -> None:
    with_changes(project, {"playbook/guides/10-call.md": f"---\n{front}---\n# The first call\n\nSay hello.\n"})
    result = run_cli("validate", project, "--as-of", AS_OF)
    if expected is None:
        assert "10-call.md" not in result.stdout
        return
    assert result.exit_code == 1
    assert any(line.startswith(expected) for line in result.stdout.splitlines()), result.stdout


def test_a_front_matter_comment_is_not_taken_for_the_title(project: Path) -> None:
    with_changes(project, {"playbook/guides/10-call.md": "---\n# notes for the owner\nowner: Ben\n---\nNo title.\n"})
    result = run_cli("validate", project, "--as-of", AS_OF)
    assert "playbook/guides/10-call.md:1:1: error: a guide starts with a '# Title' line; none found [guide-title]" \
        in result.stdout.splitlines()


# --- playbookgen review ----------------------------------------------------------------------------

EXPECTED_ROWS = [
    {"kind": "stage", "id": "first", "file": "stages/01-first.yml", "line": 4, "owner": "Anna Nowak <anna@example.com>",
     "reviewed": "2026-01-10", "due": "2026-04-10", "status": "overdue", "days_overdue": 30},
    {"kind": "technique", "id": "cold-calling", "file": "playbook/techniques.yml", "line": 2, "owner": "Sales Ops",
     "reviewed": None, "due": None, "status": "never", "days_overdue": None},
    {"kind": "stage", "id": "second", "file": "stages/02-second.yml", "line": 3, "owner": "Sales Ops",
     "reviewed": "2026-04-20", "due": "2026-05-20", "status": "due-soon", "days_overdue": 0},
    {"kind": "guide", "id": "call", "file": "playbook/guides/10-call.md", "line": 3, "owner": "Ben Lis",
     "reviewed": "2026-04-25", "due": "2026-07-24", "status": "ok", "days_overdue": 0},
]


def test_review_text_is_a_table_overdue_first_with_a_summary(project: Path) -> None:
    result = run_cli("review", project, "--as-of", AS_OF)
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.splitlines() == [
        "Review as of 2026-05-10",
        "STATUS           DUE         REVIEWED    OWNER                          KIND       ID            WHERE",
        "overdue 30 days  2026-04-10  2026-01-10  Anna Nowak <anna@example.com>  stage      first         "
        "stages/01-first.yml:4",
        "never            -           -           Sales Ops                      technique  cold-calling  "
        "playbook/techniques.yml:2",
        "due-soon         2026-05-20  2026-04-20  Sales Ops                      stage      second        "
        "stages/02-second.yml:3",
        "ok               2026-07-24  2026-04-25  Ben Lis                        guide      call          "
        "playbook/guides/10-call.md:3",
        "1 overdue, 1 due within 14 days, 1 ok, 1 never reviewed",
    ]


def test_review_json_has_exactly_the_documented_fields(project: Path) -> None:
    result = run_cli("review", project, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows == EXPECTED_ROWS
    assert all(list(row) == list(FIELDS) for row in rows)


def test_review_csv_opens_as_a_spreadsheet(project: Path) -> None:
    result = run_cli("review", project, "--as-of", AS_OF, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert [list(row) for row in rows][0] == list(FIELDS)
    assert rows == [{k: "" if v is None else str(v) for k, v in row.items()} for row in EXPECTED_ROWS]
    loaded, _ = load_project(project, as_of=dt.date.fromisoformat(AS_OF))
    assert render_review(review_items(loaded), "csv", loaded.as_of).count("\r\n") == len(EXPECTED_ROWS) + 1


def test_review_github_annotates_what_needs_attention(project: Path) -> None:
    result = run_cli("review", project, "--as-of", AS_OF, "--format", "github")
    assert result.stdout.splitlines() == [
        "::warning file=stages/01-first.yml,line=4,col=11,title=review-overdue::stage 'first' is 30 days overdue "
        "for review (due 2026-04-10); owner: Anna Nowak <anna@example.com>",
        "::notice file=playbook/techniques.yml,line=2,col=5,title=review-never::technique 'cold-calling' has never "
        "been reviewed; owner: Sales Ops",
        "::notice file=stages/02-second.yml,line=3,col=11,title=review-due-soon::stage 'second' is due for review "
        "on 2026-05-20; owner: Sales Ops",
        "::notice title=playbook review::1 overdue, 1 due within 14 days, 1 ok, 1 never reviewed",
    ]


@pytest.mark.parametrize(("owner", "ids"), [
    ("sales ops", ["cold-calling", "second"]),
    ("anna@example.com", ["first"]),
    ("Nobody", []),
])
def test_review_owner_filters(project: Path, owner: str, ids: list[str]) -> None:
    result = run_cli("review", project, "--as-of", AS_OF, "--format", "json", "--owner", owner)
    assert [row["id"] for row in json.loads(result.stdout)] == ids


def test_review_exit_codes(project: Path) -> None:
    assert run_cli("review", project, "--as-of", AS_OF).exit_code == 0  # overdue, but not strict
    assert run_cli("review", project, "--as-of", AS_OF, "--strict").exit_code == 1
    with_changes(project, {"stages/01-first.yml": base("stages/01-first.yml") + "review_every_days: 365\n"})
    assert run_cli("review", project, "--as-of", AS_OF, "--strict").exit_code == 0  # nothing overdue now
    # Only what the filter keeps counts: Ben's guide is not overdue.
    assert run_cli("review", project, "--as-of", AS_OF, "--strict", "--owner", "Ben").exit_code == 0
    future = run_cli("review", project, "--as-of", "2026-01-01")  # every review is after that day: errors
    assert future.exit_code == 1 and "[review-future]" in future.stderr and future.stdout == ""
    assert run_cli("review", project.parent / "missing").exit_code == 2


def test_review_sorts_by_due_date_with_overdue_first(project: Path) -> None:
    with_changes(project, {"stages/02-second.yml": PROJECT["stages/02-second.yml"].replace("2026-04-20", "2025-12-01")})
    loaded, _ = load_project(project, as_of=dt.date.fromisoformat(AS_OF))
    items = review_items(loaded)
    assert [(i.id, i.status, i.days_overdue) for i in items] == [
        ("second", "overdue", 130), ("first", "overdue", 30), ("cold-calling", "never", None), ("call", "ok", 0)]


# --- the site --------------------------------------------------------------------------------------

GIT_PEOPLE = {"GIT_AUTHOR_NAME": "Gita Autorska", "GIT_AUTHOR_EMAIL": "gita@example.org",
              "GIT_COMMITTER_NAME": "Gita Autorska", "GIT_COMMITTER_EMAIL": "gita@example.org"}


def git(root: Path, *args: str, date: str = "2026-05-01T10:00:00Z") -> None:
    """Run git in ``root`` with fixed people and dates and no user or system configuration."""
    env = dict(os.environ, **GIT_PEOPLE, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date, GIT_CONFIG_NOSYSTEM="1",
               GIT_CONFIG_GLOBAL=os.devnull, HOME=str(root))
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


@pytest.fixture
def git_project(project: Path, require_tool) -> Path:
    """The project as a git repository with three commits of known dates and subjects."""
    if shutil.which("git") is None:
        require_tool("git is missing")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Start the playbook", date="2026-04-01T09:00:00Z")
    with_changes(project, {"stages/02-second.yml": base("stages/02-second.yml") + "signals: [They ask for a date]\n"})
    git(project, "commit", "-q", "-am", "Second stage: <b>signals</b> & more", date="2026-04-15T09:00:00Z")
    with_changes(project, {"notes.txt": "not part of the playbook\n"})
    git(project, "add", "notes.txt")
    git(project, "commit", "-q", "-m", "Notes outside the playbook", date="2026-04-20T09:00:00Z")
    return project


def article(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text[text.index("<article"):text.index("</article>")]


def test_the_site_shows_owners_review_dates_overdue_notes_and_what_changed(git_project: Path) -> None:
    result = run_cli("build", git_project, "--no-pdf", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert "review dates as of 2026-05-10 (--as-of)" in result.stdout
    site = git_project / "site"
    first = article(site / "stages/first.html")
    assert ('<p class="pb-review">Owner: Anna Nowak &lt;anna@example.com&gt; · Last reviewed: 10 January 2026 · '
            "Last changed: 1 April 2026</p>") in first
    assert ('<div class="admonition warning">\n<p class="admonition-title">Due for review</p>\n'
            "<p>Due for review since 10 April 2026; owner: Anna Nowak &lt;anna@example.com&gt;.</p>\n</div>") in first
    second = article(site / "stages/second.html")
    assert "Owner: Sales Ops · Last reviewed: 20 April 2026 · Last changed: 15 April 2026" in second
    assert "admonition" not in second  # due soon is not overdue
    techniques = article(site / "techniques.html")
    assert '<p class="pb-review">Last changed: 1 April 2026</p>' in techniques  # the page: its file's last commit
    assert "<p class=\"pb-review\">Owner: Sales Ops · Not reviewed yet</p>" in techniques  # the default owner
    changes = article(site / "changes.html")
    assert "<h1" in changes and "What changed" in changes
    entries = changes[changes.index("<ul>"):]
    assert entries.index("15 April 2026") < entries.index("1 April 2026")  # newest first
    assert ("<li><strong>15 April 2026</strong>: Second stage: &lt;b&gt;signals&lt;/b&gt; &amp; more<br />\n"
            '<a href="stages/second.html">Second</a></li>') in entries
    assert '<a href="guides/call.html">The first call</a>' in entries and '<a href="index.html">Home</a>' in entries
    assert "Notes outside the playbook" not in changes
    everything = b"".join(read_tree(site).values())
    assert b"Gita" not in everything and b"gita@" not in everything  # no author, anywhere
    footer = (site / "checklists/first.html").read_text(encoding="utf-8")
    assert '<span class="owner">Owner: Anna Nowak &lt;anna@example.com&gt;</span>' in footer
    assert '<span class="owner">Owner: Sales Ops</span>' in (site / "checklists/second.html").read_text()


def test_the_checklists_command_dates_each_sheet_as_its_stage_page(git_project: Path, tmp_path: Path) -> None:
    # `playbookgen checklists` (the sheets alone, for printing) reads git as `build` does: each sheet says
    # when its own stage last changed, as its page does, not the repository's newest commit (20 April, a
    # file outside the playbook).
    out = tmp_path / "sheets"
    result = run_cli("checklists", git_project, "-o", out)
    assert result.exit_code == 0, result.stderr
    built = run_cli("build", git_project, "--no-pdf", "--as-of", AS_OF)
    assert built.exit_code == 0, built.stderr
    for stage, day in (("first", "1 April 2026"), ("second", "15 April 2026")):
        assert f"Last changed: {day}" in article(git_project / "site" / "stages" / f"{stage}.html")
        sheet = (out / f"{stage}.html").read_text(encoding="utf-8")
        assert f'<span class="changed">Last changed: {day}</span>' in sheet, sheet[sheet.find("<footer"):][:400]
        assert "20 April 2026" not in sheet


def test_authors_are_named_only_when_the_team_asks(git_project: Path) -> None:
    def changes_page(show: bool) -> str:
        playbook = base("playbook/playbook.yml") + f"  show_authors: {str(show).lower()}\n"
        with_changes(git_project, {"playbook/playbook.yml": playbook})
        loaded, _ = load_project(git_project, as_of=dt.date.fromisoformat(AS_OF), history=True)
        return render_site(loaded).pages["changes.md"]

    hidden, shown = changes_page(False), changes_page(True)
    assert "Gita" not in hidden and "gita@" not in hidden
    assert "Second stage\\: &lt;b&gt;signals&lt;/b&gt; &amp; more (Gita Autorska)" in shown
    assert "gita@" not in shown  # e-mails are never read


def test_the_what_changed_page_lists_only_the_last_commits(git_project: Path) -> None:
    playbook = base("playbook/playbook.yml") + "  changes: 1\n"
    with_changes(git_project, {"playbook/playbook.yml": playbook})
    loaded, _ = load_project(git_project, as_of=dt.date.fromisoformat(AS_OF), history=True)
    page = render_site(loaded).pages["changes.md"]
    assert "15 April 2026" in page and "1 April 2026" not in page
    assert loaded.history is not None and loaded.history.last_changed["stages/01-first.yml"] == 1775034000


def test_without_git_the_page_says_so_and_the_build_goes_on(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(project.parent))  # no repository above the project counts
    result = run_cli("build", project, "--no-pdf", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    changes = article(project / "site/changes.html")
    assert "The history of changes is not available: this playbook was built outside a git repository" in changes
    assert "Last changed" not in article(project / "site/stages/first.html")


def test_a_shallow_clone_warns_once_and_leaves_the_history_out(git_project: Path, tmp_path: Path) -> None:
    """A CI checkout of depth 1 has only the last commit: the build says so and shows no dates from it."""
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{git_project}", str(clone))
    assert subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=clone, capture_output=True,
                          text=True, check=True).stdout.strip() == "true"
    result = run_cli("build", clone, "--no-pdf", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "[shallow-clone]" in line]
    assert len(warnings) == 1 and "fetch-depth: 0" in warnings[0], result.stderr
    assert "Last changed" not in article(clone / "site/stages/first.html")
    changes = article(clone / "site/changes.html")
    assert "from a shallow clone" in changes and "20 April 2026" not in changes
    # The full clone, for comparison, shows the right dates.
    full = run_cli("build", git_project, "--no-pdf", "--as-of", AS_OF)
    assert full.exit_code == 0 and "[shallow-clone]" not in full.stderr
    assert "Last changed: 1 April 2026" in article(git_project / "site/stages/first.html")


def test_overdue_notes_speak_the_playbooks_language(project: Path) -> None:
    playbook = PROJECT["playbook/playbook.yml"].replace("language: en", "language: pl")
    with_changes(project, {"playbook/playbook.yml": playbook})
    loaded, _ = load_project(project, as_of=dt.date.fromisoformat(AS_OF))
    page = render_site(loaded).pages["stages/first.md"]
    assert "Właściciel\\: Anna Nowak &lt;anna@example\\.com&gt; · Ostatni przegląd\\: 10 stycznia 2026" in page
    assert '!!! warning "Czeka na przegląd"' in page
    assert "Czeka na przegląd od 10 kwietnia 2026; właściciel\\: Anna Nowak" in page


def test_two_builds_with_one_source_date_epoch_are_byte_identical(git_project: Path, tmp_path: Path) -> None:
    """Review lines, overdue notes and the git history, the same bytes in two processes set up differently."""
    outputs = []
    for n, extra in enumerate([{"TZ": "UTC", "PYTHONHASHSEED": "1"},
                               {"TZ": "Pacific/Kiritimati", "PYTHONHASHSEED": "77", "LC_ALL": "C.UTF-8"}]):
        env = dict(os.environ, SOURCE_DATE_EPOCH="1778371200", PLAYBOOKGEN_CACHE_DIR=str(tmp_path / f"c{n}"), **extra)
        out = tmp_path / f"site-{n}"
        command = [sys.executable, "-m", "playbookgen", "build", str(git_project), "--site-dir", str(out), "--no-pdf"]
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
        assert done.returncode == 0, done.stderr
        assert "review dates as of 2026-05-10 (SOURCE_DATE_EPOCH)" in done.stdout
        outputs.append(read_tree(out))
    first, second = outputs
    assert "Due for review since 10 April 2026" in first["stages/first.html"].decode()
    assert "Second stage" in first["changes.html"].decode()
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


# --- the shipped playbooks -------------------------------------------------------------------------


def test_the_repository_playbook_has_an_owner_and_a_review_date_everywhere() -> None:
    loaded, diagnostics = load_project(REPO, as_of=dt.date.fromisoformat(REVIEW_DAY))
    assert diagnostics == []
    items = review_items(loaded)
    kinds = {item.kind for item in items}
    assert kinds == {"stage", "technique", "framework", "metric", "case-study", "objection", "email", "guide"}
    assert [i for i in items if i.owner is None or i.reviewed is None or i.status != "ok"] == []
    assert loaded.playbook.review.required


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("starter", list(available_starters()))
def test_each_starter_as_shipped_validates_with_no_warnings_at_its_own_date(tmp_path: Path, starter: str,
                                                                            language: str) -> None:
    build_file_tree(tmp_path, {name: data for name, data in compose(starter, language).items()})
    loaded, diagnostics = validate_project(tmp_path, as_of=dt.date.fromisoformat(REVIEW_DAY))
    assert diagnostics == [] and loaded is not None
    assert all(item.owner and item.reviewed and item.status == "ok" for item in review_items(loaded))


def test_init_leaves_the_starter_never_reviewed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nobody at the team has reviewed the starter: no date says they have (issue 23 #6)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893456000")  # 2030-01-01: the shipped dates would all be overdue
    assert run_cli("init", tmp_path / "new", "--language", "en").exit_code == 0
    loaded, diagnostics = load_project(tmp_path / "new")
    assert diagnostics == []
    assert {(item.reviewed, item.status) for item in review_items(loaded)} == {(None, "never")}
    assert run_cli("review", tmp_path / "new", "--strict").exit_code == 0  # never reviewed is not overdue
