{{ config(enabled=var('crm') == 'hubspot') }}

with

source as (

    select * from {{ source('hubspot', 'contact') }}

),

renamed as (

    select
        {{ crm_columns(source('hubspot', 'contact'), [
            ['id', 'varchar', 'contact_id'],
            ['property_email', 'varchar', 'email'],
            ['property_firstname', 'varchar', 'first_name'],
            ['property_lastname', 'varchar', 'last_name'],
            ['property_company', 'varchar', 'company_name'],
            ['property_country', 'varchar', 'country'],
            ['property_associatedcompanyid', 'varchar', 'company_id'],
            ['property_hubspot_owner_id', 'varchar', 'owner_id'],
            ['property_lifecyclestage', 'varchar', 'lifecycle_stage'],
            ['property_hs_lead_status', 'varchar', 'lead_status'],
            ['property_hs_analytics_source', 'varchar', 'analytics_source'],
            ['property_rating', 'varchar', 'rating'],
            ['property_createdate', 'timestamp', 'created_at'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('hubspot', 'contact')) }}

),

final as (

    select
        * exclude (loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
