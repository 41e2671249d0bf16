"""`journey-sla export`: CRM files with stable ids, from a read-only warehouse."""

from __future__ import annotations

import csv
import hashlib
import re
import socket
from pathlib import Path

import duckdb
import pytest

from journey_sla.cli import build_parser, main
from journey_sla.export import ExportError, export

pytestmark = pytest.mark.slow

ID_COLUMNS = {
    "due_next_tasks": ("task_id", "open-"),
    "breach_alerts": ("alert_id", "breach-"),
    "reassignments": ("reassignment_id", "reassign-"),
}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def warehouse_as_of(warehouse: Path) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        moment = connection.execute("select as_of from dim_build").fetchone()[0]
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def has_export_command() -> bool:
    return re.search(r"^\s+export\s", build_parser().format_help(), re.MULTILINE) is not None


def test_export_writes_three_files_with_unique_prefixed_ids(
    built_warehouse: Path, tmp_path: Path
) -> None:
    results = export(built_warehouse, tmp_path)
    assert [result.name for result in results] == list(ID_COLUMNS)
    for result in results:
        rows = read_csv(result.path)
        assert len(rows) == result.rows
        id_column, prefix = ID_COLUMNS[result.name]
        ids = [row[id_column] for row in rows]
        assert len(set(ids)) == len(ids)
        assert all(
            value.startswith(prefix) and row["clock_id"] in value
            for value, row in zip(ids, rows, strict=True)
        )
    counts = {result.name: result.rows for result in results}
    assert (
        counts["due_next_tasks"] > 0 and counts["breach_alerts"] > 0 and counts["reassignments"] > 0
    )
    assert not list(tmp_path.glob(".*.partial"))


def test_two_runs_give_the_same_ids_and_rows(built_warehouse: Path, tmp_path: Path) -> None:
    first = export(built_warehouse, tmp_path / "first")
    second = export(built_warehouse, tmp_path / "second")
    for one, two in zip(first, second, strict=True):
        assert digest(one.path) == digest(two.path), one.name


def test_exports_agree_with_the_action_queue(built_warehouse: Path, tmp_path: Path) -> None:
    files = {result.name: read_csv(result.path) for result in export(built_warehouse, tmp_path)}
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        queue = {
            row[0]: row[1:]
            for row in connection.execute(
                "select queue_item_id, queue_section, failure_action, is_actionable "
                "from mart_action_queue"
            ).fetchall()
        }
        # The queue's actionable window (14 days, the visit still current and not closing),
        # spelled out independently of the macro.
        reassign_expected = connection.execute(
            "select count(*) from fct_sla_breaches as breaches "
            "join fct_stage_visits as visits using (stage_visit_id) "
            "where breaches.failure_action like '%reassign%' and not breaches.is_reassigned "
            "and breaches.stopped_at is null and visits.is_current and not visits.is_closing "
            "and breaches.breached_at >= breaches.as_of - interval 14 day"
        ).fetchone()[0]
    for task in files["due_next_tasks"]:
        section, _, _ = queue[task["task_id"]]
        assert section in {"at_risk", "open"}
    at_risk = {item for item, (section, _, _) in queue.items() if section == "at_risk"}
    assert at_risk <= {task["task_id"] for task in files["due_next_tasks"]}
    for alert in files["breach_alerts"]:
        item, action = alert["alert_id"].rsplit(":", 1)
        assert action == alert["alert_action"]
        section, failure_action, is_actionable = queue[item]
        assert section == "breach" and is_actionable
        assert float(alert["minutes_since_breach"]) <= 14 * 24 * 60
        assert alert["alert_action"] in failure_action.split("|")
    assert any(alert["manager_id"] and alert["manager_email"] for alert in files["breach_alerts"])
    assert len(files["reassignments"]) == reassign_expected


def test_parquet_holds_the_same_rows_as_csv(built_warehouse: Path, tmp_path: Path) -> None:
    as_csv = export(built_warehouse, tmp_path / "csv")
    as_parquet = export(built_warehouse, tmp_path / "parquet", fmt="parquet")
    for csv_result, parquet_result in zip(as_csv, as_parquet, strict=True):
        assert parquet_result.path.suffix == ".parquet"
        ids = duckdb.sql(f"select * from '{parquet_result.path}'").fetchall()
        assert len(ids) == csv_result.rows == parquet_result.rows


def test_export_leaves_the_warehouse_untouched(built_warehouse: Path, tmp_path: Path) -> None:
    before = digest(built_warehouse)
    export(built_warehouse, tmp_path)
    assert digest(built_warehouse) == before


def test_as_of_must_match_the_build(built_warehouse: Path, tmp_path: Path) -> None:
    built = warehouse_as_of(built_warehouse)
    assert export(built_warehouse, tmp_path / "same", as_of=built.replace(" ", "T") + "Z")
    with pytest.raises(ExportError, match=r"journey-sla build --as-of \"2025-03-31\""):
        export(built_warehouse, tmp_path / "other", as_of="2025-03-31")
    assert not (tmp_path / "other").exists(), "a refused export leaves no folder behind"


def test_missing_warehouse_says_to_build(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="journey-sla build"):
        export(tmp_path / "nothing.duckdb", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_an_engine_it_cannot_reach_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port nothing listens on: bound, then released
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("JOURNEY_SLA_PG_HOST", "127.0.0.1")
    monkeypatch.setenv("JOURNEY_SLA_PG_PORT", str(port))
    with pytest.raises(ExportError, match="postgres: cannot connect"):
        export(tmp_path / "unused.duckdb", tmp_path / "out", target="postgres")
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not has_export_command(), reason="cli.py has no export command yet")
def test_cli_export_prints_counts_and_rejects_another_as_of(
    warehouse_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--out", str(tmp_path), "--format", "csv"]) == 0
    printed = capsys.readouterr().out
    for name in ID_COLUMNS:
        assert name in printed
    assert main(["export", "--out", str(tmp_path), "--as-of", "2025-03-31"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "journey-sla build --as-of" in error


def test_every_file_imports_as_it_is(built_warehouse: Path, tmp_path: Path) -> None:
    """Issue 12: ISO-8601 timestamps with Z, whole minutes, one row per alert action, a named
    fallback queue for rows without a person, and a concrete new owner per reassignment."""
    files = {
        result.name: read_csv(result.path)
        for result in export(built_warehouse, tmp_path, fallback_queue="triage_q")
    }
    iso = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
    for name, rows in files.items():
        for row in rows:
            for column, value in row.items():
                if column.endswith("_at") and value:
                    assert iso.match(value), (name, column, value)
                if column.startswith("minutes") or column.endswith("minutes_left"):
                    assert re.fullmatch(r"-?\d+", value), (name, column, value)
                assert "|" not in value or column in {"task_text", "recommended_action"}
    for alert in files["breach_alerts"]:
        assert alert["alert_action"] in {
            "escalate_to_manager",
            "executive_alert",
            "send_enablement_content",
        }
        assert alert["alert_id"].endswith(":" + alert["alert_action"])
        # Escalations go to the manager; enablement content and its reminder to the owner.
        person = (
            alert["owner_id"]
            if alert["alert_action"] == "send_enablement_content"
            else alert["manager_id"]
        )
        assert alert["alert_to_id"] == (person or "triage_q")
        assert (alert["is_fallback_queue"] == "true") == (not person)
    for task in files["due_next_tasks"]:
        assert task["assignee_id"] == (task["owner_id"] or "triage_q")
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        users = {
            user_id: (team, role, active)
            for user_id, team, role, active in connection.execute(
                "select user_id, team, role, is_active from int_users_enriched"
            ).fetchall()
        }
    for move in files["reassignments"]:
        if move["is_fallback_queue"] == "true":
            assert move["to_owner_id"] == "triage_q"
            continue
        team, role, active = users[move["to_owner_id"]]
        assert (team, role, active) == (move["to_team"], move["to_owner_role"], True)
        assert move["to_owner_id"] != move["from_owner_id"]


def test_crm_shapes_match_their_task_imports(built_warehouse: Path, tmp_path: Path) -> None:
    sf_results = export(built_warehouse, tmp_path / "sf", crm="salesforce")
    hs_results = export(built_warehouse, tmp_path / "hs", crm="hubspot")
    salesforce = {result.name: result.path for result in sf_results}
    hubspot = {result.name: result.path for result in hs_results}
    task_columns = [
        "Subject", "ActivityDate", "OwnerId", "WhatId", "Priority", "Status", "Description",
        "External_Id__c",
    ]  # fmt: skip
    hubspot_columns = [
        "hs_task_subject", "hs_timestamp", "hubspot_owner_id", "hs_task_priority",
        "hs_task_status", "hs_task_body", "associated_record_id", "external_id",
    ]  # fmt: skip
    for name in ("due_next_tasks", "breach_alerts"):
        rows = read_csv(salesforce[name])
        assert list(rows[0]) == task_columns
        assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["ActivityDate"]) for row in rows)
        assert {row["Priority"] for row in rows} <= {"High", "Normal"}
        assert {row["Status"] for row in rows} == {"Not Started"}
        rows = read_csv(hubspot[name])
        assert list(rows[0]) == hubspot_columns
        assert {row["hs_task_priority"] for row in rows} <= {"HIGH", "MEDIUM"}
    assert list(read_csv(salesforce["reassignments"])[0]) == [
        "Id", "OwnerId", "external_id", "is_fallback_queue",
    ]  # fmt: skip
    assert list(read_csv(hubspot["reassignments"])[0])[:2] == ["record_id", "hubspot_owner_id"]
    with pytest.raises(ExportError, match="--crm"):
        export(built_warehouse, tmp_path / "x", crm="pipedrive")
