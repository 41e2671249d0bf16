{{ config(store_failures=true) }}
-- Overlapping (or duplicated) rows on one calendar and weekday would count the shared time
-- twice in the cumulative open-seconds index.
with

business_calendars as (

    select
        calendar_id,
        timezone,
        weekday,
        opens_at,
        closes_at,
        row_number() over (order by calendar_id, weekday, opens_at, closes_at) as seed_row_order

    from {{ ref('business_calendars') }}

),

final as (

    select
        business_calendars.calendar_id,
        business_calendars.timezone,
        business_calendars.weekday,
        business_calendars.opens_at,
        business_calendars.closes_at,
        'overlaps the row ' || overlapping.opens_at || '–' || overlapping.closes_at
        || ' of the same calendar and weekday' as problem

    from business_calendars
    inner join business_calendars as overlapping
        on business_calendars.calendar_id = overlapping.calendar_id
        and business_calendars.weekday = overlapping.weekday
        -- each overlapping pair once
        and business_calendars.seed_row_order < overlapping.seed_row_order
        and business_calendars.opens_at < overlapping.closes_at
        and business_calendars.closes_at > overlapping.opens_at

)

select * from final
