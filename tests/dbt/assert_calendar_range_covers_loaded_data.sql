-- Outside the calendar range open_seconds_at clamps (0 before, the total after), which
-- would silently turn clocks into nonsense. Every instant a clock can start from must lie
-- at least a day inside the range's start, and every instant a clock can run to before its
-- end (a day of margin covers any UTC offset). With the range derived from the data this
-- always holds; it fails when calendar_start_date / calendar_end_date are set too narrowly.
-- The instants come from int_clock_instants, the same list the range is derived from.
with

calendar_range as (

    select
        min(local_date) as start_date,
        max(local_date) as end_date

    from {{ ref('int_calendar_days') }}

),

clock_instants as (

    select * from {{ ref('int_clock_instants') }}

),

instants_outside as (

    select
        clock_instants.source_column as column_name,
        clock_instants.earliest_at as instant_at,
        'earliest' as bound

    from clock_instants
    cross join calendar_range
    where clock_instants.is_clock_start
        and clock_instants.earliest_at < cast(
            {{ dbt.dateadd('day', 1, 'calendar_range.start_date') }} as {{ dbt.type_timestamp() }}
        )

    union all

    select
        clock_instants.source_column as column_name,
        clock_instants.latest_at as instant_at,
        'latest' as bound

    from clock_instants
    cross join calendar_range
    where clock_instants.is_clock_end
        and clock_instants.source_column not in (
            -- Planned times and contract ends only widen the range for due times; they
            -- need not lie inside it.
            'int_crm__activities.scheduled_for_at', 'int_crm__contracts.end_date'
        )
        and clock_instants.latest_at >= cast(calendar_range.end_date as {{ dbt.type_timestamp() }})

),

final as (

    select
        instants_outside.column_name,
        instants_outside.bound,
        instants_outside.instant_at,
        calendar_range.start_date,
        calendar_range.end_date,
        'loaded instants fall outside the calendar range; '
        || 'widen or unset calendar_start_date / calendar_end_date' as problem

    from instants_outside
    cross join calendar_range

)

select * from final
