"""`journey-sla build`: a real dbt build into a fresh file, swapped in only when it passes."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from journey_sla.build import BuildError, build_warehouse, normalize_as_of
from journey_sla.paths import raw_path_for

pytestmark = pytest.mark.slow


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_dbt_build_passes_on_generated_data(built_warehouse: Path) -> None:
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        counts = dict(
            connection.execute(
                "select table_name, rows_in_warehouse from mart_raw_table_counts"
            ).fetchall()
        )
        clocks = connection.execute("select count(*) from fct_sla_clocks").fetchone()[0]
    assert set(counts) == {
        "users", "accounts", "journeys", "stage_events",
        "assignments", "activities", "contracts", "signals",
    }  # fmt: skip
    assert all(rows > 0 for rows in counts.values()), counts
    assert clocks > 0


def test_no_build_files_are_left_behind(built_warehouse: Path) -> None:
    leftovers = [p.name for p in built_warehouse.parent.iterdir() if p.name.startswith(".build-")]
    assert leftovers == []


def test_failed_build_leaves_served_warehouse_untouched(
    built_warehouse: Path, tmp_path: Path
) -> None:
    served = tmp_path / "warehouse.duckdb"
    shutil.copy2(built_warehouse, served)
    shutil.copy2(raw_path_for(built_warehouse), raw_path_for(served))
    with duckdb.connect(str(raw_path_for(served))) as connection:
        connection.execute("drop table raw.signals")  # a source dbt needs
    before = digest(served)

    with pytest.raises(BuildError, match="unchanged"):
        build_warehouse(served)

    assert digest(served) == before
    assert not any(p.name.startswith(".build-") for p in tmp_path.iterdir())


def test_build_without_raw_data_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="journey-sla load"):
        build_warehouse(tmp_path / "warehouse.duckdb")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2025-10-31", "2025-10-31 00:00:00"),
        ("2025-10-31 23:59:59", "2025-10-31 23:59:59"),
        ("2025-10-31T23:59:59Z", "2025-10-31 23:59:59"),
        ("2025-11-01T01:00:00+02:00", "2025-10-31 23:00:00"),
    ],
)
def test_as_of_is_normalised_to_utc(given: str, expected: str) -> None:
    assert normalize_as_of(given) == expected


def test_bad_as_of_is_a_user_error() -> None:
    with pytest.raises(ValueError, match="as-of"):
        normalize_as_of("last tuesday")


def test_a_build_that_spills_into_temp_dir_passes(tmp_path: Path, monkeypatch) -> None:
    """`build --memory-limit --temp-dir` on a build that spills. dbt-duckdb re-runs profile
    `settings` as SET on every cursor, and DuckDB refuses to set temp_directory again once
    something has spilled into it, so a spilling build failed on its first later node (the 3M
    scale run did). The golden extract at 80 MB spills (the old profile failed here with
    "Cannot switch temporary directory", 4 nodes); under about 60 MB it runs out of memory."""
    from journey_sla.cli import main
    from journey_sla.load import load_extracts

    warehouse = tmp_path / "warehouse.duckdb"
    load_extracts(Path(__file__).parent / "golden" / "extracts", warehouse, notice=print)
    spill = tmp_path / "spill"
    # The CLI exports its flags as environment variables; monkeypatch restores them after.
    monkeypatch.setenv("JOURNEY_SLA_THREADS", "1")
    monkeypatch.setenv("JOURNEY_SLA_MEMORY_LIMIT", "80MB")
    monkeypatch.setenv("JOURNEY_SLA_TEMP_DIR", str(spill))
    code = main(
        ["build", "--db", str(warehouse), "--memory-limit", "80MB", "--temp-dir", str(spill),
         "--as-of", "2025-11-30 00:00:00"]
    )  # fmt: skip
    assert code == 0
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        assert connection.execute("select count(*) from fct_sla_clocks").fetchone()[0] > 0
