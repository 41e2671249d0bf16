"""Write the CRM exports from a built warehouse: due-next tasks, breach alerts, reassignments.

The exports are thin, set-based projections of the marts (``mart_action_queue``,
``mart_reassignments``, ``dim_build``), written with DuckDB ``COPY`` from a read-only
connection, so an export never changes the warehouse and can run while the app is serving
it. Every row carries an id derived from the clock's stable ``clock_id``: re-running the export, or
exporting after a rebuild, gives the same id to the same task, so a CRM that upserts on it
never creates duplicates. Columns are documented in docs/exports.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

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


def export_queries(window_hours: int) -> dict[str, str]:
    """The SELECT behind each export, in the order they are written (docs/exports.md)."""
    return {
        # Open clocks already at risk, or turning at risk (or, without a warning, falling
        # due) within the window: a daily export creates the task before the warning fires.
        "due_next_tasks": f"""
            select
                queue_item_id as task_id,
                clock_id,
                policy_id,
                journey_id,
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
                and (
                    is_at_risk
                    or coalesce(warning_at, due_at) <= as_of + to_hours({int(window_hours)})
                )
            order by urgency_rank
        """,
        # Actionable unhandled breaches (the queue's window: visit still current and open,
        # breached within action_queue_breach_window_days) whose policy escalates them.
        "breach_alerts": """
            select
                queue_item_id as alert_id,
                clock_id,
                policy_id,
                journey_id,
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
                failure_action,
                action_code,
                recommended_action,
                minutes_since_breach,
                is_executive_alert,
                is_clock_stopped,
                due_at,
                breached_at,
                as_of
            from mart_action_queue
            where queue_section = 'breach'
                and is_actionable
                and is_escalating_policy
            order by urgency_rank
        """,
        # Actionable breaches whose policy says reassign, not reassigned yet and outstanding, with
        # the routed team to move them to: the mart holds the rule (mart_reassignments).
        "reassignments": """
            select *
            from mart_reassignments
            order by breached_at, clock_id
        """,
    }


def _quote_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def warehouse_as_of(connection: duckdb.DuckDBPyConnection) -> datetime:
    row = connection.execute("select as_of from dim_build").fetchone()
    if row is None or row[0] is None:
        raise ExportError("the warehouse has no as_of; run `journey-sla build` first")
    return row[0]


def _check_tables(connection: duckdb.DuckDBPyConnection, warehouse: Path) -> None:
    present = {
        name
        for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'main'"
        ).fetchall()
    }
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
) -> list[ExportResult]:
    """Write due_next_tasks, breach_alerts and reassignments to out_dir as <name>.<fmt>.

    Each file is written beside its final name and renamed over it, so a reader never sees
    half a file. Raises FileNotFoundError without a warehouse and ExportError when the
    warehouse lacks the marts or was built for another as_of.
    """
    if fmt not in FORMATS:
        raise ExportError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if window_hours < 0:
        raise ExportError(f"--window-hours must be 0 or more, not {window_hours}")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"--out {out_dir}: is a file, not a folder; name a folder")
    warehouse = Path(warehouse)
    if not warehouse.exists():
        raise FileNotFoundError(f"{warehouse}: no warehouse; run `journey-sla build` first")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"--out {out_dir}: cannot create the folder: {error.strerror}") from error
    options = "(format csv, header true)" if fmt == "csv" else "(format parquet)"

    results = []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        _check_tables(connection, warehouse)
        _check_as_of(as_of, warehouse_as_of(connection))
        for name, query in export_queries(window_hours).items():
            path = out_dir / f"{name}.{fmt}"
            partial = out_dir / f".{name}.{fmt}.partial"
            if fmt == "csv":  # no cell may open as a formula (journey_sla/spreadsheet.py)
                query = spreadsheet_safe_query(connection, query)
            (rows,) = connection.execute(
                f"copy ({query}) to {_quote_path(partial)} {options}"
            ).fetchone()
            os.replace(partial, path)
            results.append(ExportResult(name, path, int(rows)))
    return results
