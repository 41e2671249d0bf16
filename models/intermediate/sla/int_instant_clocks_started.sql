-- Size: 9 refs on purpose — contract and signal clocks are placed on the visit and owner
-- current at their start by one rule; splitting the two types would write that rule twice.
-- Clocks started by an instant of the journey rather than by a visit (docs/sla_semantics.md,
-- "Clocks"): before_term (a contract's start) and signal_response (a risk signal's
-- detection). Both belong to the visit current at their start and to the journey's owner
-- then — a change of ownership after the visit's entry overrides the visit's owner.
with

policies as (

    select * from {{ ref('int_sla_policies_normalized') }}

),

journeys as (

    select * from {{ ref('int_journeys_enriched') }}

),

visits as (

    select * from {{ ref('int_stage_visits') }}

),

activities as (

    select * from {{ ref('int_activities_until_as_of') }}

),

stop_kinds as (

    select * from {{ ref('int_policy_activity_kinds') }}
    where match_kind = 'stop'

),

owner_history as (

    select * from {{ ref('int_owner_history') }}

),

contracts as (

    select * from {{ ref('int_crm__contracts') }}

),

signals as (

    select * from {{ ref('int_crm__signals') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

instant_clock_starts as (

    -- before_term: from the contract's start; due target_value before its end (the target
    -- of the version in force at the start, applied in int_clocks_started).
    select
        policies.policy_id,
        policies.sla_type,
        policies.stage as policy_stage,
        contracts.journey_id,
        contracts.contract_id as trigger_id,
        cast(contracts.start_date as {{ dbt.type_timestamp() }}) as started_at,
        cast(contracts.end_date as {{ dbt.type_timestamp() }}) as term_ends_at

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

    -- signal_response: from the signal's detection.
    select
        policies.policy_id,
        policies.sla_type,
        policies.stage as policy_stage,
        signals.journey_id,
        signals.signal_id as trigger_id,
        signals.detected_at as started_at,
        cast(null as {{ dbt.type_timestamp() }}) as term_ends_at

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

instant_clocks_placed as (

    select
        instant_clock_starts.*,
        journeys.calendar_id,
        visits.stage_visit_id,
        visits.stage,
        visits.exit_kind,
        visits.exited_at,
        case
            when owner_then.valid_from > visits.entered_at or visits.owner_id is null
                then coalesce(owner_then.owner_id, visits.owner_id)
            else visits.owner_id
        end as owner_id

    from instant_clock_starts
    inner join journeys
        on instant_clock_starts.journey_id = journeys.journey_id
    left join visits
        on instant_clock_starts.journey_id = visits.journey_id
        and {{ visit_current_at('visits', 'instant_clock_starts.started_at') }}
    left join owner_history as owner_then
        on instant_clock_starts.journey_id = owner_then.journey_id
        and {{ owner_valid_at('owner_then', 'instant_clock_starts.started_at') }}
    -- A signal policy for one stage needs the journey to be in that stage at detection.
    where instant_clock_starts.sla_type = 'before_term'
        or instant_clock_starts.policy_stage = '*'
        or instant_clock_starts.policy_stage = visits.stage

),

-- before_term stops when the journey first enters renewal on or after the term start.
before_term_stops as (

    select
        instant_clocks_placed.policy_id,
        instant_clocks_placed.trigger_id,
        min(visits.entered_at) as stop_condition_at

    from instant_clocks_placed
    inner join visits
        on instant_clocks_placed.journey_id = visits.journey_id
        and visits.stage = 'renewal'
        and instant_clocks_placed.started_at <= visits.entered_at
    where instant_clocks_placed.sla_type = 'before_term'
    group by instant_clocks_placed.policy_id, instant_clocks_placed.trigger_id

),

-- signal_response stops at the first qualifying activity at or after detection.
signal_stops as (

    select
        instant_clocks_placed.policy_id,
        instant_clocks_placed.trigger_id,
        min(activities.occurred_at) as stop_condition_at

    from instant_clocks_placed
    inner join activities
        on instant_clocks_placed.journey_id = activities.journey_id
        and instant_clocks_placed.started_at <= activities.occurred_at
    inner join stop_kinds
        on instant_clocks_placed.policy_id = stop_kinds.policy_id
        and activities.activity_kind = stop_kinds.activity_kind
    where instant_clocks_placed.sla_type = 'signal_response'
    group by instant_clocks_placed.policy_id, instant_clocks_placed.trigger_id

),

final as (

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
        instant_clocks_placed.term_ends_at

    from instant_clocks_placed
    left join before_term_stops
        on instant_clocks_placed.policy_id = before_term_stops.policy_id
        and instant_clocks_placed.trigger_id = before_term_stops.trigger_id
    left join signal_stops
        on instant_clocks_placed.policy_id = signal_stops.policy_id
        and instant_clocks_placed.trigger_id = signal_stops.trigger_id

)

select * from final
