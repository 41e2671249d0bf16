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

{#- Spark: `double` (its `float` is 32-bit and it has no `double precision`). -#}
{% macro spark__stats_double() -%}
    double
{%- endmacro %}
