-- The clock's "now" for this build: the as_of var, else the latest timestamp in the data
-- not later than the last load's wall-clock time (a mistyped future date must not move it).
-- Everything after it is ignored, so a build as of a past month-end reproduces that month.
with

load_log as (

    select * from {{ ref('stg_loader__load_log') }}

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

last_load as (

    select max(loaded_at) as loaded_at from load_log

),

event_times as (

    select occurred_at as event_at from stage_events
    union all
    select occurred_at as event_at from activities
    union all
    select assigned_at as event_at from assignments
    union all
    select detected_at as event_at from signals

),

latest_event as (

    select max(event_times.event_at) as latest_at

    from event_times
    cross join last_load
    where last_load.loaded_at is null
        or event_times.event_at <= last_load.loaded_at

),

final as (

    {% if var('as_of') %}
        select
            cast('{{ var("as_of") }}' as {{ dbt.type_timestamp() }}) as as_of,
            true as is_as_of_given,
            'given by --as-of' as as_of_source
    {% else %}
        select
            latest_event.latest_at as as_of,
            false as is_as_of_given,
            coalesce(
                'latest loaded timestamp not later than the last load at '
                || cast(
                    {{ dbt.date_trunc('second', 'last_load.loaded_at') }} as {{ dbt.type_string() }}
                )
                || ' UTC',
                'latest loaded timestamp'
            ) as as_of_source

        from latest_event
        cross join last_load
    {% endif %}

)

select * from final
