-- depends_on: {{ ref('int_calendar_open_intervals') }}
-- Size: 9 refs on purpose — the status rules of every clock type, the stall clocks, the
-- attempt counts, the elapsed business time and the visit's entry criteria meet here once, so
-- each rule stays in one place.
-- One row per clock instance with its status as of as_of (docs/sla_semantics.md, "Clocks").
-- Published as fct_sla_clocks; the governance building blocks read it here.
with

clocks as (

    select * from {{ ref('int_clocks_started') }}

),

deadlines as (

    select * from {{ ref('int_deadlines_computed') }}

),

stall_clocks as (

    select * from {{ ref('int_stall_clocks_resolved') }}

),

policies as (

    select * from {{ ref('int_sla_policies_normalized') }}

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

visit_entry_criteria as (

    select * from {{ ref('int_stage_visit_entry_criteria') }}

),

clocks_with_deadlines as (

    select
        clocks.*,
        deadlines.due_at,
        deadlines.warning_at,
        -- A closing exit before the clock's own stop ends first_touch, activity and handoff
        -- clocks at the exit; attempts clocks end at any exit before their stop.
        clocks.exited_at is not null
        and (clocks.stop_condition_at is null or clocks.exited_at < clocks.stop_condition_at)
            as has_exit_before_stop

    from clocks
    inner join deadlines
        on clocks.clock_id = deadlines.deadline_request_id

),

stops_resolved as (

    select
        *,
        case
            when sla_type in ('first_touch', 'activity', 'handoff')
                and exit_kind = 'closed' and has_exit_before_stop then exited_at
            when sla_type = 'attempts' and has_exit_before_stop then exited_at
            -- checkpoint: any exit before a stop ends the clock (its stops are inside the visit).
            when sla_type = 'checkpoint' and has_exit_before_stop then exited_at
            else stop_condition_at
        end as stopped_at

    from clocks_with_deadlines

),

statuses as (

    select
        stops_resolved.*,
        case
            when stops_resolved.sla_type in ('first_touch', 'activity', 'handoff')
                and stops_resolved.exit_kind = 'closed' and stops_resolved.has_exit_before_stop
                then
                    case
                        when stops_resolved.exited_at <= stops_resolved.due_at then 'cancelled'
                        else 'breached'
                    end
            when stops_resolved.sla_type = 'attempts' and stops_resolved.has_exit_before_stop
                and stops_resolved.exit_kind = 'closed'
                then 'breached'
            when stops_resolved.sla_type = 'checkpoint' and stops_resolved.has_exit_before_stop
                then
                    case
                        when stops_resolved.exited_at <= stops_resolved.due_at then 'cancelled'
                        else 'breached'
                    end
            when stops_resolved.stopped_at is not null
                then
                    case
                        when stops_resolved.stopped_at <= stops_resolved.due_at then 'met'
                        else 'breached'
                    end
            when as_of.as_of > stops_resolved.due_at then 'breached'
            else 'open'
        end as status

    from stops_resolved
    cross join as_of

),

non_stall_clocks as (

    select
        clock_id,
        policy_id,
        policy_version,
        sla_type,
        journey_id,
        stage,
        stage_visit_id,
        trigger_id,
        owner_id,
        calendar_id,
        target_unit,
        target_value,
        status,
        started_at,
        due_at,
        warning_at,
        stopped_at,
        case
            when status != 'breached' then null
            -- Recycling an SAL before the minimum attempts is itself the breach.
            when sla_type = 'attempts' and has_exit_before_stop and exit_kind = 'closed'
                then case when exited_at < due_at then exited_at else due_at end
            else due_at
        end as breached_at

    from statuses

),

all_clocks as (

    select * from non_stall_clocks
    union all
    select * from stall_clocks

),

measured as (

    select
        all_clocks.*,
        coalesce(all_clocks.stopped_at, as_of.as_of) as measured_until_at,
        as_of.as_of

    from all_clocks
    cross join as_of

),

with_open_seconds_at_start as (

    {{ open_seconds_at('measured', 'calendar_id', 'started_at', 'open_seconds_at_start') }}

),

with_open_seconds_at_end as (

    {{ open_seconds_at(
        'with_open_seconds_at_start', 'calendar_id', 'measured_until_at', 'open_seconds_at_end'
    ) }}

),

attempt_activities as (

    -- Activities that count as attempts for an attempts policy.
    select
        stop_kinds.policy_id,
        activities.journey_id,
        activities.activity_id,
        activities.activity_type,
        activities.occurred_at

    from activities
    inner join stop_kinds
        on activities.activity_kind = stop_kinds.activity_kind
    inner join policies
        on stop_kinds.policy_id = policies.policy_id
    where policies.sla_type = 'attempts'

),

attempt_counts as (

    -- attempts and channels count qualifying activities from the start up to the stop (else as_of).
    select
        measured.clock_id,
        count(attempt_activities.activity_id) as attempts,
        count(distinct attempt_activities.activity_type) as channels

    from measured
    left join attempt_activities
        on measured.journey_id = attempt_activities.journey_id
        and measured.policy_id = attempt_activities.policy_id
        and measured.started_at <= attempt_activities.occurred_at
        and measured.measured_until_at >= attempt_activities.occurred_at
    where measured.sla_type = 'attempts'
    group by measured.clock_id

),

final as (

    select
        with_open_seconds_at_end.clock_id,
        with_open_seconds_at_end.policy_id,
        with_open_seconds_at_end.policy_version,
        with_open_seconds_at_end.journey_id,
        with_open_seconds_at_end.stage_visit_id,
        with_open_seconds_at_end.trigger_id,
        with_open_seconds_at_end.owner_id,
        with_open_seconds_at_end.calendar_id,
        with_open_seconds_at_end.sla_type,
        with_open_seconds_at_end.stage,
        with_open_seconds_at_end.status,
        with_open_seconds_at_end.target_unit,
        with_open_seconds_at_end.target_value,
        {{ seconds_between(
            'with_open_seconds_at_end.started_at', 'with_open_seconds_at_end.measured_until_at'
        ) }} / 60.0 as elapsed_minutes,
        (
            with_open_seconds_at_end.open_seconds_at_end
            - with_open_seconds_at_end.open_seconds_at_start
        ) / 60.0 as elapsed_business_minutes,
        attempt_counts.attempts,
        attempt_counts.channels,
        -- checkpoint clocks carry their checkpoint's number as trigger_id.
        case
            when with_open_seconds_at_end.sla_type = 'checkpoint'
                then cast(with_open_seconds_at_end.trigger_id as integer)
        end as checkpoint_number,
        coalesce(
            with_open_seconds_at_end.status = 'open'
            and with_open_seconds_at_end.as_of >= with_open_seconds_at_end.warning_at,
            false
        ) as is_at_risk,
        with_open_seconds_at_end.started_at,
        with_open_seconds_at_end.due_at,
        with_open_seconds_at_end.warning_at,
        with_open_seconds_at_end.stopped_at,
        with_open_seconds_at_end.breached_at,
        with_open_seconds_at_end.as_of,
        -- The clock's visit (the one it is placed on, every clock type) met its stage's entry
        -- criteria; a visit without active criteria, or a clock without a visit, counts as met.
        coalesce(visit_entry_criteria.is_entry_criteria_met, true) as entry_criteria_met

    from with_open_seconds_at_end
    left join attempt_counts
        on with_open_seconds_at_end.clock_id = attempt_counts.clock_id
    left join visit_entry_criteria
        on with_open_seconds_at_end.stage_visit_id = visit_entry_criteria.stage_visit_id

)

select * from final
