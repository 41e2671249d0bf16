"""Versioned SLA policies (issue 12, "Revise"): real builds of the golden extract.

docs/sla_semantics.md, "Policy versions": a clock uses the version of its policy in force at
its started_at, [effective_from, effective_to). The boundary instant itself is pinned by the
dbt unit test int_clocks_started_policy_version_switch_at_the_boundary; here the whole
pipeline is checked: the row the Target tuning page proposes pastes into the seed and builds
a version 2; a rebuild --as-of a past month-end under a seed with a later version gives that
month's numbers unchanged; bad versions fail the build by name.

Expected values are worked by hand from the golden scenario (tests/golden/README.md): the
default calendar is UTC 09:00-17:00 on weekdays; inquiry_speed_to_lead_high is 30 business
minutes in version 1, and the proposal below makes version 2 = 15 business minutes from
2025-06-01 00:00 UTC.
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from journey_sla.app_logic.policy_versions import (
    first_of_next_month,
    proposed_version_row,
    version_changes,
)
from journey_sla.build import BuildError, build_warehouse
from journey_sla.paths import PROJECT_ROOT, raw_path_for

pytestmark = pytest.mark.slow

GOLDEN_EXTRACTS = PROJECT_ROOT / "tests" / "golden" / "extracts"
SEED = PROJECT_ROOT / "seeds" / "sla_policies.csv"
POLICY = "inquiry_speed_to_lead_high"
MONTH_END = "2025-05-31 23:59:59"
GOLDEN_AS_OF = "2025-11-30 00:00:00"


def project_copy(destination: Path) -> Path:
    destination.mkdir(parents=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy2(PROJECT_ROOT / name, destination / name)
    for folder in ("models", "seeds", "macros", "tests/dbt"):
        shutil.copytree(PROJECT_ROOT / folder, destination / folder)
    return destination


def fetch(warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).df()


def seed_policy_row(policy_id: str) -> pd.Series:
    """What the app passes: a dim_policies-like row (only policy_id is needed with a seed)."""
    return pd.Series({"policy_id": policy_id})


@pytest.fixture(scope="module")
def golden_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from journey_sla.load import load_extracts

    warehouse = tmp_path_factory.mktemp("golden_raw") / "warehouse.duckdb"
    load_extracts(GOLDEN_EXTRACTS, warehouse, notice=lambda message: None)
    return raw_path_for(warehouse)


def build(golden_raw: Path, folder: Path, as_of: str, project: Path = PROJECT_ROOT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    warehouse = folder / "warehouse.duckdb"
    shutil.copy2(golden_raw, raw_path_for(warehouse))
    build_warehouse(warehouse, as_of=as_of, project_dir=project)
    return warehouse


@pytest.fixture(scope="module")
def proposed_line() -> str:
    _, line = proposed_version_row(seed_policy_row(POLICY), 15, date(2025, 6, 1), seed=SEED)
    return line


@pytest.fixture(scope="module")
def versioned_project(tmp_path_factory: pytest.TempPathFactory, proposed_line: str) -> Path:
    """The repository's project with the proposed row pasted at the end of the seed."""
    project = project_copy(tmp_path_factory.mktemp("versioned") / "project")
    seed = project / "seeds" / "sla_policies.csv"
    seed.write_text(seed.read_text().rstrip("\n") + "\n" + proposed_line + "\n")
    return project


@pytest.fixture(scope="module")
def builds(
    golden_raw: Path, versioned_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("builds")
    return {
        "month_end_shipped": build(golden_raw, root / "a", MONTH_END),
        "month_end_versioned": build(golden_raw, root / "b", MONTH_END, versioned_project),
        "latest_versioned": build(golden_raw, root / "c", GOLDEN_AS_OF, versioned_project),
    }


def test_the_proposed_row_has_every_seed_column_in_order(proposed_line: str) -> None:
    with SEED.open(newline="") as handle:
        header = next(csv.reader(handle))
    row = next(csv.reader(io.StringIO(proposed_line)))
    assert len(row) == len(header)
    parsed = dict(zip(header, row, strict=True))
    shipped = next(csv.DictReader(SEED.open(newline="")))
    assert shipped["policy_id"] == POLICY  # the first shipped row is the one proposed
    # Only the target and the dates change; every other column is the shipped version's.
    assert parsed["target_value"] == "15"
    assert parsed["effective_from"] == "2025-06-01 00:00:00"
    assert parsed["effective_to"] == ""
    unchanged = set(header) - {"target_value", "effective_from", "effective_to"}
    assert {column: parsed[column] for column in unchanged} == {
        column: shipped[column] for column in unchanged
    }


def test_first_of_next_month_is_the_default_start() -> None:
    assert first_of_next_month(date(2025, 5, 17)) == date(2025, 6, 1)
    assert first_of_next_month(date(2025, 12, 31)) == date(2026, 1, 1)


def test_pasting_the_proposed_row_builds_a_version_2(builds: dict[str, Path]) -> None:
    versions = fetch(
        builds["latest_versioned"],
        f"select * from dim_policy_versions where policy_id = '{POLICY}' order by 2",
    )
    assert versions["policy_version"].tolist() == [1, 2]
    assert versions["target_value"].tolist() == [30.0, 15.0]
    # Version 1 (no declared end) now ends where version 2 starts.
    assert versions["effective_to"].iloc[0] == datetime(2025, 6, 1)
    assert pd.isna(versions["effective_to"].iloc[1])
    current = fetch(
        builds["latest_versioned"],
        "select current_policy_version, target_value from dim_policies "
        f"where policy_id = '{POLICY}'",
    ).iloc[0]
    assert (current["current_policy_version"], current["target_value"]) == (2, 15.0)
    marks = version_changes(fetch(builds["latest_versioned"], "select * from dim_policy_versions"))
    assert marks[["policy_id", "policy_version"]].values.tolist() == [[POLICY, 2]]
    assert marks["month_start"].iloc[0] == pd.Timestamp("2025-06-01")


def test_each_clock_uses_the_version_in_force_at_its_start(builds: dict[str, Path]) -> None:
    clocks = fetch(
        builds["latest_versioned"],
        f"select journey_id, policy_version, target_value, started_at, due_at "
        f"from fct_sla_clocks where policy_id = '{POLICY}'",
    ).set_index("journey_id")
    # Before 2025-06-01: version 1, 30 business minutes.
    # j01: Tue 2025-03-04 15:00 UTC, New York open 14:00-22:00 UTC (EST) -> 15:30.
    assert clocks.loc["j01_high_met", "policy_version"] == 1
    assert clocks.loc["j01_high_met", "due_at"] == datetime(2025, 3, 4, 15, 30)
    # From 2025-06-01: version 2, 15 business minutes on the default calendar (UTC 09-17).
    # j09: Mon 2025-06-02 14:00 -> 14:15; j32: Wed 2025-06-04 10:00 -> 10:15.
    assert clocks.loc["j09_closed_after_due", "policy_version"] == 2
    assert clocks.loc["j09_closed_after_due", "due_at"] == datetime(2025, 6, 2, 14, 15)
    assert clocks.loc["j32_first_touch_after_progress", "policy_version"] == 2
    assert clocks.loc["j32_first_touch_after_progress", "due_at"] == datetime(2025, 6, 4, 10, 15)
    before = clocks[clocks["started_at"] < datetime(2025, 6, 1)]
    after = clocks[clocks["started_at"] >= datetime(2025, 6, 1)]
    assert not before.empty and not after.empty
    assert set(before["policy_version"]) == {1} and set(before["target_value"]) == {30.0}
    assert set(after["policy_version"]) == {2} and set(after["target_value"]) == {15.0}


def ordered(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def test_a_later_version_does_not_change_a_past_month_end(builds: dict[str, Path]) -> None:
    """Rebuilt --as-of 2025-05-31 23:59:59 with version 2 (from 06-01) in the seed, May's
    review is exactly what it was: every clock started by then uses version 1."""
    shipped, versioned = builds["month_end_shipped"], builds["month_end_versioned"]
    monthly_shipped = ordered(fetch(shipped, "select * from mart_governance_monthly"))
    monthly_versioned = ordered(fetch(versioned, "select * from mart_governance_monthly"))
    assert not monthly_shipped.empty
    pd.testing.assert_frame_equal(monthly_shipped, monthly_versioned)
    clocks_shipped = ordered(fetch(shipped, "select * from fct_sla_clocks"))
    clocks_versioned = ordered(fetch(versioned, "select * from fct_sla_clocks"))
    pd.testing.assert_frame_equal(clocks_shipped, clocks_versioned)
    assert set(clocks_versioned["policy_version"]) == {1}
    # The version exists in the build, it is just not in force at that as_of.
    versions = fetch(versioned, f"select * from dim_policy_versions where policy_id = '{POLICY}'")
    assert len(versions) == 2
    current = fetch(
        versioned, f"select current_policy_version from dim_policies where policy_id = '{POLICY}'"
    )
    assert current["current_policy_version"].tolist() == [1]


def test_bad_versions_fail_the_build_by_name(golden_raw: Path, tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project")
    seed = project / "seeds" / "sla_policies.csv"
    lines = seed.read_text().rstrip("\n").split("\n")
    header = lines[0].split(",")
    rows = {line.split(",", 1)[0]: line for line in lines[1:]}

    def version(policy_id: str, **changes: str) -> str:
        values = dict(zip(header, next(csv.reader([rows[policy_id]])), strict=True))
        values.update(changes)
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow([values[column] for column in header])
        return out.getvalue()

    extra = [
        # overlap: version 1 declared until 2025-06-01, version 2 starts 2025-05-01.
        version("mql_acceptance", effective_from="2025-05-01 00:00:00"),
        # ends before it starts.
        version("sal_attempts", effective_from="2025-05-01 00:00:00", effective_to="2025-04-01"),
        # a version may not change what the policy clocks.
        version("sql_handoff_to_ae", effective_from="2025-05-01 00:00:00", stage="mql"),
    ]
    text = "\n".join(lines) + "\n" + "\n".join(extra) + "\n"
    text = text.replace(
        rows["mql_acceptance"],
        version("mql_acceptance", effective_to="2025-06-01 00:00:00"),
    )
    seed.write_text(text)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy2(golden_raw, raw_path_for(warehouse))
    with pytest.raises(BuildError) as failure:
        build_warehouse(
            warehouse,
            project_dir=project,
            dbt_args=["--select", "resource_type:seed", "assert_sla_policies_are_valid"],
        )
    message = str(failure.value)
    assert "assert_sla_policies_are_valid" in message
    assert "mql_acceptance" in message and "overlaps" in message
    assert "sal_attempts" in message and "effective_to must be after effective_from" in message
    assert "sql_handoff_to_ae" in message and "versions differ in stage" in message
    assert not warehouse.exists()
