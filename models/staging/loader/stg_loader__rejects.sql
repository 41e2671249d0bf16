with

source as (

    select * from {{ source('loader', 'rejects') }}

),

renamed as (

    select
        load_id,
        table_name,
        file_name,
        reason as reject_reason,
        column_name,
        raw_values,
        row_number as file_row_number,
        rejected_at

    from source

),

final as (

    select * from renamed

)

select * from final
