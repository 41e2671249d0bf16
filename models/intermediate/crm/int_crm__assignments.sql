-- The engine's assignments, whichever CRM they came from
-- (var('crm'): extract | salesforce | hubspot). Same columns and types as stg_crm__assignments;
-- the CRM mappings live beside this switch.
{%- set crm = var('crm') %}

with

{% if crm == 'salesforce' %}
    crm_assignments as (

        select * from {{ ref('int_salesforce__assignments') }}

    ),
{% elif crm == 'hubspot' %}
    crm_assignments as (

        select * from {{ ref('int_hubspot__assignments') }}

    ),
{% else %}
    crm_assignments as (

        select * from {{ ref('stg_crm__assignments') }}

    ),
{% endif %}

final as (

    select * from crm_assignments

)

select * from final
