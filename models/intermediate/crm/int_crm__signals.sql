-- The engine's signals, whichever CRM they came from
-- (var('crm'): extract | salesforce | hubspot). Same columns and types as stg_crm__signals;
-- the CRM mappings live beside this switch.
{%- set crm = var('crm') %}

with

{% if crm == 'salesforce' %}
    crm_signals as (

        select * from {{ ref('int_salesforce__signals') }}

    ),
{% elif crm == 'hubspot' %}
    crm_signals as (

        select * from {{ ref('int_hubspot__signals') }}

    ),
{% else %}
    crm_signals as (

        select * from {{ ref('stg_crm__signals') }}

    ),
{% endif %}

final as (

    select * from crm_signals

)

select * from final
