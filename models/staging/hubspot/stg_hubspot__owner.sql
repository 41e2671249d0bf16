{{ config(enabled=var('crm') == 'hubspot') }}

with

source as (

    select * from {{ source('hubspot', 'owner') }}

),

renamed as (

    select
        {{ crm_columns(source('hubspot', 'owner'), [
            ['owner_id', 'varchar', 'owner_id'],
            ['email', 'varchar', 'email'],
            ['first_name', 'varchar', 'first_name'],
            ['last_name', 'varchar', 'last_name'],
            ['type', 'varchar', 'owner_type'],
            ['is_active', 'boolean', 'is_active'],
            ['active', 'boolean', 'active'],
            ['created_at', 'timestamp', 'created_at'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('hubspot', 'owner')) }}

),

final as (

    select
        * exclude (loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
