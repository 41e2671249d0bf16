{#- 2 (1 - Φ(|z|)) for a standard normal z, via erfc(|z| / √2). -#}
{% macro two_sided_normal_p_value(z) -%}
    {{ journey_sla.erfc_nonnegative('(abs(' ~ z ~ ') / sqrt(2.0))') }}
{%- endmacro %}
