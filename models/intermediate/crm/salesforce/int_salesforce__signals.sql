{{ config(enabled=var('crm') == 'salesforce') }}
-- Salesforce has no standard object for customer-risk signals: none (docs/crm_sources.md,
-- what a CRM cannot express). Same columns and types as stg_crm__signals.

select
    cast(null as varchar) as signal_id,
    cast(null as varchar) as journey_id,
    cast(null as varchar) as signal_type,
    cast(null as varchar) as severity,
    cast(null as timestamp) as detected_at,
    cast(null as varchar) as source_file_name,
    cast(null as varchar) as load_id,
    cast(null as timestamp) as loaded_at
where false
