"""Governance marts (docs/metrics.md).

Three kinds of checks:
- the statistics macros (Wilson interval, two-proportion z-test, normal CDF) compiled by dbt,
  run in DuckDB and compared with SciPy for many (k, n) pairs, 0 and n included;
- the marts of the session warehouse (1,500 journeys) recomputed from the engine marts with
  independent SQL: attainment, immature visits left out, candidate attainment at the current
  target, business-day counting, renewal KPIs, verdicts from the shown counts;
- the acceptance checks on the default demo (20,000 journeys, seed 7): at least one shipped
  policy is `effective`, and conversion falls as response time grows in mart_target_tuning.

The verdict thresholds themselves are pinned by dbt unit tests next to the models
(models/marts/governance/_governance__models.yml), which every `dbt build` runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from scipy import stats

from journey_sla.paths import raw_path_for

GOVERNANCE_MARTS = [
    "fct_visit_outcomes",
    "fct_clock_outcomes",
    "mart_governance_monthly",
    "mart_sla_effectiveness",
    "mart_sla_effectiveness_monthly",
    "mart_target_tuning",
    "mart_stage_funnel",
    "mart_stage_kpis",
]
CONVERSION_WINDOW_DAYS = 90
MIN_MET, MIN_BREACHED, ALPHA = 30, 30, 0.05
Z_95 = stats.norm.ppf(0.975)


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """Read-only connection with the raw file attached (staging models are views on it)."""
    connection = duckdb.connect(str(warehouse), read_only=True)
    connection.execute(f"attach '{raw_path_for(warehouse)}' as raw_db (read_only)")
    return connection


def rows(connection: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = connection.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def scalar(connection: duckdb.DuckDBPyConnection, sql: str):
    return connection.execute(sql).fetchone()[0]


def wilson(k: int, n: int) -> tuple[float, float]:
    interval = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return interval.low, interval.high


def pooled_z(k1: int, n1: int, k2: int, n2: int) -> float | None:
    pooled = (k1 + k2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        return None
    return (k1 / n1 - k2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))


def two_sided_p(k1: int, n1: int, k2: int, n2: int) -> float:
    z = pooled_z(k1, n1, k2, n2)
    return 1.0 if z is None else 2 * stats.norm.sf(abs(z))


# -- the statistics macros against SciPy -------------------------------------------------

PROPORTIONS = [
    (0, 1),
    (1, 1),
    (0, 10),
    (10, 10),
    (1, 10),
    (3, 10),
    (1, 3),
    (7, 30),
    (50, 100),
    (999, 1000),
    (0, 1000),
    (1, 1000),
    (4072, 6519),
]
TWO_GROUPS = [
    (6, 6, 0, 6),
    (0, 6, 6, 6),
    (3, 6, 3, 7),
    (4, 6, 2, 6),
    (412, 1000, 380, 1000),
    (1, 50, 15, 60),
    (45, 100, 55, 100),
    (500, 1000, 200, 1000),
    (0, 10, 0, 10),
    (10, 10, 10, 10),
    (1899, 2833, 1306, 2833),
    (30, 30, 29, 30),
]
Z_VALUES = [-8.0, -5.0, -1.959963984540054, -1.0, -0.1, 0.0, 0.5, 1.0, 1.959963984540054, 3.0, 6.0]


@pytest.fixture(scope="module")
def macro_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """Compile one query per macro family with `dbt compile --inline` and run it in DuckDB."""
    from journey_sla.build import run_dbt

    workdir = tmp_path_factory.mktemp("governance_macros")
    raw = workdir / "empty.raw.duckdb"
    duckdb.connect(str(raw)).close()
    env = {
        "JOURNEY_SLA_BUILD_DB": str(workdir / "empty.duckdb"),
        "JOURNEY_SLA_RAW_DB": str(raw),
        "JOURNEY_SLA_DB": str(workdir / "empty.duckdb"),
    }

    def values(tuples, columns):
        body = ", ".join("(" + ", ".join(repr(v) for v in t) + ")" for t in tuples)
        return f"(values {body}) as cases({', '.join(columns)})"

    queries = {
        "wilson": "select k, n, {{ wilson_lower('k', 'n') }} as lower_bound, "
        "{{ wilson_upper('k', 'n') }} as upper_bound from "
        + values([*PROPORTIONS, (0, 0)], ["k", "n"]),
        "test": "select k1, n1, k2, n2, "
        "{{ two_proportion_z('k1', 'n1', 'k2', 'n2') }} as z, "
        "{{ two_proportion_p_value('k1', 'n1', 'k2', 'n2') }} as p_value from "
        + values([*TWO_GROUPS, (1, 0, 1, 5)], ["k1", "n1", "k2", "n2"]),
        "cdf": "select z, {{ normal_cdf('z') }} as cdf, {{ two_sided_normal_p_value('z') }} "
        "as p_value from " + values([(z,) for z in Z_VALUES], ["z"]),
    }
    compiled = {}
    for name, sql in queries.items():
        result = run_dbt(
            ["compile", "--quiet", "--inline", sql, "--target-path", str(workdir / "target")],
            env,
        )
        assert result.success, result.exception
        compiled[name] = result.result.results[0].node.compiled_code
    with duckdb.connect() as connection:
        return {name: rows(connection, sql) for name, sql in compiled.items()}


def test_wilson_interval_matches_scipy(macro_results):
    for row in macro_results["wilson"]:
        k, n = row["k"], row["n"]
        if n == 0:
            assert row["lower_bound"] is None and row["upper_bound"] is None
            continue
        low, high = wilson(k, n)
        assert row["lower_bound"] == pytest.approx(low, abs=1e-12), (k, n)
        assert row["upper_bound"] == pytest.approx(high, abs=1e-12), (k, n)
        if k == 0:
            assert row["lower_bound"] == 0.0
        if k == n:
            assert row["upper_bound"] == 1.0


def test_two_proportion_test_matches_scipy(macro_results):
    for row in macro_results["test"]:
        k1, n1, k2, n2 = row["k1"], row["n1"], row["k2"], row["n2"]
        if n1 == 0:
            assert row["z"] is None and row["p_value"] is None
            continue
        z = pooled_z(k1, n1, k2, n2)
        if z is None:  # both groups all or nothing: no difference to test
            assert row["z"] is None and row["p_value"] == 1.0
            continue
        assert row["z"] == pytest.approx(z, rel=1e-12)
        # Abramowitz-Stegun 7.1.26: |error| < 1.5e-7 on erfc, hence on the p-value.
        assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)), abs=1.5e-7)


def test_normal_cdf_matches_scipy(macro_results):
    for row in macro_results["cdf"]:
        z = float(row["z"])  # DuckDB reads the literals as decimals
        assert row["cdf"] == pytest.approx(stats.norm.cdf(z), abs=1e-7)
        assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)), abs=1.5e-7)


def test_known_p_values_by_hand(macro_results):
    """Two values worked by hand: 6/6 vs 0/6 gives z = 6/√3 = 3.4641, p = 0.000532; 4/6 vs
    2/6 gives z = 1.1547, p = 0.2482."""
    by_case = {(r["k1"], r["n1"], r["k2"], r["n2"]): r for r in macro_results["test"]}
    assert by_case[(6, 6, 0, 6)]["z"] == pytest.approx(6 / math.sqrt(3))
    assert by_case[(6, 6, 0, 6)]["p_value"] == pytest.approx(0.000532, abs=1e-6)
    assert by_case[(4, 6, 2, 6)]["p_value"] == pytest.approx(0.2482, abs=1e-4)


# -- the session warehouse ----------------------------------------------------------------


@pytest.fixture(scope="module")
def governance_db(built_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(built_warehouse)
    yield connection
    connection.close()


@pytest.mark.slow
@pytest.mark.parametrize("model", GOVERNANCE_MARTS)
def test_governance_marts_are_built(governance_db, model):
    assert governance_db.execute(f"select count(*) from {model}").fetchone()[0] > 0


@pytest.mark.slow
def test_attainment_is_met_over_met_plus_breached(governance_db):
    """Every row of mart_governance_monthly, roll-ups included (segment, territory and team
    cubed), against fct_sla_clocks."""
    differences = rows(
        governance_db,
        """
        with clocks as (
            select
                cast(date_trunc('month', clocks.started_at) as date) as month_start_date,
                clocks.policy_id,
                coalesce(journeys.segment, 'unknown') as segment,
                coalesce(journeys.territory, 'unknown') as territory,
                coalesce(users.team, 'unassigned') as team,
                clocks.status
            from fct_sla_clocks as clocks
            left join int_journeys_enriched as journeys using (journey_id)
            left join stg_crm__users as users on clocks.owner_id = users.user_id
        ),
        expected as (
            select
                month_start_date, policy_id,
                coalesce(segment, 'all') as segment,
                coalesce(territory, 'all') as territory,
                coalesce(team, 'all') as team,
                count(*) as clocks,
                count(*) filter (where status = 'open') as open_clocks,
                count(*) filter (where status = 'cancelled') as cancelled_clocks,
                count(*) filter (where status = 'met')
                    / nullif(count(*) filter (where status in ('met', 'breached')), 0)
                    as attainment
            from clocks
            group by month_start_date, policy_id, cube (segment, territory, team)
        )
        select expected.*, mart.clocks as mart_clocks, mart.attainment as mart_attainment
        from expected
        full join mart_governance_monthly as mart
            using (month_start_date, policy_id, segment, territory, team)
        where expected.clocks is distinct from mart.clocks
            or expected.open_clocks is distinct from mart.open_clocks
            or expected.cancelled_clocks is distinct from mart.cancelled_clocks
            or abs(expected.attainment - mart.attainment) > 1e-12
            or (expected.attainment is null) != (mart.attainment is null)
        """,
    )
    assert differences == []
    with_attainment = "select count(*) from mart_governance_monthly where attainment is not null"
    assert scalar(governance_db, with_attainment) > 0


@pytest.mark.slow
def test_funnel_leaves_immature_visits_out_of_conversion(governance_db):
    """mart_stage_funnel against a recomputation from fct_stage_visits: a visit is mature when
    entered_at + 90 days <= as_of; only mature visits enter conversion rates."""
    differences = rows(
        governance_db,
        f"""
        with as_of as (select max(as_of) as as_of from fct_sla_clocks),
        visits as (
            select
                visits.*,
                visits.entered_at + interval {CONVERSION_WINDOW_DAYS} day <= as_of.as_of
                    as is_mature,
                exists (
                    select 1 from fct_stage_visits as later
                    where later.journey_id = visits.journey_id
                        and later.journey_visit_sequence > visits.journey_visit_sequence
                        and later.funnel_order > visits.funnel_order
                        and not later.is_closing
                        and later.entered_at
                            <= visits.entered_at + interval {CONVERSION_WINDOW_DAYS} day
                ) as reached_later_stage
            from fct_stage_visits as visits, as_of
            where not visits.is_closing
        ),
        expected as (
            select
                cast(date_trunc('month', entered_at) as date) as month_start_date,
                stage,
                count(*) as entries,
                count(*) filter (where not is_mature) as immature_entries,
                count(*) filter (where is_mature and stage != 'renewal') as base,
                count(*) filter (where is_mature and reached_later_stage) as converted
            from visits
            group by all
        )
        select expected.*, mart.*
        from expected
        full join mart_stage_funnel as mart using (month_start_date, stage)
        where expected.entries is distinct from mart.entries
            or expected.immature_entries is distinct from mart.immature_entries
            or expected.base is distinct from mart.conversion_base_entries
            or expected.converted is distinct from mart.converted_entries
        """,
    )
    assert differences == []
    immature_months = rows(
        governance_db,
        "select * from mart_stage_funnel where immature_entries = entries",
    )
    assert immature_months, "the last months before as_of should be immature"
    assert all(row["conversion_rate"] is None for row in immature_months)
    assert all(row["converted_entries"] == 0 for row in immature_months)


@pytest.mark.slow
def test_governance_monthly_counts_immature_visits_apart(governance_db):
    bad = rows(
        governance_db,
        """
        select * from mart_governance_monthly
        where conversion_base_visits + immature_visits > clocked_visits
            or (conversion_base_visits = 0 and conversion_rate is not null)
            or converted_visits > conversion_base_visits
        """,
    )
    assert bad == []
    with_immature = "select count(*) from mart_governance_monthly where immature_visits > 0"
    assert scalar(governance_db, with_immature) > 0


@pytest.mark.slow
def test_effectiveness_statistics_and_verdicts(governance_db):
    """Intervals and p-values from the counts the mart shows, and the verdict rules."""
    for row in rows(governance_db, "select * from mart_sla_effectiveness"):
        n1, k1 = row["met_visits"], row["met_converted_visits"]
        n2, k2 = row["breached_visits"], row["breached_converted_visits"]
        if n1:
            bounds = (row["met_conversion_rate_lower"], row["met_conversion_rate_upper"])
            assert bounds == pytest.approx(wilson(k1, n1), abs=1e-12)
        if n2:
            bounds = (row["breached_conversion_rate_lower"], row["breached_conversion_rate_upper"])
            assert bounds == pytest.approx(wilson(k2, n2), abs=1e-12)
        if n1 and n2:
            assert row["p_value"] == pytest.approx(two_sided_p(k1, n1, k2, n2), abs=1.5e-7)
            lift = k1 / n1 - k2 / n2
            assert row["conversion_rate_lift"] == pytest.approx(lift, abs=1e-12)
        if n1 < MIN_MET or n2 < MIN_BREACHED:
            expected = "insufficient_data"
        elif row["p_value"] < ALPHA and lift > 0:
            expected = "effective"
        elif row["p_value"] < ALPHA and lift < 0:
            expected = "harmful"
        else:
            expected = "no_measurable_effect"
        assert row["verdict"] == expected, row["policy_id"]
        assert row["verdict_reason"]
    active = scalar(  # one row per policy, however many versions it has
        governance_db, "select count(distinct policy_id) from sla_policies where is_active"
    )
    assert scalar(governance_db, "select count(*) from mart_sla_effectiveness") == active


@pytest.mark.slow
def test_candidate_attainment_at_current_target_is_actual_attainment(governance_db):
    current = rows(
        governance_db,
        """
        select tuning.policy_id, tuning.candidate_attainment, tuning.actual_attainment,
            count(*) filter (where clocks.status = 'met')
                / count(*) filter (where clocks.status in ('met', 'breached')) as attainment
        from mart_target_tuning as tuning
        inner join fct_sla_clocks as clocks using (policy_id)
        where tuning.is_current_target
        group by all
        """,
    )
    assert current
    for row in current:
        assert row["actual_attainment"] == pytest.approx(row["attainment"], abs=1e-12)
        assert row["candidate_attainment"] == pytest.approx(row["attainment"], abs=1e-12)


@pytest.mark.slow
def test_elapsed_business_days_follows_the_deadline_rule(governance_db):
    """A business_days clock stopped by its condition is met exactly when its elapsed
    business days do not exceed the target."""
    mismatches = rows(
        governance_db,
        """
        select * from fct_clock_outcomes
        where target_unit = 'business_days' and is_resolved and is_stopped_by_condition
            and (elapsed_business_days <= target_value) != (status = 'met')
        """,
    )
    assert mismatches == []


@pytest.mark.slow
def test_renewal_kpis_match_contracts(governance_db):
    expected = rows(
        governance_db,
        """
        select
            cast(date_trunc('month', end_date) as date) as month_start_date,
            count(*) filter (where renewal_status = 'renewed') / count(*) as renewal_rate,
            sum(case when renewal_status = 'renewed' then renewal_arr else 0 end) / sum(arr) as nrr
        from stg_crm__contracts
        where renewal_status in ('renewed', 'churned')
            and end_date <= (select cast(max(as_of) as date) from fct_sla_clocks)
        group by all
        """,
    )
    kpis = {
        (row["month_start_date"], row["kpi"]): row["value"]
        for row in rows(
            governance_db, "select * from mart_stage_kpis where kpi in ('renewal_rate', 'nrr')"
        )
    }
    assert expected and len(kpis) == 2 * len(expected)
    for row in expected:
        assert kpis[(row["month_start_date"], "renewal_rate")] == pytest.approx(row["renewal_rate"])
        assert kpis[(row["month_start_date"], "nrr")] == pytest.approx(row["nrr"])


# -- acceptance on the default demo ---------------------------------------------------------

DEFAULT_DEMO_JOURNEYS = 20_000


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default demo (20,000 journeys, seed 7) built up to the two marts the acceptance
    reads. The session warehouse (1,500 journeys) is too small for significance."""
    from journey_sla.build import build_warehouse
    from journey_sla.generate import generate
    from journey_sla.load import load_extracts

    root = tmp_path_factory.mktemp("governance_demo")
    generate(root / "extract", journeys=DEFAULT_DEMO_JOURNEYS, seed=7)
    warehouse = root / "warehouse.duckdb"
    load_extracts(root / "extract", warehouse, notice=lambda message: None)
    build_warehouse(
        warehouse, dbt_args=["--select", "+mart_sla_effectiveness", "+mart_target_tuning"]
    )
    return warehouse


@pytest.mark.slow
def test_default_policies_give_an_effective_verdict(demo_warehouse):
    with connect(demo_warehouse) as connection:
        verdicts = dict(
            connection.execute("select policy_id, verdict from mart_sla_effectiveness").fetchall()
        )
    assert "effective" in verdicts.values(), verdicts


@pytest.mark.slow
def test_conversion_falls_as_response_time_grows(demo_warehouse):
    """For every speed-to-lead policy: over buckets with at least 30 mature clocks, the
    conversion rate decreases with the bucket (Spearman ρ < 0), and the fastest bucket's
    Wilson interval lies wholly above the slowest one's."""
    with connect(demo_warehouse) as connection:
        curve = rows(
            connection,
            """
            select tuning.*
            from mart_target_tuning as tuning
            inner join (select distinct policy_id, kpi from sla_policies) as policies
                using (policy_id)
            where policies.kpi = 'speed_to_lead' and tuning.mature_stopped_clocks >= 30
            order by tuning.policy_id, tuning.bucket_number
            """,
        )
    by_policy: dict[str, list[dict]] = {}
    for row in curve:
        by_policy.setdefault(row["policy_id"], []).append(row)
    assert len(by_policy) == 3, by_policy.keys()
    for policy_id, buckets in by_policy.items():
        assert len(buckets) >= 2, policy_id
        fastest, slowest = buckets[0], buckets[-1]
        assert fastest["conversion_rate_lower"] > slowest["conversion_rate_upper"], policy_id
        if len(buckets) >= 3:
            rho = stats.spearmanr(
                [b["bucket_number"] for b in buckets], [b["conversion_rate"] for b in buckets]
            ).statistic
            assert rho < 0, (policy_id, rho)
