with

source as (

    select * from {{ source('loader', 'load_log') }}

),

renamed as (

    select
        load_id,
        table_name,
        file_name,
        rows_read,
        rows_loaded,
        rows_rejected,
        rows_inserted,
        rows_updated,
        loaded_at

    from source

),

final as (

    select * from renamed

)

select * from final
