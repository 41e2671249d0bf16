{{ config(enabled=var('crm') == 'salesforce') }}
-- Salesforce stage events in the contract's shape (docs/crm_sources.md): each lead and
-- opportunity enters its first value at creation (the old value of its first recorded
-- change of that field, else the current value), then every recorded change of a field
-- crm_stage_map names (Status, StageName, custom picklists such as Customer_Stage__c) enters
-- the mapped stage. Values the map does not name make no event (counted as unmapped); an
-- event repeated by two history objects collapses in int_stage_visits_sequenced.

with

leads as (

    select * from {{ ref('stg_salesforce__lead') }}

),

opportunities as (

    select * from {{ ref('stg_salesforce__opportunity') }}

),

journey_records as (

    select * from {{ ref('int_salesforce__journey_records') }}

),

field_changes as (

    select * from {{ ref('int_salesforce__field_changes') }}

),

stage_map as (

    select
        crm_object,
        {{ crm_key('field') }} as field_key,
        lower(trim(value)) as value_key,
        stage
    from {{ ref('crm_stage_map') }}
    where crm = 'salesforce'

),

records as (

    select
        'lead' as crm_object,
        lead_id as record_id,
        'status' as field_key,
        status as current_value,
        created_at,
        source_file_name,
        load_id,
        loaded_at
    from leads
    union all
    select
        'opportunity' as crm_object,
        opportunity_id as record_id,
        'stagename' as field_key,
        stage_name as current_value,
        created_at,
        source_file_name,
        load_id,
        loaded_at
    from opportunities

),

first_changes as (

    select
        crm_object,
        record_id,
        field_key,
        coalesce(old_value, new_value) as first_value
    from field_changes
    where field_key in ('status', 'stagename')
    qualify row_number() over (
            partition by crm_object, record_id, field_key order by created_at, change_id
        ) = 1

),

created_events as (

    select
        records.crm_object || '-created:' || records.record_id as event_id,
        journey_records.journey_id,
        records.crm_object,
        records.field_key,
        coalesce(first_changes.first_value, records.current_value) as value,
        records.created_at as occurred_at,
        records.source_file_name,
        records.load_id,
        records.loaded_at
    from records
    inner join journey_records
        on records.record_id = journey_records.record_id
        and records.crm_object = journey_records.record_type
    left join first_changes
        on records.crm_object = first_changes.crm_object
        and records.record_id = first_changes.record_id
        and records.field_key = first_changes.field_key

),

change_events as (

    select
        change_id as event_id,
        journey_id,
        crm_object,
        field_key,
        new_value as value,
        created_at as occurred_at,
        source_file_name,
        load_id,
        loaded_at
    from field_changes

),

final as (

    select
        events.event_id,
        events.journey_id,
        cast(null as {{ dbt.type_string() }}) as owner_id,
        stage_map.stage,
        cast(null as {{ dbt.type_string() }}) as reason_code,
        events.occurred_at,
        events.source_file_name,
        events.load_id,
        events.loaded_at

    from (
        select * from created_events
        union all
        select * from change_events
    ) as events
    inner join stage_map
        on events.crm_object = stage_map.crm_object
        and events.field_key = stage_map.field_key
        and lower(trim(events.value)) = stage_map.value_key

)

select * from final
