{#-
    F(at): the open seconds a business calendar has accumulated up to an instant, counted
    from the calendar's first open interval (int_calendar_open_intervals). Elapsed business
    time between two instants is F(end) - F(start); a due time is the instant at which F
    reaches F(start) + budget (instant_at_open_seconds).

    Returns `select <relation>.*, <output_column>` (a CTE body) with output_column =
        cumulative_seconds_before + clamp(at - opens_at, 0, open_seconds)
    of the calendar's last interval with opens_at <= at, as double precision seconds kept to
    the microsecond:
      - inside an interval, F grows with the clock; at a closing time and until the next
        opening it stays at that interval's cumulative_seconds_after;
      - before the calendar's first interval it is 0;
      - after the last interval it stays at the calendar's total (int_calendar_days' range
        covers every loaded instant; assert_calendar_range_covers_loaded_data fails the
        build when it does not);
      - null when `at` is null or the calendar has no open interval at all (an unknown
        calendar: map territories to calendars, unmapped ones to `default`, first).

    The macro refs int_calendar_open_intervals itself; dbt records that dependency when it
    parses the calling model, so callers need no `-- depends_on` hint.
-#}
{% macro open_seconds_at(relation, calendar_column, at_column, output_column) -%}
    {{ return(adapter.dispatch('open_seconds_at', 'journey_sla')(relation, calendar_column, at_column, output_column)) }}
{%- endmacro %}


{#- F from the matched interval, in whole microseconds until the final division so that
    F(end) - F(start) is exact and round-trips through instant_at_open_seconds. -#}
{% macro _open_seconds_from_interval(input_alias, interval_alias, at_column, is_matched, is_known_calendar) -%}
    case
        when {{ is_matched }}
            then cast(
                {{ interval_alias }}.cumulative_seconds_before * 1000000
                + case
                    when {{ input_alias }}.{{ at_column }} >= {{ interval_alias }}.closes_at
                        then {{ interval_alias }}.open_seconds * 1000000
                    else {{ journey_sla.microseconds_between(interval_alias ~ '.opens_at', input_alias ~ '.' ~ at_column) }}
                end
                as {{ journey_sla.stats_double() }}
            ) / 1000000
        {#- no interval opened yet: zero open time has accrued, unless the calendar does not exist #}
        when {{ input_alias }}.{{ at_column }} is not null and {{ is_known_calendar }}
            then cast(0 as {{ journey_sla.stats_double() }})
    end
{%- endmacro %}


{#- DuckDB: a single ASOF probe per row on one folded bigint key, calendar offset + epoch
    microseconds (see _duckdb_calendar_offsets). Measured at 1M clocks (benchmark in
    tests/test_business_time.py) it takes about half the time of the ASOF join with a
    calendar_id equality partition, with identical results. The probe may land on the
    previous calendar's last interval when the instant is before its own calendar's first
    one, hence the calendar check. Instants are clamped into 1970..2262 for the key only:
    that keeps the key inside its calendar's band without moving it across any interval. -#}
{% macro duckdb__open_seconds_at(relation, calendar_column, at_column, output_column) -%}
    {%- set intervals = ref('int_calendar_open_intervals') -%}
    select
        business_time_input.* exclude (business_time_lookup_key),
        {{ journey_sla._open_seconds_from_interval(
            'business_time_input',
            'business_time_interval',
            at_column,
            'business_time_interval.calendar_id = business_time_input.' ~ calendar_column,
            'business_time_input.business_time_lookup_key is not null'
        ) }} as {{ output_column }}

    from (
        select
            business_time_keyed_input.*,
            business_time_calendar.calendar_offset
            + epoch_us(
                case
                    when business_time_keyed_input.{{ at_column }} < timestamp '1970-01-01'
                        then timestamp '1970-01-01'
                    when business_time_keyed_input.{{ at_column }} > timestamp '2262-01-01'
                        then timestamp '2262-01-01'
                    else business_time_keyed_input.{{ at_column }}
                end
            ) as business_time_lookup_key

        from {{ relation }} as business_time_keyed_input
        left join ({{ journey_sla._duckdb_calendar_offsets(intervals) }}) as business_time_calendar
            on business_time_keyed_input.{{ calendar_column }} = business_time_calendar.calendar_id
    ) as business_time_input
    asof left join ({{ journey_sla._duckdb_keyed_intervals(intervals) }}) as business_time_interval
        on business_time_input.business_time_lookup_key >= business_time_interval.opens_key
{%- endmacro %}


{#- The select skeleton of the portable variants: every input row with F from the interval
    that `interval_join` (a left join aliased business_time_interval) matched. -#}
{% macro _open_seconds_select(relation, calendar_column, at_column, output_column, interval_join) -%}
    {%- set intervals = ref('int_calendar_open_intervals') -%}
    select
        business_time_input.*,
        {{ journey_sla._open_seconds_from_interval(
            'business_time_input',
            'business_time_interval',
            at_column,
            'business_time_interval.calendar_id is not null',
            'business_time_input.' ~ calendar_column ~ ' in (select calendar_id from ' ~ intervals ~ ')'
        ) }} as {{ output_column }}

    from {{ relation }} as business_time_input
    {{ interval_join }}
{%- endmacro %}


{#- Portable: each interval owns [opens_at, next_opens_at), so a plain range join matches at
    most one interval per row (the calendar's last interval owns everything after it). -#}
{% macro default__open_seconds_at(relation, calendar_column, at_column, output_column) -%}
    {%- set range_join -%}
    left join {{ ref('int_calendar_open_intervals') }} as business_time_interval
        on business_time_input.{{ calendar_column }} = business_time_interval.calendar_id
        and business_time_input.{{ at_column }} >= business_time_interval.opens_at
        and (
            business_time_input.{{ at_column }} < business_time_interval.next_opens_at
            or business_time_interval.next_opens_at is null
        )
    {%- endset -%}
    {{ journey_sla._open_seconds_select(relation, calendar_column, at_column, output_column, range_join) }}
{%- endmacro %}


{#- DuckDB key folding. Each calendar gets a band of 10^16 on a bigint axis (row_number ×
    10^16, so up to 921 calendars): epoch microseconds of 1970..2262 (< 9.3 × 10^15) and
    cumulative open microseconds (< 10^16, three centuries of round-the-clock time) both fit
    inside a band, so one inequality on the folded key finds the calendar's interval. -#}
{% macro _duckdb_calendar_offsets(intervals) -%}
    select
        calendar_id,
        row_number() over (order by calendar_id) * 10000000000000000 as calendar_offset

    from (select distinct calendar_id from {{ intervals }}) as calendars
{%- endmacro %}


{% macro _duckdb_keyed_intervals(intervals) -%}
    select
        intervals.*,
        offsets.calendar_offset + epoch_us(intervals.opens_at) as opens_key,
        offsets.calendar_offset + intervals.cumulative_seconds_before * 1000000 as before_key

    from {{ intervals }} as intervals
    inner join ({{ journey_sla._duckdb_calendar_offsets(intervals) }}) as offsets
        on intervals.calendar_id = offsets.calendar_id
{%- endmacro %}


{#- PostgreSQL and Spark have no ASOF join, and a range join costs them a nested loop or a
    broadcast filter. Instead: union each distinct (calendar, instant) probe with the interval
    index, order by calendar and instant (an interval opening at the instant sorts first, so
    it counts: opens_at <= at), carry the last interval number forward with a running max
    (interval numbers grow with opens_at), and join the probes back by equality. -#}
{% macro postgres__open_seconds_at(relation, calendar_column, at_column, output_column) -%}
    {{ journey_sla._carried_open_seconds_at(relation, calendar_column, at_column, output_column) }}
{%- endmacro %}

{% macro spark__open_seconds_at(relation, calendar_column, at_column, output_column) -%}
    {{ journey_sla._carried_open_seconds_at(relation, calendar_column, at_column, output_column) }}
{%- endmacro %}


{#- One number per interval across all calendars, growing with opens_at (and so with
    cumulative_seconds_before) within each calendar: the carried number alone names the
    interval, so the join back is a single-key equi-join. (Numbered per calendar, PostgreSQL
    merge-joined on calendar_id with the number as a join filter, about a thousand
    comparisons per clock, after misjudging the probes as 0.5 % of the rows.) -#}
{% macro _numbered_intervals(intervals) -%}
    select
        intervals.*,
        row_number() over (order by intervals.calendar_id, intervals.opens_at) as interval_number

    from {{ intervals }} as intervals
{%- endmacro %}


{#- The carry-forward join shared by open_seconds_at and instant_at_open_seconds: a left join
    that gives every input row (business_time_input) the calendar's interval
    (business_time_interval) with the greatest interval_key at or below its probe key, or
    strictly below it when not interval_sorts_first.
      probe_key_from_keyed: the probe key over `relation as business_time_keyed`;
      probe_key_from_input: the same expression over business_time_input;
      interval_key: the interval's key over the numbered interval index (numbered.*).
    Interval keys must grow with interval_number within a calendar (opens_at and
    cumulative_seconds_before both do). -#}
{% macro _carried_interval_join(relation, calendar_column, probe_key_from_keyed, probe_key_from_input, interval_key, interval_sorts_first) -%}
    {%- set intervals = ref('int_calendar_open_intervals') -%}
    {%- set probe_rank, interval_rank = (1, 0) if interval_sorts_first else (0, 1) -%}
    left join (
        select
            calendar_id,
            probe_key,
            carried_interval_number

        from (
            select
                calendar_id,
                probe_key,
                is_probe,
                max(interval_number) over (
                    partition by calendar_id
                    order by probe_key, sort_rank
                    rows between unbounded preceding and current row
                ) as carried_interval_number

            from (
                select distinct
                    business_time_keyed.{{ calendar_column }} as calendar_id,
                    {{ probe_key_from_keyed }} as probe_key,
                    1 as is_probe,
                    {{ probe_rank }} as sort_rank,
                    cast(null as {{ dbt.type_bigint() }}) as interval_number

                from {{ relation }} as business_time_keyed
                where {{ probe_key_from_keyed }} is not null

                union all

                select
                    calendar_id,
                    {{ interval_key }} as probe_key,
                    0 as is_probe,
                    {{ interval_rank }} as sort_rank,
                    interval_number

                from ({{ journey_sla._numbered_intervals(intervals) }}) as numbered
            ) as probes_and_intervals
        ) as carried
        where is_probe = 1
    ) as business_time_probe
        on business_time_input.{{ calendar_column }} = business_time_probe.calendar_id
        and {{ probe_key_from_input }} = business_time_probe.probe_key
    left join ({{ journey_sla._numbered_intervals(intervals) }}) as business_time_interval
        on business_time_probe.carried_interval_number = business_time_interval.interval_number
{%- endmacro %}


{% macro _carried_open_seconds_at(relation, calendar_column, at_column, output_column) -%}
    {%- set carried_join = journey_sla._carried_interval_join(
        relation,
        calendar_column,
        'business_time_keyed.' ~ at_column,
        'business_time_input.' ~ at_column,
        'numbered.opens_at',
        interval_sorts_first=true
    ) -%}
    {{ journey_sla._open_seconds_select(relation, calendar_column, at_column, output_column, carried_join) }}
{%- endmacro %}


{#- PostgreSQL's own as-of join: for each row, an index probe for the calendar's last interval
    with opens_at <= at (LATERAL … order by opens_at desc limit 1), served by a btree on
    (calendar_id, opens_at). `journey-sla bench --lookups` times it as PostgreSQL's ASOF, the
    yardstick for the carry-forward on that engine's terms (BENCHMARKS.md). -#}
{% macro _lateral_open_seconds_at(relation, calendar_column, at_column, output_column) -%}
    {%- set lateral_join -%}
    left join lateral (
        select candidate.*

        from {{ ref('int_calendar_open_intervals') }} as candidate
        where
            candidate.calendar_id = business_time_input.{{ calendar_column }}
            and candidate.opens_at <= business_time_input.{{ at_column }}
        order by candidate.opens_at desc
        limit 1
    ) as business_time_interval on true
    {%- endset -%}
    {{ journey_sla._open_seconds_select(relation, calendar_column, at_column, output_column, lateral_join) }}
{%- endmacro %}
