{{ config(enabled=var('crm') == 'hubspot') }}

with

source as (

    select * from {{ source('hubspot', 'engagement_email') }}

),

renamed as (

    select
        {{ crm_columns(source('hubspot', 'engagement_email'), [
            ['engagement_id', 'varchar', 'engagement_id'],
            ['sent_via', 'varchar', 'sent_via'],
            ['logged_from', 'varchar', 'logged_from'],
            ['status', 'varchar', 'email_status'],
            ['from_email', 'varchar', 'from_email'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('hubspot', 'engagement_email')) }}

),

final as (

    select
        * exclude (loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
