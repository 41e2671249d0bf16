{{ config(store_failures=true) }}
-- A holiday on a misspelt calendar would silently not close anything.
select
    holidays.calendar_id,
    holidays.holiday_date,
    holidays.holiday_name,
    'calendar_id is not a calendar of business_calendars' as problem

from {{ ref('holidays') }} as holidays
where holidays.calendar_id is null
    or holidays.calendar_id not in (
        select business_calendars.calendar_id
        from {{ ref('business_calendars') }} as business_calendars
        where business_calendars.calendar_id is not null
    )
