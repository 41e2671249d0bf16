"""Crash safety: `load` and `build` killed at seeded random points (issue 10, section 5).

A kill is ``os._exit(137)`` at a named point (journey_sla/faults.py, JOURNEY_SLA_KILL_AT),
which skips every ``finally`` and ``except`` like SIGKILL does. After each kill: the served
warehouse opens and answers, the raw file holds either the old or the new complete state
(or none before a first load), and a rerun succeeds. Builds are slow (dbt), so they build
one small table (``--select stg_loader__load_log``) into a stand-in served warehouse.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from journey_sla.build import BuildError, build_warehouse
from journey_sla.contract import TABLES
from journey_sla.load import last_load_problem, load_extracts
from journey_sla.paths import raw_path_for
from tests.conftest import cli_env
from tests.test_load import quiet, with_rows, write_extract

pytestmark = pytest.mark.slow

SEED = 20261129
LOAD_POINTS = (
    ["load:started", "load:before_commit", "load:committed", "load:checkpointed"]
    + [
        f"{point}#{n}"
        for point in ("load:counted", "load:staged", "load:upserted")
        for n in (1, 4, 8)
    ]
    + [f"load:table#{n}" for n in range(1, 9)]
)
FIRST_LOAD_ONLY = ["load:renamed"]


def run_killed(point: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "journey_sla", *args],
        capture_output=True, text=True, timeout=300,
        env=cli_env(JOURNEY_SLA_KILL_AT=point),
    )  # fmt: skip


def state(warehouse: Path) -> dict[str, list[tuple]] | None:
    """The contract tables' rows (without load metadata), or None without a raw file."""
    raw = raw_path_for(warehouse)
    if not raw.exists():
        return None
    with duckdb.connect(str(raw), read_only=True) as connection:
        return {
            table.name: sorted(
                connection.execute(
                    f"select {', '.join(table.column_names)} from raw.{table.name}"
                ).fetchall(),
                key=str,
            )
            for table in TABLES
        }


def served_answers(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute("select count(*) from stg_loader__load_log").fetchone()[0]


@pytest.fixture(scope="module")
def extracts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("extracts")
    old = write_extract(base / "old")
    new = write_extract(
        base / "new",
        journeys=with_rows("journeys", "j4,a2,2025-04-01 10:00:00,chat,low,,,"),
        signals=with_rows("signals", "g2,j4,2025-06-02 08:00:00,other,low"),
    )
    return old, new


def test_loads_killed_at_random_points(tmp_path, extracts):
    old, new = extracts
    reference = tmp_path / "reference" / "warehouse.duckdb"
    load_extracts(old, reference, notice=quiet)
    old_state = state(reference)
    load_extracts(new, reference, notice=quiet)
    new_state = state(reference)
    assert old_state != new_state

    rng = random.Random(SEED)
    cases = [(point, "later") for point in LOAD_POINTS]
    cases += [(point, "first") for point in LOAD_POINTS + FIRST_LOAD_ONLY]
    chosen = rng.sample(cases, 22)
    for index, (point, kind) in enumerate(chosen):
        warehouse = tmp_path / f"case{index}" / "warehouse.duckdb"
        if kind == "later":
            load_extracts(old, warehouse, notice=quiet)
        before = state(warehouse)
        result = run_killed(point, "load", str(new), "--db", str(warehouse), "--json")
        assert result.returncode == 137, (point, kind, result.stderr)

        after = state(warehouse)
        assert after in (before, new_state), (point, kind)
        problem = last_load_problem(raw_path_for(warehouse))
        if after != new_state:
            assert problem == "the last load did not finish; run load again", (point, kind)
            with pytest.raises(BuildError, match="the last load did not finish; run load again"):
                build_warehouse(warehouse)
        # The rerun succeeds and leaves the new complete state and nothing else behind.
        load_extracts(new, warehouse, notice=quiet)
        assert state(warehouse) == new_state, (point, kind)
        assert last_load_problem(raw_path_for(warehouse)) is None
        leftovers = [p.name for p in warehouse.parent.iterdir() if ".loading-" in p.name]
        assert leftovers == [], (point, kind)


def test_builds_killed_before_and_after_dbt(tmp_path, extracts):
    old, _new = extracts
    warehouse = tmp_path / "warehouse.duckdb"
    load_extracts(old, warehouse, notice=quiet)
    with duckdb.connect(str(warehouse)) as connection:  # a stand-in served warehouse
        connection.execute("create table stg_loader__load_log as select 42 as load_id")
    assert served_answers(warehouse) == 1

    rng = random.Random(SEED)
    after_dbt = rng.choice(["build:built", "build:checkpointed"])
    for point in ("build:staging", after_dbt):
        args = ["build", "--db", str(warehouse), "--select", "stg_loader__load_log"]
        result = run_killed(point, *args)
        assert result.returncode == 137, (point, result.stdout[-2000:], result.stderr[-2000:])
        assert served_answers(warehouse) == 1  # untouched: the old warehouse
        assert any(p.name.startswith(".build-") for p in tmp_path.iterdir())
        assert state(warehouse) is not None

    # The rerun succeeds, swaps in the new table and removes the dead builds' folders.
    result = subprocess.run(
        [sys.executable, "-m", "journey_sla", "build", "--db", str(warehouse),
         "--select", "stg_loader__load_log"],
        capture_output=True, text=True, timeout=300, env=cli_env(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert served_answers(warehouse) == 8  # one load_log row per table
    assert not any(p.name.startswith(".build-") for p in tmp_path.iterdir())
    assert os.environ.get("JOURNEY_SLA_KILL_AT") is None
