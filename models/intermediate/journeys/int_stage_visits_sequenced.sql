-- Stage events turned into visits: a run of consecutive events of one stage is one visit,
-- entered at the run's first event. Order within a journey: occurred_at, then funnel order
-- (closing stages after funnel stages at one instant), then event_id for a stable tie-break.
with

stage_events as (

    select * from {{ ref('int_crm__stage_events') }}

),

stages as (

    select * from {{ ref('stages') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

events_until_as_of as (

    select
        stage_events.event_id,
        stage_events.journey_id,
        stage_events.stage,
        stage_events.owner_id,
        stage_events.reason_code,
        stages.funnel_order,
        stages.is_closing,
        stage_events.occurred_at

    from stage_events
    cross join as_of
    inner join stages
        on stage_events.stage = stages.stage
    where stage_events.occurred_at <= as_of.as_of

),

exact_duplicates_collapsed as (

    -- The same stage at the same instant twice is one event; the lowest event_id speaks for it.
    select *
    from (
        select
            *,
            row_number() over (
                partition by journey_id, stage, occurred_at
                order by event_id
            ) as duplicate_rank
        from events_until_as_of
    ) as ranked
    where duplicate_rank = 1

),

events_ordered as (

    select
        *,
        row_number() over (
            partition by journey_id
            order by occurred_at, funnel_order, event_id
        ) as event_sequence

    from exact_duplicates_collapsed

),

run_starts_flagged as (

    select
        *,
        case
            when lag(stage) over (partition by journey_id order by event_sequence) = stage then 0
            else 1
        end as is_run_start

    from events_ordered

),

runs_numbered as (

    select
        *,
        cast(sum(is_run_start) over (
            partition by journey_id
            order by event_sequence
            rows between unbounded preceding and current row
        ) as integer) as journey_visit_sequence

    from run_starts_flagged

),

visits as (

    -- The visit's owner and reason code come from its first event.
    select
        journey_id,
        journey_visit_sequence,
        stage,
        funnel_order,
        is_closing,
        event_id as first_event_id,
        owner_id as event_owner_id,
        reason_code,
        occurred_at as entered_at

    from runs_numbered
    where is_run_start = 1

),

final as (

    select
        visits.*,
        lead(visits.stage) over (
            partition by visits.journey_id order by visits.journey_visit_sequence
        ) as next_stage,
        lead(visits.funnel_order) over (
            partition by visits.journey_id order by visits.journey_visit_sequence
        ) as next_funnel_order,
        lead(visits.is_closing) over (
            partition by visits.journey_id order by visits.journey_visit_sequence
        ) as is_next_closing,
        lead(visits.entered_at) over (
            partition by visits.journey_id order by visits.journey_visit_sequence
        ) as exited_at,
        -- bigint on every engine (Spark's row_number() is an int; the contract says bigint)
        cast(row_number() over (
            partition by visits.journey_id, visits.stage
            order by visits.journey_visit_sequence
        ) as {{ dbt.type_bigint() }}) as visit_number

    from visits

)

select * from final
