{{ config(enabled=var('crm') == 'hubspot') }}
-- HubSpot has no standard object for customer-risk signals: none (docs/crm_sources.md,
-- what a CRM cannot express). Same columns and types as stg_crm__signals.

select
    cast(null as {{ dbt.type_string() }}) as signal_id,
    cast(null as {{ dbt.type_string() }}) as journey_id,
    cast(null as {{ dbt.type_string() }}) as signal_type,
    cast(null as {{ dbt.type_string() }}) as severity,
    cast(null as timestamp) as detected_at,
    cast(null as {{ dbt.type_string() }}) as source_file_name,
    cast(null as {{ dbt.type_string() }}) as load_id,
    cast(null as timestamp) as loaded_at
where false
