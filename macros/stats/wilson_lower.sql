{#-
    Wilson score interval for a binomial proportion k / n (docs/metrics.md):

        centre     = (k + z²/2) / (n + z²)
        half_width = z / (n + z²) * sqrt(k (n - k) / n + z²/4)
        lower, upper = centre ∓ half_width

    the same interval as scipy.stats.binomtest(k, n).proportion_ci(method='wilson') (no
    continuity correction). k = 0 gives lower = 0 and k = n upper = 1 exactly (the formula
    only reaches them up to float noise); n = 0 or null gives null. z defaults to the 97.5 %
    normal quantile, i.e. a 95 % two-sided interval. Portable SQL: sqrt and arithmetic only.
-#}
{% macro wilson_lower(successes, trials, z=1.959963984540054) -%}
    case
        when {{ trials }} is null or {{ trials }} <= 0 or {{ successes }} is null then null
        when {{ successes }} <= 0 then cast(0 as {{ journey_sla.stats_double() }})
        else {{ journey_sla.wilson_bound(successes, trials, z, '-') }}
    end
{%- endmacro %}
