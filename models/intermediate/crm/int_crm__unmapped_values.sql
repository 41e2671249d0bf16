-- Values of the selected CRM the mapping seeds do not name (none for the extract, whose
-- values the loader already checked): one row per crm, object, field and value, with how
-- many records carry it and up to five of their ids. mart_data_quality lists each one.
{%- set crm = var('crm') %}

with

{% if crm == 'salesforce' %}
    unmapped as (

        select * from {{ ref('int_salesforce__unmapped_values') }}

    ),
{% elif crm == 'hubspot' %}
    unmapped as (

        select * from {{ ref('int_hubspot__unmapped_values') }}

    ),
{% else %}
    unmapped as (

        select
            cast(null as {{ dbt.type_string() }}) as crm,
            cast(null as {{ dbt.type_string() }}) as crm_object,
            cast(null as {{ dbt.type_string() }}) as field,
            cast(null as {{ dbt.type_string() }}) as value,
            cast(null as bigint) as record_count,
            cast(null as {{ dbt.type_string() }}) as example_record_ids
        where false

    ),
{% endif %}

final as (

    select * from unmapped

)

select * from final
