-- One row per SLA policy (seeds/sla_policies.csv in canonical form): what is clocked, the
-- target and its unit, the commitment in words, the accountable role and failure handling.
-- A pass-through: published as a view, so the table is stored once.
{{ config(materialized='view') }}

with

policies as (

    select * from {{ ref('int_sla_policies_normalized') }}

),

final as (

    select * from policies

)

select * from final
