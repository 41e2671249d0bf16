{#-
    Small numeric building blocks for the governance marts. Every rate and statistic goes
    through these so that integer division, division by zero and float width behave the
    same on every engine.
-#}

{#- A 64-bit float type. dbt.type_float() is `float` on DuckDB, which is 32-bit there. -#}
{% macro stats_double() -%}
    {{ return(adapter.dispatch('stats_double', 'journey_sla')()) }}
{%- endmacro %}

{% macro default__stats_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__stats_double() -%}
    double
{%- endmacro %}

{% macro bigquery__stats_double() -%}
    float64
{%- endmacro %}


{#- numerator / denominator as a 64-bit float; null when the denominator is 0 or null. -#}
{% macro stats_ratio(numerator, denominator) -%}
    (cast({{ numerator }} as {{ journey_sla.stats_double() }}) / nullif(cast({{ denominator }} as {{ journey_sla.stats_double() }}), 0))
{%- endmacro %}


{#- Continuous percentile (linear interpolation between order statistics, as
    percentile_cont) of `expression` over the group; nulls are ignored. -#}
{% macro stats_percentile(expression, fraction) -%}
    {{ return(adapter.dispatch('stats_percentile', 'journey_sla')(expression, fraction)) }}
{%- endmacro %}

{% macro default__stats_percentile(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__stats_percentile(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}


{#- 1 when a boolean expression is true, else 0 (null and false alike), for sum(). -#}
{% macro stats_flag(condition) -%}
    case when {{ condition }} then 1 else 0 end
{%- endmacro %}


{#- How many rows of the group satisfy a boolean expression (count, so the type is the
    engine's count type, e.g. bigint, not the wider type some engines give sum()). -#}
{% macro stats_count_if(condition) -%}
    count(case when {{ condition }} then 1 end)
{%- endmacro %}
