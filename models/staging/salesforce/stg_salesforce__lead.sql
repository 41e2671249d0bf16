{{ config(enabled=var('crm') == 'salesforce') }}

with

source as (

    select * from {{ source('salesforce', 'lead') }}

),

renamed as (

    select
        {{ crm_columns(source('salesforce', 'lead'), [
            ['id', 'varchar', 'lead_id'],
            ['status', 'varchar', 'status'],
            ['owner_id', 'varchar', 'owner_id'],
            ['company', 'varchar', 'company'],
            ['lead_source', 'varchar', 'lead_source'],
            ['rating', 'varchar', 'rating'],
            ['industry', 'varchar', 'industry'],
            ['country', 'varchar', 'country'],
            ['number_of_employees', 'double', 'number_of_employees'],
            ['is_converted', 'boolean', 'is_converted'],
            ['converted_date', 'date', 'converted_date'],
            ['converted_account_id', 'varchar', 'converted_account_id'],
            ['converted_contact_id', 'varchar', 'converted_contact_id'],
            ['converted_opportunity_id', 'varchar', 'converted_opportunity_id'],
            ['created_date', 'timestamp', 'created_at'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('salesforce', 'lead')) }}

),

final as (

    select
        * exclude (loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
