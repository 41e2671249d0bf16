-- The reason_codes seed as analysts type it, in the form the stage events carry codes
-- (staging lower-cases them): trimmed, lower case.
with

reason_codes as (

    select * from {{ ref('reason_codes') }}

),

final as (

    select
        lower(trim(reason_code)) as reason_code,
        label,
        lower(trim(applies_to)) as applies_to,
        nurture_track,
        re_entry_trigger,
        is_active

    from reason_codes

)

select * from final
