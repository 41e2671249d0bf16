with

source as (

    select * from {{ source('crm', 'accounts') }}

),

renamed as (

    select
        account_id,
        account_name,
        segment,
        territory,
        industry,
        created_at,
        _source_file as source_file_name,
        _load_id as load_id,
        _loaded_at as loaded_at

    from source

),

final as (

    select * from renamed

)

select * from final
