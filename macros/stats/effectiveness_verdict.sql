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
