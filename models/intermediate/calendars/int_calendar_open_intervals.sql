with

calendar_days as (

    select * from {{ ref('int_calendar_days') }}

),

business_calendars as (

    select * from {{ ref('business_calendars') }}

),

business_days as (

    select
        calendar_id,
        timezone,
        local_date,
        {{ journey_sla.iso_weekday('local_date') }} as weekday

    from calendar_days
    where is_business_day

),

opening_hours as (

    select
        calendar_id,
        weekday,
        {{ journey_sla.hhmm_to_minutes('opens_at') }} as opens_minute,
        {{ journey_sla.hhmm_to_minutes('closes_at') }} as closes_minute

    from business_calendars

),

-- Opening hours are wall-clock times of each local date, converted to UTC one day at a
-- time: on a DST change the same 09:00 is a different UTC instant than the day before, and
-- an interval spanning the change is an hour shorter or longer.
intervals_utc as (

    select
        business_days.calendar_id,
        business_days.local_date,
        {{ journey_sla.from_local_timestamp(
            dbt.dateadd('minute', 'opening_hours.opens_minute', 'cast(business_days.local_date as ' ~ dbt.type_timestamp() ~ ')'),
            'business_days.timezone'
        ) }} as opens_at,
        {{ journey_sla.from_local_timestamp(
            dbt.dateadd('minute', 'opening_hours.closes_minute', 'cast(business_days.local_date as ' ~ dbt.type_timestamp() ~ ')'),
            'business_days.timezone'
        ) }} as closes_at

    from business_days
    inner join opening_hours
        on business_days.calendar_id = opening_hours.calendar_id
        and business_days.weekday = opening_hours.weekday

),

intervals_measured as (

    select
        calendar_id,
        local_date,
        opens_at,
        closes_at,
        cast({{ dbt.datediff(
            'opens_at', 'closes_at', 'second'
        ) }} as {{ dbt.type_bigint() }}) as open_seconds

    from intervals_utc

),

-- The running total is the index the business-time macros search: F(t) is a look-up of
-- the last interval opened by t, a due time a look-up of the interval whose running total
-- reaches the target.
intervals_cumulated as (

    select
        calendar_id,
        open_seconds,
        cast(
            coalesce(
                sum(open_seconds) over (
                    partition by calendar_id
                    order by opens_at
                    rows between unbounded preceding and 1 preceding
                ),
                0
            )
            as {{ dbt.type_bigint() }}
        ) as cumulative_seconds_before,
        cast(
            sum(open_seconds)
                over (
                    partition by calendar_id
                    order by opens_at
                    rows between unbounded preceding and current row
                )
            as {{ dbt.type_bigint() }}
        ) as cumulative_seconds_after,
        local_date,
        opens_at,
        closes_at,
        lead(opens_at) over (
            partition by calendar_id
            order by opens_at
        ) as next_opens_at

    from intervals_measured

),

final as (

    select * from intervals_cumulated

)

select * from final
