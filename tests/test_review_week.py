"""The review's week view (Period = Week) and `journey-sla report --week`.

Week rules are tested on hand-made rows; the page and the report against the session
warehouse, with the expected tiles counted independently from fct_sla_clocks (ISO weeks from
Python's ``date.isocalendar()``), not from mart_governance_weekly the app reads.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from journey_sla.app_logic import review, stats
from journey_sla.paths import app_script

APP = str(app_script())


def weeks_frame() -> pd.DataFrame:
    """Two policies over three ISO weeks around New Year 2027 (hand-made)."""
    rows = [
        # iso_week, Monday, policy, clocks, met, breached, open, cancelled, visits, immature,
        # base, converted
        ("2026-W52", date(2026, 12, 21), "p1", 4, 3, 1, 0, 0, 4, 0, 4, 2),
        ("2026-W53", date(2026, 12, 28), "p1", 6, 3, 2, 1, 0, 6, 0, 5, 1),
        ("2026-W53", date(2026, 12, 28), "p2", 4, 1, 2, 0, 1, 3, 0, 3, 3),
        ("2027-W01", date(2027, 1, 4), "p1", 2, 1, 0, 1, 0, 2, 1, 1, 0),
    ]
    columns = ["iso_week", "week_start_date", "policy_id", "clocks", "met_clocks",
               "breached_clocks", "open_clocks", "cancelled_clocks", "clocked_visits",
               "immature_visits", "conversion_base_visits", "converted_visits"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def test_week_options_are_newest_first_by_iso_label():
    assert review.week_options(weeks_frame()) == {
        "2027-W01": date(2027, 1, 4),
        "2026-W53": date(2026, 12, 28),
        "2026-W52": date(2026, 12, 21),
    }


def test_last_complete_week_ends_at_the_last_second_of_sunday():
    # Sun 2027-01-03 23:59:59 completes 2026-W53 (Mon 2026-12-28); one second earlier the
    # last complete week is 2026-W52 (Mon 2026-12-21).
    assert review.last_complete_week(pd.Timestamp("2027-01-03 23:59:59")) == date(2026, 12, 28)
    assert review.last_complete_week(pd.Timestamp("2027-01-03 23:59:58")) == date(2026, 12, 21)
    options = review.week_options(weeks_frame())
    assert review.default_week(options, date(2026, 12, 28)) == "2026-W53"
    assert review.default_week(options, date(2020, 1, 6)) == "2027-W01"  # none complete


def test_week_tiles_sum_the_policies_and_compare_with_the_week_before():
    tile = review.week_tiles(weeks_frame(), "2026-W53")
    # 2026-W53: met 3 + 1 = 4, breached 2 + 2 = 4 → attainment 4 / 8 = 0.5; clocks 6 + 4 = 10
    # → breach rate 4 / 10 = 0.4. Week before (2026-W52): 3 / 4 = 0.75 and 1 / 4 = 0.25.
    assert (tile.attainment, tile.attainment_before) == (0.5, 0.75)
    assert (tile.breach_rate, tile.breach_rate_before) == (0.4, 0.25)
    # Conversion of clocked visits, all mature: (1 + 3) / (5 + 3) = 0.5; before 2 / 4 = 0.5.
    assert (tile.conversion, tile.conversion_before) == (0.5, 0.5)
    # 2027-W01 has an immature visit: its conversion is not known yet. The week before is
    # 2026-W53 across the ISO-year boundary.
    later = review.week_tiles(weeks_frame(), "2027-W01")
    assert later.conversion is None and later.breach_rate_before == 0.4


def test_week_trend_has_conversion_only_for_mature_weeks():
    trend = review.week_trend(weeks_frame())
    conversion = trend[trend["measure"] == "Conversion"]
    assert sorted(pd.to_datetime(conversion["week_start_date"]).dt.date) == [
        date(2026, 12, 21),
        date(2026, 12, 28),
    ]
    breach = trend[trend["measure"] == "Breach rate"].set_index("week_start_date")["value"]
    assert breach.tolist() == [0.25, 0.4, 0.0]  # 1/4, 4/10, 0/2


@pytest.mark.parametrize(
    ("label", "monday"),
    [("2026-W01", date(2025, 12, 29)), ("2026-W53", date(2026, 12, 28)),
     ("2027-W01", date(2027, 1, 4)), ("2026-W21", date(2026, 5, 18))],
)  # fmt: skip
def test_iso_week_monday(label, monday):
    assert stats.iso_week_monday(label) == monday


@pytest.mark.parametrize("bad", ["2027-W53", "2026-21", "2026-W5", "W21-2026"])
def test_iso_week_monday_rejects_what_is_not_an_iso_week(bad):
    with pytest.raises(ValueError, match="week"):
        stats.iso_week_monday(bad)


# --- against the session warehouse -----------------------------------------------------------


def clock_counts(warehouse: Path, iso_week: str) -> dict[str, int]:
    """Status counts of the clocks started in an ISO week, from fct_sla_clocks in Python."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute("select status, started_at from fct_sla_clocks").fetchall()
    counts = {"clocks": 0, "met": 0, "breached": 0}
    for status, started_at in rows:
        year, week, _ = started_at.date().isocalendar()
        if f"{year}-W{week:02d}" == iso_week:
            counts["clocks"] += 1
            counts[status] = counts.get(status, 0) + 1
    return counts


def percent(value: float) -> str:
    return f"{value:.1%}"


@pytest.mark.slow
def test_week_view_shows_the_weeks_tiles(warehouse_env: Path) -> None:
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params.update({"period": "Week", "week": "2026-W21"})
    app.run()
    assert not app.exception, app.exception
    assert app.selectbox(key="week").value == "2026-W21"
    shown = {metric.label: metric.value for metric in app.metric}
    now, before = clock_counts(warehouse_env, "2026-W21"), clock_counts(warehouse_env, "2026-W20")
    assert now["clocks"] > 0 and before["clocks"] > 0
    assert shown["SLA attainment"] == percent(now["met"] / (now["met"] + now["breached"]))
    assert shown["Breach rate"] == percent(now["breached"] / now["clocks"])
    assert shown["Clocks started"] == f"{now['clocks']:,}"
    deltas = {metric.label: metric.delta for metric in app.metric}
    assert deltas["Clocks started"] == f"{now['clocks'] - before['clocks']:+,}"
    assert "Over the weeks" in [header.value for header in app.subheader]
    # Back to Month: the month tiles (with Velocity) and the monthly trend again.
    app.segmented_control(key="period").set_value("Month").run()
    assert "Velocity" in {metric.label for metric in app.metric}
    assert "Over the months" in [header.value for header in app.subheader]


@pytest.mark.slow
def test_week_view_defaults_to_the_last_complete_week(warehouse_env: Path) -> None:
    with duckdb.connect(str(warehouse_env), read_only=True) as connection:
        as_of = pd.Timestamp(connection.execute("select as_of from dim_build").fetchone()[0])
    monday = review.last_complete_week(as_of)
    year, week, _ = monday.isocalendar()
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params.update({"period": "Week", "week": "1999-W01"})
    app.run()
    assert not app.exception, app.exception
    assert app.selectbox(key="week").value == f"{year}-W{week:02d}"
    assert any("1999-W01" in warning.value for warning in app.warning)


@pytest.mark.slow
def test_report_week_writes_the_weeks_pack(warehouse_env: Path, tmp_path: Path, capsys) -> None:
    from journey_sla.cli import main

    out = tmp_path / "week.html"
    assert main(["report", "--week", "2026-W21", "--out", str(out)]) == 0
    page = out.read_text()
    assert "weekly review — 2026-W21 (Mon 18 May – Sun 24 May 2026)" in page
    now = clock_counts(warehouse_env, "2026-W21")
    assert f"<td>{percent(now['breached'] / now['clocks'])}</td>" in page
    assert f"{now['clocks']:,} clocks started in 2026-W21" in page
    assert html.escape("ISO weeks of the clocks' start in UTC") in page
    capsys.readouterr()
    assert main(["report", "--week", "2026-W54", "--out", str(tmp_path / "x.html")]) == 2
    assert "2026 has no ISO week 54" in capsys.readouterr().err
    assert main(["report", "--week", "1999-W01", "--out", str(tmp_path / "x.html")]) == 2
    assert "no clocks in 1999-W01" in capsys.readouterr().err
