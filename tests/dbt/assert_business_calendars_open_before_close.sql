{{ config(store_failures=true) }}
-- An interval must have positive length within its day; one crossing midnight has to be
-- split into two rows. Zero-padded 'HH:MM' strings compare in time order; malformed ones
-- are reported by assert_business_calendars_hours_are_hh_mm.
select
    calendar_id,
    timezone,
    weekday,
    opens_at,
    closes_at,
    'opens_at is not earlier than closes_at' as problem

from {{ ref('business_calendars') }}
where opens_at >= closes_at
    and {{ journey_sla.full_match('opens_at', "'([01][0-9]|2[0-3]):[0-5][0-9]'") }}
    and {{ journey_sla.full_match('closes_at', "'([01][0-9]|2[0-3]):[0-5][0-9]|24:00'") }}
