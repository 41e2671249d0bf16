{{ config(store_failures=true, severity='error') }}
{%- set fields = stage_entry_fields()['journey'] | list %}
{%- for field in stage_entry_fields()['account'] %}
    {%- do fields.append('account.' ~ field) %}
{%- endfor %}
-- Every returned row names a bad entry criterion and what is wrong with it; dbt build fails
-- on any (docs/sla_semantics.md, "Stage entry criteria").
with

criteria as (

    select * from {{ ref('stage_entry_criteria') }}

),

stages as (

    select * from {{ ref('stages') }}

),

parsed as (

    select
        criterion_id,
        kind,
        nullif(trim({{ dbt.split_part('parameters', "';'", 1) }}), '') as parameter_1,
        nullif(trim({{ dbt.split_part('parameters', "';'", 3) }}), '') as parameter_3

    from criteria

),

problems as (

    select
        parsed.criterion_id,
        'prior_stage names no known stage: ' || coalesce(parsed.parameter_1, '(empty)')
            as problem
    from parsed
    left join stages
        on parsed.parameter_1 = stages.stage
    where parsed.kind = 'prior_stage'
        and stages.stage is null

    union all

    select
        criterion_id,
        'field_present names no known attribute: ' || coalesce(parameter_1, '(empty)')
            as problem
    from parsed
    where kind = 'field_present'
        and coalesce(parameter_1, '') not in (
            {%- for field in fields %}
                '{{ field }}'{{ ',' if not loop.last }}
            {%- endfor %}
        )

    union all

    select
        criterion_id,
        'activity_before_entry days is not a whole number: ' || parameter_3 as problem
    from parsed
    where kind = 'activity_before_entry'
        and parameter_3 is not null
        and trim(translate(parameter_3, '0123456789', '          ')) != ''

)

select * from problems
