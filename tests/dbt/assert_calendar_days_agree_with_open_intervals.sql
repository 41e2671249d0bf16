-- int_calendar_days (business days, last closing times) and int_calendar_open_intervals are
-- built separately; business_days_due_at and the interval macros must see one calendar.
with

calendar_days as (

    select * from {{ ref('int_calendar_days') }}

),

open_intervals as (

    select * from {{ ref('int_calendar_open_intervals') }}

),

intervals_per_day as (

    select
        calendar_id,
        local_date,
        max(closes_at) as last_closes_at

    from open_intervals
    group by
        calendar_id,
        local_date

),

final as (

    select
        coalesce(calendar_days.calendar_id, intervals_per_day.calendar_id) as calendar_id,
        coalesce(calendar_days.local_date, intervals_per_day.local_date) as local_date,
        calendar_days.is_business_day,
        calendar_days.last_closes_at,
        intervals_per_day.last_closes_at as last_interval_closes_at,
        'is_business_day or last_closes_at disagrees with the open intervals of the day' as problem

    from calendar_days
    full outer join intervals_per_day
        on calendar_days.calendar_id = intervals_per_day.calendar_id
        and calendar_days.local_date = intervals_per_day.local_date
    where calendar_days.calendar_id is null
        or calendar_days.is_business_day != (intervals_per_day.calendar_id is not null)
        or calendar_days.last_closes_at is distinct from intervals_per_day.last_closes_at

)

select * from final
