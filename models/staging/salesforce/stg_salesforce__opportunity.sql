{{ config(enabled=var('crm') == 'salesforce') }}

with

source as (

    select * from {{ source('salesforce', 'opportunity') }}

),

renamed as (

    select
        {{ crm_columns(source('salesforce', 'opportunity'), [
            ['id', 'varchar', 'opportunity_id'],
            ['account_id', 'varchar', 'account_id'],
            ['name', 'varchar', 'opportunity_name'],
            ['stage_name', 'varchar', 'stage_name'],
            ['type', 'varchar', 'type'],
            ['lead_source', 'varchar', 'lead_source'],
            ['owner_id', 'varchar', 'owner_id'],
            ['amount', 'double', 'amount'],
            ['close_date', 'date', 'close_date'],
            ['is_won', 'boolean', 'is_won'],
            ['is_closed', 'boolean', 'is_closed'],
            ['contract_id', 'varchar', 'contract_id'],
            ['contract_term', 'double', 'contract_term_months'],
            ['created_date', 'timestamp', 'created_at'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('salesforce', 'opportunity')) }}

),

final as (

    select
        * exclude (loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
