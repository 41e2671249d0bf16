"""Operational marts on a real build: routing, the action queue and data quality."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from journey_sla.paths import raw_path_for

pytestmark = pytest.mark.slow

MARTS_AND_KEYS = {
    "mart_routing": ["assignment_id"],
    "mart_routing_monthly": ["month_start", "team"],
    "mart_action_queue": ["queue_item_id"],
    "mart_data_quality": ["finding_id"],
}
SECTION_ORDER = {"breach": 1, "at_risk": 2, "open": 3}


@pytest.fixture
def warehouse(built_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only, with the raw file attached so staging views can be read for cross-checks."""
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        connection.execute(f"attach '{raw_path_for(built_warehouse)}' as raw_db (read_only)")
        yield connection


def scalar(connection: duckdb.DuckDBPyConnection, sql: str):
    return connection.execute(sql).fetchone()[0]


@pytest.mark.parametrize(("mart", "keys"), MARTS_AND_KEYS.items())
def test_mart_is_non_empty_with_a_unique_key(
    warehouse: duckdb.DuckDBPyConnection, mart: str, keys: list[str]
) -> None:
    rows = scalar(warehouse, f"select count(*) from {mart}")
    distinct_keys = scalar(
        warehouse, f"select count(*) from (select distinct {', '.join(keys)} from {mart})"
    )
    assert rows > 0
    assert distinct_keys == rows


def test_every_assignment_up_to_as_of_is_judged_once(warehouse: duckdb.DuckDBPyConnection) -> None:
    expected = scalar(
        warehouse,
        "select count(*) from stg_crm__assignments cross join int_as_of_resolved "
        "where assigned_at <= as_of",
    )
    assert scalar(warehouse, "select count(*) from mart_routing") == expected


def test_rule_based_assignments_follow_the_shipped_rules(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # The generator routes method 'rule' exactly as seeds/routing_rules.csv says, and lets
    # round robin pick another territory's SDR team now and then.
    outcomes = dict(
        warehouse.execute(
            "select routing_outcome, count(*) from mart_routing where method = 'rule' group by 1"
        ).fetchall()
    )
    assert outcomes.get("matched", 0) > 0
    assert outcomes.get("mismatched", 0) == 0
    without_context = scalar(
        warehouse, "select count(*) from mart_routing where is_round_robin_without_context"
    )
    assert without_context > 0
    assert (
        scalar(
            warehouse,
            "select count(*) from mart_routing where is_round_robin_without_context "
            "and (method != 'round_robin' or owner_team = expected_team)",
        )
        == 0
    )


def test_monthly_routing_adds_up_to_the_assignments(warehouse: duckdb.DuckDBPyConnection) -> None:
    monthly = warehouse.execute(
        "select sum(assignments), sum(assignments_matched), sum(round_robin_without_context) "
        "from mart_routing_monthly"
    ).fetchone()
    detail = warehouse.execute(
        "select count(*), count(*) filter (where is_team_match), "
        "count(*) filter (where is_round_robin_without_context) from mart_routing"
    ).fetchone()
    assert tuple(monthly) == tuple(detail)
    rates = warehouse.execute(
        "select min(compliance_rate), max(compliance_rate), max(open_visits_per_owner) "
        "from mart_routing_monthly"
    ).fetchone()
    assert 0 <= rates[0] <= rates[1] <= 1
    assert rates[2] > 0


def test_queue_holds_every_open_clock_and_unhandled_breach(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    expected = scalar(
        warehouse,
        "select count(*) from fct_sla_clocks left join fct_sla_breaches using (clock_id) "
        "where status = 'open' or (status = 'breached' and not is_handled)",
    )
    assert scalar(warehouse, "select count(*) from mart_action_queue") == expected
    sections = dict(
        warehouse.execute(
            "select queue_section, count(*) from mart_action_queue group by 1"
        ).fetchall()
    )
    assert sections.get("breach", 0) > 0 and sections.get("open", 0) > 0


def test_next_step_gaps_are_queue_items(warehouse: duckdb.DuckDBPyConnection) -> None:
    """A gap without a booked next step (a next_step clock) is queued like any clock: while
    open, and once breached until someone escalates or reassigns."""
    expected = scalar(
        warehouse,
        "select count(*) from fct_sla_clocks left join fct_sla_breaches using (clock_id) "
        "where fct_sla_clocks.sla_type = 'next_step' "
        "and (status = 'open' or (status = 'breached' and not is_handled))",
    )
    assert expected > 0
    queued = "select count(*) from mart_action_queue where sla_type = 'next_step'"
    assert scalar(warehouse, queued) == expected


def test_queue_is_sorted_by_urgency(warehouse: duckdb.DuckDBPyConnection) -> None:
    """Actionable items first (breaches, at risk, open), then the backlog oldest first."""
    rows = warehouse.execute(
        "select urgency_rank, queue_section, breached_at, due_at, is_actionable "
        "from mart_action_queue order by urgency_rank"
    ).fetchall()
    assert [row[0] for row in rows] == list(range(1, len(rows) + 1))
    keys = [
        (
            SECTION_ORDER[section] if actionable else len(SECTION_ORDER) + 1,
            breached_at if section == "breach" else due_at,
        )
        for _, section, breached_at, due_at, actionable in rows
    ]
    assert keys == sorted(keys)
    assert any(not row[4] for row in rows), "the demo has a backlog"


def test_breaches_get_an_action_their_policy_lists(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute(
        "select action_code, failure_action, is_fallback_action, recommended_action "
        "from mart_action_queue where is_breached"
    ).fetchall()
    assert rows
    for action_code, failure_action, is_fallback, text in rows:
        assert text
        if is_fallback:
            assert action_code in {"remind_owner", "reassign"}
        else:
            assert action_code in failure_action.split("|")
    assert (
        scalar(
            warehouse,
            "select count(*) from mart_action_queue "
            "where not is_breached and action_code is not null",
        )
        == 0
    )


def test_business_time_left_never_exceeds_calendar_time_left(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    assert (
        scalar(
            warehouse,
            "select count(*) from mart_action_queue "
            "where abs(business_minutes_left) > abs(minutes_left) + 1e-6 "
            "or business_minutes_left is null",
        )
        == 0
    )


def test_data_quality_reconciles_every_loaded_table(warehouse: duckdb.DuckDBPyConnection) -> None:
    reconciliation = dict(
        warehouse.execute(
            "select table_name, finding_count from mart_data_quality "
            "where check_name = 'load_reconciliation'"
        ).fetchall()
    )
    assert set(reconciliation) == {
        "users", "accounts", "journeys", "stage_events",
        "assignments", "activities", "contracts", "signals",
    }  # fmt: skip
    assert set(reconciliation.values()) == {0}


def test_data_quality_counts_match_their_sources(warehouse: duckdb.DuckDBPyConnection) -> None:
    rejects = scalar(
        warehouse,
        "select sum(finding_count) from mart_data_quality where check_name = 'loader_rejects'",
    )
    assert rejects == scalar(warehouse, "select count(*) from stg_loader__rejects")
    assert rejects > 0  # the session extract is generated dirty
    bad_recycles = scalar(
        warehouse,
        "select sum(finding_count) from mart_data_quality "
        "where check_name = 'recycles_without_valid_reason'",
    )
    assert bad_recycles == scalar(
        warehouse, "select count(*) from fct_recycles where not has_valid_reason"
    )
    assert bad_recycles > 0
    severities = {
        row[0]
        for row in warehouse.execute("select distinct severity from mart_data_quality").fetchall()
    }
    assert severities <= {"error", "warning", "info"}
