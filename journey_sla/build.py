"""Run dbt into a fresh warehouse file and swap it in atomically.

DuckDB allows one writer and no readers beside it across processes. So a build never
writes the file the app is reading: dbt builds into ``<dir>/.build-<pid>-<random>/<name>.duckdb``
(same file name, so the DuckDB catalog name baked into views matches), attaching the raw
file read-only, and only when ``dbt build`` passes is the new file renamed over the served
one. A failed build leaves the served warehouse untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from journey_sla.faults import kill_point
from journey_sla.paths import PROJECT_ROOT, raw_path_for


class BuildError(Exception):
    """dbt build failed or could not start; str() is one line."""


@dataclass(frozen=True)
class BuildResult:
    warehouse: Path
    nodes_passed: int
    nodes_total: int
    node_seconds: dict[str, float] = field(default_factory=dict)
    as_of: datetime | None = None
    as_of_source: str | None = None


def normalize_as_of(text: str) -> str:
    """An ISO-8601 instant (offset optional, UTC when absent) as 'YYYY-MM-DD HH:MM:SS' in UTC."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise ValueError(
            f"--as-of {text!r} is not an ISO-8601 timestamp (e.g. 2025-10-31 23:59:59)"
        ) from error
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def dbt_vars(as_of: str | None) -> dict[str, str]:
    return {"as_of": normalize_as_of(as_of)} if as_of else {}


def failing_rows(database: Path, results: list, limit: int = 3) -> str:
    """The first rows of failed tests that store failures (seed checks name the bad row)."""
    messages = []
    if not database.exists():
        return ""
    with duckdb.connect(str(database), read_only=True) as connection:
        for result in results:
            relation = getattr(result.node, "relation_name", None)
            if not relation or str(result.status) != "fail":
                continue
            try:
                rows = connection.execute(f"select * from {relation} limit {limit}").fetchall()
            except duckdb.Error:
                continue
            messages += [" ".join(str(value) for value in row) for row in rows]
    return "; ".join(messages)


def has_selection(dbt_args: Sequence[str]) -> bool:
    return any(
        arg in {"-s", "--select", "-m", "--models", "--exclude", "--selector"} for arg in dbt_args
    )


FAILED_STATUSES = {"error", "fail", "runtime error"}


def failed_nodes(node_results: list) -> list:
    """The nodes of a dbt run that errored or failed (tests that found rows)."""
    return [r for r in node_results if str(r.status) in FAILED_STATUSES]


def node_results_of(result, command: str) -> list:
    """The nodes' results of a dbt invocation, or BuildError when dbt could not run at all."""
    if result.exception is not None:
        summary = " ".join(str(result.exception).split())
        raise BuildError(f"{command} could not run: {summary}")
    return list(getattr(result.result, "results", []) or [])


@contextmanager
def _env(overrides: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def release_dbt_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in-process between invocations.

    dbt-duckdb caches one environment per process and reuses it while the credentials are
    equal. Left open, it would keep the renamed file open and a later build in the same
    process (tests, bench) could write into the served warehouse through it.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
    if environment is not None:
        environment.close()


def run_dbt(args: list[str], env: dict[str, str], project_dir: Path = PROJECT_ROOT):
    """Invoke dbt in-process through its programmatic runner."""
    from dbt.cli.main import dbtRunner

    with _env(env):
        try:
            return dbtRunner().invoke(
                [*args, "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
            )
        finally:
            release_dbt_duckdb()


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the file so the rename moves one complete file."""
    with duckdb.connect(str(path)) as connection:
        connection.execute("checkpoint")


def _holds_raw_schema(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        with duckdb.connect(str(path), read_only=True) as connection:
            return bool(
                connection.execute(
                    "select 1 from information_schema.schemata where schema_name = 'raw'"
                ).fetchall()
            )
    except duckdb.Error:
        return False


def loaded_crm(raw: Path) -> str:
    """Which input the raw file's last load held: extract, or the CRM whose schema it wrote
    (raw.load_log names a CRM's tables schema-qualified, e.g. salesforce.lead)."""
    try:
        with duckdb.connect(str(raw), read_only=True) as connection:
            rows = connection.execute(
                "select table_name from raw.load_log order by loaded_at desc, load_id desc limit 1"
            ).fetchall()
    except duckdb.Error:
        return "extract"
    if rows and "." in str(rows[0][0]):
        return str(rows[0][0]).split(".", 1)[0]
    return "extract"


def built_as_of(warehouse: Path) -> tuple[datetime | None, str | None]:
    """The warehouse's as_of and where it came from (None, None when it has none)."""
    try:
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            row = connection.execute("select as_of, as_of_source from dim_build").fetchone()
    except duckdb.Error:
        return None, None
    return (row[0], row[1]) if row else (None, None)


def remove_stale_staging(directory: Path) -> None:
    """Staging folders of builds whose process is gone (killed, e.g. by SIGKILL)."""
    from journey_sla.load import pid_alive

    if not directory.is_dir():
        return
    for folder in directory.glob(".build-*-*"):
        pid = folder.name.split("-")[1]
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def build_warehouse(
    warehouse: Path,
    as_of: str | None = None,
    dbt_args: Sequence[str] = (),
    command: str = "build",
    project_dir: Path = PROJECT_ROOT,
) -> BuildResult:
    from journey_sla.load import last_load_problem

    warehouse = Path(warehouse).resolve()
    variables = dbt_vars(as_of)
    raw = raw_path_for(warehouse)
    if warehouse.name.endswith(".raw.duckdb") or _holds_raw_schema(warehouse):
        raise BuildError(
            f"--db {warehouse}: this file holds the loader's raw schema; a build would "
            "overwrite it (give the served warehouse, e.g. data/warehouse.duckdb)"
        )
    problem = last_load_problem(raw)
    if problem:
        raise BuildError(f"{raw.name}: {problem}")
    if not raw.exists():
        raise BuildError(f"{raw}: no raw data loaded yet; run `journey-sla load DIR` first")
    remove_stale_staging(warehouse.parent)
    crm = loaded_crm(raw)
    if crm != "extract":
        variables["crm"] = crm

    staging_dir = warehouse.parent / f".build-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    shutil.rmtree(staging_dir, ignore_errors=True)
    staging_dir.mkdir(parents=True)
    staged = staging_dir / warehouse.name
    kill_point("build:staging")
    try:
        if has_selection(dbt_args) and warehouse.exists():
            # A partial build starts from the served models so unselected ones survive the swap.
            shutil.copy2(warehouse, staged)
        env = {
            "JOURNEY_SLA_BUILD_DB": str(staged),
            "JOURNEY_SLA_RAW_DB": str(raw),
            "JOURNEY_SLA_DB": str(warehouse),
        }
        args = [command, "--vars", json.dumps(variables), *dbt_args]
        result = run_dbt(args, env, project_dir)
        node_results = node_results_of(result, f"dbt {command}")
        failed = failed_nodes(node_results)
        if not result.success or failed:
            names = ", ".join(r.node.name for r in failed[:5]) or "see logs/dbt.log"
            details = failing_rows(staged, failed)
            raise BuildError(
                f"dbt {command} failed ({len(failed)} of {len(node_results)} nodes): {names}"
                + (f" [{details}]" if details else "")
                + f"; the served warehouse {warehouse} is unchanged"
            )
        kill_point("build:built")
        _checkpoint(staged)
        kill_point("build:checkpointed")
        os.replace(staged, warehouse)
        kill_point("build:swapped")
        seconds = {r.node.name: float(r.execution_time or 0.0) for r in node_results}
        as_of_value, source = built_as_of(warehouse)
        return BuildResult(
            warehouse,
            len(node_results) - len(failed),
            len(node_results),
            seconds,
            as_of_value,
            source,
        )
    finally:
        shutil.rmtree(staging_dir, ignore_errors=True)
