-- Which input the build read (var crm) and which version of its mapping: a hash of the
-- selected CRM's rows of the four mapping seeds, so two builds with the same hash mapped
-- values alike. The extract needs no mapping: its version is null.
{%- set map_seeds = ['crm_stage_map', 'crm_activity_map', 'crm_role_map', 'crm_field_map'] %}

with

{% for seed_name in map_seeds %}
    {{ seed_name }} as (

        select
            '{{ seed_name }}' as seed_name,
            {{ journey_sla.row_json_text('seed_rows') }} as row_text  -- noqa: RF03
        from {{ ref(seed_name) }} as seed_rows  -- noqa: AL05
        where crm = '{{ var("crm") }}'

    ),

{% endfor %}
map_rows as (

    {% for seed_name in map_seeds %}
        select * from {{ seed_name }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        '{{ var("crm") }}' as source_kind,
        case
            when '{{ var("crm") }}' != 'extract'
                then left(md5(coalesce(
                        {{ journey_sla.sorted_string_agg('seed_name || row_text', "'|'") }}, ''
                    )), 12)
        end as mapping_version,
        count(*) as mapping_rows

    from map_rows

)

select * from final
