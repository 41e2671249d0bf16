-- One row per reason code (seeds/reason_codes.csv): label, what it applies to, the nurture
-- track it enrolls a recycled journey in and its re-entry trigger.
-- A pass-through: published as a view, so the table is stored once.
{{ config(materialized='view') }}

with

reason_codes as (

    select * from {{ ref('int_reason_codes_normalized') }}

),

final as (

    select * from reason_codes

)

select * from final
