{#- The stable id of a clock instance: the same policy, journey, visit and trigger always
    hash to the same id, so exports can be re-run without duplicating tasks downstream. -#}
{% macro clock_id(policy_id, journey_id, stage_visit_id, trigger_id) -%}
    {{ dbt.hash(dbt.concat([
        policy_id, "'|'", journey_id, "'|'",
        "coalesce(" ~ stage_visit_id ~ ", '')", "'|'", "coalesce(" ~ trigger_id ~ ", '')"
    ])) }}
{%- endmacro %}
