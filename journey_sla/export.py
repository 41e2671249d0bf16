"""Write the CRM exports from a built warehouse: due-next tasks, breach alerts, reassignments.

The exports are thin, set-based projections of the marts (``mart_action_queue``,
``mart_reassignments``, ``dim_build``), selected through a read-only reader of the served
warehouse (``journey_sla.readers``: the DuckDB file, or with ``--target postgres|spark`` the
engine's served schema), so an export never changes the warehouse and can run while the app
is serving it. The selecting SQL is portable; the rows come back as Arrow and an in-memory
DuckDB shapes them for the CRM (timestamps as ISO text, minutes rounded, spreadsheet-safe
text) and writes them with ``COPY``: one writer whatever the engine, so the files are the
same bytes on each (docs/engines.md).

Every row carries an id derived from the clock's stable ``clock_id``: re-running the export,
or exporting after a rebuild, gives the same id to the same task, so a CRM that upserts on it
never creates duplicates. Columns are documented in docs/exports.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from journey_sla import readers
from journey_sla.build import normalize_as_of
from journey_sla.spreadsheet import spreadsheet_safe_query

FORMATS = ("csv", "parquet")
DEFAULT_WINDOW_HOURS = 24
# The marts the exports read (declared as the crm_exports exposure in models/marts/).
REQUIRED_TABLES = (
    "dim_build",
    "mart_action_queue",
    "mart_reassignments",
)


class ExportError(ValueError):
    """A request the warehouse cannot answer; str() is one line (the CLI exits with 2)."""


@dataclass(frozen=True)
class ExportResult:
    name: str
    path: Path
    rows: int


DEFAULT_FALLBACK_QUEUE = "revops_triage"
CRMS = ("generic", "salesforce", "hubspot")
# Failure actions that alert a person: breach_alerts has one row per breach and action.
ALERT_ACTIONS = ("escalate_to_manager", "executive_alert", "send_enablement_content")
# ... and of those, the ones sent to the owner (enablement content and a reminder for the
# owner to act on), not to the owner's manager.
OWNER_ALERT_ACTIONS = ("send_enablement_content",)


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _like_text(value: str) -> str:
    """A LIKE pattern (escape character ``!``) matching ``value`` as one ``|``-separated
    item of a list."""
    escaped = value.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return _sql_text(f"%|{escaped}|%")


def export_queries(
    window_hours: int, fallback_queue: str = DEFAULT_FALLBACK_QUEUE
) -> dict[str, str]:
    """The SELECT behind each export, in the order they are written (docs/exports.md).

    Portable SQL (DuckDB, PostgreSQL, Spark). due_next_tasks takes one bound parameter, the
    end of the window (as_of + window_hours, worked out in Python: no engine's interval
    syntax). Rows without a person to send them to go to ``fallback_queue`` (a CRM queue or
    user id), flagged ``is_fallback_queue``."""
    del window_hours  # the window's end is the bound parameter (export_parameters)
    fallback = _sql_text(fallback_queue)
    actions = ", ".join(_sql_text(action) for action in ALERT_ACTIONS)
    owner_actions = ", ".join(_sql_text(action) for action in OWNER_ALERT_ACTIONS)
    # One row per alerting action named in the breach's failure_action ('a|b|c'), without
    # a list type (unnest/string_split are DuckDB's): match each fixed action as an item.
    alert_actions = " union all ".join(
        f"select {_sql_text(action)} as alert_action, {_like_text(action)} as action_pattern"
        for action in ALERT_ACTIONS
    )
    return {
        # Open clocks already at risk, or turning at risk (or, without a warning, falling
        # due) within the window: a daily export creates the task before the warning fires.
        "due_next_tasks": f"""
            select
                queue_item_id as task_id,
                clock_id,
                policy_id,
                journey_id,
                coalesce(owner_id, {fallback}) as assignee_id,
                owner_id is null as is_fallback_queue,
                owner_id,
                manager_id,
                owner_name,
                owner_email,
                owner_team,
                stage,
                policy_description,
                recommended_action as task_text,
                minutes_left,
                business_minutes_left,
                is_at_risk,
                warning_at,
                due_at,
                as_of
            from mart_action_queue
            where queue_section in ('at_risk', 'open')
                and is_actionable
                and (
                    is_at_risk
                    or coalesce(warning_at, due_at) <= cast(? as timestamp)
                )
            order by urgency_rank
        """,
        # Actionable unhandled breaches (the queue's window: visit still current and open,
        # breached within action_queue_breach_window_days), one row per alerting action of
        # the policy (escalate_to_manager, executive_alert: to the manager;
        # send_enablement_content: to the owner).
        "breach_alerts": f"""
            with alert_actions as (
                {alert_actions}
            ),

            alerts as (
                select
                    queue.*,
                    actions.alert_action
                from mart_action_queue as queue
                inner join alert_actions as actions
                    on '|' || queue.failure_action || '|' like actions.action_pattern escape '!'
                where queue.queue_section = 'breach'
                    and queue.is_actionable
                    and queue.failure_action is not null
            ),
            recipients as (
                select
                    *,
                    case
                        when alert_action in ({owner_actions}) then owner_id
                        else manager_id
                    end as recipient_id
                from alerts
                where alert_action in ({actions})
            )
            select
                queue_item_id || ':' || alert_action as alert_id,
                clock_id,
                policy_id,
                journey_id,
                alert_action,
                coalesce(recipient_id, {fallback}) as alert_to_id,
                recipient_id is null as is_fallback_queue,
                owner_id,
                manager_id,
                owner_name,
                owner_email,
                owner_team,
                manager_name,
                manager_email,
                stage,
                journey_current_stage,
                policy_description,
                action_code,
                recommended_action,
                minutes_since_breach,
                is_clock_stopped,
                due_at,
                breached_at,
                as_of
            from recipients
            order by urgency_rank, alert_action
        """,
        # Breaches whose policy says reassign, not reassigned yet and outstanding, with the
        # routed team and the new owner chosen in it: the mart holds the rule.
        "reassignments": f"""
            select
                reassignment_id,
                clock_id,
                policy_id,
                journey_id,
                from_owner_id,
                coalesce(to_owner_id, {fallback}) as to_owner_id,
                to_owner_id is null as is_fallback_queue,
                to_owner_name,
                to_owner_role,
                to_team,
                manager_id,
                from_owner_team,
                stage,
                journey_current_stage,
                minutes_since_breach,
                is_escalated,
                due_at,
                breached_at,
                as_of
            from mart_reassignments
            order by breached_at, clock_id
        """,
    }


# The CRMs' import shapes (docs/exports.md). Tasks: one per due-next task and per alert;
# reassignments: an owner change on the journey's record.
def crm_query(crm: str, name: str, generic: str) -> str:
    """The generic export reshaped into the CRM's own import columns."""
    if crm == "generic":
        return generic
    if name == "reassignments":
        owner = "OwnerId" if crm == "salesforce" else "hubspot_owner_id"
        record = "Id" if crm == "salesforce" else "record_id"
        return f"""
            select journey_id as {record}, to_owner_id as {owner},
                reassignment_id as external_id, is_fallback_queue
            from ({generic})
        """
    # A task for an open clock is due when the clock is; an alert is due now (as_of).
    due = "due_at" if name == "due_next_tasks" else "as_of"
    if name == "due_next_tasks":
        subject = "'SLA due: ' || policy_description"
        owner, priority = "assignee_id", "case when is_at_risk then 'High' else 'Normal' end"
        body, external = "task_text", "task_id"
    else:
        subject = "'SLA breach: ' || policy_description"
        owner, priority, body, external = "alert_to_id", "'High'", "recommended_action", "alert_id"
    if crm == "salesforce":
        return f"""
            select
                {subject} as Subject,
                strftime({due}, '%Y-%m-%d') as ActivityDate,
                {owner} as OwnerId,
                journey_id as WhatId,
                {priority} as Priority,
                'Not Started' as Status,
                {body} as Description,
                {external} as External_Id__c
            from ({generic})
        """
    return f"""
        select
            {subject} as hs_task_subject,
            strftime({due}, '%Y-%m-%dT%H:%M:%SZ') as hs_timestamp,
            {owner} as hubspot_owner_id,
            replace(upper({priority}), 'NORMAL', 'MEDIUM') as hs_task_priority,
            'NOT_STARTED' as hs_task_status,
            {body} as hs_task_body,
            journey_id as associated_record_id,
            {external} as external_id
        from ({generic})
    """


def importable_query(connection: duckdb.DuckDBPyConnection, query: str) -> str:
    """``query`` with every timestamp as ISO-8601 UTC text ending in ``Z`` and every
    fractional number (the minute counts) rounded to a whole number: what a CRM import
    takes as it is."""
    described = connection.execute(f"describe ({query})").fetchall()
    columns = []
    for name, type_name, *_ in described:
        quoted = '"' + str(name).replace('"', '""') + '"'
        kind = str(type_name).upper()
        if kind.startswith("TIMESTAMP"):
            columns.append(f"strftime({quoted}, '%Y-%m-%dT%H:%M:%SZ') as {quoted}")
        elif kind in ("DOUBLE", "FLOAT", "REAL") or kind.startswith("DECIMAL"):
            columns.append(f"cast(round({quoted}) as bigint) as {quoted}")
        else:
            columns.append(quoted)
    return f"select {', '.join(columns)} from ({query})"


def _quote_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_parameters(name: str, as_of: datetime, window_hours: int) -> list:
    """The bound values of ``export_queries()[name]``: due_next_tasks' window end."""
    if name != "due_next_tasks":
        return []
    return [(as_of + timedelta(hours=int(window_hours))).isoformat(sep=" ")]


def warehouse_as_of(reader: readers.Reader) -> datetime:
    rows = reader.arrow("select as_of from dim_build").column("as_of").to_pylist()
    if not rows or rows[0] is None:
        raise ExportError("the warehouse has no as_of; run `journey-sla build` first")
    return rows[0]


def _check_tables(reader: readers.Reader, warehouse: str) -> None:
    present = reader.tables()
    missing = [name for name in REQUIRED_TABLES if name not in present]
    if missing:
        raise ExportError(f"{warehouse} has no {', '.join(missing)}; run `journey-sla build` first")


def _check_as_of(requested: str | None, built: datetime) -> None:
    """Exports describe the warehouse's as_of; another as_of needs another build."""
    if requested is None:
        return
    wanted = datetime.fromisoformat(normalize_as_of(requested))
    if wanted != built:
        built_text = built.strftime("%Y-%m-%d %H:%M:%S")
        raise ExportError(
            f"the warehouse is built as of {built_text}, not {wanted:%Y-%m-%d %H:%M:%S}; "
            f'run `journey-sla build --as-of "{requested}"` first'
        )


def export(
    warehouse: Path,
    out_dir: Path,
    as_of: str | None = None,
    fmt: str = "csv",
    window_hours: int = DEFAULT_WINDOW_HOURS,
    crm: str = "generic",
    fallback_queue: str = DEFAULT_FALLBACK_QUEUE,
    target: str | None = "duckdb",
) -> list[ExportResult]:
    """Write due_next_tasks, breach_alerts and reassignments to out_dir as <name>.<fmt>.

    ``target`` picks the engine read (``warehouse`` is the DuckDB file; postgres and spark
    read their served schema, docs/engines.md). Each file is written beside its final name
    and renamed over it, so a reader never sees half a file. Raises FileNotFoundError
    without a warehouse and ExportError when the warehouse lacks the marts or was built for
    another as_of.
    """
    target = readers.current_target(target)
    if fmt not in FORMATS:
        raise ExportError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if crm not in CRMS:
        raise ExportError(f"--crm must be one of {', '.join(CRMS)}, not {crm!r}")
    if not fallback_queue.strip():
        raise ExportError("--fallback-queue must name a CRM queue or user")
    if window_hours < 0:
        raise ExportError(f"--window-hours must be 0 or more, not {window_hours}")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"--out {out_dir}: is a file, not a folder; name a folder")
    warehouse = Path(warehouse)
    if target == "duckdb" and not warehouse.exists():
        raise FileNotFoundError(f"{warehouse}: no warehouse; run `journey-sla build` first")
    options = "(format csv, header true)" if fmt == "csv" else "(format parquet)"

    where = str(warehouse) if target == "duckdb" else readers.location(target)
    results = []
    try:
        reader = readers.connect(target, where)
    except readers.ReaderError as error:
        raise ExportError(str(error)) from None
    with reader, duckdb.connect() as shaper:
        _check_tables(reader, readers.describe(target, where))
        built = warehouse_as_of(reader)
        _check_as_of(as_of, built)
        # Only now: an export that cannot read its engine leaves no empty folder behind.
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            message = f"--out {out_dir}: cannot create the folder: {error.strerror}"
            raise ExportError(message) from error
        for name, generic in export_queries(window_hours, fallback_queue.strip()).items():
            # The engine selects the rows; DuckDB in memory shapes and writes them. A table
            # (not a view of the Arrow data) carries column statistics, so Parquet marks
            # columns without nulls as required exactly as a COPY from the warehouse did.
            selected = reader.arrow(generic, export_parameters(name, built, window_hours))
            shaper.register("selected_rows", selected)
            shaper.execute("create or replace temp table export_rows as from selected_rows")
            shaper.unregister("selected_rows")
            query = importable_query(shaper, crm_query(crm, name, "select * from export_rows"))
            path = out_dir / f"{name}.{fmt}"
            partial = out_dir / f".{name}.{fmt}.partial"
            if fmt == "csv":  # no cell may open as a formula (journey_sla/spreadsheet.py)
                query = spreadsheet_safe_query(shaper, query)
            (rows,) = shaper.execute(
                f"copy ({query}) to {_quote_path(partial)} {options}"
            ).fetchone()
            os.replace(partial, path)
            results.append(ExportResult(name, path, int(rows)))
    return results
