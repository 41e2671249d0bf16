{{ config(store_failures=true) }}
-- Territories without a mapping fall back to the calendar `default`; without it their
-- clocks would have no business time at all.
select
    'default' as calendar_id,
    'business_calendars has no row for the calendar `default`, '
    || 'which unmapped territories use' as problem

where not exists (
        select 1
        from {{ ref('business_calendars') }}
        where calendar_id = 'default'
    )
