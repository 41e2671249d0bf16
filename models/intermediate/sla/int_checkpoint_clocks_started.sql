-- checkpoint clocks (docs/sla_semantics.md, "Checkpoint clocks"): checkpoint k of a clocked
-- visit runs from D(offset k - 1) (the entry for k = 1) to D(offset k), both from
-- int_checkpoint_instants. A checkpoint starting after as_of, or at or after the visit's exit,
-- makes no clock. It stops at the first qualifying activity at or after its start and before
-- the exit; what an exit without one does is decided in int_clocks_resolved.
with

policy_visits as (

    select * from {{ ref('int_clock_policy_visits') }}
    where sla_type = 'checkpoint'

),

instants as (

    select * from {{ ref('int_checkpoint_instants') }}

),

activities as (

    select * from {{ ref('int_activities_until_as_of') }}

),

stop_kinds as (

    select * from {{ ref('int_policy_activity_kinds') }}
    where match_kind = 'stop'

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

checkpoint_windows as (

    select
        policy_visits.policy_visit_key,
        policy_visits.policy_id,
        policy_visits.sla_type,
        policy_visits.journey_id,
        policy_visits.stage,
        policy_visits.stage_visit_id,
        -- The checkpoint number keeps clock_id unique per checkpoint of the visit.
        cast(due_instants.checkpoint_number as {{ dbt.type_string() }}) as trigger_id,
        policy_visits.owner_id,
        policy_visits.calendar_id,
        policy_visits.exit_kind,
        case
            when due_instants.checkpoint_number = 1 then policy_visits.entered_at
            else start_instants.checkpoint_at
        end as window_starts_at,
        policy_visits.exited_at,
        policy_visits.entered_at,
        due_instants.checkpoint_at as window_ends_at

    from policy_visits
    inner join instants as due_instants
        on policy_visits.policy_visit_key = due_instants.policy_visit_key
    left join instants as start_instants
        on due_instants.policy_visit_key = start_instants.policy_visit_key
        and due_instants.checkpoint_number - 1 = start_instants.checkpoint_number

),

checkpoint_clocks as (

    -- A checkpoint starting exactly at as_of has a clock; one starting exactly at the exit has not.
    select checkpoint_windows.*

    from checkpoint_windows
    cross join as_of
    where checkpoint_windows.window_starts_at <= as_of.as_of
        and (
            checkpoint_windows.exited_at is null
            or checkpoint_windows.window_starts_at < checkpoint_windows.exited_at
        )

),

checkpoint_stops as (

    -- The first qualifying activity at or after the checkpoint's start, before the exit.
    select
        checkpoint_clocks.policy_visit_key,
        checkpoint_clocks.trigger_id,
        min(activities.occurred_at) as stop_condition_at

    from checkpoint_clocks
    inner join activities
        on checkpoint_clocks.journey_id = activities.journey_id
        and checkpoint_clocks.window_starts_at <= activities.occurred_at
        and (
            checkpoint_clocks.exited_at is null
            or checkpoint_clocks.exited_at > activities.occurred_at
        )
    inner join stop_kinds
        on checkpoint_clocks.policy_id = stop_kinds.policy_id
        and activities.activity_kind = stop_kinds.activity_kind
    group by checkpoint_clocks.policy_visit_key, checkpoint_clocks.trigger_id

),

final as (

    -- The family columns of int_clocks_started's union, then the two a checkpoint fixes
    -- itself: the instant its version is chosen at (the entry) and its due (D(offset k)).
    select
        checkpoint_clocks.policy_id,
        checkpoint_clocks.sla_type,
        checkpoint_clocks.journey_id,
        checkpoint_clocks.stage,
        checkpoint_clocks.stage_visit_id,
        checkpoint_clocks.trigger_id,
        checkpoint_clocks.owner_id,
        checkpoint_clocks.calendar_id,
        checkpoint_clocks.exit_kind,
        checkpoint_clocks.window_starts_at as started_at,
        checkpoint_clocks.exited_at,
        checkpoint_stops.stop_condition_at,
        cast(null as {{ dbt.type_timestamp() }}) as term_ends_at,
        checkpoint_clocks.entered_at as version_chosen_at,
        checkpoint_clocks.window_ends_at as due_at_override

    from checkpoint_clocks
    left join checkpoint_stops
        on checkpoint_clocks.policy_visit_key = checkpoint_stops.policy_visit_key
        and checkpoint_clocks.trigger_id = checkpoint_stops.trigger_id

)

select * from final
