-- depends_on: {{ ref('int_calendar_open_intervals') }}
-- Stage visits with their owner, how they ended and how long they lasted in calendar and
-- business time (docs/sla_semantics.md, "Stage visits"). Published as fct_stage_visits.
with

visits as (

    select * from {{ ref('int_stage_visits_sequenced') }}

),

journeys as (

    select * from {{ ref('int_journeys_enriched') }}

),

owner_history as (

    select * from {{ ref('int_owner_history') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

visits_owned as (

    select
        visits.journey_id,
        visits.journey_visit_sequence,
        visits.stage,
        visits.visit_number,
        visits.next_stage,
        visits.first_event_id,
        visits.reason_code,
        visits.funnel_order,
        visits.is_closing,
        -- The first event's owner, else the journey's owner at entry.
        coalesce(visits.event_owner_id, owner_at_entry.owner_id) as owner_id,
        journeys.calendar_id,
        case
            when visits.exited_at is null then 'open'
            when visits.is_closing and not visits.is_next_closing then 're_entered'
            when visits.is_next_closing then 'closed'
            when visits.next_funnel_order > visits.funnel_order then 'progressed'
            else 'regressed'
        end as exit_kind,
        visits.entered_at,
        visits.exited_at,
        coalesce(visits.exited_at, as_of.as_of) as measured_until_at

    from visits
    cross join as_of
    inner join journeys
        on visits.journey_id = journeys.journey_id
    left join owner_history as owner_at_entry
        on visits.journey_id = owner_at_entry.journey_id
        and {{ owner_valid_at('owner_at_entry', 'visits.entered_at') }}

),

open_seconds_at_entry as (

    {{ open_seconds_at('visits_owned', 'calendar_id', 'entered_at', 'open_seconds_at_entry') }}

),

open_seconds_at_end as (

    {{ open_seconds_at(
        'open_seconds_at_entry', 'calendar_id', 'measured_until_at', 'open_seconds_at_end'
    ) }}

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "journey_id", "'|'", "stage", "'|'", "cast(entered_at as " ~ dbt.type_string() ~ ")",
        ])) }} as stage_visit_id,
        journey_id,
        owner_id,
        first_event_id,
        stage,
        next_stage,
        exit_kind,
        reason_code,
        calendar_id,
        visit_number,
        journey_visit_sequence,
        funnel_order,
        {{ seconds_between('entered_at', 'measured_until_at') }} / 60.0 as minutes_in_stage,
        (open_seconds_at_end - open_seconds_at_entry) / 60.0 as business_minutes_in_stage,
        is_closing,
        exited_at is null as is_current,
        entered_at,
        exited_at

    from open_seconds_at_end

)

select * from final
