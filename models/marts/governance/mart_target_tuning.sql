-- Evidence for picking a target: per policy and elapsed-time bucket, how often the clocked
-- visits converted (Wilson interval), and the attainment each bucket's upper bound would have
-- had as the target (docs/metrics.md, "Target tuning"). The sum of every cell of
-- mart_target_tuning_cells, where the buckets and the candidate-target rule live.
with

cells as (

    select * from {{ ref('mart_target_tuning_cells') }}

),

policy_buckets as (

    select
        policy_id,
        bucket_number,
        max(stage) as stage,
        max(sla_type) as sla_type,
        max(target_unit) as target_unit,
        max(bucket_unit) as bucket_unit,
        max(bucket_label) as bucket_label,
        max(target_value) as target_value,
        max(target_in_bucket_unit) as target_in_bucket_unit,
        max(bucket_lower_bound) as bucket_lower_bound,
        max(bucket_upper_bound) as bucket_upper_bound,
        sum(resolved_clocks) as resolved_clocks,
        sum(met_clocks) as met_clocks,
        sum(stopped_clocks) as stopped_clocks,
        sum(immature_stopped_clocks) as immature_stopped_clocks,
        sum(mature_stopped_clocks) as mature_stopped_clocks,
        sum(converted_clocks) as converted_clocks,
        sum(candidate_met_clocks) as candidate_met_clocks,
        sum(candidate_breached_clocks) as candidate_breached_clocks

    from cells
    group by policy_id, bucket_number

),

policy_totals as (

    select
        policy_buckets.*,
        sum(policy_buckets.met_clocks) over (partition by policy_buckets.policy_id)
            as policy_met_clocks,
        sum(policy_buckets.resolved_clocks) over (partition by policy_buckets.policy_id)
            as policy_resolved_clocks

    from policy_buckets

),

final as (

    select
        policy_id,
        bucket_number,
        stage,
        sla_type,
        target_unit,
        bucket_unit,
        bucket_label,
        target_value,
        target_in_bucket_unit,
        bucket_lower_bound,
        bucket_upper_bound,
        cast(resolved_clocks as {{ dbt.type_bigint() }}) as resolved_clocks,
        cast(stopped_clocks as {{ dbt.type_bigint() }}) as stopped_clocks,
        cast(immature_stopped_clocks as {{ dbt.type_bigint() }}) as immature_stopped_clocks,
        cast(mature_stopped_clocks as {{ dbt.type_bigint() }}) as mature_stopped_clocks,
        cast(converted_clocks as {{ dbt.type_bigint() }}) as converted_clocks,
        {{ stats_ratio('converted_clocks', 'mature_stopped_clocks') }} as conversion_rate,
        {{ wilson_lower('converted_clocks', 'mature_stopped_clocks') }} as conversion_rate_lower,
        {{ wilson_upper('converted_clocks', 'mature_stopped_clocks') }} as conversion_rate_upper,
        cast(candidate_met_clocks as {{ dbt.type_bigint() }}) as candidate_met_clocks,
        cast(candidate_breached_clocks as {{ dbt.type_bigint() }}) as candidate_breached_clocks,
        {{ stats_ratio(
            'candidate_met_clocks', 'candidate_met_clocks + candidate_breached_clocks'
        ) }} as candidate_attainment,
        {{ stats_ratio('policy_met_clocks', 'policy_resolved_clocks') }} as actual_attainment,
        coalesce(bucket_upper_bound = target_in_bucket_unit, false) as is_current_target

    from policy_totals

)

select * from final
