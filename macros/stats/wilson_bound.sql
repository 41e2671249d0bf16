{#- One end of the Wilson score interval (sign - for the lower, + for the upper bound); see wilson_lower. -#}
{% macro wilson_bound(successes, trials, z, sign) -%}
    {%- set k = 'cast(' ~ successes ~ ' as ' ~ journey_sla.stats_double() ~ ')' -%}
    {%- set n = 'cast(' ~ trials ~ ' as ' ~ journey_sla.stats_double() ~ ')' -%}
    {%- set z2 = '(' ~ z ~ ' * ' ~ z ~ ')' -%}
    (
        ({{ k }} + {{ z2 }} / 2)
        {{ sign }} {{ z }} * sqrt({{ k }} * ({{ n }} - {{ k }}) / {{ n }} + {{ z2 }} / 4)
    ) / ({{ n }} + {{ z2 }})
{%- endmacro %}
