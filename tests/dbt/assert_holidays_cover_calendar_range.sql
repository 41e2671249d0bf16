{{ config(severity='warn') }}
-- The holidays seed is maintained by hand for a few years ahead. A calendar that has
-- holidays but none in some year of the calendar range is most likely missing that year's
-- rows (its clocks would count the holidays as business days): warn, don't fail.
with

calendar_days as (

    select * from {{ ref('int_calendar_days') }}

),

holidays as (

    select * from {{ ref('holidays') }}

),

calendar_years as (

    select distinct
        calendar_id,
        {{ dbt.date_trunc('year', 'local_date') }} as year_start_date

    from calendar_days
    where calendar_id in (select holidays.calendar_id from holidays)

),

holiday_years as (

    select distinct
        calendar_id,
        {{ dbt.date_trunc('year', 'holiday_date') }} as year_start_date

    from holidays

),

final as (

    select
        calendar_years.calendar_id,
        calendar_years.year_start_date,
        'the calendar range includes this year but the holidays seed has no holiday '
        || 'for it' as problem

    from calendar_years
    left join holiday_years
        on calendar_years.calendar_id = holiday_years.calendar_id
        and calendar_years.year_start_date = holiday_years.year_start_date
    where holiday_years.calendar_id is null

)

select * from final
