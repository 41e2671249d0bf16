{{ config(store_failures=true) }}
-- A territory mapped to a calendar that does not exist would have no business time at all.
select
    territories.territory,
    territories.calendar_id,
    'calendar_id is not a calendar of business_calendars' as problem

from {{ ref('territories') }} as territories
where territories.calendar_id is null
    or territories.calendar_id not in (
        select business_calendars.calendar_id
        from {{ ref('business_calendars') }} as business_calendars
        where business_calendars.calendar_id is not null
    )
