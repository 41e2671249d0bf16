{{ config(severity='error') }}
-- Policies have several versions in the seed; every clock must point at exactly one of them
-- (docs/sla_semantics.md, "Policy versions"). One row per clock with no or several matching
-- versions. Reads two intermediate models only, so partial builds that select the clocks
-- also have what this test reads. One row per clock and per policy downstream is pinned by
-- the `unique` tests on clock_id (fct_sla_clocks, fct_clock_outcomes, fct_sla_breaches,
-- mart_action_queue) and policy_id (dim_policies).
with

clocks as (

    select * from {{ ref('int_clocks_resolved') }}

),

versions as (

    select * from {{ ref('int_sla_policy_versions') }}

),

problems as (

    select
        clocks.clock_id,
        clocks.policy_id,
        clocks.policy_version,
        count(versions.policy_id) as matching_versions

    from clocks
    left join versions
        on clocks.policy_id = versions.policy_id
        and clocks.policy_version = versions.policy_version
    group by clocks.clock_id, clocks.policy_id, clocks.policy_version
    having count(versions.policy_id) != 1

),

final as (

    select * from problems

)

select * from final
