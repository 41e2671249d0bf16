-- A stall clock breaches at the first movement whose gap to the next movement (or to
-- as_of) is longer than the target: due_at = breached_at = that movement + target. A gap
-- exactly as long as the target is not a breach. Otherwise the clock is met once the visit
-- exits (due_at from the last movement before the exit) or open (due_at from the last movement).
with

policy_visits as (

    select * from {{ ref('int_clock_policy_visits') }}

),

versions as (

    select * from {{ ref('int_sla_policy_versions') }}

),

movements as (

    select * from {{ ref('int_stall_movements') }}

),

deadlines as (

    select * from {{ ref('int_deadlines_computed') }}

),

gaps as (

    select
        movements.clock_id,
        movements.policy_id,
        movements.policy_version,
        movements.stage_visit_id,
        movements.movement_sequence,
        movements.is_last_gap,
        deadlines.due_at,
        deadlines.warning_at,
        movements.gap_ends_at > deadlines.due_at as is_breached_gap

    from movements
    inner join deadlines
        on movements.movement_id = deadlines.deadline_request_id

),

deciding_gaps as (

    -- The first breached gap decides; without one, the last gap does.
    select
        *,
        row_number() over (
            partition by clock_id
            order by case when is_breached_gap then 0 else 1 end, movement_sequence
        ) as decision_rank,
        max(case when is_breached_gap then 1 else 0 end) over (partition by clock_id) as has_breach

    from gaps

),

decisions as (

    select *
    from deciding_gaps
    where (has_breach = 1 and decision_rank = 1)
        or (has_breach = 0 and is_last_gap)

),

final as (

    select
        decisions.clock_id,
        policy_visits.policy_id,
        decisions.policy_version,
        policy_visits.sla_type,
        policy_visits.journey_id,
        policy_visits.stage,
        policy_visits.stage_visit_id,
        cast(null as {{ dbt.type_string() }}) as trigger_id,
        policy_visits.owner_id,
        policy_visits.calendar_id,
        versions.target_unit,
        versions.target_value,
        case
            when decisions.is_breached_gap then 'breached'
            when policy_visits.exited_at is not null then 'met'
            else 'open'
        end as status,
        policy_visits.entered_at as started_at,
        decisions.due_at,
        decisions.warning_at,
        policy_visits.exited_at as stopped_at,
        case when decisions.is_breached_gap then decisions.due_at end as breached_at

    from policy_visits
    inner join decisions
        on policy_visits.policy_id = decisions.policy_id
        and policy_visits.stage_visit_id = decisions.stage_visit_id
    inner join versions
        on decisions.policy_id = versions.policy_id
        and decisions.policy_version = versions.policy_version
    where policy_visits.sla_type = 'stall'

)

select * from final
