"""A bad seed row fails `dbt build` with a message that names the row."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from journey_sla.build import BuildError, build_warehouse
from journey_sla.paths import PROJECT_ROOT, raw_path_for

pytestmark = pytest.mark.slow

SEED_CHECKS = [
    "assert_sla_policies_are_valid",
    "assert_business_calendars_open_before_close",
    "assert_business_calendars_timezones_are_known",
    "assert_territories_name_known_calendars",
]


def project_copy(destination: Path) -> Path:
    destination.mkdir(parents=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy2(PROJECT_ROOT / name, destination / name)
    for folder in ("models", "seeds", "macros", "tests/dbt"):
        shutil.copytree(PROJECT_ROOT / folder, destination / folder)
    return destination


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def test_bad_seed_rows_fail_the_build_by_name(built_warehouse: Path, tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project")
    seeds = project / "seeds"
    replace_in(
        seeds / "sla_policies.csv",
        "sal_attempts,sal,attempts,",
        "sal_attempts,sal,attemps,",  # a typo in sla_type
    )
    replace_in(seeds / "business_calendars.csv", "us_west,America/Los_Angeles,1,09:00,17:00",
               "us_west,America/Los_Angeles,1,17:00,09:00")  # fmt: skip
    replace_in(seeds / "business_calendars.csv", "apac,Asia/Singapore,", "apac,Asia/Singapur,")
    replace_in(seeds / "territories.csv", "emea,emea", "emea,europe")

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy2(raw_path_for(built_warehouse), raw_path_for(warehouse))
    with pytest.raises(BuildError) as failure:
        build_warehouse(
            warehouse,
            project_dir=project,
            dbt_args=["--select", "resource_type:seed", *SEED_CHECKS],
        )
    message = str(failure.value)
    assert "assert_sla_policies_are_valid" in message
    assert "sal_attempts" in message and "unknown sla_type attemps" in message
    assert "us_west" in message
    assert "Asia/Singapur" in message
    assert "europe" in message
    assert not warehouse.exists()  # the served warehouse was never replaced


# The build error shows the first three failing rows, so each case has at most three.
CHECKPOINT_CASES = {
    "whole_ascending_type": (
        ",7.5|30|30",
        True,
        [
            "business_days checkpoints must be whole numbers",
            "checkpoints must be strictly ascending: 30 after 30",
            "checkpoints is only for checkpoint policies",
        ],
    ),
    "numbers": (
        ",7|x|",
        False,
        ["checkpoints entry 2 is not a number: x", "checkpoints entry 3 is not a number: (empty)"],
    ),
}


@pytest.mark.parametrize("case", sorted(CHECKPOINT_CASES))
def test_bad_checkpoint_lists_fail_the_build_by_name(
    case: str, built_warehouse: Path, tmp_path: Path
) -> None:
    """checkpoints: numbers, > 0, strictly ascending, whole for business_days, and only on
    checkpoint policies (docs/sla_semantics.md, "Checkpoint clocks")."""
    checkpoints, other_policy_too, problems = CHECKPOINT_CASES[case]
    project = project_copy(tmp_path / "project")
    seed = project / "seeds" / "sla_policies.csv"
    replace_in(seed, ",30,days,80,", ",30,business_days,80,")  # adoption_check_ins' unit
    replace_in(seed, ",7|30|60|90", checkpoints)
    if other_policy_too:  # a list on a policy of another type
        lines = seed.read_text().rstrip("\n").split("\n")
        lines = [line + "5" if line.startswith("mql_acceptance,") else line for line in lines]
        seed.write_text("\n".join(lines) + "\n")

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy2(raw_path_for(built_warehouse), raw_path_for(warehouse))
    with pytest.raises(BuildError) as failure:
        build_warehouse(
            warehouse,
            project_dir=project,
            dbt_args=["--select", "resource_type:seed", "assert_sla_policies_are_valid"],
        )
    message = str(failure.value)
    assert "adoption_check_ins" in message
    for problem in problems:
        assert problem in message
    if other_policy_too:
        assert "mql_acceptance" in message
    assert not warehouse.exists()
