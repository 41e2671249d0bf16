"""How the app reads the warehouse: the relations it reads, read-only connections, bound
parameters, results cached by file identity, and the sidebar filters as SQL predicates.

Why short-lived connections: inside one process ``duckdb.connect(path)`` hands back the
already-open database while any connection to that path is open, so a long-lived cached
connection would keep reading the old file after ``journey-sla build`` renames a new one into
place. Each query therefore opens the file read-only and closes it; results are cached under
the file's identity (inode, mtime, size), so a rebuild shows up on the next rerun.

Every statement the app runs is the text of this module or of ``data``. What a user picks
(month, policy, team, owner, journey id, filters) reaches DuckDB only as a bound ``?``
parameter; list filters bind a whole list (``list_contains(?, column)``). The only text ever
composed into SQL are relation names from ``RELATIONS`` and the column names and fixed
predicates of these modules (``predicates``), never a value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from journey_sla.paths import warehouse_path


@dataclass(frozen=True)
class Relations:
    """Every relation the app reads, named for its role: only marts (the governance_app
    exposure in models/marts/_exposures.yml). The one place to rename them: no other module
    of the app spells a relation name (tests/test_app_logic.py checks)."""

    stage_visits: str = "fct_stage_visits"
    sla_clocks: str = "fct_sla_clocks"
    sla_breaches: str = "fct_sla_breaches"
    recycles: str = "fct_recycles"
    visit_outcomes: str = "fct_visit_outcomes"
    governance_monthly: str = "mart_governance_monthly"
    sla_effectiveness: str = "mart_sla_effectiveness"
    target_tuning: str = "mart_target_tuning"
    stage_funnel: str = "mart_stage_funnel"
    stage_kpis: str = "mart_stage_kpis"
    action_queue: str = "mart_action_queue"
    routing: str = "mart_routing"
    routing_monthly: str = "mart_routing_monthly"
    owner_load: str = "mart_routing_owner_load"
    data_quality: str = "mart_data_quality"
    raw_table_counts: str = "mart_raw_table_counts"
    rejects: str = "mart_rejects"
    load_log: str = "mart_load_log"
    build: str = "dim_build"
    policies: str = "dim_policies"
    policy_versions: str = "dim_policy_versions"
    stages: str = "dim_stages"
    reason_codes: str = "dim_reason_codes"
    journeys: str = "dim_journeys"
    owners: str = "dim_owners"
    activities: str = "fct_activities"

    def names(self) -> tuple[str, ...]:
        """Every relation name, in the order above (what a page needs before it can draw)."""
        return dataclasses.astuple(self)


RELATIONS = Relations()


class WarehouseMissing(Exception):
    """No warehouse file (or not built yet): pages show what to run instead."""


def warehouse_identity(path: Path | None = None) -> tuple[int, int, int] | None:
    """(inode, mtime_ns, size) of the served file, or None when it does not exist."""
    path = path or warehouse_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_query(
    path: str, identity: tuple[int, int, int], sql: str, params: tuple
) -> pd.DataFrame:
    # identity is part of the cache key only: a new file means new results.
    del identity
    with duckdb.connect(path, read_only=True) as connection:
        return connection.execute(sql, list(params)).df()


def query(sql: str, params: Sequence = ()) -> pd.DataFrame:
    """Run one of the app's own SQL statements with bound parameters (never user SQL text)."""
    path = warehouse_path()
    identity = warehouse_identity(path)
    if identity is None:
        raise WarehouseMissing(str(path))
    try:
        return _cached_query(str(path), identity, sql, tuple(params))
    except (duckdb.CatalogException, duckdb.IOException) as error:
        raise WarehouseMissing(f"{path}: {error}".splitlines()[0]) from error


def query_uncached(sql: str, params: Sequence = ()) -> pd.DataFrame:
    """For downloads of whole lists: run once on request, never kept in the cache."""
    path = warehouse_path()
    if warehouse_identity(path) is None:
        raise WarehouseMissing(str(path))
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(sql, list(params)).df()


# --- filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The sidebar's choices. Empty tuples and None mean "all"."""

    segments: tuple[str, ...] = ()
    territories: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    start_date: date | None = None
    end_date: date | None = None

    def describe(self) -> str:
        def part(values: tuple[str, ...], noun: str) -> str:
            return ", ".join(values) if values else f"all {noun}"

        dates = (
            f"{self.start_date:%Y-%m-%d} – {self.end_date:%Y-%m-%d}"
            if self.start_date and self.end_date
            else "all dates"
        )
        return " · ".join(
            [
                part(self.segments, "segments"),
                part(self.territories, "territories"),
                part(self.teams, "teams"),
                dates,
            ]
        )


def predicates(
    filters: Filters,
    *,
    segment: str | None = None,
    territory: str | None = None,
    team: str | None = None,
    journey: str | None = None,
    moment: str | None = None,
    month: str | None = None,
) -> tuple[str, list]:
    """SQL predicates (joined with ``and``) and their bound values for the sidebar filters.

    The keyword arguments name columns of the calling query — constants of this module, never
    input. ``segment`` or ``territory`` None with ``journey`` set filters them through the
    journey (for relations without that column).
    ``moment`` is a timestamp column (kept when its day is in the range); ``month`` a
    month-start date column (kept when the month touches the range). Filters not set add
    nothing, so an unfiltered page runs the plainest plan.
    """
    clauses: list[str] = []
    params: list = []
    if segment and filters.segments:
        clauses.append(f"list_contains(?::varchar[], {segment})")
        params.append(list(filters.segments))
    if territory and filters.territories:
        clauses.append(f"list_contains(?::varchar[], {territory})")
        params.append(list(filters.territories))
    if team and filters.teams:
        clauses.append(f"list_contains(?::varchar[], {team})")
        params.append(list(filters.teams))
    journey_clauses: list[str] = []
    if journey and filters.segments and not segment:
        journey_clauses.append("list_contains(?::varchar[], coalesce(segment, 'unknown'))")
        params.append(list(filters.segments))
    if journey and filters.territories and not territory:
        journey_clauses.append("list_contains(?::varchar[], coalesce(territory, 'unknown'))")
        params.append(list(filters.territories))
    if journey_clauses:
        clauses.append(
            f"{journey} in (select journey_id from {RELATIONS.journeys}"
            f" where {' and '.join(journey_clauses)})"
        )
    if moment and filters.start_date:
        clauses.append(f"{moment} >= ?::date")
        params.append(filters.start_date)
    if moment and filters.end_date:
        clauses.append(f"{moment} < ?::date + interval 1 day")
        params.append(filters.end_date)
    if month and filters.start_date:
        clauses.append(f"{month} >= date_trunc('month', ?::date)")
        params.append(filters.start_date)
    if month and filters.end_date:
        clauses.append(f"{month} <= ?::date")
        params.append(filters.end_date)
    return (" and ".join(clauses) or "true"), params
