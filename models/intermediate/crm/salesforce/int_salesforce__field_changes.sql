{{ config(enabled=var('crm') == 'salesforce') }}
-- Every recorded change of a lead or opportunity field, one shape for LeadHistory,
-- OpportunityFieldHistory and OpportunityHistory (StageName snapshots), with the journey the
-- record belongs to. Stage events and assignments both read it. field_key is the field as
-- the mapping seeds match it (crm_key). Fivetran history-mode tables add a change wherever
-- Status / StageName or OwnerId differs between consecutive versions of a record, at the
-- later version's _fivetran_start.

with

lead_history as (

    select * from {{ ref('stg_salesforce__lead_history') }}

),

opportunity_field_history as (

    select * from {{ ref('stg_salesforce__opportunity_field_history') }}

),

opportunity_history as (

    select * from {{ ref('stg_salesforce__opportunity_history') }}

),

lead_versions as (

    select * from {{ ref('stg_salesforce__lead_history_mode') }}

),

opportunity_versions as (

    select * from {{ ref('stg_salesforce__opportunity_history_mode') }}

),

versions as (

    select
        'lead' as crm_object,
        lead_id as record_id,
        status as stage_value,
        owner_id,
        valid_from_at,
        lag(status) over (partition by lead_id order by valid_from_at) as previous_stage_value,
        lag(owner_id) over (partition by lead_id order by valid_from_at) as previous_owner_id,
        row_number() over (partition by lead_id order by valid_from_at) as version_number,
        source_file_name,
        load_id,
        loaded_at
    from lead_versions
    where valid_from_at is not null
    union all
    select
        'opportunity' as crm_object,
        opportunity_id as record_id,
        stage_name as stage_value,
        owner_id,
        valid_from_at,
        lag(stage_name) over (
            partition by opportunity_id order by valid_from_at
        ) as previous_stage_value,
        lag(owner_id) over (
            partition by opportunity_id order by valid_from_at
        ) as previous_owner_id,
        row_number() over (
            partition by opportunity_id order by valid_from_at
        ) as version_number,
        source_file_name,
        load_id,
        loaded_at
    from opportunity_versions
    where valid_from_at is not null

),

version_changes as (

    select
        versions.crm_object || '-version:' || versions.record_id || ':'
        || fields.field_key || ':'
        || cast(versions.valid_from_at as {{ dbt.type_string() }}) as change_id,
        versions.crm_object,
        versions.record_id,
        fields.field_key,
        case
            when fields.field_key = 'owner' then versions.previous_owner_id
            else versions.previous_stage_value
        end as old_value,
        case
            when fields.field_key = 'owner' then versions.owner_id
            else versions.stage_value
        end as new_value,
        versions.valid_from_at as created_at,
        versions.source_file_name,
        versions.load_id,
        versions.loaded_at
    from versions
    cross join (
        select 'status' as field_key
        union all
        select 'stagename' as field_key
        union all
        select 'owner' as field_key
    ) as fields
    where
        versions.version_number > 1
        and (
            (fields.field_key = 'status' and versions.crm_object = 'lead'
                and versions.stage_value is distinct from versions.previous_stage_value)
            or (fields.field_key = 'stagename' and versions.crm_object = 'opportunity'
                and versions.stage_value is distinct from versions.previous_stage_value)
            or (fields.field_key = 'owner'
                and versions.owner_id is distinct from versions.previous_owner_id)
        )

),

journey_records as (

    select * from {{ ref('int_salesforce__journey_records') }}

),

changes as (

    select
        lead_history_id as change_id,
        'lead' as crm_object,
        lead_id as record_id,
        {{ crm_key('field') }} as field_key,
        old_value,
        new_value,
        created_at,
        source_file_name,
        load_id,
        loaded_at
    from lead_history
    union all
    select
        opportunity_field_history_id as change_id,
        'opportunity' as crm_object,
        opportunity_id as record_id,
        {{ crm_key('field') }} as field_key,
        old_value,
        new_value,
        created_at,
        source_file_name,
        load_id,
        loaded_at
    from opportunity_field_history
    union all
    -- OpportunityHistory is a snapshot per change: its stage names over time, with no old
    -- value (the first snapshot is the stage the opportunity was created in).
    select
        opportunity_history_id as change_id,
        'opportunity' as crm_object,
        opportunity_id as record_id,
        'stagename' as field_key,
        cast(null as {{ dbt.type_string() }}) as old_value,
        stage_name as new_value,
        created_at,
        source_file_name,
        load_id,
        loaded_at
    from opportunity_history
    union all
    select * from version_changes

),

final as (

    select
        changes.change_id,
        changes.crm_object,
        changes.record_id,
        journey_records.journey_id,
        changes.field_key,
        changes.old_value,
        changes.new_value,
        changes.created_at,
        changes.source_file_name,
        changes.load_id,
        changes.loaded_at

    from changes
    inner join journey_records
        on changes.record_id = journey_records.record_id
        and changes.crm_object = journey_records.record_type

)

select * from final
