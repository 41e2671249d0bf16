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


{% macro two_proportion_p_value(successes_1, trials_1, successes_2, trials_2) -%}
    {%- set z = journey_sla.two_proportion_z(successes_1, trials_1, successes_2, trials_2) -%}
    case
        when {{ trials_1 }} is null or {{ trials_2 }} is null
            or {{ trials_1 }} <= 0 or {{ trials_2 }} <= 0 then null
        when ({{ z }}) is null then cast(1 as {{ journey_sla.stats_double() }})
        else {{ journey_sla.two_sided_normal_p_value(z) }}
    end
{%- endmacro %}


{#- 2 (1 - Φ(|z|)) for a standard normal z, via erfc(|z| / √2). -#}
{% macro two_sided_normal_p_value(z) -%}
    {{ journey_sla.erfc_nonnegative('(abs(' ~ z ~ ') / sqrt(2.0))') }}
{%- endmacro %}


{#- Φ(z), the standard normal CDF: 1 - erfc(z/√2)/2 for z ≥ 0, erfc(-z/√2)/2 below. -#}
{% macro normal_cdf(z) -%}
    case
        when ({{ z }}) is null then null
        when ({{ z }}) >= 0 then 1 - {{ journey_sla.erfc_nonnegative('((' ~ z ~ ') / sqrt(2.0))') }} / 2
        else {{ journey_sla.erfc_nonnegative('(-(' ~ z ~ ') / sqrt(2.0))') }} / 2
    end
{%- endmacro %}


{#- erfc(x) for x ≥ 0 (Abramowitz & Stegun 7.1.26):
        t = 1 / (1 + 0.3275911 x)
        erfc(x) ≈ t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) exp(-x²)
    with a1..a5 = 0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429. -#}
{% macro erfc_nonnegative(x) -%}
    {%- set t = '(1.0 / (1.0 + 0.3275911 * ' ~ x ~ '))' -%}
    (
        {{ t }} * (0.254829592 + {{ t }} * (-0.284496736 + {{ t }} * (1.421413741
            + {{ t }} * (-1.453152027 + {{ t }} * 1.061405429))))
        * exp(-({{ x }}) * ({{ x }}))
    )
{%- endmacro %}
