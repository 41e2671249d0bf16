{{ config(store_failures=true) }}
-- The models parse opening hours as 'HH:MM'; '9:00', '09:00:00' or '25:00' would be read
-- wrongly or not at all. Only a closing time may be 24:00 (the end of the day).
select
    calendar_id,
    timezone,
    weekday,
    opens_at,
    closes_at,
    case
        when
            not coalesce(
                {{ journey_sla.full_match('opens_at', "'([01][0-9]|2[0-3]):[0-5][0-9]'") }}, false
            )
            then 'opens_at is not HH:MM between 00:00 and 23:59'
        else 'closes_at is not HH:MM between 00:00 and 24:00'
    end as problem

from {{ ref('business_calendars') }}
where
    not coalesce(
        {{ journey_sla.full_match('opens_at', "'([01][0-9]|2[0-3]):[0-5][0-9]'") }}, false
    )
    or not coalesce(
        {{ journey_sla.full_match('closes_at', "'([01][0-9]|2[0-3]):[0-5][0-9]|24:00'") }}, false
    )
