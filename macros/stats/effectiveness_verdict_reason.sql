{#- One line saying why: the sample sizes when too small, else both rates, the lift in
    percentage points and the p-value against the significance level. -#}
{% macro effectiveness_verdict_reason(verdict, met_visits, breached_visits, met_rate, breached_rate, lift, p_value) -%}
    {%- set alpha = journey_sla.effectiveness_significance_level() -%}
    case
        when {{ verdict }} = 'insufficient_data' then {{ dbt.concat([
            "'mature visits: '",
            journey_sla._stats_text('coalesce(' ~ met_visits ~ ', 0)'),
            "' met, '",
            journey_sla._stats_text('coalesce(' ~ breached_visits ~ ', 0)'),
            "' breached; at least " ~ journey_sla.effectiveness_min_met_visits() ~ " met and "
                ~ journey_sla.effectiveness_min_breached_visits() ~ " breached are needed'",
        ]) }}
        else {{ dbt.concat([
            "'met visits convert '",
            journey_sla._stats_percent(met_rate),
            "'% vs breached '",
            journey_sla._stats_percent(breached_rate),
            "'% ('",
            "case when " ~ lift ~ " >= 0 then '+' else '' end",
            journey_sla._stats_percent(lift),
            "' pts), p '",
            "case when " ~ p_value ~ " < 0.0001 then '< 0.0001' else "
                ~ dbt.concat(["'= '", journey_sla.stats_round_text(p_value, 4)]) ~ " end",
            "case when " ~ p_value ~ " < " ~ alpha ~ " then ' < " ~ alpha ~ "' else ' >= " ~ alpha ~ ": no significant difference' end",
        ]) }}
    end
{%- endmacro %}

{% macro _stats_text(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{% macro _stats_percent(fraction) -%}
    {{ journey_sla.stats_round_text('100 * ' ~ fraction, 1) }}
{%- endmacro %}
