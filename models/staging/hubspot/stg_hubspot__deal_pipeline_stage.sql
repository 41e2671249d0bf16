{{ config(enabled=var('crm') == 'hubspot') }}

with

source as (

    select * from {{ source('hubspot', 'deal_pipeline_stage') }}

),

renamed as (

    select
        {{ crm_columns(source('hubspot', 'deal_pipeline_stage'), [
            ['stage_id', 'varchar', 'stage_id'],
            ['pipeline_id', 'varchar', 'pipeline_id'],
            ['label', 'varchar', 'stage_label'],
            ['closed_won', 'boolean', 'is_closed_won'],
            ['probability', 'double', 'probability'],
            ['display_order', 'double', 'display_order'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('hubspot', 'deal_pipeline_stage')) }}

),

final as (

    select
        * exclude (loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
