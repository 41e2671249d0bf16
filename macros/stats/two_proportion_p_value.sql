{% macro two_proportion_p_value(successes_1, trials_1, successes_2, trials_2) -%}
    {%- set z = journey_sla.two_proportion_z(successes_1, trials_1, successes_2, trials_2) -%}
    case
        when {{ trials_1 }} is null or {{ trials_2 }} is null
            or {{ trials_1 }} <= 0 or {{ trials_2 }} <= 0 then null
        when ({{ z }}) is null then cast(1 as {{ journey_sla.stats_double() }})
        else {{ journey_sla.two_sided_normal_p_value(z) }}
    end
{%- endmacro %}
