{{ config(enabled=var('crm') == 'salesforce') }}
-- Every recorded change of a lead or opportunity field, one shape for LeadHistory,
-- OpportunityFieldHistory and OpportunityHistory (StageName snapshots), with the journey the
-- record belongs to. Stage events and assignments both read it. field_key is the field as
-- the mapping seeds match it (crm_key).

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
