-- The engine's users, whichever CRM they came from
-- (var('crm'): extract | salesforce | hubspot). Same columns and types as stg_crm__users;
-- the CRM mappings live beside this switch.
{%- set crm = var('crm') %}

with

{% if crm == 'salesforce' %}
    crm_users as (

        select * from {{ ref('int_salesforce__users') }}

    ),
{% elif crm == 'hubspot' %}
    crm_users as (

        select * from {{ ref('int_hubspot__users') }}

    ),
{% else %}
    crm_users as (

        select * from {{ ref('stg_crm__users') }}

    ),
{% endif %}

final as (

    select * from crm_users

)

select * from final
