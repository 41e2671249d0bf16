{#-
    The calendar range, in local dates: the vars when set, else derived from the loaded
    data so that every clock's start, stop and due (including renewal clocks that run to a
    contract's end and long business-day targets) resolves inside it.
-#}
{%- set calendar_start_date = var('calendar_start_date', none) -%}
{%- set calendar_end_date = var('calendar_end_date', none) -%}

-- Size: 256 lines and 8 refs on purpose — the calendar range must cover every instant a
-- clock can start from or be measured to, so it reads every timed table; the day rules follow.
with

business_calendars as (

    select * from {{ ref('business_calendars') }}

),

holidays as (

    select * from {{ ref('holidays') }}

),

journeys as (

    select * from {{ ref('int_crm__journeys') }}

),

stage_events as (

    select * from {{ ref('int_crm__stage_events') }}

),

activities as (

    select * from {{ ref('int_crm__activities') }}

),

assignments as (

    select * from {{ ref('int_crm__assignments') }}

),

signals as (

    select * from {{ ref('int_crm__signals') }}

),

contracts as (

    select * from {{ ref('int_crm__contracts') }}

),

-- Every instant a clock can start from must lie inside the range, or its elapsed business
-- time would be clamped: journey creations, stage entries, activities (follow-up
-- triggers), assignments, signal detections and contract starts (a contract often starts
-- before the CRM tracked the journey, so its renewal clock starts long before any event).
clock_start_instants as (

    select created_at as instant_at from journeys

    union all

    select occurred_at as instant_at from stage_events

    union all

    select occurred_at as instant_at from activities

    union all

    select assigned_at as instant_at from assignments

    union all

    select detected_at as instant_at from signals

    union all

    select cast(start_date as {{ dbt.type_timestamp() }}) as instant_at from contracts

),

-- Clocks stop or are measured at any recorded event; renewal clocks run to contract ends.
clock_end_instants as (

    select occurred_at as instant_at from stage_events

    union all

    select occurred_at as instant_at from activities

    union all

    select scheduled_for_at as instant_at from activities

    union all

    select assigned_at as instant_at from assignments

    union all

    select detected_at as instant_at from signals

    union all

    select cast(end_date as {{ dbt.type_timestamp() }}) as instant_at from contracts

),

date_range as (

    select
        {% if calendar_start_date -%}
            cast('{{ calendar_start_date }}' as date)
        {%- else -%}
            -- 14 days of slack: a UTC instant's local date can be a day earlier, and the
            -- earliest clocks must not start on the range's clamped edge.
            coalesce(
                cast({{ dbt.dateadd('day', -14, '(select min(instant_at) from clock_start_instants)') }} as date),
                -- no data loaded: a fixed window that the holidays seed covers
                cast('2024-01-01' as date)
            )
        {%- endif %} as start_date,
        {% if calendar_end_date -%}
            cast('{{ calendar_end_date }}' as date)
        {%- else -%}
            -- 400 days of slack: clocks still open at the last event (renewal clocks run
            -- to a contract's end) need due and warning times, and long business-day
            -- targets reach far past their start.
            coalesce(
                cast({{ dbt.dateadd('day', 400, '(select max(instant_at) from clock_end_instants)') }} as date),
                cast('2028-12-31' as date)
            )
        {%- endif %} as end_date

),

dates as (

    {{ journey_sla.calendar_date_series('date_range') }}

),

-- The seed tests guarantee one timezone per calendar.
calendars as (

    select
        calendar_id,
        min(timezone) as timezone

    from business_calendars
    group by calendar_id

),

weekday_hours as (

    select
        calendar_id,
        weekday,
        max({{ journey_sla.hhmm_to_minutes('closes_at') }}) as last_closes_minute

    from business_calendars
    group by
        calendar_id,
        weekday

),

calendar_dates as (

    select
        calendars.calendar_id,
        calendars.timezone,
        dates.local_date,
        {{ journey_sla.iso_weekday('dates.local_date') }} as weekday

    from calendars
    cross join dates

),

days_classified as (

    select
        calendar_dates.calendar_id,
        calendar_dates.local_date,
        calendar_dates.timezone,
        weekday_hours.last_closes_minute,
        (
            weekday_hours.calendar_id is not null
            and holidays.holiday_date is null
        ) as is_business_day

    from calendar_dates
    left join weekday_hours
        on calendar_dates.calendar_id = weekday_hours.calendar_id
        and calendar_dates.weekday = weekday_hours.weekday
    left join holidays
        on calendar_dates.calendar_id = holidays.calendar_id
        and calendar_dates.local_date = holidays.holiday_date

),

days_numbered as (

    select
        calendar_id,
        local_date,
        timezone,
        is_business_day,
        -- A non-business day keeps the number of the business day before it, so "N business
        -- days after day 0" is always number(day 0) + N, whatever day 0 is.
        cast(
            sum(case when is_business_day then 1 else 0 end)
                over (
                    partition by calendar_id
                    order by local_date
                    rows between unbounded preceding and current row
                )
            as {{ dbt.type_bigint() }}
        ) as business_day_number,
        -- Converted from the local date and wall-clock time of that very day, so the UTC
        -- closing instant follows that day's DST offset.
        case
            when is_business_day
                then {{ journey_sla.from_local_timestamp(
                    dbt.dateadd('minute', 'last_closes_minute', 'cast(local_date as ' ~ dbt.type_timestamp() ~ ')'),
                    'timezone'
                ) }}
        end as last_closes_at

    from days_classified

),

final as (

    select
        calendar_id,
        timezone,
        business_day_number,
        is_business_day,
        local_date,
        last_closes_at

    from days_numbered

)

select * from final
