{{ config(enabled=var('crm') == 'hubspot') }}

with

source as (

    select * from {{ source('hubspot', 'company') }}

),

renamed as (

    select
        {{ crm_columns(source('hubspot', 'company'), [
            ['id', 'varchar', 'company_id'],
            ['property_name', 'varchar', 'company_name'],
            ['property_industry', 'varchar', 'industry'],
            ['property_country', 'varchar', 'country'],
            ['property_numberofemployees', 'double', 'number_of_employees'],
            ['property_customer_stage', 'varchar', 'customer_stage'],
            ['property_hubspot_owner_id', 'varchar', 'owner_id'],
            ['property_createdate', 'timestamp', 'created_at'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('hubspot', 'company')) }}

),

final as (

    select
        * exclude (loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
