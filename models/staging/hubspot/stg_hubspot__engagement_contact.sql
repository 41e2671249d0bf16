{{ config(enabled=var('crm') == 'hubspot') }}

with

source as (

    select * from {{ source('hubspot', 'engagement_contact') }}

),

renamed as (

    select
        {{ crm_columns(source('hubspot', 'engagement_contact'), [
            ['_row_key', 'varchar', 'row_key'],
            ['engagement_id', 'varchar', 'engagement_id'],
            ['contact_id', 'varchar', 'contact_id'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('hubspot', 'engagement_contact')) }}

),

final as (

    select
        coalesce(row_key, engagement_id || '|' || contact_id) as engagement_contact_id,
        * exclude (row_key, loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
