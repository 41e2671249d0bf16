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
