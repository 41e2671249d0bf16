"""Entry criteria on every clock and broken entries left out of attainment (issue 8, §3;
docs/sla_semantics.md and docs/metrics.md, "Entry criteria").

The rules are pinned by hand-worked dbt unit tests next to the models (the per-visit roll-up,
entry_criteria_met on a clock, the *_entry_ok twins, the panel mart). Here, on the session
warehouse: the same numbers recomputed with pandas from the checks fact and fct_sla_clocks,
the app's toggle on both pages against those computations, its URL round trip and the review
pack saying whether broken entries were left out.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from journey_sla.app_logic import entry_criteria, review, stats, wording
from tests.test_app import frame, metrics, percent, run_app

pytestmark = pytest.mark.slow

KEY = entry_criteria.KEY


def clocks_with_entries(warehouse: Path) -> pd.DataFrame:
    """fct_sla_clocks with the month of start, and whether its visit met its entry criteria
    worked out here from the checks fact: every check of the visit passed; no checks, or no
    visit, counts as met."""
    clocks = frame(
        warehouse,
        "select clock_id, policy_id, stage_visit_id, status, started_at, entry_criteria_met "
        "from fct_sla_clocks",
    )
    checks = frame(warehouse, "select stage_visit_id, is_passed from fct_stage_entry_checks")
    met_visits = checks.groupby("stage_visit_id")["is_passed"].agg(
        lambda passed: bool(passed.fillna(False).all())
    )
    expected = clocks["stage_visit_id"].map(met_visits).fillna(True).astype(bool)
    return clocks.assign(
        expected_entry_met=expected,
        month=pd.to_datetime(clocks["started_at"]).dt.date.map(lambda day: day.replace(day=1)),
    )


def attainment(rows: pd.DataFrame) -> float:
    met, breached = rows["status"].eq("met").sum(), rows["status"].eq("breached").sum()
    return met / (met + breached)


def breach_rate(rows: pd.DataFrame) -> float:
    return rows["status"].eq("breached").sum() / len(rows)


def default_month(warehouse: Path) -> date:
    as_of = pd.Timestamp(frame(warehouse, "select max(as_of) as a from mart_data_quality")["a"][0])
    months = sorted(
        frame(warehouse, "select distinct month_start_date from mart_governance_monthly")[
            "month_start_date"
        ].dt.date
    )
    return review.default_month(months, stats.last_complete_month(as_of.to_pydatetime()))


# --- the models --------------------------------------------------------------------------------


def test_every_clock_carries_its_visits_entry_criteria(built_warehouse: Path) -> None:
    clocks = clocks_with_entries(built_warehouse)
    assert clocks["entry_criteria_met"].notna().all()
    assert (clocks["entry_criteria_met"] == clocks["expected_entry_met"]).all()
    # Both kinds occur in the demo, or the comparisons below prove nothing.
    assert clocks["entry_criteria_met"].any() and not clocks["entry_criteria_met"].all()
    rollup = frame(
        built_warehouse,
        "select stage_visit_id, is_entry_criteria_met, failed_criteria "
        "from int_stage_visit_entry_criteria",
    )
    checks = frame(
        built_warehouse,
        "select stage_visit_id, criterion_id, is_passed from fct_stage_entry_checks",
    )
    failed = (
        checks[~checks["is_passed"].fillna(False).astype(bool)]
        .sort_values("criterion_id")
        .groupby("stage_visit_id")["criterion_id"]
        .agg("|".join)
    )
    merged = rollup.set_index("stage_visit_id")
    assert set(merged.index) == set(checks["stage_visit_id"])
    assert (merged["is_entry_criteria_met"] == ~merged.index.isin(failed.index)).all()
    broken = merged[~merged["is_entry_criteria_met"]]
    assert (broken["failed_criteria"] == failed.reindex(broken.index)).all()


def test_review_marts_count_entry_ok_twins(built_warehouse: Path) -> None:
    """Policy rows of both review marts against pandas over fct_sla_clocks."""
    clocks = clocks_with_entries(built_warehouse)
    ok = clocks[clocks["expected_entry_met"]]
    expected = pd.DataFrame(
        {
            "clocks": clocks.groupby(["month", "policy_id"]).size(),
            "clocks_entry_ok": ok.groupby(["month", "policy_id"]).size(),
            "met_clocks_entry_ok": ok[ok["status"] == "met"].groupby(["month", "policy_id"]).size(),
            "breached_clocks_entry_ok": ok[ok["status"] == "breached"]
            .groupby(["month", "policy_id"])
            .size(),
        }
    ).fillna(0)
    mart = frame(
        built_warehouse,
        "select month_start_date, policy_id, clocks, clocks_with_broken_entry, clocks_entry_ok, "
        "met_clocks_entry_ok, breached_clocks_entry_ok, open_clocks_entry_ok, "
        "cancelled_clocks_entry_ok, attainment_entry_ok, breach_rate_entry_ok "
        "from mart_governance_monthly where rollup_level = 'policy'",
    )
    mart = mart.assign(month=mart["month_start_date"].dt.date).set_index(["month", "policy_id"])
    columns = ["clocks", "clocks_entry_ok", "met_clocks_entry_ok", "breached_clocks_entry_ok"]
    pd.testing.assert_frame_equal(
        mart[columns].sort_index().astype("int64"),
        expected[columns].reindex(mart.index).sort_index().astype("int64"),
    )
    assert (mart["clocks_entry_ok"] + mart["clocks_with_broken_entry"] == mart["clocks"]).all()
    parts = mart[["met_clocks_entry_ok", "breached_clocks_entry_ok", "open_clocks_entry_ok",
                  "cancelled_clocks_entry_ok"]].sum(axis=1)  # fmt: skip
    assert (parts == mart["clocks_entry_ok"]).all()
    resolved = mart["met_clocks_entry_ok"] + mart["breached_clocks_entry_ok"]
    rate = mart["met_clocks_entry_ok"] / resolved.where(resolved > 0)
    assert ((mart["attainment_entry_ok"] - rate).abs().fillna(0) < 1e-12).all()
    assert (mart["attainment_entry_ok"].isna() == rate.isna()).all()
    assert (mart["clocks_with_broken_entry"] > 0).any()
    # The weekly mart counts the same clocks.
    weekly = frame(
        built_warehouse,
        "select sum(clocks_entry_ok) as ok, sum(clocks_with_broken_entry) as broken "
        "from mart_governance_weekly where rollup_level = 'policy'",
    ).iloc[0]
    assert weekly["ok"] == len(ok) and weekly["broken"] == len(clocks) - len(ok)


def test_panel_mart_counts_entries_and_breaks(built_warehouse: Path) -> None:
    checks = frame(
        built_warehouse,
        "select checks.criterion_id, checks.is_passed, visits.entered_month_date as month, "
        "visits.segment from fct_stage_entry_checks as checks "
        "join fct_visit_outcomes as visits using (stage_visit_id)",
    )
    checks = checks.assign(failed=~checks["is_passed"].fillna(False).astype(bool))
    expected = checks.groupby(["month", "criterion_id", "segment"]).agg(
        entries=("failed", "size"), failed_entries=("failed", "sum")
    )
    mart = frame(
        built_warehouse,
        "select month_start_date as month, criterion_id, segment, sum(entries) as entries, "
        "sum(failed_entries) as failed_entries from mart_stage_entry_criteria_monthly "
        "group by all",
    ).set_index(["month", "criterion_id", "segment"])
    pd.testing.assert_frame_equal(
        mart.sort_index().astype("int64"),
        expected.reindex(mart.index).sort_index().astype("int64"),
    )
    assert len(mart) == len(expected)
    words = frame(
        built_warehouse,
        "select distinct criterion_id, criterion_description from "
        "mart_stage_entry_criteria_monthly",
    )
    seed = pd.read_csv(Path(__file__).parent.parent / "seeds" / "stage_entry_criteria.csv")
    merged = words.merge(seed, on="criterion_id")
    assert len(merged) == len(words)
    assert (merged["criterion_description"] == merged["description"]).all()


# --- the app -----------------------------------------------------------------------------------


def panel_table(app) -> pd.DataFrame:
    return next(
        table.value for table in app.dataframe if "criterion_description" in table.value.columns
    )


def expected_panel(warehouse: Path, month: date) -> pd.DataFrame:
    checks = frame(
        warehouse,
        "select checks.criterion_id, checks.is_passed from fct_stage_entry_checks as checks "
        "join fct_visit_outcomes as visits using (stage_visit_id) "
        "where visits.entered_month_date = ?",
        [month],
    )
    failed = ~checks["is_passed"].fillna(False).astype(bool)
    seed = pd.read_csv(Path(__file__).parent.parent / "seeds" / "stage_entry_criteria.csv")
    counts = (
        checks.assign(failed=failed)
        .groupby("criterion_id")
        .agg(entries=("failed", "size"), failed_entries=("failed", "sum"))
        .reset_index()
        .merge(seed[["criterion_id", "description"]], on="criterion_id")
    )
    return counts.assign(share=100 * counts["failed_entries"] / counts["entries"])


def assert_panel(shown: pd.DataFrame, expected: pd.DataFrame) -> None:
    merged = shown.merge(
        expected, left_on="criterion_description", right_on="description", how="outer"
    )
    assert len(merged) == len(expected) == len(shown)
    assert (merged["entries_x"] == merged["entries_y"]).all()
    assert (merged["failed_entries_x"] == merged["failed_entries_y"]).all()
    assert ((merged["failed_share"] - merged["share"]).abs() < 1e-9).all()


def test_review_toggle_leaves_broken_entries_out_of_the_tiles(warehouse_env: Path) -> None:
    clocks = clocks_with_entries(warehouse_env)
    month = default_month(warehouse_env)
    in_month = clocks[clocks["month"] == month]
    assert (~in_month["expected_entry_met"]).any()

    app = run_app()
    assert not app.exception, app.exception
    assert app.toggle(key=KEY).value is False
    assert metrics(app)["SLA attainment"] == percent(attainment(in_month))
    assert_panel(panel_table(app), expected_panel(warehouse_env, month))

    app.toggle(key=KEY).set_value(True).run()
    assert not app.exception, app.exception
    kept = in_month[in_month["expected_entry_met"]]
    shown = metrics(app)
    assert shown["SLA attainment"] == percent(attainment(kept))
    assert shown["Breach rate"] == percent(breach_rate(kept))
    left_out = int((~in_month["expected_entry_met"]).sum())
    assert any(f"{left_out:,} clocks started in" in caption.value for caption in app.caption)
    # The panel counts the month's entries whatever the toggle says.
    assert_panel(panel_table(app), expected_panel(warehouse_env, month))


def test_matrix_toggle_from_the_url(warehouse_env: Path) -> None:
    clocks = clocks_with_entries(warehouse_env)
    month = default_month(warehouse_env)
    label = wording.month_label(month)
    app = run_app("sla_matrix", {KEY: "true", "month": label})
    assert not app.exception, app.exception
    assert app.toggle(key=KEY).value is True
    assert app.selectbox(key="month").value == label
    kept = clocks[(clocks["month"] == month) & clocks["expected_entry_met"]]
    met = kept["status"].eq("met").groupby(kept["policy_id"]).sum()
    breached = kept["status"].eq("breached").groupby(kept["policy_id"]).sum()
    expected = (met / (met + breached).where(met + breached > 0) * 100).dropna()
    shown = app.dataframe[0].value.set_index("policy_id")["attainment"].dropna()
    pd.testing.assert_series_equal(
        shown.sort_index(), expected.sort_index(), check_names=False, atol=1e-9
    )
    assert metrics(app)["Attainment, all policies"] == percent(attainment(kept))
    assert_panel(panel_table(app), expected_panel(warehouse_env, month))


def test_toggle_round_trips_through_the_url_and_the_session(warehouse_env: Path) -> None:
    """A link sets the toggle (``?leave_out_broken=true``, or ``false``); the widget is bound to
    that parameter on both pages (the browser writes it back to the address bar: the proto's
    query_param_key, which AppTest does not play back); and the choice carries over between
    the two pages in the session, both ways, with the numbers following it."""
    on = run_app(query_params={KEY: "true"})
    assert not on.exception, on.exception
    assert on.toggle(key=KEY).value is True
    assert on.toggle(key=KEY).proto.query_param_key == KEY
    off = run_app(query_params={KEY: "false"})
    assert off.toggle(key=KEY).value is False

    app = run_app()
    assert app.toggle(key=KEY).value is False
    app.toggle(key=KEY).set_value(True).run()
    app.query_params.clear()
    app.switch_page("app_pages/sla_matrix.py").run()
    assert not app.exception, app.exception
    assert app.toggle(key=KEY).value is True
    assert app.toggle(key=KEY).proto.query_param_key == KEY
    assert any("broke entry criteria left out" in caption.value for caption in app.caption)
    app.toggle(key=KEY).set_value(False).run()
    app.query_params.clear()
    app.switch_page("app_pages/monthly_review.py").run()
    assert not app.exception, app.exception
    assert app.toggle(key=KEY).value is False
    assert not any("Left out of attainment" in caption.value for caption in app.caption)


def test_review_pack_says_whether_broken_entries_were_left_out(warehouse_env: Path) -> None:
    from journey_sla.app_logic import review_pack
    from journey_sla.app_logic.warehouse import Filters

    clocks = clocks_with_entries(warehouse_env)
    month = default_month(warehouse_env)
    in_month = clocks[clocks["month"] == month]
    broken = int((~in_month["expected_entry_met"]).sum())
    counted = review_pack.build(Filters(), month)
    left_out = review_pack.build(Filters(), month, leave_out=True)
    assert "were not left out" in " ".join(counted.facts)
    assert "were left out" in " ".join(left_out.facts)
    assert f"{broken:,} clocks of broken entries left out" in " ".join(left_out.facts)
    tiles = left_out.tiles.set_index("Measure")["This month"]
    kept = in_month[in_month["expected_entry_met"]]
    assert tiles["SLA attainment"] == wording.percent(attainment(kept))
    assert "Entries that broke entry criteria" in left_out.tables


def test_report_command_prints_whether_broken_entries_were_left_out(
    warehouse_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from journey_sla.cli import main

    out = tmp_path / "review.html"
    assert main(["report", "--leave-out-broken-entries", "--out", str(out)]) == 0
    assert "were left out" in capsys.readouterr().out
    assert "were left out" in out.read_text()
    assert "Entries that broke entry criteria" in out.read_text()
    assert main(["report", "--out", str(out)]) == 0
    assert "were not left out" in capsys.readouterr().out


# --- the rules of the module (hand-made rows) ------------------------------------------------


def test_breaks_table_shares_and_words() -> None:
    breaks = pd.DataFrame(
        {
            "stage": ["sql", "sql"],
            "stage_label": ["SQL", "SQL"],
            "funnel_order": [4, 4],
            "criterion_id": ["a", "b"],
            "criterion_description": ["After an SAL", "Discovery booked"],
            "entries": [8.0, 8.0],  # DuckDB sums read back as floats
            "failed_entries": [2.0, 0.0],
        }
    )
    table = entry_criteria.breaks_table(breaks)
    assert list(table["failed_share"]) == [0.25, 0.0]
    assert table["entries"].dtype == "int64"
    assert "No clock" in entry_criteria.left_out_words(0, "May 2026")
    assert "1 clock started in May 2026" in entry_criteria.left_out_words(1, "May 2026")
    assert "were left out" in entry_criteria.pack_words(True, 3)
    assert "were not left out" in entry_criteria.pack_words(False, 3)
