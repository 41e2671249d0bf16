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
