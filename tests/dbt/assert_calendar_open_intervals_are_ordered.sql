-- The business-time macros assume each calendar's intervals are positive, disjoint and in
-- order, and that the running totals chain: ASOF and range look-ups return the wrong
-- interval otherwise. Opening hours inside a DST gap can break this even when each seed
-- row is valid on its own.
with

intervals as (

    select
        *,
        lag(cumulative_seconds_after) over (
            partition by calendar_id
            order by opens_at
        ) as previous_cumulative_seconds_after

    from {{ ref('int_calendar_open_intervals') }}

),

final as (

    select
        calendar_id,
        local_date,
        opens_at,
        closes_at,
        next_opens_at,
        open_seconds,
        cumulative_seconds_before,
        cumulative_seconds_after,
        case
            when open_seconds <= 0 then 'interval is empty or negative in UTC'
            when closes_at > next_opens_at then 'interval overlaps the next one in UTC'
            when cumulative_seconds_after != cumulative_seconds_before + open_seconds
                then 'cumulative_seconds_after is not before + open_seconds'
            else 'cumulative_seconds_before is not the previous interval''s '
                || 'cumulative_seconds_after'
        end as problem

    from intervals
    where open_seconds <= 0
        or closes_at > next_opens_at
        or cumulative_seconds_after != cumulative_seconds_before + open_seconds
        or cumulative_seconds_before != coalesce(previous_cumulative_seconds_after, 0)

)

select * from final
