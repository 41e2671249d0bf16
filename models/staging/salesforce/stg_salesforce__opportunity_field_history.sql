{{ config(enabled=var('crm') == 'salesforce') }}

with

source as (

    select * from {{ source('salesforce', 'opportunity_field_history') }}

),

renamed as (

    select
        {{ crm_columns(source('salesforce', 'opportunity_field_history'), [
            ['id', 'varchar', 'opportunity_field_history_id'],
            ['opportunity_id', 'varchar', 'opportunity_id'],
            ['field', 'varchar', 'field'],
            ['old_value', 'varchar', 'old_value'],
            ['new_value', 'varchar', 'new_value'],
            ['created_date', 'timestamp', 'created_at'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('salesforce', 'opportunity_field_history')) }}

),

final as (

    select
        * exclude (loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
