-- One row per SLA policy version (seeds/sla_policies.csv in canonical form): when each
-- version was in force and its target, wording and actions. fct_sla_clocks.policy_version
-- points here; trend charts mark the month a version took effect. A view: stored once.
{{ config(materialized='view') }}

with

versions as (

    select * from {{ ref('int_sla_policy_versions') }}

),

final as (

    select
        policy_id,
        policy_version,
        effective_from,
        effective_to,
        description,
        target_unit,
        target_value,
        target_seconds,
        warning_pct,
        failure_action,
        checkpoints,
        attainment_goal,
        is_business_time

    from versions

)

select * from final
