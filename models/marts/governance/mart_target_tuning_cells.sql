-- Size: over 250 lines on purpose — the candidate-target buckets are spelled out per unit
-- (calendar and business minutes and days), so an analyst can read and change each scale.
-- The counts behind Target tuning, per policy × elapsed-time bucket × month of clock start ×
-- segment × territory × owner team: every count adds up over clocks, so the app sums the cells
-- a month and the sidebar filters select and mart_target_tuning sums all of them (docs/metrics.md,
-- "Target tuning"). The candidate-target rule is here, once, per cell.
{#-
    Bucket upper bounds per unit system (the last bucket, "more", has none). Targets of the
    default policies are all bounds, so the curve has a point at every current target.
      minutes           calendar minutes, for minutes and hours policies
      business_minutes  open minutes of the journey's calendar, for business_minutes and
                        business_hours policies (480 = 8 business hours, one business day in
                        the default calendars)
      days              calendar days, for days policies
      business_days     whole business days by the deadline rule (see business_days_elapsed),
                        for business_days policies
-#}
{%- set default_bucket_bounds = {
    'minutes': [5, 15, 30, 60, 240, 1440, 2880, 7200],
    'business_minutes': [5, 15, 30, 60, 120, 240, 480, 960, 2400],
    'days': [1, 2, 5, 10, 14, 30, 60, 90],
    'business_days': [1, 2, 3, 5, 10, 14, 20, 30, 60],
} -%}
{%- set bucket_bounds = var('target_tuning_buckets', default_bucket_bounds) -%}

{#- Bucket labels: minutes up to an hour, then hours (calendar: whole days in days). -#}
{%- set bucket_labels = {} -%}
{%- for unit_system, bounds in bucket_bounds.items() -%}
    {%- set labels = [] -%}
    {%- for bound in bounds -%}
        {%- if unit_system in ('minutes', 'business_minutes') -%}
            {%- set prefix = 'business ' if unit_system == 'business_minutes' else '' -%}
            {%- if bound < 60 or bound % 60 != 0 -%}
                {%- do labels.append(bound ~ ' ' ~ prefix ~ 'min') -%}
            {%- elif unit_system == 'minutes' and bound % 1440 == 0 -%}
                {%- do labels.append((bound // 1440) ~ ' d') -%}
            {%- else -%}
                {%- do labels.append((bound // 60) ~ ' ' ~ prefix ~ 'h') -%}
            {%- endif -%}
        {%- elif unit_system == 'days' -%}
            {%- do labels.append(bound ~ ' d') -%}
        {%- else -%}
            {%- do labels.append(bound ~ ' business d') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do bucket_labels.update({unit_system: labels}) -%}
{%- endfor %}
with

clocks as (

    select * from {{ ref('fct_clock_outcomes') }}

),

buckets as (

    {%- for unit_system, bounds in bucket_bounds.items() %}
        {%- set outer_loop = loop %}
        {%- for bound in bounds + [none] %}
            {%- set lower_bound = 'null' if loop.first else bounds[loop.index0 - 1] %}
            {%- set upper_bound = 'null' if bound is none else bound %}
            {%- set label = ("> " ~ bucket_labels[unit_system][-1]) if bound is none
                else ("<= " ~ bucket_labels[unit_system][loop.index0]) %}
            select
                '{{ unit_system }}' as bucket_unit,
                {{ loop.index }} as bucket_number,
                cast({{ lower_bound }} as {{ stats_double() }}) as bucket_lower_bound,
                cast({{ upper_bound }} as {{ stats_double() }}) as bucket_upper_bound,
                '{{ label }}' as bucket_label
            {{ 'union all' if not (loop.last and outer_loop.last) }}
        {%- endfor %}
    {%- endfor %}

),

tunable_clocks as (

    -- Types whose status is "stopped by the due time": a stall clock measures gaps between
    -- movements, a before_term clock counts back from the term's end and a checkpoint clock's
    -- window is set by its offsets (target_value is only nominal with a list), so elapsed
    -- time against a candidate target says nothing about them.
    select
        clocks.*,
        clocks.started_month_date as month_start_date,
        clocks.owner_team as team,
        case
            when clocks.target_unit in ('minutes', 'hours') then 'minutes'
            when clocks.target_unit in ('business_minutes', 'business_hours')
                then 'business_minutes'
            else clocks.target_unit
        end as bucket_unit,
        case clocks.target_unit
            when 'minutes' then clocks.elapsed_minutes
            when 'hours' then clocks.elapsed_minutes
            when 'days' then clocks.elapsed_minutes / 1440.0
            when 'business_minutes' then clocks.elapsed_business_minutes
            when 'business_hours' then clocks.elapsed_business_minutes
            when 'business_days' then clocks.elapsed_business_days
        end as elapsed_in_bucket_unit,
        case clocks.target_unit
            when 'hours' then clocks.target_value * 60
            when 'business_hours' then clocks.target_value * 60
            else clocks.target_value
        end as target_in_bucket_unit

    from clocks
    where clocks.is_resolved
        and clocks.sla_type not in ('stall', 'before_term', 'checkpoint')

),

clocks_bucketed as (

    select
        tunable_clocks.*,
        buckets.bucket_number

    from tunable_clocks
    inner join buckets
        on tunable_clocks.bucket_unit = buckets.bucket_unit
        and (
            buckets.bucket_lower_bound is null
            or tunable_clocks.elapsed_in_bucket_unit > buckets.bucket_lower_bound
        )
        and (
            buckets.bucket_upper_bound is null
            or tunable_clocks.elapsed_in_bucket_unit <= buckets.bucket_upper_bound
        )

),

bucket_counts as (

    select
        policy_id,
        month_start_date,
        segment,
        territory,
        team,
        bucket_number,
        count(*) as resolved_clocks,
        {{ stats_count_if("status = 'met'") }} as met_clocks,
        {{ stats_count_if('is_stopped_by_condition') }} as stopped_clocks,
        {{ stats_count_if(
            'is_stopped_by_condition and is_converted is not null'
        ) }} as mature_stopped_clocks,
        {{ stats_count_if('is_stopped_by_condition and is_converted') }} as converted_clocks,
        {{ stats_count_if(
            'is_stopped_by_condition and not is_mature'
        ) }} as immature_stopped_clocks,
        -- An attempts clock ended by a closing exit is breached whatever the target.
        {{ stats_count_if(
            "sla_type = 'attempts' and is_ended_by_closing_exit"
        ) }} as closed_unworked_clocks

    from clocks_bucketed
    group by policy_id, month_start_date, segment, territory, team, bucket_number

),

cell_totals as (

    -- A cell: one policy's clocks started in one month, of one segment, territory and team.
    select
        policy_id,
        month_start_date,
        segment,
        territory,
        team,
        max(stage) as stage,
        max(sla_type) as sla_type,
        max(target_unit) as target_unit,
        max(target_value) as target_value,
        max(bucket_unit) as bucket_unit,
        max(target_in_bucket_unit) as target_in_bucket_unit,
        count(*) as cell_resolved_clocks

    from tunable_clocks
    group by policy_id, month_start_date, segment, territory, team

),

cell_buckets as (

    -- Every bucket of the policy's unit system for each cell, so the running sums below
    -- reach every bucket and the cells add up bucket by bucket.
    select
        cell_totals.*,
        buckets.bucket_number,
        buckets.bucket_label,
        buckets.bucket_lower_bound,
        buckets.bucket_upper_bound,
        coalesce(bucket_counts.resolved_clocks, 0) as resolved_clocks,
        coalesce(bucket_counts.met_clocks, 0) as met_clocks,
        coalesce(bucket_counts.stopped_clocks, 0) as stopped_clocks,
        coalesce(bucket_counts.mature_stopped_clocks, 0) as mature_stopped_clocks,
        coalesce(bucket_counts.converted_clocks, 0) as converted_clocks,
        coalesce(bucket_counts.immature_stopped_clocks, 0) as immature_stopped_clocks,
        coalesce(bucket_counts.closed_unworked_clocks, 0) as closed_unworked_clocks

    from cell_totals
    inner join buckets
        on cell_totals.bucket_unit = buckets.bucket_unit
    left join bucket_counts
        on cell_totals.policy_id = bucket_counts.policy_id
        and cell_totals.month_start_date = bucket_counts.month_start_date
        and cell_totals.segment = bucket_counts.segment
        and cell_totals.territory = bucket_counts.territory
        and cell_totals.team = bucket_counts.team
        and buckets.bucket_number = bucket_counts.bucket_number

),

cumulative as (

    -- Under a candidate target T (the bucket's upper bound): a clock stopped by its condition
    -- is met when its elapsed time is <= T, else breached; a clock that never stopped (or was
    -- ended by a closing exit) is breached when its elapsed time is > T, else it would still
    -- be open (or cancelled) and leaves the denominator — except an attempts clock ended by
    -- a closing exit, which is breached under any target (docs/sla_semantics.md).
    select
        cell_buckets.*,
        sum(cell_buckets.stopped_clocks) over (
            partition by
                cell_buckets.policy_id, cell_buckets.month_start_date, cell_buckets.segment,
                cell_buckets.territory, cell_buckets.team
            order by cell_buckets.bucket_number
            rows between unbounded preceding and current row
        ) as candidate_met_clocks,
        cell_buckets.cell_resolved_clocks
        - sum(cell_buckets.resolved_clocks - cell_buckets.closed_unworked_clocks) over (
            partition by
                cell_buckets.policy_id, cell_buckets.month_start_date, cell_buckets.segment,
                cell_buckets.territory, cell_buckets.team
            order by cell_buckets.bucket_number
            rows between unbounded preceding and current row
        ) as candidate_breached_clocks

    from cell_buckets

),

final as (

    select
        policy_id,
        month_start_date,
        segment,
        territory,
        team,
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
        resolved_clocks,
        met_clocks,
        stopped_clocks,
        immature_stopped_clocks,
        mature_stopped_clocks,
        converted_clocks,
        closed_unworked_clocks,
        case
            when bucket_upper_bound is not null
                then cast(candidate_met_clocks as {{ dbt.type_bigint() }})
        end as candidate_met_clocks,
        case
            when bucket_upper_bound is not null
                then cast(candidate_breached_clocks as {{ dbt.type_bigint() }})
        end as candidate_breached_clocks

    from cumulative

)

select * from final
