{{ config(enabled=var('crm') == 'hubspot') }}

with

source as (

    select * from {{ source('hubspot', 'deal_pipeline') }}

),

renamed as (

    select
        {{ crm_columns(source('hubspot', 'deal_pipeline'), [
            ['pipeline_id', 'varchar', 'pipeline_id'],
            ['label', 'varchar', 'pipeline_label'],
            ['active', 'boolean', 'is_active'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('hubspot', 'deal_pipeline')) }}

),

final as (

    select
        * exclude (loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
