{{ config(enabled=var('crm') == 'salesforce') }}
-- Fivetran history mode: one row per opportunity version, valid from _fivetran_start.

with

source as (

    select * from {{ source('salesforce', 'opportunity_history_mode') }}

),

renamed as (

    select
        {{ crm_columns(source('salesforce', 'opportunity_history_mode'), [
            ['id', 'varchar', 'opportunity_id'],
            ['_fivetran_start', 'timestamp', 'valid_from_at'],
            ['stage_name', 'varchar', 'stage_name'],
            ['owner_id', 'varchar', 'owner_id'],
            ['created_date', 'timestamp', 'created_at'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('salesforce', 'opportunity_history_mode')) }}

),

final as (

    select
        * exclude (loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
