-- The engine's contracts, whichever CRM they came from
-- (var('crm'): extract | salesforce | hubspot). Same columns and types as stg_crm__contracts;
-- the CRM mappings live beside this switch.
{%- set crm = var('crm') %}

with

{% if crm == 'salesforce' %}
    crm_contracts as (

        select * from {{ ref('int_salesforce__contracts') }}

    ),
{% elif crm == 'hubspot' %}
    crm_contracts as (

        select * from {{ ref('int_hubspot__contracts') }}

    ),
{% else %}
    crm_contracts as (

        select * from {{ ref('stg_crm__contracts') }}

    ),
{% endif %}

final as (

    select * from crm_contracts

)

select * from final
