-- The engine's journeys, whichever CRM they came from
-- (var('crm'): extract | salesforce | hubspot). Same columns and types as stg_crm__journeys;
-- the CRM mappings live beside this switch.
{%- set crm = var('crm') %}

with

{% if crm == 'salesforce' %}
    crm_journeys as (

        select * from {{ ref('int_salesforce__journeys') }}

    ),
{% elif crm == 'hubspot' %}
    crm_journeys as (

        select * from {{ ref('int_hubspot__journeys') }}

    ),
{% else %}
    crm_journeys as (

        select * from {{ ref('stg_crm__journeys') }}

    ),
{% endif %}

final as (

    select * from crm_journeys

)

select * from final
