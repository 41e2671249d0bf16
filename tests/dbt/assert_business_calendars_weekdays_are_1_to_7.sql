{{ config(store_failures=true) }}
-- Weekdays are ISO numbers; a 0 (Sunday in some conventions) or 8 would never match a date.
select
    calendar_id,
    timezone,
    weekday,
    opens_at,
    closes_at,
    'weekday is not between 1 (Monday) and 7 (Sunday)' as problem

from {{ ref('business_calendars') }}
where weekday is null
    or weekday not between 1 and 7
