{{ config(enabled=var('crm') == 'hubspot') }}
-- HubSpot stage events in the contract's shape (docs/crm_sources.md): every recorded change
-- of a property crm_stage_map names (contact lifecyclestage and hs_lead_status, deal stage
-- entries, a company property) enters the mapped stage at the change's timestamp; HubSpot
-- records the value set at creation as the first change. A contact (deal) with no history
-- of the field enters its current value at its createdate. A deal stage maps by stage id,
-- else by the stage's label (a renamed stage). Values the map does not name, or names with
-- an empty stage, make no event.

with

contacts as (

    select * from {{ ref('stg_hubspot__contact') }}

),

deals as (

    select * from {{ ref('stg_hubspot__deal') }}

),

pipeline_stages as (

    select * from {{ ref('stg_hubspot__deal_pipeline_stage') }}

),

owners as (

    select * from {{ ref('stg_hubspot__owner') }}

),

journey_records as (

    select * from {{ ref('int_hubspot__journey_records') }}

),

field_changes as (

    select * from {{ ref('int_hubspot__field_changes') }}

),

stage_map as (

    select
        crm_object,
        {{ crm_key('field') }} as field_key,
        lower(trim(value)) as value_key,
        stage
    from {{ ref('crm_stage_map') }}
    where crm = 'hubspot'

),

current_values as (

    select
        'contact' as crm_object,
        contact_id as record_id,
        'lifecyclestage' as field_key,
        lifecycle_stage as value,
        created_at,
        source_file_name,
        load_id,
        loaded_at
    from contacts
    union all
    select
        'contact' as crm_object,
        contact_id as record_id,
        'hsleadstatus' as field_key,
        lead_status as value,
        created_at,
        source_file_name,
        load_id,
        loaded_at
    from contacts
    union all
    select
        'deal' as crm_object,
        deal_id as record_id,
        'dealstage' as field_key,
        stage_id as value,
        created_at,
        source_file_name,
        load_id,
        loaded_at
    from deals

),

created_events as (

    select
        current_values.crm_object || '-created:' || current_values.field_key || ':'
        || current_values.record_id as event_id,
        journey_records.journey_id,
        current_values.crm_object,
        current_values.field_key,
        current_values.value,
        cast(null as {{ dbt.type_string() }}) as changed_by_id,
        current_values.created_at as occurred_at,
        current_values.source_file_name,
        current_values.load_id,
        current_values.loaded_at
    from current_values
    inner join journey_records
        on current_values.record_id = journey_records.record_id
        and current_values.crm_object = journey_records.record_type
    where
        not journey_records.is_renewal_term
        and not exists (
            select 1
            from field_changes
            where
                field_changes.crm_object = current_values.crm_object
                and field_changes.record_id = current_values.record_id
                and field_changes.field_key = current_values.field_key
        )

),

change_events as (

    select
        change_id as event_id,
        journey_id,
        crm_object,
        field_key,
        value,
        changed_by_id,
        changed_at as occurred_at,
        source_file_name,
        load_id,
        loaded_at
    from field_changes

),

events as (

    select * from created_events
    union all
    select * from change_events

),

mapped as (

    select
        events.*,
        coalesce(by_value.stage, by_label.stage) as stage
    from events
    left join stage_map as by_value
        on events.crm_object = by_value.crm_object
        and events.field_key = by_value.field_key
        and lower(trim(events.value)) = by_value.value_key
    left join pipeline_stages
        on events.crm_object = 'deal'
        and events.value = pipeline_stages.stage_id
    left join stage_map as by_label
        on events.crm_object = by_label.crm_object
        and events.field_key = by_label.field_key
        and lower(trim(pipeline_stages.stage_label)) = by_label.value_key

),

final as (

    select
        mapped.event_id,
        mapped.journey_id,
        owners.owner_id,
        mapped.stage,
        cast(null as {{ dbt.type_string() }}) as reason_code,
        mapped.occurred_at,
        mapped.source_file_name,
        mapped.load_id,
        mapped.loaded_at

    from mapped
    left join owners
        on mapped.changed_by_id = owners.owner_id
    where mapped.stage is not null

)

select * from final
