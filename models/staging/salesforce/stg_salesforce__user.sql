{{ config(enabled=var('crm') == 'salesforce') }}

with

source as (

    select * from {{ source('salesforce', 'user') }}

),

renamed as (

    select
        {{ crm_columns(source('salesforce', 'user'), [
            ['id', 'varchar', 'user_id'],
            ['name', 'varchar', 'user_name'],
            ['first_name', 'varchar', 'first_name'],
            ['last_name', 'varchar', 'last_name'],
            ['email', 'varchar', 'email'],
            ['user_role_id', 'varchar', 'user_role_id'],
            ['manager_id', 'varchar', 'manager_id'],
            ['department', 'varchar', 'department'],
            ['country', 'varchar', 'country'],
            ['is_active', 'boolean', 'is_active'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('salesforce', 'user')) }}

),

final as (

    select
        * exclude (loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
