{{ config(severity='error') }}
-- A checkpoint cadence makes at most var('checkpoint_max_per_visit') clocks per visit
-- (int_checkpoint_instants generates that many numbers). Every returned row names a visit
-- whose bound exceeds the cap: its later checkpoints would be cut off, so the build fails
-- instead. Raise the var (or lengthen the policy's target_value). The bound is an upper
-- estimate (docs/sla_semantics.md, "Checkpoint clocks"; loose for business minutes/hours,
-- counted in calendar time), so this errs on the loud side.
with

instants as (

    select * from {{ ref('int_checkpoint_instants') }}

),

final as (

    select distinct
        policy_id,
        stage_visit_id,
        cadence_clock_bound,
        'needs up to ' || cast(cadence_clock_bound as {{ dbt.type_string() }})
        || ' cadence clocks, more than var checkpoint_max_per_visit = '
        || '{{ var("checkpoint_max_per_visit") }}' as problem

    from instants
    where cadence_clock_bound > {{ var('checkpoint_max_per_visit') }}

)

select * from final
