"""The dbt project documents itself: every model and column described, docs generate works."""

from __future__ import annotations

import json
import re
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


# --- the layers (docs/architecture.md) ---------------------------------------------------------


def layer_of(node: dict) -> str:
    """staging, intermediate, marts/<area>, seed or source, from where the node lives."""
    if node["resource_type"] in {"seed", "source"}:
        return node["resource_type"]
    parts = Path(node["original_file_path"]).parts
    return parts[1] if parts[1] != "marts" else f"marts/{parts[2]}"


def upstream_layers(manifest: dict, node: dict) -> set[tuple[str, str]]:
    nodes = {**manifest["nodes"], **manifest["sources"]}
    return {
        (layer_of(nodes[parent]), nodes[parent]["name"])
        for parent in node["depends_on"]["nodes"]
        if parent in nodes and nodes[parent]["package_name"] == "journey_sla"
    }


def allowed_upstream(layer: str) -> set[str]:
    """Each layer reads only the layers below it (STYLE.md): staging reads sources;
    intermediate reads staging, seeds and itself; marts read intermediate models and each
    other. Two stated exceptions: health marts report on the raw data itself, so they read
    staging; core dimensions may publish a reference seed unchanged."""
    if layer == "staging":
        return {"source"}
    if layer == "intermediate":
        return {"staging", "seed", "intermediate"}
    marts = {"intermediate"} | {f"marts/{area}" for area in MART_AREAS}
    if layer == "marts/health":
        return marts | {"staging"}
    if layer == "marts/core":
        return marts | {"seed"}
    return marts


MART_AREAS = ("core", "sla", "governance", "operations", "health")


def test_every_model_reads_only_the_layers_below_it(manifest: dict) -> None:
    problems = []
    for node in project_models(manifest):
        layer = layer_of(node)
        allowed = allowed_upstream(layer)
        for parent_layer, parent in upstream_layers(manifest, node):
            if parent_layer not in allowed:
                problems.append(f"{layer} {node['name']} reads {parent_layer} {parent}")
    assert problems == []


def test_the_app_and_the_exports_read_only_marts(manifest: dict) -> None:
    from journey_sla.app_logic.warehouse import RELATIONS
    from journey_sla.export import REQUIRED_TABLES

    marts = {
        node["name"] for node in project_models(manifest) if layer_of(node).startswith("marts/")
    }
    assert set(RELATIONS.names()) - marts == set()
    assert set(REQUIRED_TABLES) - marts == set()
    for exposure in manifest["exposures"].values():
        read = {dependency.split(".")[-1] for dependency in exposure["depends_on"]["nodes"]}
        assert read - marts == set(), exposure["name"]
    access = {node["name"]: node["access"] for node in project_models(manifest)}
    exposed = {
        dependency.split(".")[-1]
        for exposure in manifest["exposures"].values()
        for dependency in exposure["depends_on"]["nodes"]
    }
    assert {access[name] for name in exposed} == {"public"}
    assert {access[name] for name in access if name not in exposed} == {"protected"}


def test_a_long_model_says_why(manifest: dict) -> None:
    """No model over 250 lines or 7 refs without a `-- Size:` comment saying why."""
    problems = []
    for node in project_models(manifest):
        sql = (Path(__file__).resolve().parent.parent / node["original_file_path"]).read_text()
        lines, refs = len(sql.splitlines()), sql.count("ref('")
        if (lines > 250 or refs > 7) and "-- Size:" not in sql:
            problems.append(f"{node['name']}: {lines} lines, {refs} refs")
    assert problems == []


def test_ownership_is_read_only_from_the_owner_history() -> None:
    """The tie rule ("of several assignments at one instant the highest assignment_id owns")
    and "the latest assignment at or before t" live only in int_owner_history: no other model
    ranks assignments; every consumer joins the history with owner_valid_at."""
    root = Path(__file__).resolve().parent.parent / "models"
    ranking = re.compile(r"assignment_id\s+desc|assigned_at\s+desc", re.IGNORECASE)
    offenders = [
        path.stem
        for path in root.rglob("*.sql")
        if path.stem != "int_owner_history" and ranking.search(path.read_text())
    ]
    assert offenders == []
    consumers = [p.stem for p in root.rglob("*.sql") if "owner_valid_at(" in p.read_text()]
    expected = {"int_stage_visits", "int_instant_clocks_started", "mart_routing_monthly"}
    assert set(consumers) >= expected


def test_every_relation_name_fits_postgres(manifest: dict) -> None:
    """PostgreSQL cuts identifiers at 63 bytes and dbt refuses longer relation names, so a
    model, seed or unit test with a longer name builds on DuckDB and fails on PostgreSQL
    (a unit test's name becomes its temporary relation)."""
    nodes = [*manifest["nodes"].values(), *manifest.get("unit_tests", {}).values()]
    too_long = sorted(
        node["name"]
        for node in nodes
        if node["resource_type"] in {"model", "seed", "snapshot", "unit_test"}
        and len(node["name"].encode()) > 63
    )
    assert too_long == []
