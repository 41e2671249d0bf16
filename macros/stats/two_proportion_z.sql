{#-
    Two-proportion z-test with a pooled variance, two-sided (docs/metrics.md):

        p1 = k1 / n1,  p2 = k2 / n2,  p = (k1 + k2) / (n1 + n2)
        z  = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2))
        p-value = 2 (1 - Φ(|z|)) = erfc(|z| / √2)

    Conventions: null when n1 or n2 is 0 or null; when p is 0 or 1 both groups have the same
    rate, z is undefined and the p-value is 1. No engine ships a normal CDF everywhere (DuckDB
    has none), so erfc is the Abramowitz–Stegun 7.1.26 rational approximation, |error| <
    1.5e-7 (absolute, on the p-value), written with exp and sqrt only.
-#}
{% macro two_proportion_z(successes_1, trials_1, successes_2, trials_2) -%}
    {%- set dbl = journey_sla.stats_double() -%}
    {%- set k1 = 'cast(' ~ successes_1 ~ ' as ' ~ dbl ~ ')' -%}
    {%- set n1 = 'cast(' ~ trials_1 ~ ' as ' ~ dbl ~ ')' -%}
    {%- set k2 = 'cast(' ~ successes_2 ~ ' as ' ~ dbl ~ ')' -%}
    {%- set n2 = 'cast(' ~ trials_2 ~ ' as ' ~ dbl ~ ')' -%}
    {%- set pooled = '((' ~ k1 ~ ' + ' ~ k2 ~ ') / (' ~ n1 ~ ' + ' ~ n2 ~ '))' -%}
    case
        when {{ trials_1 }} is null or {{ trials_2 }} is null
            or {{ trials_1 }} <= 0 or {{ trials_2 }} <= 0 then null
        when {{ pooled }} <= 0 or {{ pooled }} >= 1 then null
        else ({{ k1 }} / {{ n1 }} - {{ k2 }} / {{ n2 }})
            / sqrt({{ pooled }} * (1 - {{ pooled }}) * (1 / {{ n1 }} + 1 / {{ n2 }}))
    end
{%- endmacro %}
