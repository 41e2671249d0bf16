{{ config(enabled=var('crm') == 'hubspot') }}

with

source as (

    select * from {{ source('hubspot', 'company_property_history') }}

),

renamed as (

    select
        {{ crm_columns(source('hubspot', 'company_property_history'), [
            ['_row_key', 'varchar', 'row_key'],
            ['company_id', 'varchar', 'company_id'],
            ['name', 'varchar', 'property_name'],
            ['value', 'varchar', 'property_value'],
            ['source', 'varchar', 'change_source'],
            ['source_id', 'varchar', 'changed_by_id'],
            ['timestamp', 'timestamp', 'changed_at'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('hubspot', 'company_property_history')) }}

),

final as (

    select
        coalesce(row_key, company_id || '|' || property_name || '|' || cast(changed_at as varchar) || '|' || coalesce(property_value, '')) as change_id,
        * exclude (row_key, loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
