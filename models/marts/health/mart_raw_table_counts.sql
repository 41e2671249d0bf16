{%- set crm_tables = [
    'users', 'accounts', 'journeys', 'stage_events', 'assignments', 'activities', 'contracts',
    'signals',
] -%}

with

{% for table_name in crm_tables %}
    {{ table_name }} as (

        select * from {{ ref('int_crm__' ~ table_name) }}

    ),

{% endfor %}
load_log as (

    select * from {{ ref('stg_loader__load_log') }}

),

current_counts as (

    {% for table_name in crm_tables %}
        select
            '{{ table_name }}' as table_name,
            {{ loop.index }} as table_order,
            count(*) as rows_in_warehouse,
            max(loaded_at) as last_loaded_at
        from {{ table_name }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

latest_load as (

    -- The most recent loader run that read a file for each table.
    select
        table_name,
        file_name,
        rows_read,
        rows_loaded,
        rows_rejected,
        loaded_at,
        row_number() over (
            partition by table_name order by loaded_at desc, load_id desc
        ) as recency_rank
    from load_log
    where file_name is not null

),

final as (

    select
        current_counts.table_name,
        latest_load.file_name as last_file_name,
        current_counts.table_order,
        current_counts.rows_in_warehouse,
        latest_load.rows_read as last_rows_read,
        latest_load.rows_loaded as last_rows_loaded,
        latest_load.rows_rejected as last_rows_rejected,
        coalesce(latest_load.loaded_at, current_counts.last_loaded_at) as last_loaded_at

    from current_counts
    left join latest_load
        on current_counts.table_name = latest_load.table_name
        and latest_load.recency_rank = 1

)

select * from final
