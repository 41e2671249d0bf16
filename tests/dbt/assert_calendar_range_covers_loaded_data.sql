-- Outside the calendar range open_seconds_at clamps (0 before, the total after), which
-- would silently turn clocks into nonsense. With the range derived from the data this
-- always holds; it can fail when calendar_start_date / calendar_end_date are set too
-- narrowly. A day of margin on each side covers any UTC offset.
with

calendar_range as (

    select
        min(local_date) as start_date,
        max(local_date) as end_date

    from {{ ref('int_calendar_days') }}

),

-- The instants int_calendar_days derives its range from: every instant a clock can start
-- from (scheduled activities and contract ends only widen the range for due times, so they
-- are not required to lie inside it).
clock_start_instants as (

    select
        'int_crm__journeys.created_at' as column_name,
        created_at as instant_at
    from {{ ref('int_crm__journeys') }}

    union all

    select
        'int_crm__stage_events.occurred_at' as column_name,
        occurred_at as instant_at
    from {{ ref('int_crm__stage_events') }}

    union all

    select
        'int_crm__activities.occurred_at' as column_name,
        occurred_at as instant_at
    from {{ ref('int_crm__activities') }}

    union all

    select
        'int_crm__assignments.assigned_at' as column_name,
        assigned_at as instant_at
    from {{ ref('int_crm__assignments') }}

    union all

    select
        'int_crm__signals.detected_at' as column_name,
        detected_at as instant_at
    from {{ ref('int_crm__signals') }}

    union all

    select
        'int_crm__contracts.start_date' as column_name,
        cast(start_date as {{ dbt.type_timestamp() }}) as instant_at
    from {{ ref('int_crm__contracts') }}

),

clock_end_instants as (

    select
        'int_crm__stage_events.occurred_at' as column_name,
        occurred_at as instant_at
    from {{ ref('int_crm__stage_events') }}

    union all

    select
        'int_crm__activities.occurred_at' as column_name,
        occurred_at as instant_at
    from {{ ref('int_crm__activities') }}

    union all

    select
        'int_crm__assignments.assigned_at' as column_name,
        assigned_at as instant_at
    from {{ ref('int_crm__assignments') }}

    union all

    select
        'int_crm__signals.detected_at' as column_name,
        detected_at as instant_at
    from {{ ref('int_crm__signals') }}

),

instants_outside as (

    select
        clock_start_instants.column_name,
        min(clock_start_instants.instant_at) as instant_at,
        'earliest' as bound

    from clock_start_instants
    cross join calendar_range
    where clock_start_instants.instant_at
        < cast({{ dbt.dateadd('day', 1, 'calendar_range.start_date') }} as {{ dbt.type_timestamp() }})
    group by clock_start_instants.column_name

    union all

    select
        clock_end_instants.column_name,
        max(clock_end_instants.instant_at) as instant_at,
        'latest' as bound

    from clock_end_instants
    cross join calendar_range
    where clock_end_instants.instant_at
        >= cast(calendar_range.end_date as {{ dbt.type_timestamp() }})
    group by clock_end_instants.column_name

),

final as (

    select
        instants_outside.column_name,
        instants_outside.bound,
        instants_outside.instant_at,
        calendar_range.start_date,
        calendar_range.end_date,
        'loaded instants fall outside the calendar range; widen or unset calendar_start_date / calendar_end_date' as problem

    from instants_outside
    cross join calendar_range

)

select * from final
