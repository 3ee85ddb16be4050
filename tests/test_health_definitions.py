"""Issue 21's definitions (docs/health.md, "How each figure is defined") on small hand-made histories, each
answer worked out by hand in a comment: through `playbookgen health` and `build --deals`, and the library."""

from __future__ import annotations

import pytest

from conftest import run_cli
from playbookgen.health.stats import brier, suggested_max_days, suggested_probability, wilson
from playbookgen.i18n import format_number, half_up, plural
from test_health import health_json, our_csv, project_with  # noqa: F401 - the fixture

Row = tuple[str, str, float, str, str]


def test_a_deal_counts_in_a_stage_only_from_its_first_entry_on(project_with) -> None:  # noqa: F811
    history: list[Row] = [
        ("m1", "Stage C", 0, "", ""), ("m1", "Closed Won", 5, "", ""),  # created at C: reaches C and D only
        ("m2", "Stage A", 0, "", ""), ("m2", "Stage B", 2, "", ""), ("m2", "Closed Lost", 4, "", ""),
        ("m3", "Closed Lost", 0, "", ""),  # straight into lost: reaches no stage
        ("m4", "Stage B", 0, "", ""),  # open in B, entered there
        ("m5", "Stage C", 0, "", ""), ("m5", "Stage B", 1, "", ""),  # created at C, back to B and open there
    ]
    data, stderr, code = health_json(project_with(our_csv(history)), "csv", "--as-of", "2024-01-11")
    assert code == 0, stderr
    got = {s["id"]: (s["reached"], s["converted"], s["closed"], s["won"]) for s in data["stages"]}
    # A: m2 (went on to B, lost). B: m2, m4 and m5 (open there now, so it has reached B; m5 went on, to C,
    # before). C: m1 (went on: won) and m5 (first stage; not further). D: m1 (won).
    # The old rule (furthest stage only) counted m1, m4 and m5 in A as well: 4 reached A, not 1.
    assert got == {"a": (1, 1, 1, 0), "b": (3, 1, 1, 0), "c": (2, 1, 1, 1), "d": (1, 1, 1, 1)}


def test_days_in_stage_is_kaplan_meier_with_open_stays_censored(project_with) -> None:  # noqa: F811
    history: list[Row] = [
        ("k1", "Stage A", 0, "", ""), ("k1", "Closed Lost", 2, "", ""),
        ("k2", "Stage A", 0, "", ""), ("k2", "Closed Lost", 4, "", ""),
        ("k3", "Stage A", 0, "", ""), ("k3", "Closed Lost", 4, "", ""),
        ("k4", "Stage A", 0, "", ""), ("k4", "Closed Lost", 7, "", ""),
        ("k5", "Stage A", 6, "", ""),  # open: 4 days at as-of (day 10), the same time as two ended stays
        ("k6", "Stage A", 5, "", ""),  # open: 5 days
    ]
    root = project_with(our_csv(history))
    data, stderr, code = health_json(root, "csv", "--as-of", "2024-01-11")
    assert code == 0, stderr
    a = data["stages"][0]
    # Times 2 (ended), 4 (2 ended, 1 open), 5 (open), 7 (ended). At 4 the ended stays come first, so the open
    # one is still at risk: S(2) = 5/6; S(4) = 5/6 x (1 - 2/5) = 1/2 exactly: the median is 4; S(7) = 0: p90 7.
    # Greenwood: 1/(6x5) + 2/(5x3) = 1/6 at 4, infinite at 7, where the band closes: the p90's interval is 7-7.
    # Ended stays only (the old way) gave a median of 4 and an interpolated p90 of 6.1.
    assert (a["median_days"], a["p90_days"], a["p90_low_days"], a["p90_high_days"]) == (4.0, 7.0, 7.0, 7.0)
    assert (a["ended_stays"], a["open_stays"]) == (4, 2)
    text = run_cli("health", root, "--deals", root / "deals.csv", "--deals-format", "csv", "--as-of", "2024-01-11")
    row = next(line for line in text.stdout.splitlines() if line.startswith("Stage A"))
    assert row.split()[:9] == ["Stage", "A", "6", "0%", "4.0", "7.0", "[7.0–7.0]", "4", "2"]


def test_a_curve_that_stays_above_the_level_has_no_quantile(project_with) -> None:  # noqa: F811
    history: list[Row] = [("o1", "Stage A", 0, "", ""), ("o1", "Closed Lost", 3, "", ""),
                          ("o2", "Stage A", 0, "", ""), ("o3", "Stage A", 0, "", "")]
    data, _, code = health_json(project_with(our_csv(history)), "csv", "--as-of", "2024-01-11")
    assert code == 0
    a = data["stages"][0]
    # S(3) = 2/3 and the two open stays never end: neither 0.5 nor 0.1 is reached.
    assert (a["median_days"], a["p90_days"], a["ended_stays"], a["open_stays"]) == (None, None, 1, 2)


def test_wilson_interval_to_three_decimals() -> None:
    # 2 of 3: p = 0.6667, z^2 = 3.8415: centre (0.6667 + 0.6402) / 2.2805 = 0.5731,
    # half 1.96 / 2.2805 x sqrt(0.2222 / 3 + 3.8415 / 36) = 0.3654: 0.208 to 0.939.
    assert [round(x, 3) for x in wilson(2, 3) or ()] == [0.208, 0.939]
    # 0 of 10: centre 0.1921 / 1.3841 = 0.1388, half 1.4160 x sqrt(3.8415 / 400) = 0.1388: 0 to 0.278.
    assert [round(x, 3) for x in wilson(0, 10) or ()] == [0.0, 0.278]
    assert [round(x, 3) for x in wilson(10, 35) or ()] == [0.163, 0.451]
    assert wilson(0, 0) is None


def test_brier_scores_on_the_same_forecasts() -> None:
    # Stage 1 (p 20%): 2 won, 1 lost; stage 2 (p 50%, suggested 70%): 2 won, 1 lost; stage 3 has no probability.
    scores = brier([(2, 1, 20, None), (2, 1, 50, 70), (5, 5, None, None)], base_rate=0.6)
    assert scores.forecasts == 6
    # playbook: (2 x 0.8^2 + 0.2^2 + 2 x 0.5^2 + 0.5^2) / 6 = (1.28 + 0.04 + 0.5 + 0.25) / 6 = 0.345
    assert scores.playbook == pytest.approx(0.345)
    # base rate 0.6 everywhere: 2 x (2 x 0.4^2 + 0.6^2) / 6 = 2 x 0.68 / 6 = 0.22667
    assert scores.base_rate == pytest.approx(1.36 / 6)
    # suggested: stage 1 keeps 20%, stage 2 takes 70%: (1.32 + 2 x 0.3^2 + 0.7^2) / 6 = (1.32 + 0.67) / 6
    assert scores.suggested == pytest.approx(1.99 / 6)
    assert brier([(1, 1, None, None)], 0.5).playbook is None


@pytest.mark.parametrize(("won", "closed", "probability", "expected"), [
    (15, 29, 20, None),  # 29 closed deals: too few, however far off
    (15, 30, 20, 50),  # 30: Wilson 0.332-0.668 leaves 20% out: suggest the win rate
    (7, 30, 20, None),  # 7 of 30: 0.118-0.409 holds 20%
    (15, 30, None, None),  # no probability to hold against
])
def test_a_probability_is_suggested_from_30_closed_deals_outside_the_interval(
        won: int, closed: int, probability: int | None, expected: int | None) -> None:
    assert suggested_probability(won, closed, probability) == expected


@pytest.mark.parametrize(("ended", "interval", "max_days", "expected"), [
    (29, (16.0, 25.0), 10, None),  # too few ended stays
    (30, (16.0, 25.0), 10, 21),  # below the interval: the p90 rounded up
    (30, (16.0, 25.0), 30, 21),  # above it
    (30, (16.0, 25.0), 20, None),  # inside
    (30, (16.0, None), 40, None),  # no upper end yet: only a limit below the interval is judged
])
def test_a_stall_limit_is_suggested_from_30_ended_stays_outside_the_interval(
        ended: int, interval: tuple[float, float | None], max_days: int, expected: int | None) -> None:
    assert suggested_max_days(ended, 20.2, interval, max_days) == expected


def closed_deals(won: int, lost: int) -> list[Row]:
    """Deals entering A on day 0 and closing on day 20: every stay in A is 20 days."""
    return [(f"w{i}", stage, day, "", "") for i in range(won + lost)
            for stage, day in (("Stage A", 0), ("Closed Won" if i < won else "Closed Lost", 20))]


@pytest.mark.parametrize(("won", "lost", "suggested"), [(15, 14, None), (15, 15, (50, 20))])
def test_suggestions_appear_at_30_closed_deals_through_the_cli(project_with, won: int, lost: int,  # noqa: F811
                                                               suggested: tuple[int, int] | None) -> None:
    root = project_with(our_csv(closed_deals(won, lost)))
    data, stderr, code = health_json(root, "csv", "--as-of", "2024-01-21")
    assert code == 0, stderr
    a = data["stages"][0]
    # All stays are 20 days: p90 20, interval 20-20; A's max_days 10 lies outside, and 15 won of 30 is 50%,
    # Wilson 33%-67%, which leaves A's 20% out.
    assert (a["suggested_probability"], a["suggested_max_days"]) == (suggested or (None, None))
    text = run_cli("health", root, "--deals", root / "deals.csv", "--deals-format", "csv", "--as-of", "2024-01-21")
    line = next(x for x in text.stdout.splitlines() if x.startswith("  Stage A:"))
    if suggested is None:
        assert line == ("  Stage A: probability: not enough data yet (29 of 30 closed deals); max_days: not enough "
                        "data yet (29 of 30 ended stays)")
    else:
        assert line == ("  Stage A: probability 20% -> 50% (won 50% of 30 closed deals, 95% interval [33%–67%]); "
                        "max_days 10 -> 20 (p90 20.0 days, 95% interval [20.0–20.0])")


def test_rates_round_half_up_and_rows_count_in_the_singular(project_with) -> None:  # noqa: F811
    # 10 won of 16 closed is 62.5%: a spreadsheet shows 63%, Python's round() 62.
    text = our_csv(closed_deals(10, 6)) + "x1,Nowhere,2024-01-01T00:00:00Z,,,\r\n"  # one row of an unknown stage
    root = project_with(text)
    result = run_cli("health", root, "--deals", root / "deals.csv", "--deals-format", "csv", "--as-of", "2024-01-21")
    assert result.exit_code == 0, result.stderr
    assert "Source: deals.csv (csv), 33 rows, 16 deals, 1 row skipped" in result.stdout
    assert "Deals: 16 (0 open, 10 won, 6 lost); win rate 63%" in result.stdout
    site = run_cli("build", root, "--no-pdf", "--deals", root / "deals.csv", "--deals-format", "csv",
                   "--as-of", "2024-01-21")
    assert site.exit_code == 0, site.stderr
    page = (root / "site" / "health.html").read_text(encoding="utf-8")
    assert "Win rate:</strong> 63%" in page
    assert "16 deals in 33 rows" in page


def test_half_up_and_plural_forms() -> None:
    assert [str(half_up(v, 0)) for v in (62.5, 0.145 * 100, 2.5, -2.5, 61.49)] == ["63", "15", "3", "-3", "61"]
    assert format_number(40.25, 1, "en") == "40.3" and format_number(1234.5, 0, "pl") == "1\u00a0235"
    assert [plural(n, "{n} row|{n} rows", "en") for n in (0, 1, 2)] == ["0 rows", "1 row", "2 rows"]
    forms = "{n} wiersz|{n} wiersze|{n} wierszy"
    assert [plural(n, forms, "pl") for n in (1, 2, 5, 12, 22, 25)] == [
        "1 wiersz", "2 wiersze", "5 wierszy", "12 wierszy", "22 wiersze", "25 wierszy"]


# The worked example of docs/health.md ("How each figure is defined"), to the figures the page works out by hand.
DOCS_EXAMPLE: list[Row] = [
    ("k1", "Stage A", 0, "", ""), ("k1", "Closed Lost", 2, "", ""),
    ("k2", "Stage A", 0, "", ""), ("k2", "Stage B", 2, "", ""), ("k2", "Closed Lost", 4, "", ""),
    ("k3", "Stage A", 0, "", ""), ("k3", "Stage B", 2, "", ""), ("k3", "Stage C", 4, "", ""),
    ("k3", "Closed Won", 6, "", ""),
    ("k4", "Stage A", 0, "", ""), ("k4", "Closed Won", 7, "", ""),
    ("k5", "Stage C", 3, "", ""),
    ("k6", "Stage A", 5, "", ""),
]


def test_the_worked_example_in_the_docs(project_with) -> None:  # noqa: F811
    data, stderr, code = health_json(project_with(our_csv(DOCS_EXAMPLE)), "csv", "--as-of", "2024-01-11")
    assert code == 0, stderr
    stages = {s["id"]: s for s in data["stages"]}
    assert [(s["reached"], s["converted"]) for s in stages.values()] == [(5, 3), (3, 2), (3, 2), (2, 2)]
    a = stages["a"]
    assert (a["median_days"], a["p90_days"], a["p90_low_days"], a["p90_high_days"]) == (2.0, 7.0, 7.0, 7.0)
    assert (a["ended_stays"], a["open_stays"], a["won"], a["closed"]) == (4, 1, 2, 4)
    assert (round(a["win_rate_low"], 3), round(a["win_rate_high"], 3)) == (0.150, 0.850)
    assert data["calibration"]["forecasts"] == 11
    assert data["calibration"]["playbook"] == pytest.approx(2.31 / 11)
    assert data["calibration"]["base_rate"] == pytest.approx(0.25)
