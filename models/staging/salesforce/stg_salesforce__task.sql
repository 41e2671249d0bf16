{{ config(enabled=var('crm') == 'salesforce') }}

with

source as (

    select * from {{ source('salesforce', 'task') }}

),

renamed as (

    select
        {{ crm_columns(source('salesforce', 'task'), [
            ['id', 'varchar', 'task_id'],
            ['who_id', 'varchar', 'who_id'],
            ['what_id', 'varchar', 'what_id'],
            ['owner_id', 'varchar', 'owner_id'],
            ['subject', 'varchar', 'subject'],
            ['task_subtype', 'varchar', 'task_subtype'],
            ['type', 'varchar', 'type'],
            ['call_type', 'varchar', 'call_type'],
            ['call_disposition', 'varchar', 'call_disposition'],
            ['status', 'varchar', 'status'],
            ['activity_date', 'date', 'activity_date'],
            ['completed_date_time', 'timestamp', 'completed_at'],
            ['created_date', 'timestamp', 'created_at'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('salesforce', 'task')) }}

),

final as (

    select
        * exclude (loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
