{#- Φ(z), the standard normal CDF: 1 - erfc(z/√2)/2 for z ≥ 0, erfc(-z/√2)/2 below. -#}
{% macro normal_cdf(z) -%}
    case
        when ({{ z }}) is null then null
        when ({{ z }}) >= 0 then 1 - {{ journey_sla.erfc_nonnegative('((' ~ z ~ ') / sqrt(2.0))') }} / 2
        else {{ journey_sla.erfc_nonnegative('(-(' ~ z ~ ') / sqrt(2.0))') }} / 2
    end
{%- endmacro %}
