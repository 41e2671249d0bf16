{{ config(enabled=var('crm') == 'salesforce') }}

with

source as (

    select * from {{ source('salesforce', 'user_role') }}

),

renamed as (

    select
        {{ crm_columns(source('salesforce', 'user_role'), [
            ['id', 'varchar', 'user_role_id'],
            ['name', 'varchar', 'user_role_name'],
            ['developer_name', 'varchar', 'developer_name'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('salesforce', 'user_role')) }}

),

final as (

    select
        * exclude (loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
