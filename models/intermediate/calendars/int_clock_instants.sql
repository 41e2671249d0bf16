-- Which loaded instants the business calendars must cover, per source column: the earliest
-- and latest of each, and whether a clock can start from it (then the range must reach
-- back to it, or elapsed business time would be clamped) or run to it (then due and
-- warning times must resolve after it). The one list both int_calendar_days and the data
-- test assert_calendar_range_covers_loaded_data read.
with

journeys as (

    select * from {{ ref('int_crm__journeys') }}

),

stage_events as (

    select * from {{ ref('int_crm__stage_events') }}

),

activities as (

    select * from {{ ref('int_crm__activities') }}

),

assignments as (

    select * from {{ ref('int_crm__assignments') }}

),

signals as (

    select * from {{ ref('int_crm__signals') }}

),

contracts as (

    select * from {{ ref('int_crm__contracts') }}

),

-- Clocks start at journey creation, stage entries, activities (follow-up triggers),
-- assignments, signal detections and contract starts (a contract often starts before the
-- CRM tracked the journey); they stop or are measured at any recorded event, planned
-- activities included, and renewal clocks run to contract ends.
instants as (

    select
        'int_crm__journeys.created_at' as source_column,
        true as is_clock_start,
        false as is_clock_end,
        created_at as instant_at
    from journeys

    union all

    select
        'int_crm__stage_events.occurred_at' as source_column,
        true as is_clock_start,
        true as is_clock_end,
        occurred_at as instant_at
    from stage_events

    union all

    select
        'int_crm__activities.occurred_at' as source_column,
        true as is_clock_start,
        true as is_clock_end,
        occurred_at as instant_at
    from activities

    union all

    select
        'int_crm__activities.scheduled_for_at' as source_column,
        false as is_clock_start,
        true as is_clock_end,
        scheduled_for_at as instant_at
    from activities

    union all

    select
        'int_crm__assignments.assigned_at' as source_column,
        true as is_clock_start,
        true as is_clock_end,
        assigned_at as instant_at
    from assignments

    union all

    select
        'int_crm__signals.detected_at' as source_column,
        true as is_clock_start,
        true as is_clock_end,
        detected_at as instant_at
    from signals

    union all

    select
        'int_crm__contracts.start_date' as source_column,
        true as is_clock_start,
        false as is_clock_end,
        cast(start_date as {{ dbt.type_timestamp() }}) as instant_at
    from contracts

    union all

    select
        'int_crm__contracts.end_date' as source_column,
        false as is_clock_start,
        true as is_clock_end,
        cast(end_date as {{ dbt.type_timestamp() }}) as instant_at
    from contracts

),

final as (

    select
        source_column,
        is_clock_start,
        is_clock_end,
        min(instant_at) as earliest_at,
        max(instant_at) as latest_at

    from instants
    group by source_column, is_clock_start, is_clock_end

)

select * from final
