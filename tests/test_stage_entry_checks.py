"""Stage entry criteria (docs/sla_semantics.md, "Stage entry criteria").

The rules per kind and their boundaries are pinned by the dbt unit test next to
int_stage_entry_checks_evaluated. Here: the session warehouse's fact recomputed independently
with pandas from the visits, activities, users and journeys, and a bad seed row failing the
build by name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from journey_sla.build import BuildError, build_warehouse
from journey_sla.paths import raw_path_for

pytestmark = pytest.mark.slow


def table(warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).df()


def expected_checks(warehouse: Path) -> pd.DataFrame:
    """is_passed per visit × criterion for the shipped defaults, with pandas."""
    criteria = pd.read_csv(Path(__file__).parent.parent / "seeds" / "stage_entry_criteria.csv")
    criteria = criteria[criteria["is_active"]]
    visits = table(
        warehouse,
        "select stage_visit_id, journey_id, stage, owner_id, journey_visit_sequence, "
        "entered_at from int_stage_visits",
    )
    activities = table(
        warehouse,
        "select journey_id, activity_type, outcome, occurred_at from int_activities_until_as_of "
        "where is_human_touch",
    )
    roles = table(warehouse, "select user_id as owner_id, role from int_users_enriched")
    journeys = table(warehouse, "select * from int_journeys_enriched")
    checks = visits.merge(criteria, on="stage")
    passed = []
    for row in criteria.itertuples():
        rows = checks[checks["criterion_id"] == row.criterion_id]
        parts = [part.strip() or None for part in (row.parameters.split(";") + [""] * 3)[:3]]
        if row.kind == "prior_stage":
            earlier = rows.merge(
                visits[visits["stage"] == parts[0]][["journey_id", "journey_visit_sequence"]],
                on="journey_id",
                suffixes=("", "_prior"),
            )
            earlier = earlier[
                earlier["journey_visit_sequence_prior"] < earlier["journey_visit_sequence"]
            ]
            ok = rows["stage_visit_id"].isin(earlier["stage_visit_id"])
        elif row.kind == "owner_role_at_entry":
            role = rows.merge(roles, on="owner_id", how="left")["role"]
            ok = pd.Series(role.isin(parts[0].split("|")).to_numpy(), index=rows.index)
        elif row.kind == "activity_before_entry":
            kept = activities[
                activities["activity_type"].isin(parts[0].split("|"))
                & activities["outcome"].isin(parts[1].split("|"))
            ]
            window = rows.merge(kept, on="journey_id")
            window = window[
                (window["occurred_at"] <= window["entered_at"])
                & (window["occurred_at"] >= window["entered_at"] - pd.Timedelta(days=int(parts[2])))
            ]
            ok = rows["stage_visit_id"].isin(window["stage_visit_id"])
        elif parts[0].startswith("account."):
            continue  # account attributes need the raw accounts: the unit test covers them
        else:
            assert row.kind == "field_present"
            values = rows.merge(journeys[["journey_id", parts[0]]], on="journey_id", how="left")
            text = values[parts[0]].astype("string").str.strip()
            ok = pd.Series((text.notna() & (text != "")).to_numpy(), index=rows.index)
        passed.append(rows[["stage_visit_id", "criterion_id"]].assign(is_passed=ok.to_numpy()))
    return pd.concat(passed, ignore_index=True)


def test_entry_checks_match_pandas(built_warehouse: Path) -> None:
    actual = table(
        built_warehouse,
        "select stage_visit_id, criterion_id, is_passed, is_entry_criteria_met "
        "from fct_stage_entry_checks",
    )
    expected = expected_checks(built_warehouse)
    actual_compared = actual[actual["criterion_id"].isin(expected["criterion_id"])]
    merged = actual_compared.merge(
        expected, on=["stage_visit_id", "criterion_id"], how="outer", indicator=True
    )
    assert (merged["_merge"] == "both").all()
    assert len(merged) > 1000
    assert (merged["is_passed_x"] == merged["is_passed_y"]).all()
    # Met = every criterion of the visit passed.
    met = actual.groupby("stage_visit_id").agg(
        all_passed=("is_passed", "all"), met=("is_entry_criteria_met", "first")
    )
    assert (met["all_passed"] == met["met"]).all()
    assert met["met"].any() and not met["met"].all()


def test_bad_entry_criteria_fail_the_build_by_name(built_warehouse: Path, tmp_path: Path) -> None:
    from journey_sla.paths import PROJECT_ROOT

    project = tmp_path / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy2(PROJECT_ROOT / name, project / name)
    for folder in ("models", "seeds", "macros", "tests/dbt"):
        shutil.copytree(PROJECT_ROOT / folder, project / folder)
    seed = project / "seeds" / "stage_entry_criteria.csv"
    seed.write_text(
        seed.read_text()
        + "sql,bad_stage,x,prior_stage,sqll,true\n"
        + "sql,bad_field,x,field_present,colour,true\n"
    )
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy2(raw_path_for(built_warehouse), raw_path_for(warehouse))
    with pytest.raises(BuildError) as failure:
        build_warehouse(
            warehouse,
            project_dir=project,
            dbt_args=[
                "--select",
                "resource_type:seed",
                "dim_stages",
                "assert_stage_entry_criteria_are_valid",
            ],
        )
    message = str(failure.value)
    assert "assert_stage_entry_criteria_are_valid" in message
    assert "bad_stage" in message and "sqll" in message
    assert "bad_field" in message and "colour" in message
