-- One row per policy: the rules that make its clocks (stage, type, segment, intent, stop and
-- trigger lists, role — the same in every version, tests/dbt/assert_sla_policies_are_valid)
-- with the target, wording and actions of its current version: the one in force at as_of,
-- or else the latest that started by then (a retired policy), or else its first (a policy
-- that starts after as_of). Clocks never read targets here: they use the version in force
-- at their start (int_sla_policy_versions, the policy_version_at macro).
with

versions as (

    select * from {{ ref('int_sla_policy_versions') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

ranked as (

    select
        versions.*,
        count(*) over (partition by versions.policy_id) as version_count,
        row_number() over (
            partition by versions.policy_id
            order by
                case when versions.effective_from <= as_of.as_of then 0 else 1 end,
                case
                    when versions.effective_from <= as_of.as_of then versions.policy_version
                end desc,
                versions.policy_version
        ) as current_rank

    from versions
    cross join as_of

),

final as (

    select
        policy_id,
        stage,
        sla_type,
        description,
        target_unit,
        segment,
        intent_level,
        stop_activity_types,
        stop_outcomes,
        trigger_activity_types,
        trigger_outcomes,
        owner_role,
        failure_action,
        kpi,
        target_value,
        warning_pct,
        min_attempts,
        min_channels,
        attainment_goal,
        is_active,
        checkpoints,
        target_seconds,
        is_business_time,
        policy_version as current_policy_version,
        cast(version_count as integer) as version_count,
        effective_from as current_effective_from,
        effective_to as current_effective_to

    from ranked
    where current_rank = 1

)

select * from final
