"""The dbt project documents itself: every model and column described, docs generate works."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from journey_sla.build import run_dbt
from journey_sla.paths import raw_path_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def docs_target(built_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`dbt docs generate` against a copy of the session warehouse; returns its target dir."""
    work = tmp_path_factory.mktemp("docs")
    copy = work / built_warehouse.name
    shutil.copy2(built_warehouse, copy)
    target = work / "target"
    result = run_dbt(
        ["docs", "generate", "--target-path", str(target), "--log-path", str(work / "logs")],
        {
            "JOURNEY_SLA_BUILD_DB": str(copy),
            "JOURNEY_SLA_RAW_DB": str(raw_path_for(built_warehouse)),
        },
    )
    assert result.success, result.exception
    return target


@pytest.fixture(scope="module")
def manifest(docs_target: Path) -> dict:
    return json.loads((docs_target / "manifest.json").read_text())


def project_models(manifest: dict) -> list[dict]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "journey_sla"
    ]


def test_docs_generate_writes_a_catalog_with_every_mart(docs_target: Path, manifest: dict) -> None:
    catalog = json.loads((docs_target / "catalog.json").read_text())
    in_catalog = {node["metadata"]["name"] for node in catalog["nodes"].values()}
    marts = {
        node["name"] for node in project_models(manifest) if "/marts/" in node["original_file_path"]
    }
    assert marts, "no marts found"
    assert marts <= in_catalog


def test_every_model_states_its_grain(manifest: dict) -> None:
    missing = [
        node["name"]
        for node in project_models(manifest)
        if "grain" not in node["description"].lower()
    ]
    assert missing == []


def test_every_built_column_is_described(manifest: dict, built_warehouse: Path) -> None:
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        columns = connection.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'main'"
        ).fetchall()
    actual: dict[str, set[str]] = {}
    for table, column in columns:
        actual.setdefault(table, set()).add(column)

    problems = []
    for node in project_models(manifest):
        if node["name"] not in actual:  # views over the raw file are checked by their sources
            continue
        documented = {
            name
            for name, column in node["columns"].items()
            if column.get("description", "").strip()
        }
        undocumented = actual[node["name"]] - documented
        if undocumented:
            problems.append(f"{node['name']}: {sorted(undocumented)}")
    assert problems == []


def test_marts_the_app_reads_enforce_contracts(manifest: dict) -> None:
    exposures = list(manifest.get("exposures", {}).values())
    assert exposures, "the Streamlit app has no exposures: entry"
    read = {dep.split(".")[-1] for exposure in exposures for dep in exposure["depends_on"]["nodes"]}
    models = {node["name"]: node for node in project_models(manifest)}
    unenforced = [
        name
        for name in read
        if name in models
        and "/marts/" in models[name]["original_file_path"]
        and not models[name]["config"].get("contract", {}).get("enforced")
    ]
    assert unenforced == []
