-- The engine's stage_events, whichever CRM they came from
-- (var('crm'): extract | salesforce | hubspot). Same columns and types as stg_crm__stage_events;
-- the CRM mappings live beside this switch.
{%- set crm = var('crm') %}

with

{% if crm == 'salesforce' %}
    crm_stage_events as (

        select * from {{ ref('int_salesforce__stage_events') }}

    ),
{% elif crm == 'hubspot' %}
    crm_stage_events as (

        select * from {{ ref('int_hubspot__stage_events') }}

    ),
{% else %}
    crm_stage_events as (

        select * from {{ ref('stg_crm__stage_events') }}

    ),
{% endif %}

final as (

    select * from crm_stage_events

)

select * from final
