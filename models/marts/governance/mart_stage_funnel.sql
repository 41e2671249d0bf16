-- The funnel by monthly cohort: per month of entry and funnel stage, how many visits began,
-- how many reached the next (or any later) stage within the conversion window, how fast
-- they progressed, and how many recycled or came back (docs/metrics.md, "Stage funnel").
with

visits as (

    select * from {{ ref('fct_visit_outcomes') }}

),

final as (

    select
        entered_month_date as month_start_date,
        stage,
        max(next_funnel_stage) as next_funnel_stage,
        max(funnel_order) as funnel_order,
        count(*) as entries,
        {{ stats_count_if('is_re_entry') }} as re_entries,
        {{ stats_count_if('not is_mature') }} as immature_entries,
        count(is_converted) as conversion_base_entries,
        {{ stats_count_if('is_converted_to_next') }} as converted_to_next_entries,
        {{ stats_ratio(stats_count_if('is_converted_to_next'), 'count(is_converted_to_next)') }}
            as conversion_rate_to_next,
        {{ stats_count_if('is_converted') }} as converted_entries,
        {{ stats_ratio(stats_count_if('is_converted'), 'count(is_converted)') }} as conversion_rate,
        {{ wilson_lower(
            stats_count_if('is_converted'), 'count(is_converted)'
        ) }} as conversion_rate_lower,
        {{ wilson_upper(
            stats_count_if('is_converted'), 'count(is_converted)'
        ) }} as conversion_rate_upper,
        {{ stats_count_if('is_progressed') }} as progressed_entries,
        {{ stats_percentile('days_to_progress', 0.5) }} as median_days_to_progress,
        {{ stats_percentile('days_to_progress', 0.75) }} as p75_days_to_progress,
        {{ stats_count_if('is_recycled') }} as recycles,
        {{ stats_ratio(stats_count_if('is_recycled'), 'count(*)') }} as recycle_rate

    from visits
    where not is_closing
    group by entered_month_date, stage

)

select * from final
