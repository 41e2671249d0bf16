{#-
    The governance verdict on one SLA (docs/metrics.md, "Verdicts"), from the mature visits
    whose clock was met vs breached:

      insufficient_data     fewer than effectiveness_min_met_visits met or
                            effectiveness_min_breached_visits breached visits (vars, 30 each)
      effective             lift > 0 and p-value < effectiveness_significance_level (0.05)
      harmful               lift < 0 and p-value < the significance level
      no_measurable_effect  otherwise

    lift = conversion rate of met visits - conversion rate of breached visits. Arguments are
    column names (or expressions) of the calling model.
-#}

{% macro effectiveness_min_met_visits() -%}
    {{ return(var('effectiveness_min_met_visits', 30)) }}
{%- endmacro %}

{% macro effectiveness_min_breached_visits() -%}
    {{ return(var('effectiveness_min_breached_visits', 30)) }}
{%- endmacro %}

{% macro effectiveness_significance_level() -%}
    {{ return(var('effectiveness_significance_level', 0.05)) }}
{%- endmacro %}


{% macro effectiveness_verdict(met_visits, breached_visits, lift, p_value) -%}
    case
        when coalesce({{ met_visits }}, 0) < {{ journey_sla.effectiveness_min_met_visits() }}
            or coalesce({{ breached_visits }}, 0) < {{ journey_sla.effectiveness_min_breached_visits() }}
            then 'insufficient_data'
        when {{ p_value }} < {{ journey_sla.effectiveness_significance_level() }} and {{ lift }} > 0
            then 'effective'
        when {{ p_value }} < {{ journey_sla.effectiveness_significance_level() }} and {{ lift }} < 0
            then 'harmful'
        else 'no_measurable_effect'
    end
{%- endmacro %}


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
                ~ dbt.concat(["'= '", journey_sla._stats_text('round(' ~ p_value ~ ', 4)')]) ~ " end",
            "case when " ~ p_value ~ " < " ~ alpha ~ " then ' < " ~ alpha ~ "' else ' >= " ~ alpha ~ ": no significant difference' end",
        ]) }}
    end
{%- endmacro %}


{% macro _stats_text(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{% macro _stats_percent(fraction) -%}
    cast(round(100 * {{ fraction }}, 1) as {{ dbt.type_string() }})
{%- endmacro %}
