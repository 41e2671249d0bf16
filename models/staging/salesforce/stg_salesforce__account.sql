{{ config(enabled=var('crm') == 'salesforce') }}

with

source as (

    select * from {{ source('salesforce', 'account') }}

),

renamed as (

    select
        {{ crm_columns(source('salesforce', 'account'), [
            ['id', 'varchar', 'account_id'],
            ['name', 'varchar', 'account_name'],
            ['industry', 'varchar', 'industry'],
            ['type', 'varchar', 'type'],
            ['number_of_employees', 'double', 'number_of_employees'],
            ['billing_country', 'varchar', 'billing_country'],
            ['billing_state', 'varchar', 'billing_state'],
            ['owner_id', 'varchar', 'owner_id'],
            ['created_date', 'timestamp', 'created_at'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('salesforce', 'account')) }}

),

final as (

    select
        * exclude (loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
