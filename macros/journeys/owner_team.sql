{#- The team a clock, visit or breach is counted under: its owner's team, 'unassigned' when
    the owner is unknown, missing or has no team. `users` is int_users_enriched joined with
    a left join on the owner, so an unknown owner arrives as a null team. -#}
{% macro owner_team(users) -%}
    coalesce({{ users }}.team, 'unassigned')
{%- endmacro %}
