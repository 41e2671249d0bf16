-- One row per reason code (seeds/reason_codes.csv): label, what it applies to, the nurture
-- track it enrolls a recycled journey in and its re-entry trigger.
with

reason_codes as (

    select * from {{ ref('int_reason_codes_normalized') }}

),

final as (

    select * from reason_codes

)

select * from final
