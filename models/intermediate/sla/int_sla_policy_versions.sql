-- Every version of every policy (docs/sla_semantics.md, "Policy versions"): seed values as
-- analysts type them ("Call | Email", "*", blanks) turned into one canonical form (lower
-- case, no spaces in lists, '*' for "any"), numbered per policy in effective_from order and
-- in force over [effective_from, effective_to); an empty effective_to runs until the
-- policy's next version. Which version a clock uses is decided by the policy_version_at
-- macro, in int_clocks_started and int_stall_movements only.
with

policies as (

    select * from {{ ref('sla_policies') }}

),

normalized as (

    select
        trim(policy_id) as policy_id,
        cast(effective_from as {{ dbt.type_timestamp() }}) as effective_from,
        cast(effective_to as {{ dbt.type_timestamp() }}) as declared_effective_to,
        coalesce(nullif(lower(trim(stage)), ''), '*') as stage,
        lower(trim(sla_type)) as sla_type,
        description,
        lower(trim(target_unit)) as target_unit,
        coalesce(nullif(lower(trim(segment)), ''), '*') as segment,
        coalesce(nullif(lower(trim(intent_level)), ''), '*') as intent_level,
        nullif(replace(lower(stop_activity_types), ' ', ''), '') as stop_activity_types,
        nullif(replace(lower(stop_outcomes), ' ', ''), '') as stop_outcomes,
        nullif(replace(lower(trigger_activity_types), ' ', ''), '') as trigger_activity_types,
        nullif(replace(lower(trigger_outcomes), ' ', ''), '') as trigger_outcomes,
        nullif(lower(trim(owner_role)), '') as owner_role,
        replace(lower(failure_action), ' ', '') as failure_action,
        kpi,
        cast(target_value as {{ stats_double() }}) as target_value,
        cast(warning_pct as {{ stats_double() }}) as warning_pct,
        cast(min_attempts as integer) as min_attempts,
        cast(coalesce(min_channels, 1) as integer) as min_channels,
        cast(attainment_goal_pct as {{ stats_double() }}) / 100 as attainment_goal,
        is_active,
        -- checkpoint offsets as typed, without spaces ("7 | 30" = "7|30"); null = a cadence.
        nullif(replace(checkpoints, ' ', ''), '') as checkpoints

    from policies

),

numbered as (

    select
        *,
        row_number() over (partition by policy_id order by effective_from) as policy_version,
        lead(effective_from) over (
            partition by policy_id order by effective_from
        ) as next_effective_from

    from normalized

),

final as (

    select
        policy_id,
        cast(policy_version as integer) as policy_version,
        effective_from,
        coalesce(declared_effective_to, next_effective_from) as effective_to,
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
        -- The budget in seconds for units measured in seconds of (open or calendar) time;
        -- business_days budgets are day counts resolved against the calendar instead.
        case target_unit
            when 'minutes' then target_value * 60
            when 'hours' then target_value * 3600
            when 'days' then target_value * 86400
            when 'business_minutes' then target_value * 60
            when 'business_hours' then target_value * 3600
        end as target_seconds,
        target_unit like 'business_%' as is_business_time

    from numbered

)

select * from final
