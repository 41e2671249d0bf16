{#- A float rounded to `digits` decimals, as text the way DuckDB prints a double ('50.0',
    '0.05'), so reason strings read the same on every engine. PostgreSQL has no
    round(double precision, int): it rounds a numeric, prints the double's shortest form
    and adds the '.0' PostgreSQL leaves off whole numbers. -#}
{% macro stats_round_text(expression, digits) -%}
    {{ return(adapter.dispatch('stats_round_text', 'journey_sla')(expression, digits)) }}
{%- endmacro %}

{#- Rounded to 9 decimals first: a rate that is exactly x.x5 in decimals arrives as
    3.7499999999999996 or 3.7500000000000004 depending on the engine's float arithmetic, and
    would round to different texts; PostgreSQL's numeric cast (15 digits) does the same. -#}
{% macro default__stats_round_text(expression, digits) -%}
    cast(round(round({{ expression }}, 9), {{ digits }}) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro postgres__stats_round_text(expression, digits) -%}
    (
        select
            case
                when rounded_text ~ '^-?[0-9]+$' then rounded_text || '.0'
                else rounded_text
            end
        from (
            select cast(cast(round(cast({{ expression }} as numeric), {{ digits }}) as double precision) as text) as rounded_text
        ) as stats_rounded
    )
{%- endmacro %}
