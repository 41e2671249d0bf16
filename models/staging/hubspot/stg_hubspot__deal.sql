{{ config(enabled=var('crm') == 'hubspot') }}

with

source as (

    select * from {{ source('hubspot', 'deal') }}

),

renamed as (

    select
        {{ crm_columns(source('hubspot', 'deal'), [
            ['deal_id', 'varchar', 'deal_id'],
            ['deal_pipeline_id', 'varchar', 'pipeline_id'],
            ['deal_pipeline_stage_id', 'varchar', 'stage_id'],
            ['owner_id', 'varchar', 'owner_id'],
            ['property_dealname', 'varchar', 'deal_name'],
            ['property_dealtype', 'varchar', 'deal_type'],
            ['property_amount', 'double', 'amount'],
            ['property_closedate', 'timestamp', 'closed_at'],
            ['property_contract_start_date', 'date', 'contract_start_date'],
            ['property_contract_end_date', 'date', 'contract_end_date'],
            ['property_createdate', 'timestamp', 'created_at'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('hubspot', 'deal')) }}

),

final as (

    select
        * exclude (loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
