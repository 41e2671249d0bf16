{{ config(store_failures=true) }}
-- A timezone DuckDB does not know would fail every conversion of that calendar's hours
-- (or, worse, silently fall back); fail with the offending seed rows instead.
select
    calendar_id,
    timezone,
    weekday,
    opens_at,
    closes_at,
    'timezone is not an IANA name known to DuckDB (pg_timezone_names())' as problem

from {{ ref('business_calendars') }}
where timezone is null
    or not {{ journey_sla.is_known_timezone("timezone") }}
