"""The Pipeline health page and each stage's panel: a team's deals export in, figures on the site out.

A small English playbook with hand-made deals whose figures are known (worked out in DEALS' comment),
built through the CLI as a sales-ops person would, and the renderer's pure functions on their own.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPO, read_tree, run_cli
from playbookgen.build import DealsOptions, analyse_deals, build_site
from playbookgen.health.report import HealthReport, SourceInfo, StageHealth, StalledDeal, Totals
from playbookgen.i18n import labels
from playbookgen.project import load_project
from playbookgen.render.health import findings, health_page
from playbookgen.render.site import render_site

AS_OF = "2024-06-01"
PLAYBOOK = {
    "stages/01-first.yml": """
        id: first
        name: First
        summary: The first stage.
        probability: 10
        max_days: 10
        exit_criteria:
          - Budget confirmed
        techniques: [cold-calling]
    """,
    "stages/02-second.yml": """
        id: second
        name: Second
        summary: The second stage.
        probability: 50
        max_days: 30
        exit_criteria:
          - Proposal accepted
    """,
}


def deals_csv(second: str = "Second", name: str = "Deal {n}") -> str:
    """40 deals in our csv format, all entering First on 2024-01-01 (deal n at hour n):

    - 1-10: First 20 days, Second 3 days, won;  11-20: First 10 days, Second 3 days, lost;
    - 21-35: First 5 days, lost;                36-40: still in First (stalled: 150+ days > 10).
    So reached First 40, went on 20 (50%); reached Second 20, went on 10 (50%); closed 35;
    win rate from First 10/35 = 29%, Wilson interval 16%-45% (probability 10%: outside, so 29% is suggested),
    from Second 10/20 = 50%, 30%-70% (as set; and 20 closed deals are too few to suggest anything anyway);
    days in First, Kaplan-Meier: 15 x 5, 10 x 10, 10 x 20 ended and 5 open for 150+ days: S = 25/40 at 5,
    x 15/25 = 0.375 at 10 (median 10), x 5/15 = 0.125 at 20, then only censored stays: no p90 yet, but its
    interval's lower end is 20 (the band's bottom, 0.125 x exp(-1.96 x 0.40) = 0.057 <= 0.1, at 20) > max_days
    10; in Second 20 stays of 3 days: median, p90 and its interval all 3 (20 of 30 ended stays: no suggestion).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["deal_id", "stage", "entered_at", "amount", "currency", "name"])
    for n in range(1, 41):
        start = f"2024-01-01T{n % 24:02d}:00:00Z" if n < 24 else f"2024-01-02T{n % 24:02d}:00:00Z"
        day = 1 if n < 24 else 2
        rows = [("First", start)]
        if n <= 20:
            first_days = 20 if n <= 10 else 10
            rows += [(second, f"2024-01-{day + first_days:02d}T{n % 24:02d}:00:00Z"),
                     ("Closed Won" if n <= 10 else "Closed Lost",
                      f"2024-01-{day + first_days + 3:02d}T{n % 24:02d}:00:00Z")]
        elif n <= 35:
            rows.append(("Closed Lost", f"2024-01-{day + 5:02d}T{n % 24:02d}:00:00Z"))
        for stage, at in rows:
            writer.writerow([f"D{n}", stage, at, "1000", "EUR", name.format(n=n)])
    return out.getvalue()


@pytest.fixture
def project(make_project):
    """make(files) -> the minimal English playbook with stage limits, deals.csv and ``files``."""

    def make(files: dict[str, str | bytes | None] | None = None, deals: str | None = None) -> Path:
        return make_project({**PLAYBOOK, "deals.csv": deals if deals is not None else deals_csv(), **(files or {})})

    return make


def build(root: Path, *extra: str):
    return run_cli("build", root, "--no-pdf", "--deals", root / "deals.csv", "--deals-format", "csv",
                   "--as-of", AS_OF, *extra)


def text_of(html: str) -> str:
    """The page's visible words (tags dropped, entities decoded, white space folded)."""

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def article(html: str) -> str:
    return html[html.index("<article"):html.index("</article>")]


# --- through the CLI ------------------------------------------------------------------------------


def test_build_with_deals_adds_the_health_page_and_stage_panels(project) -> None:
    root = project()
    result = build(root)
    assert result.exit_code == 0, result.stderr
    page = (root / "site" / "health.html").read_text(encoding="utf-8")
    words = text_of(article(page))
    # Named relative to the project (no machine path on a published page), with its format and size.
    assert "Source: deals.csv (CSV export): 40 deals in 95 rows" in words
    assert "As of: 1 June 2024, 00:00 UTC" in words
    # The funnel, time in stage, win rates, open and stalled, each an SVG with its table.
    assert page.count("<svg") >= 4 and page.count('role="img"') == 4
    tables = re.findall(r"<table>.*?</table>", page, re.S)
    assert len(tables) == 4
    funnel, days, win, open_ = (text_of(t) for t in tables)
    assert "First 40 20 50% Second 20 10 50%" in funnel
    assert "First 10.0 no data 20.0 or more 35 5 10 Second 3.0 3.0 3.0–3.0 20 0 30" in days
    assert "First 35 29% 16%–45% 10% Second 20 50% 30%–70% 50%" in win
    assert "First 5 5 10 Second 0 0 30" in open_
    assert "Deals: 40 (5 open, 10 won, 25 lost)" in words
    assert "Average won amount: 1,000.00 EUR" in words
    # What the data says: First's probability is outside its interval (35 closed deals), and its p90 is at least
    # 20 days; Second has too few closed deals and ended stays to judge.
    said = words[words.index("What the data says"):words.index("The whole pipeline")]
    assert "First: Of the 35 closed deals that reached this stage, 29% were won (95% interval 16%–45%); the " \
           "playbook says 10%. Suggested probability: 29%." in said
    assert "Stall limit: too many stays are still open for a p90 yet (5 still open, 35 ended), but it is at " \
           "least 20.0 days, and the stall limit is 10 days." in said
    assert "Second: Probability: not enough data yet (20 of 30 closed deals). Stall limit: not enough data yet " \
           "(20 of 30 ended stays)." in said
    assert "SAMPLE" not in page  # real data is not labelled as a sample
    stage = text_of(article((root / "site" / "stages" / "first.html").read_text(encoding="utf-8")))
    assert "as of 1 June 2024, 00:00 UTC" in stage
    assert "Reached: 40 deals; 50% went on" in stage
    assert "Days in this stage: median 10.0, p90 at least 20.0 (limit 10); 35 ended, 5 still open" in stage
    assert "Open now: 5, of which 5 stalled" in stage
    assert "Win rate from here: 29% of 35 closed deals, 95% interval 16%–45% (probability 10%)" in stage
    assert 'href="../health.html"' in (root / "site" / "stages" / "first.html").read_text(encoding="utf-8")
    nav = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="health.html"' in nav


def test_without_deals_there_is_no_health_page(project) -> None:
    root = project()
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 0, result.stderr
    assert not (root / "site" / "health.html").exists()
    assert "Pipeline health" not in article((root / "site" / "stages" / "first.html").read_text(encoding="utf-8"))
    assert 'href="health.html"' not in (root / "site" / "index.html").read_text(encoding="utf-8")


def test_playbook_yml_deals_entry_builds_the_page_without_options(project) -> None:
    root = project({"playbook/playbook.yml": """
        title: Test playbook
        language: en
        stages: [first, second]
        deals: {file: deals.csv, format: csv, as_of: 2024-06-01}
    """})
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 0, result.stderr
    words = text_of(article((root / "site" / "health.html").read_text(encoding="utf-8")))
    assert "deals.csv (CSV export): 40 deals in 95 rows" in words and "As of: 1 June 2024" in words


def test_as_of_on_the_command_line_wins(project) -> None:
    root = project()
    result = run_cli("build", root, "--no-pdf", "--deals", root / "deals.csv", "--deals-format", "csv",
                     "--as-of", "2024-01-10")
    assert result.exit_code == 0, result.stderr
    words = text_of(article((root / "site" / "health.html").read_text(encoding="utf-8")))
    assert "As of: 10 January 2024, 00:00 UTC" in words


def test_bad_deal_data_is_listed_on_the_page_and_fails_only_a_strict_build(project) -> None:
    root = project()
    assert run_cli("build", root, "--no-pdf").exit_code == 0
    before = read_tree(root / "site")
    (root / "deals.csv").write_text(deals_csv().replace("2024-01-02T05:00:00Z", "the 2nd of January", 1),
                                    encoding="utf-8")
    strict = build(root, "--strict")
    assert strict.exit_code == 1 and "Traceback" not in strict.stderr
    problem = next(line for line in strict.stderr.splitlines() if "the 2nd of January" in line)
    assert re.match(r"deals\.csv:78:3: error", problem), problem  # row 78 as a spreadsheet numbers it
    assert "entered_at" in problem
    assert read_tree(root / "site") == before  # a failed build keeps the old site
    result = build(root)
    assert result.exit_code == 0, result.stderr
    problem = next(line for line in result.stderr.splitlines() if "the 2nd of January" in line)
    assert re.match(r"deals\.csv:78:3: warning", problem), problem
    words = text_of(article((root / "site" / "health.html").read_text(encoding="utf-8")))
    assert "Problems in the deals file" in words
    assert "deals.csv:78:3: 'entered_at': 'the 2nd of January' is not a date or time this reader knows" in words
    assert "Rows left out because of a problem in the file: 1" in words


def test_a_deals_file_that_cannot_be_read_leaves_the_page_out_not_the_site(project) -> None:
    root = project(deals="deal_id;etap\r\n1;First\r\n")
    result = build(root)
    assert result.exit_code == 0, result.stderr
    assert "deals.csv:1:1: warning: the csv export needs a column 'stage' (stage)" in result.stderr
    assert "the site is built without its pipeline health page [deals-page-left-out]" in result.stderr
    assert (root / "site" / "index.html").exists() and not (root / "site" / "health.html").exists()
    assert build(root, "--strict", "--site-dir", root / "strict-site").exit_code == 1


def test_an_unknown_stage_warns_and_fails_strict(project) -> None:
    root = project(deals=deals_csv().replace("First,2024-01-01T01", "Firts,2024-01-01T01"))
    result = build(root)
    assert result.exit_code == 0, result.stderr
    assert "Firts" in result.stderr and "warning" in result.stderr
    assert (root / "site" / "health.html").exists()
    strict = build(root, "--strict", "--site-dir", root / "strict-site")
    assert strict.exit_code == 1
    assert not (root / "strict-site").exists()


def test_a_missing_deals_file_is_one_clear_error(project) -> None:
    root = project()
    result = run_cli("build", root, "--no-pdf", "--deals", root / "nope.csv", "--deals-format", "csv")
    assert result.exit_code == 1
    assert "the deals file does not exist" in result.stderr and "Traceback" not in result.stderr


HOSTILE = '<img src=x onerror=alert(1)>"&'
HOSTILE_DEAL = "</svg><script>alert(2)</script>"


def test_text_from_the_export_and_the_yaml_never_becomes_markup(project) -> None:
    root = project({
        "stages/02-second.yml": PLAYBOOK["stages/02-second.yml"].replace("name: Second", f"name: '{HOSTILE}'"),
        "playbook/playbook.yml": """
            title: Test playbook
            language: en
            stages: [first, second]
            deals: {file: "deals<i>.csv", format: csv, as_of: 2024-06-01, list_stalled: true}
        """,
        "deals<i>.csv": deals_csv(second=HOSTILE, name=HOSTILE_DEAL),
    })
    result = run_cli("build", root, "--no-pdf")
    assert result.exit_code == 0, result.stderr
    for path in ("health.html", "stages/second.html", "stages/first.html"):
        text = (root / "site" / path).read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text and "<i>" not in text, path
    page = (root / "site" / "health.html").read_text(encoding="utf-8")
    words = text_of(article(page))
    assert f"{HOSTILE_DEAL} 150.5" in words  # the stalled deals, by name, as plain text
    assert "deals<i>.csv (CSV export)" in words
    svg_texts = re.findall(r"<text [^>]*>([^<]*)</text>", page)
    assert "&lt;img src=x onerror=alert(1)&gt;&#34;&amp;" in svg_texts and HOSTILE in map(html.unescape, svg_texts)


def test_two_builds_with_deals_are_byte_identical(project, tmp_path: Path) -> None:
    root = project()
    env = dict(os.environ)
    try:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
        for name in ("one", "two"):
            build_site(root, tmp_path / name, pdfs=False, deals=DealsOptions(str(root / "deals.csv"), "csv", AS_OF))
    finally:
        os.environ.clear()
        os.environ.update(env)
    one, two = read_tree(tmp_path / "one"), read_tree(tmp_path / "two")
    assert "health.html" in one and one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []


PIPEDRIVE_HEADER = ("ID", "Title", "Stage", "Status", "Value", "Currency", "Deal created", "Last stage change",
                    "Won time", "Lost time")
PIPEDRIVE = ",".join(f"Deal - {h}" for h in PIPEDRIVE_HEADER) + """
1,A,First,open,100,EUR,2024-01-01,2024-01-01,,
2,B,Second,won,100,EUR,2024-01-01,2024-01-10,2024-01-20,
3,C,Second,lost,100,EUR,2024-01-01,2024-01-10,,2024-01-15
"""


def test_a_pipedrive_export_says_which_figures_need_history(project) -> None:
    root = project(deals=PIPEDRIVE)
    result = run_cli("build", root, "--no-pdf", "--deals", root / "deals.csv", "--deals-format", "pipedrive",
                     "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    page = (root / "site" / "health.html").read_text(encoding="utf-8")
    words = text_of(article(page))
    assert ("A Pipedrive export holds each deal's current stage but not its history, so these figures cannot be "
            "computed from it: reached, conversion, days in stage, and the win rate from each stage.") in words
    assert page.count('role="img"') == 1 and "Open and stalled deals" in words  # what a snapshot allows
    assert "Funnel" not in words
    stage = text_of(article((root / "site" / "stages" / "first.html").read_text(encoding="utf-8")))
    assert "Open now: 1, of which 1 stalled" in stage and "Reached" not in stage


@pytest.mark.parametrize(("language", "said"), [
    ("en", ["Source: deals.csv (snapshot export): 3 deals in 3 rows",
            "A snapshot export holds each deal's current stage but not its history"]),
    ("pl", ["Źródło: deals.csv (eksport snapshot): transakcje: 3, wiersze: 3",
            "Eksport snapshot zawiera obecny etap każdej transakcji"]),
])
def test_a_snapshot_export_is_named_as_the_page_reads_it(project, language: str, said: list[str]) -> None:
    # The format's name sits inside a sentence in either language: no English article in it ('A a snapshot
    # export', 'eksport a snapshot').
    root = project({"playbook/playbook.yml": f"""
        title: Test playbook
        language: {language}
        stages: [first, second]
    """}, deals=PIPEDRIVE.replace("Deal - ", ""))
    result = run_cli("build", root, "--no-pdf", "--deals", root / "deals.csv", "--deals-format", "snapshot",
                     "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    words = text_of(article((root / "site" / "health.html").read_text(encoding="utf-8")))
    for sentence in said:
        assert sentence in words, words
    assert "a snapshot" not in words.replace("A snapshot", "")


def test_the_sample_export_is_labelled_sample_on_every_page_it_shows() -> None:
    project, _ = load_project(REPO)
    report, problems = analyse_deals(project, DealsOptions(str(REPO / "examples/sample-deals-hubspot.csv"), "hubspot"))
    assert report is not None and problems == [] and report.sample
    files = render_site(project, health=report).pages
    assert "Dane PRZYKŁADOWE (SAMPLE)" in files["health.md"]
    assert "zmyślonych transakcji" in files["health.md"]
    assert all("(Dane PRZYKŁADOWE \\(SAMPLE\\))" in files[f"stages/{s.id}.md"] for s in report.stages)


def test_a_file_with_one_real_deal_among_sample_ones_is_not_called_sample(project) -> None:
    deals = deals_csv(name="SAMPLE deal {n} (synthetic)").replace("SAMPLE deal 7 ", "Acme renewal ")
    root = project(deals=deals)
    project_, _ = load_project(root)
    report, _ = analyse_deals(project_, DealsOptions(str(root / "deals.csv"), "csv", AS_OF))
    assert report is not None and not report.sample
    all_sample, _ = analyse_deals(load_project(project(deals=deals_csv(name="SAMPLE deal {n}")))[0],
                                  DealsOptions(str(root / "deals.csv"), "csv", AS_OF))
    assert all_sample is not None and all_sample.sample


def test_a_polish_playbook_gets_polish_words_and_numbers(project) -> None:
    root = project({"playbook/playbook.yml": """
        title: Test playbook
        language: pl
        stages: [first, second]
    """})
    assert build(root).exit_code == 0
    words = text_of(article((root / "site" / "health.html").read_text(encoding="utf-8")))
    assert "Kondycja pipeline'u" in words and "Stan na: 1 czerwca 2024, 00:00 UTC" in words
    assert "Średnia wartość wygranej transakcji: 1 000,00 EUR" in words
    assert "zbyt wiele transakcji jest wciąż na etapie, by wyznaczyć p90 (wciąż na etapie: 5, zakończone: 35), ale " \
           "wynosi ono co najmniej 20,0 dni" in words
    assert "Źródło: deals.csv (eksport CSV): transakcje: 40, wiersze: 95" in words


# --- the renderer's pure parts ----------------------------------------------------------------------


def stage(id_: str, *, win_rate: float | None = None, probability: int | None = None, p90: float | None = None,
          max_days: int | None = None) -> StageHealth:
    return StageHealth(id_, id_.title(), 10, 5, 0.5, 1.0, p90, 1, 0, max_days, win_rate, probability)


def report(stages: list[StageHealth], won: int, lost: int) -> HealthReport:
    totals = Totals(won + lost, 0, won, lost, None, None, None, None, None, None)
    return HealthReport(datetime(2024, 6, 1, tzinfo=UTC), SourceInfo("d.csv", "csv", 1, 1, 0), stages,
                        totals, True)


FEW = "Probability: not enough data yet ({} of 30 closed deals)."


@pytest.mark.parametrize(("changes", "expected"), [
    ({"closed": 29, "won": 9}, [FEW.format(29)]),  # too few closed deals: how far from 30
    ({"closed": 30, "won": 9, "win_rate": 0.3, "win_rate_low": 0.167, "win_rate_high": 0.479,
      "suggested_probability": 30},
     ["Of the 30 closed deals that reached this stage, 30% were won (95% interval 17%–48%); the playbook says 10%. "
      "Suggested probability: 30%."]),
    ({"closed": 30, "won": 3}, []),  # enough deals, and the metrics suggested nothing: the value stands
    ({"closed": 30, "max_days": 14, "ended_stays": 29, "p90_days": 20.0}, ["Stall limit: not enough data yet "
                                                                           "(29 of 30 ended stays)."]),
    ({"closed": 30, "max_days": 14, "ended_stays": 30, "p90_days": 20.0, "p90_low_days": 16.0, "p90_high_days": 25.0,
      "suggested_max_days": 20},
     ["1 in 10 deals stayed longer than 20.0 days (95% interval 16.0–25.0); the stall limit is 14 days. Suggested "
      "stall limit: 20 days, or find out why deals stall here."]),
    ({"closed": 1, "won": 1, "probability": None}, []),  # no probability in the playbook: nothing to hold it to
])
def test_what_the_data_says(changes: dict[str, object], expected: list[str]) -> None:
    """The page says what the metrics decided (tested in test_health_stats.py), or how far a stage is from 30."""
    s = replace(stage("a", probability=10), **changes)  # type: ignore[arg-type]
    said, why_not = findings(report([s], 0, 0), labels("en"), "en")
    assert [f["text"] for f in said] == ([" ".join(expected)] if expected else [])
    assert why_not == (None if expected else labels("en")["health_findings_none"])


@pytest.mark.parametrize(("changes", "expected"), [
    # After a decimal fraction Polish takes the genitive singular ("20,5 dnia"), after 1 "dzień", else "dni".
    ({"closed": 30, "max_days": 14, "ended_stays": 30, "p90_days": 20.5, "p90_low_days": 16.0, "p90_high_days": 25.0,
      "suggested_max_days": 21},
     "1 na 10 transakcji była na tym etapie dłużej niż 20,5 dnia (przedział 95%: 16,0–25,0); limit to 14 dni. "
     "Zaproponuj limit 21 dni albo sprawdź, dlaczego transakcje tu utykają."),
    ({"closed": 30, "max_days": 1, "ended_stays": 30, "p90_days": 2.0, "p90_low_days": 1.5, "p90_high_days": 3.0,
      "suggested_max_days": 2},
     "1 na 10 transakcji była na tym etapie dłużej niż 2,0 dnia (przedział 95%: 1,5–3,0); limit to 1 dzień. "
     "Zaproponuj limit 2 dni albo sprawdź, dlaczego transakcje tu utykają."),
])
def test_polish_days_take_the_form_their_number_needs(changes: dict[str, object], expected: str) -> None:
    s = replace(stage("a", probability=None), **changes)  # type: ignore[arg-type]
    said, _ = findings(report([s], 0, 0), labels("pl"), "pl")
    assert [f["text"] for f in said] == [expected]


def test_without_history_the_page_says_suggestions_need_it() -> None:
    said, why_not = findings(replace(report([stage("a", probability=10)], 40, 0), has_history=False),
                             labels("en"), "en")
    assert said == [] and why_not == "Suggestions need each deal's stage history, which this export does not hold."


def test_bars_scale_to_the_largest_figure_and_missing_figures_draw_nothing() -> None:
    stages = [stage("a", p90=20.0, max_days=10), stage("b", p90=None, max_days=40)]
    page = health_page(report(stages, 20, 20), labels("en"), "en")
    charts = {anchor: chart for anchor, _, chart in page.charts}
    days = charts["days"]
    outlines = [b for b in days.bars if b["class"] == "pb-bar-outline"]
    assert len(outlines) == 1  # b has no p90: no bar, and its table row says so
    assert outlines[0]["width"] == "150.0"  # 20 of the largest (b's limit, 40) over a 300-unit plot
    assert [m["x"] for m in days.marks] == ["76.0", "301.0"]  # limits 10 and 40
    assert days.table.rows[1] == ["B", "1.0", "no data", "no data", "no data", "no data", "40"]


def test_the_win_rate_chart_draws_each_interval_under_its_bar() -> None:
    stages = [replace(stage("a", win_rate=0.3, probability=10), win_rate_low=0.2, win_rate_high=0.45),
              stage("b", win_rate=0.5, probability=50)]  # no interval: no range drawn
    charts = {anchor: chart for anchor, _, chart in health_page(report(stages, 20, 20), labels("en"), "en").charts}
    # Along a 300-unit plot from x = 1: 0.2 -> 61, 0.45 -> 136; under the first row's bar (24 + 22).
    assert charts["win-rate"].ranges == [{"x1": "61.0", "x2": "136.0", "y": "46.0"}]
    assert ("pb-sw-range", "95% interval of the win rate") in charts["win-rate"].legend


def test_a_build_without_deals_does_not_load_duckdb(project) -> None:
    """DuckDB costs about 0.1 s to import: only a build given deals pays for it."""
    root = project()
    code = ("import sys; from pathlib import Path; from playbookgen.build import build_site; "
            f"build_site(Path({str(root)!r}), pdfs=False); print('duckdb' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_stalled_deals_are_listed_by_stage_with_how_many_more_the_report_left_out() -> None:
    base = report([stage("a"), stage("b")], 1, 1)
    listed = [StalledDeal("a", "D1", "Acme", 40.25), StalledDeal("a", "D2", None, 31.0),
              StalledDeal("b", "D3", "Beta", 12.0)]
    stages = [StageHealth("a", "A", 10, 5, 0.5, 1.0, 2.0, 4, 3, 10, None, None),
              StageHealth("b", "B", 10, 5, 0.5, 1.0, 2.0, 1, 1, 10, None, None)]
    page = health_page(replace(base, stages=stages, stalled_deals=listed), labels("en"), "en")
    assert page.stalled is not None
    # 40.25 rounds half up to 40.3, as a spreadsheet shows it (Python's round() gives 40.2).
    assert page.stalled.rows == [["A", "Acme", "40.3"], ["A", "D2", "31.0"], ["A", "and 1 more", ""],
                                 ["B", "Beta", "12.0"]]
    assert health_page(base, labels("en"), "en").stalled is None  # without list_stalled: no names at all
