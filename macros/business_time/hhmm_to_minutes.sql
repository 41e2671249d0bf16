{#- Minutes after local midnight of an 'HH:MM' string ('24:00' = 1440, the end of the
    day). The seed tests reject anything else before a model reads it. -#}
{% macro hhmm_to_minutes(hhmm) -%}
    (
        cast({{ dbt.split_part(hhmm, "':'", 1) }} as integer) * 60
        + cast({{ dbt.split_part(hhmm, "':'", 2) }} as integer)
    )
{%- endmacro %}
