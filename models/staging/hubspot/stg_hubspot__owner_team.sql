{{ config(enabled=var('crm') == 'hubspot') }}

with

source as (

    select * from {{ source('hubspot', 'owner_team') }}

),

renamed as (

    select
        {{ crm_columns(source('hubspot', 'owner_team'), [
            ['_row_key', 'varchar', 'row_key'],
            ['owner_id', 'varchar', 'owner_id'],
            ['team_id', 'varchar', 'team_id'],
            ['is_primary', 'boolean', 'is_primary'],
            ['primary', 'boolean', 'primary_flag'],
            ['_source_file', 'varchar', 'source_file_name'],
            ['_load_id', 'varchar', 'load_id'],
            ['_loaded_at', 'timestamp', 'loaded_at'],
            ['_fivetran_synced', 'timestamp', 'fivetran_synced_at'],
        ]) }}

    from source
    where {{ crm_not_deleted(source('hubspot', 'owner_team')) }}

),

final as (

    select
        coalesce(row_key, owner_id || '|' || team_id) as owner_team_id,
        * exclude (row_key, loaded_at, fivetran_synced_at),
        coalesce(loaded_at, fivetran_synced_at) as loaded_at

    from renamed

)

select * from final
