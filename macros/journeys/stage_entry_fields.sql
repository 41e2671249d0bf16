{#- The attributes a field_present entry criterion may name (seed stage_entry_criteria):
    journey columns of int_journeys_enriched, and account columns of int_crm__accounts named
    'account.<column>'. One list for the model that checks them and the seed check. -#}
{% macro stage_entry_fields() -%}
    {{ return({
        'journey': ['source', 'intent_level', 'segment', 'territory', 'product_line',
                    'account_id'],
        'account': ['account_name', 'industry'],
    }) }}
{%- endmacro %}
