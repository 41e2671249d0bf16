{{ config(store_failures=true) }}
-- int_calendar_days takes one timezone per calendar; two would make its choice arbitrary.
with

business_calendars as (

    select * from {{ ref('business_calendars') }}

),

calendars_with_several_timezones as (

    select calendar_id

    from business_calendars
    group by calendar_id
    having count(distinct timezone) > 1

),

final as (

    select
        business_calendars.calendar_id,
        business_calendars.timezone,
        business_calendars.weekday,
        business_calendars.opens_at,
        business_calendars.closes_at,
        'the calendar has rows with different timezones' as problem

    from business_calendars
    inner join calendars_with_several_timezones
        on business_calendars.calendar_id = calendars_with_several_timezones.calendar_id

)

select * from final
