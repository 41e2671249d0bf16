-- Every clock instance except stalls (int_stall_clocks_resolved) with its start and the
-- moment its own stop condition was met, before deadlines and status are applied.
-- Each sla_type's rule lives in exactly one CTE below (docs/sla_semantics.md).
with

policy_visits as (

    select * from {{ ref('int_clock_policy_visits') }}

),

policies as (

    select * from {{ ref('int_sla_policies_normalized') }}

),

visits as (

    select * from {{ ref('fct_stage_visits') }}

),

journeys as (

    select * from {{ ref('int_journeys_enriched') }}

),

activities as (

    select * from {{ ref('int_activities_until_as_of') }}

),

stop_kinds as (

    select * from {{ ref('int_policy_activity_kinds') }}
    where match_kind = 'stop'

),

trigger_kinds as (

    select * from {{ ref('int_policy_activity_kinds') }}
    where match_kind = 'trigger'

),

assignments as (

    select * from {{ ref('stg_crm__assignments') }}

),

users as (

    select * from {{ ref('stg_crm__users') }}

),

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

signals as (

    select * from {{ ref('stg_crm__signals') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

assignments_until_as_of as (

    select assignments.*
    from assignments
    cross join as_of
    where assignments.assigned_at <= as_of.as_of

),

-- first_touch and activity: the first qualifying activity at or after entry, wherever it
-- falls (a progressed exit does not stop these clocks; a closing one is handled later).
first_touch_stops as (

    select
        policy_visits.policy_visit_key,
        min(activities.occurred_at) as stop_condition_at

    from policy_visits
    inner join policies
        on policy_visits.policy_id = policies.policy_id
    inner join activities
        on policy_visits.journey_id = activities.journey_id
        and activities.occurred_at >= policy_visits.entered_at
    inner join stop_kinds
        on policies.policy_id = stop_kinds.policy_id
        and activities.activity_kind = stop_kinds.activity_kind
    where policy_visits.sla_type in ('first_touch', 'activity')
    group by policy_visits.policy_visit_key

),

-- attempts: qualifying activities inside the visit, counted in order; the clock stops at
-- the one where both the attempt count and the number of distinct channels are reached.
attempt_activities as (

    select
        policy_visits.policy_visit_key,
        policies.min_attempts,
        policies.min_channels,
        activities.activity_id,
        activities.activity_type,
        activities.occurred_at,
        case
            when row_number() over (
                partition by policy_visits.policy_visit_key, activities.activity_type
                order by activities.occurred_at, activities.activity_id
            ) = 1 then 1
            else 0
        end as is_first_of_channel

    from policy_visits
    inner join policies
        on policy_visits.policy_id = policies.policy_id
    cross join as_of
    inner join activities
        on policy_visits.journey_id = activities.journey_id
        and activities.occurred_at >= policy_visits.entered_at
        and activities.occurred_at <= coalesce(policy_visits.exited_at, as_of.as_of)
    inner join stop_kinds
        on policies.policy_id = stop_kinds.policy_id
        and activities.activity_kind = stop_kinds.activity_kind
    where policy_visits.sla_type = 'attempts'

),

attempt_running_totals as (

    select
        *,
        count(*) over (
            partition by policy_visit_key
            order by occurred_at, activity_id
            rows between unbounded preceding and current row
        ) as attempts_so_far,
        sum(is_first_of_channel) over (
            partition by policy_visit_key
            order by occurred_at, activity_id
            rows between unbounded preceding and current row
        ) as channels_so_far

    from attempt_activities

),

attempt_stops as (

    select
        policy_visit_key,
        min(occurred_at) as stop_condition_at

    from attempt_running_totals
    where attempts_so_far >= min_attempts
        and channels_so_far >= min_channels
    group by policy_visit_key

),

-- handoff: the first moment at or after entry when the owner holds owner_role: at entry
-- through the visit's owner, afterwards only through assignments.
effective_assignments as (

    -- Of several assignments at one instant the highest assignment_id is the owner.
    select *
    from (
        select
            assignments_until_as_of.*,
            row_number() over (
                partition by journey_id, assigned_at
                order by assignment_id desc
            ) as same_instant_rank
        from assignments_until_as_of
    ) as ranked
    where same_instant_rank = 1

),

assignment_roles as (

    select
        effective_assignments.journey_id,
        users.role,
        effective_assignments.assigned_at

    from effective_assignments
    inner join users
        on effective_assignments.owner_id = users.user_id

),

first_role_assignments as (

    select
        policy_visits.policy_visit_key,
        min(assignment_roles.assigned_at) as first_assigned_at

    from policy_visits
    inner join policies
        on policy_visits.policy_id = policies.policy_id
    inner join assignment_roles
        on policy_visits.journey_id = assignment_roles.journey_id
        and assignment_roles.assigned_at >= policy_visits.entered_at
        and assignment_roles.role = policies.owner_role
    where policy_visits.sla_type = 'handoff'
    group by policy_visits.policy_visit_key

),

handoff_stops as (

    select
        policy_visits.policy_visit_key,
        case
            when visit_owners.role = policies.owner_role then policy_visits.entered_at
            else first_role_assignments.first_assigned_at
        end as stop_condition_at

    from policy_visits
    inner join policies
        on policy_visits.policy_id = policies.policy_id
    left join users as visit_owners
        on policy_visits.owner_id = visit_owners.user_id
    left join first_role_assignments
        on policy_visits.policy_visit_key = first_role_assignments.policy_visit_key
    where policy_visits.sla_type = 'handoff'

),

visit_clocks as (

    select
        policy_visits.policy_id,
        policy_visits.sla_type,
        policy_visits.journey_id,
        policy_visits.stage,
        policy_visits.stage_visit_id,
        cast(null as {{ dbt.type_string() }}) as trigger_id,
        policy_visits.owner_id,
        policy_visits.calendar_id,
        policy_visits.exit_kind,
        policy_visits.entered_at as started_at,
        policy_visits.exited_at,
        case policy_visits.sla_type
            when 'stage_exit' then policy_visits.exited_at
            when 'attempts' then attempt_stops.stop_condition_at
            when 'handoff' then handoff_stops.stop_condition_at
            else first_touch_stops.stop_condition_at
        end as stop_condition_at,
        cast(null as {{ dbt.type_timestamp() }}) as due_at_override

    from policy_visits
    left join first_touch_stops
        on policy_visits.policy_visit_key = first_touch_stops.policy_visit_key
    left join attempt_stops
        on policy_visits.policy_visit_key = attempt_stops.policy_visit_key
    left join handoff_stops
        on policy_visits.policy_visit_key = handoff_stops.policy_visit_key
    where policy_visits.sla_type in ('first_touch', 'activity', 'stage_exit', 'attempts', 'handoff')

),

-- follow_up: one clock per trigger activity inside the visit; triggers match on type and
-- outcome only. The stop is the first qualifying activity strictly after the trigger.
follow_up_triggers as (

    select
        policy_visits.policy_id,
        policy_visits.sla_type,
        policy_visits.journey_id,
        policy_visits.stage,
        policy_visits.stage_visit_id,
        triggers.activity_id as trigger_id,
        policy_visits.owner_id,
        policy_visits.calendar_id,
        policy_visits.exit_kind,
        triggers.occurred_at as started_at,
        policy_visits.exited_at

    from policy_visits
    inner join policies
        on policy_visits.policy_id = policies.policy_id
    inner join activities as triggers
        on policy_visits.journey_id = triggers.journey_id
        and triggers.occurred_at >= policy_visits.entered_at
        and (policy_visits.exited_at is null or triggers.occurred_at < policy_visits.exited_at)
    inner join trigger_kinds
        on policies.policy_id = trigger_kinds.policy_id
        and triggers.activity_kind = trigger_kinds.activity_kind
    where policy_visits.sla_type = 'follow_up'

),

follow_up_answers as (

    -- Activities that can answer a follow_up policy's trigger.
    select
        stop_kinds.policy_id,
        activities.journey_id,
        activities.occurred_at

    from activities
    inner join stop_kinds
        on activities.activity_kind = stop_kinds.activity_kind
    inner join policies
        on stop_kinds.policy_id = policies.policy_id
    where policies.sla_type = 'follow_up'

),

follow_up_clocks as (

    select
        follow_up_triggers.policy_id,
        follow_up_triggers.sla_type,
        follow_up_triggers.journey_id,
        follow_up_triggers.stage,
        follow_up_triggers.stage_visit_id,
        follow_up_triggers.trigger_id,
        follow_up_triggers.owner_id,
        follow_up_triggers.calendar_id,
        follow_up_triggers.exit_kind,
        follow_up_triggers.started_at,
        follow_up_triggers.exited_at,
        min(follow_up_answers.occurred_at) as stop_condition_at,
        cast(null as {{ dbt.type_timestamp() }}) as due_at_override

    from follow_up_triggers
    inner join policies
        on follow_up_triggers.policy_id = policies.policy_id
    left join follow_up_answers
        on follow_up_triggers.journey_id = follow_up_answers.journey_id
        and follow_up_triggers.policy_id = follow_up_answers.policy_id
        and follow_up_answers.occurred_at > follow_up_triggers.started_at
    group by
        follow_up_triggers.policy_id,
        follow_up_triggers.sla_type,
        follow_up_triggers.journey_id,
        follow_up_triggers.stage,
        follow_up_triggers.stage_visit_id,
        follow_up_triggers.trigger_id,
        follow_up_triggers.owner_id,
        follow_up_triggers.calendar_id,
        follow_up_triggers.exit_kind,
        follow_up_triggers.started_at,
        follow_up_triggers.exited_at

),

-- Contract and signal clocks belong to the visit current when they start, and to the
-- journey's owner at that moment (a later assignment overrides the visit's owner).
instant_clock_starts as (

    select
        policies.policy_id,
        policies.sla_type,
        contracts.journey_id,
        contracts.contract_id as trigger_id,
        cast(contracts.start_date as {{ dbt.type_timestamp() }}) as started_at,
        {{ dbt.dateadd('second', '-1 * cast(policies.target_seconds as bigint)', 'cast(contracts.end_date as ' ~ dbt.type_timestamp() ~ ')') }}
            as due_at_override

    from contracts
    cross join as_of
    inner join journeys
        on contracts.journey_id = journeys.journey_id
    inner join policies
        on policies.is_active
        and policies.sla_type = 'before_term'
        and {{ wildcard_matches('policies.segment', 'journeys.segment') }}
        and {{ wildcard_matches('policies.intent_level', 'journeys.intent_level') }}
    where cast(contracts.start_date as {{ dbt.type_timestamp() }}) <= as_of.as_of

    union all

    select
        policies.policy_id,
        policies.sla_type,
        signals.journey_id,
        signals.signal_id as trigger_id,
        signals.detected_at as started_at,
        cast(null as {{ dbt.type_timestamp() }}) as due_at_override

    from signals
    cross join as_of
    inner join journeys
        on signals.journey_id = journeys.journey_id
    inner join policies
        on policies.is_active
        and policies.sla_type = 'signal_response'
        and {{ wildcard_matches('policies.segment', 'journeys.segment') }}
        and {{ wildcard_matches('policies.intent_level', 'journeys.intent_level') }}
    where signals.detected_at <= as_of.as_of

),

instant_clock_visits as (

    select
        instant_clock_starts.*,
        visits.stage_visit_id,
        visits.stage,
        visits.exit_kind,
        visits.exited_at,
        visits.owner_id as visit_owner_id,
        visits.entered_at as visit_entered_at,
        row_number() over (
            partition by instant_clock_starts.policy_id, instant_clock_starts.trigger_id
            order by visits.entered_at desc, visits.journey_visit_sequence desc
        ) as recency_rank

    from instant_clock_starts
    left join visits
        on instant_clock_starts.journey_id = visits.journey_id
        and visits.entered_at <= instant_clock_starts.started_at

),

instant_clock_assignments as (

    select
        instant_clock_visits.policy_id,
        instant_clock_visits.trigger_id,
        assignments_until_as_of.owner_id,
        assignments_until_as_of.assigned_at,
        row_number() over (
            partition by instant_clock_visits.policy_id, instant_clock_visits.trigger_id
            order by assignments_until_as_of.assigned_at desc, assignments_until_as_of.assignment_id desc
        ) as recency_rank

    from instant_clock_visits
    inner join assignments_until_as_of
        on instant_clock_visits.journey_id = assignments_until_as_of.journey_id
        and assignments_until_as_of.assigned_at <= instant_clock_visits.started_at
    where instant_clock_visits.recency_rank = 1

),

instant_clocks_placed as (

    select
        instant_clock_visits.policy_id,
        instant_clock_visits.sla_type,
        instant_clock_visits.journey_id,
        instant_clock_visits.stage,
        instant_clock_visits.stage_visit_id,
        instant_clock_visits.trigger_id,
        case
            when instant_clock_assignments.assigned_at > instant_clock_visits.visit_entered_at
                or instant_clock_visits.visit_owner_id is null
                then coalesce(instant_clock_assignments.owner_id, instant_clock_visits.visit_owner_id)
            else instant_clock_visits.visit_owner_id
        end as owner_id,
        journeys.calendar_id,
        instant_clock_visits.exit_kind,
        instant_clock_visits.started_at,
        instant_clock_visits.exited_at,
        instant_clock_visits.due_at_override

    from instant_clock_visits
    inner join journeys
        on instant_clock_visits.journey_id = journeys.journey_id
    inner join policies
        on instant_clock_visits.policy_id = policies.policy_id
    left join instant_clock_assignments
        on instant_clock_visits.policy_id = instant_clock_assignments.policy_id
        and instant_clock_visits.trigger_id = instant_clock_assignments.trigger_id
        and instant_clock_assignments.recency_rank = 1
    where instant_clock_visits.recency_rank = 1
        -- A signal policy for one stage needs the journey to be in that stage at detection.
        and (
            policies.sla_type = 'before_term'
            or policies.stage = '*'
            or policies.stage = instant_clock_visits.stage
        )

),

-- before_term stops when the journey first enters renewal on or after the term start;
-- signal_response at the first qualifying activity at or after detection.
before_term_stops as (

    select
        instant_clocks_placed.policy_id,
        instant_clocks_placed.trigger_id,
        min(visits.entered_at) as stop_condition_at

    from instant_clocks_placed
    inner join visits
        on instant_clocks_placed.journey_id = visits.journey_id
        and visits.stage = 'renewal'
        and visits.entered_at >= instant_clocks_placed.started_at
    where instant_clocks_placed.sla_type = 'before_term'
    group by instant_clocks_placed.policy_id, instant_clocks_placed.trigger_id

),

signal_stops as (

    select
        instant_clocks_placed.policy_id,
        instant_clocks_placed.trigger_id,
        min(activities.occurred_at) as stop_condition_at

    from instant_clocks_placed
    inner join policies
        on instant_clocks_placed.policy_id = policies.policy_id
    inner join activities
        on instant_clocks_placed.journey_id = activities.journey_id
        and activities.occurred_at >= instant_clocks_placed.started_at
    inner join stop_kinds
        on policies.policy_id = stop_kinds.policy_id
        and activities.activity_kind = stop_kinds.activity_kind
    where instant_clocks_placed.sla_type = 'signal_response'
    group by instant_clocks_placed.policy_id, instant_clocks_placed.trigger_id

),

instant_clocks as (

    select
        instant_clocks_placed.policy_id,
        instant_clocks_placed.sla_type,
        instant_clocks_placed.journey_id,
        instant_clocks_placed.stage,
        instant_clocks_placed.stage_visit_id,
        instant_clocks_placed.trigger_id,
        instant_clocks_placed.owner_id,
        instant_clocks_placed.calendar_id,
        instant_clocks_placed.exit_kind,
        instant_clocks_placed.started_at,
        instant_clocks_placed.exited_at,
        coalesce(before_term_stops.stop_condition_at, signal_stops.stop_condition_at)
            as stop_condition_at,
        instant_clocks_placed.due_at_override

    from instant_clocks_placed
    left join before_term_stops
        on instant_clocks_placed.policy_id = before_term_stops.policy_id
        and instant_clocks_placed.trigger_id = before_term_stops.trigger_id
    left join signal_stops
        on instant_clocks_placed.policy_id = signal_stops.policy_id
        and instant_clocks_placed.trigger_id = signal_stops.trigger_id

),

all_clocks as (

    select * from visit_clocks
    union all
    select * from follow_up_clocks
    union all
    select * from instant_clocks

),

final as (

    select
        {{ clock_id('all_clocks.policy_id', 'all_clocks.journey_id', 'all_clocks.stage_visit_id', 'all_clocks.trigger_id') }} as clock_id,
        all_clocks.policy_id,
        all_clocks.sla_type,
        all_clocks.journey_id,
        all_clocks.stage,
        all_clocks.stage_visit_id,
        all_clocks.trigger_id,
        all_clocks.owner_id,
        all_clocks.calendar_id,
        all_clocks.exit_kind,
        policies.target_unit,
        policies.target_value,
        policies.target_seconds,
        policies.warning_pct,
        policies.is_business_time,
        all_clocks.started_at,
        all_clocks.exited_at,
        all_clocks.stop_condition_at,
        all_clocks.due_at_override

    from all_clocks
    inner join policies
        on all_clocks.policy_id = policies.policy_id

)

select * from final
