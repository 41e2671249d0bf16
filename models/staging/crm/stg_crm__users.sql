with

source as (

    select * from {{ source('crm', 'users') }}

),

renamed as (

    select
        user_id,
        manager_id,
        full_name,
        email,
        role,
        team,
        territory,
        is_active,
        _source_file as source_file_name,
        _load_id as load_id,
        _loaded_at as loaded_at

    from source

),

final as (

    select * from renamed

)

select * from final
