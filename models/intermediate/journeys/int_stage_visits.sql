-- depends_on: {{ ref('int_calendar_open_intervals') }}
with

visits as (

    select * from {{ ref('int_stage_visits_sequenced') }}

),

journeys as (

    select * from {{ ref('int_journeys_enriched') }}

),

assignments as (

    select * from {{ ref('stg_crm__assignments') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

latest_assignment_at_entry as (

    -- Fallback owner: the latest assignment at or before entry; of several at one instant
    -- the highest assignment_id wins (CRMs write the correcting row last).
    select
        visits.journey_id,
        visits.journey_visit_sequence,
        assignments.owner_id,
        row_number() over (
            partition by visits.journey_id, visits.journey_visit_sequence
            order by assignments.assigned_at desc, assignments.assignment_id desc
        ) as recency_rank

    from visits
    inner join assignments
        on visits.journey_id = assignments.journey_id
        and assignments.assigned_at <= visits.entered_at

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
        coalesce(visits.event_owner_id, latest_assignment_at_entry.owner_id) as owner_id,
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
    left join latest_assignment_at_entry
        on visits.journey_id = latest_assignment_at_entry.journey_id
        and visits.journey_visit_sequence = latest_assignment_at_entry.journey_visit_sequence
        and latest_assignment_at_entry.recency_rank = 1

),

open_seconds_at_entry as (

    {{ open_seconds_at('visits_owned', 'calendar_id', 'entered_at', 'open_seconds_at_entry') }}

),

open_seconds_at_end as (

    {{ open_seconds_at('open_seconds_at_entry', 'calendar_id', 'measured_until_at', 'open_seconds_at_end') }}

),

final as (

    select
        {{ dbt.hash(dbt.concat(["journey_id", "'|'", "stage", "'|'", "cast(entered_at as " ~ dbt.type_string() ~ ")"])) }}
            as stage_visit_id,
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
