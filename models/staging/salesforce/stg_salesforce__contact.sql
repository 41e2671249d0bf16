{{ config(enabled=var('crm') == 'salesforce') }}

with

source as (

    select * from {{ source('salesforce', 'contact') }}

),

renamed as (

    select
        {{ crm_columns(source('salesforce', 'contact'), [
            ['id', 'varchar', 'contact_id'],
            ['account_id', 'varchar', 'account_id'],
            ['owner_id', 'varchar', 'owner_id'],
            ['created_date', 'timestamp', 'created_at'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('salesforce', 'contact')) }}

),

final as (

    select
        * exclude (loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
