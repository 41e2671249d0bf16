-- The clock's "now" for this build: the as_of var, else the latest timestamp in the data.
-- Everything after it is ignored, so a build as of a past month-end reproduces that month.
with

stage_events as (

    select * from {{ ref('stg_crm__stage_events') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

assignments as (

    select * from {{ ref('stg_crm__assignments') }}

),

signals as (

    select * from {{ ref('stg_crm__signals') }}

),

latest_per_table as (

    select max(occurred_at) as latest_at from stage_events
    union all
    select max(occurred_at) from activities
    union all
    select max(assigned_at) from assignments
    union all
    select max(detected_at) from signals

),

final as (

    {% if var('as_of') %}
    select
        cast('{{ var("as_of") }}' as {{ dbt.type_timestamp() }}) as as_of,
        true as is_as_of_given
    {% else %}
        select
            max(latest_at) as as_of,
            false as is_as_of_given
        from latest_per_table
    {% endif %}

)

select * from final
