"""How the app reads the warehouse: the relations it reads, read-only connections, bound
parameters, results cached by file identity, and the sidebar filters as SQL predicates.

One read-only database per file version: the server process attaches the served file
read-only (``attach ? as warehouse (read_only)``, the path bound as a parameter) to a private
in-memory DuckDB and runs each query on its own cursor, so concurrent sessions share one
buffer pool instead of opening the file (0.1–0.3 s at 1M journeys) and reading it cold for
every cache miss (BENCHMARKS.md, 20 sessions). Not ``duckdb.connect(path)``: inside one
process that hands back the already-open database while any connection to that path is open,
so a kept connection would go on reading the old file after ``journey-sla build`` renames a
new one into place. Results are cached under the file's identity (inode, mtime, size); when
it changes, new queries wait for the cursors on the old version to finish, that database is
closed and the new file attached, so the next rerun reads the new build.

Every statement the app runs is the text of this module or of ``data``. What a user picks
(month, policy, team, owner, journey id, filters) reaches the engine only as a bound ``?``
parameter; list filters bind one parameter per chosen value (``column in (?, ?)``). The only
text ever composed into SQL are relation names from ``RELATIONS`` and the column names and fixed
predicates of these modules (``predicates``), never a value.

Other engines (issue 11): with ``JOURNEY_SLA_TARGET=postgres|spark`` (``journey-sla app
--target``) the same statements run through a read-only reader of the served schema
(``journey_sla.readers``: portable SQL, ``?`` translated there). The cache key is then the
served build's ``dim_build`` row (and on PostgreSQL the served schema's oid, new with every
build swapped in), read at most every ``BUILD_IDENTITY_TTL_SECONDS``: a build that lands
shows up within that time.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from journey_sla import readers
from journey_sla.paths import warehouse_path
from journey_sla.readers import in_list

BUILD_IDENTITY_TTL_SECONDS = 30


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
    governance_weekly: str = "mart_governance_weekly"
    sla_effectiveness: str = "mart_sla_effectiveness"
    target_tuning: str = "mart_target_tuning"
    target_tuning_cells: str = "mart_target_tuning_cells"
    stage_funnel: str = "mart_stage_funnel"
    stage_kpis: str = "mart_stage_kpis"
    stage_entry_criteria: str = "mart_stage_entry_criteria_monthly"
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


class _SharedConnection:
    """The process's one read-only database on the served file version (see the module
    docstring); cursors are handed out under a lock and counted, so the old version is closed
    only once nothing reads it."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._key: tuple[str, tuple[int, int, int]] | None = None
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._active = 0

    @contextmanager
    def cursor(
        self, path: str, identity: tuple[int, int, int]
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        key = (path, identity)
        with self._changed:
            while self._key != key and self._active:
                self._changed.wait()
            if self._key != key:
                self.close()
                connection = duckdb.connect()  # private and in memory: never shared by path
                try:
                    connection.execute("attach ? as warehouse (read_only)", [path])
                except duckdb.Error:
                    connection.close()
                    raise
                self._connection, self._key = connection, key
            cursor = self._connection.cursor()
            self._active += 1
        try:
            cursor.execute("use warehouse")  # a cursor starts in the in-memory catalog
            yield cursor
        finally:
            cursor.close()
            with self._changed:
                self._active -= 1
                self._changed.notify_all()

    def close(self) -> None:
        """Close the connection (callers hold the lock or know nothing reads)."""
        if self._connection is not None:
            self._connection.close()
        self._connection, self._key = None, None


_SHARED = _SharedConnection()


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_query(
    path: str, identity: tuple, sql: str, params: tuple, target: str = "duckdb"
) -> pd.DataFrame:
    if target == "duckdb":
        with _SHARED.cursor(path, identity) as cursor:
            return cursor.execute(sql, list(params)).df()
    with readers.connect(target, path) as reader:
        return reader.query(sql, params)


@st.cache_data(show_spinner=False, ttl=BUILD_IDENTITY_TTL_SECONDS, max_entries=8)
def _build_identity(target: str, where: str) -> tuple:
    """The served build on another engine, for the cache key (``Reader.identity``)."""
    with readers.connect(target, where) as reader:
        return reader.identity()


def _source() -> tuple[str, str, tuple]:
    """(target, where, identity) of the served warehouse; WarehouseMissing without one."""
    target = readers.current_target()
    where = readers.location(target)
    if target == "duckdb":
        identity = warehouse_identity(Path(where))
        if identity is None:
            raise WarehouseMissing(where)
        return target, where, identity
    try:
        return target, where, _build_identity(target, where)
    except readers.ReaderError as error:
        raise WarehouseMissing(str(error)) from error


def describe_source() -> str:
    """The served warehouse for messages: its file, or the engine and schema."""
    target = readers.current_target()
    return readers.describe(target, readers.location(target))


def query(sql: str, params: Sequence = ()) -> pd.DataFrame:
    """Run one of the app's own SQL statements with bound parameters (never user SQL text)."""
    target, where, identity = _source()
    try:
        return _cached_query(where, identity, sql, tuple(params), target)
    except (duckdb.CatalogException, duckdb.IOException, readers.ReaderError) as error:
        raise WarehouseMissing(f"{where}: {error}".splitlines()[0]) from error


def present_tables() -> set[str]:
    """The relations the served warehouse holds (the pages check theirs before drawing)."""
    target, where, identity = _source()
    if target == "duckdb":
        frame = query("select table_name from information_schema.tables")
        return set(frame["table_name"])
    return _cached_tables(target, where, identity)


@st.cache_data(show_spinner=False, max_entries=8)
def _cached_tables(target: str, where: str, identity: tuple) -> set[str]:
    del identity
    with readers.connect(target, where) as reader:
        return reader.tables()


def query_uncached(sql: str, params: Sequence = ()) -> pd.DataFrame:
    """For downloads of whole lists: run once on request, never kept in the cache."""
    target, where, identity = _source()
    if target == "duckdb":
        with _SHARED.cursor(where, identity) as cursor:
            return cursor.execute(sql, list(params)).df()
    with readers.connect(target, where) as reader:
        return reader.query(sql, params)


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

    def add(clause: tuple[str, list]) -> None:
        clauses.append(clause[0])
        params.extend(clause[1])

    if segment and filters.segments:
        add(in_list(segment, filters.segments))
    if territory and filters.territories:
        add(in_list(territory, filters.territories))
    if team and filters.teams:
        add(in_list(team, filters.teams))
    journey_clauses: list[str] = []
    if journey and filters.segments and not segment:
        clause, values = in_list("coalesce(segment, 'unknown')", filters.segments)
        journey_clauses.append(clause)
        params.extend(values)
    if journey and filters.territories and not territory:
        clause, values = in_list("coalesce(territory, 'unknown')", filters.territories)
        journey_clauses.append(clause)
        params.extend(values)
    if journey_clauses:
        clauses.append(
            f"{journey} in (select journey_id from {RELATIONS.journeys}"
            f" where {' and '.join(journey_clauses)})"
        )
    # Dates are bound as dates; the day after the end and the month start are worked out
    # here, so the SQL needs no engine's interval or date_trunc syntax.
    if moment and filters.start_date:
        clauses.append(f"{moment} >= cast(? as date)")
        params.append(filters.start_date)
    if moment and filters.end_date:
        clauses.append(f"{moment} < cast(? as date)")
        params.append(filters.end_date + timedelta(days=1))
    if month and filters.start_date:
        clauses.append(f"{month} >= cast(? as date)")
        params.append(filters.start_date.replace(day=1))
    if month and filters.end_date:
        clauses.append(f"{month} <= cast(? as date)")
        params.append(filters.end_date)
    return (" and ".join(clauses) or "true"), params
