-- The engine's accounts, whichever CRM they came from
-- (var('crm'): extract | salesforce | hubspot). Same columns and types as stg_crm__accounts;
-- the CRM mappings live beside this switch.
{%- set crm = var('crm') %}

with

{% if crm == 'salesforce' %}
    crm_accounts as (

        select * from {{ ref('int_salesforce__accounts') }}

    ),
{% elif crm == 'hubspot' %}
    crm_accounts as (

        select * from {{ ref('int_hubspot__accounts') }}

    ),
{% else %}
    crm_accounts as (

        select * from {{ ref('stg_crm__accounts') }}

    ),
{% endif %}

final as (

    select * from crm_accounts

)

select * from final
