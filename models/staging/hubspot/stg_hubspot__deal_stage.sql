{{ config(enabled=var('crm') == 'hubspot') }}

with

source as (

    select * from {{ source('hubspot', 'deal_stage') }}

),

renamed as (

    select
        {{ crm_columns(source('hubspot', 'deal_stage'), [
            ['_row_key', 'varchar', 'row_key'],
            ['deal_id', 'varchar', 'deal_id'],
            ['value', 'varchar', 'stage_id'],
            ['date_entered', 'timestamp', 'entered_at'],
            ['source', 'varchar', 'change_source'],
            ['source_id', 'varchar', 'changed_by_id'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('hubspot', 'deal_stage')) }}

),

final as (

    select
        coalesce(row_key, deal_id || '|' || cast(entered_at as varchar) || '|' || stage_id) as stage_entry_id,
        * exclude (row_key, loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
