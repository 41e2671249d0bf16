{% macro wilson_upper(successes, trials, z=1.959963984540054) -%}
    case
        when {{ trials }} is null or {{ trials }} <= 0 or {{ successes }} is null then null
        when {{ successes }} >= {{ trials }} then cast(1 as {{ journey_sla.stats_double() }})
        else {{ journey_sla.wilson_bound(successes, trials, z, '+') }}
    end
{%- endmacro %}
