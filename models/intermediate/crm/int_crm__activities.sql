-- The engine's activities, whichever CRM they came from
-- (var('crm'): extract | salesforce | hubspot). Same columns and types as stg_crm__activities;
-- the CRM mappings live beside this switch.
{%- set crm = var('crm') %}

with

{% if crm == 'salesforce' %}
    crm_activities as (

        select * from {{ ref('int_salesforce__activities') }}

    ),
{% elif crm == 'hubspot' %}
    crm_activities as (

        select * from {{ ref('int_hubspot__activities') }}

    ),
{% else %}
    crm_activities as (

        select * from {{ ref('stg_crm__activities') }}

    ),
{% endif %}

final as (

    select * from crm_activities

)

select * from final
