{#-
    The inverse of open_seconds_at: the instant at which a business calendar's cumulative
    open seconds reach an absolute target C (e.g. F(start) + budget seconds).

    Returns `select <relation>.*, <output_column>` (a CTE body). C is first rounded to the
    microsecond (float noise in F(start) + budget must not push a target that lands on a
    closing time past it). Then the interval with
        cumulative_seconds_before < C <= cumulative_seconds_after
    gives opens_at + (C - cumulative_seconds_before) seconds, to the microsecond:
      - a target reached exactly at a closing time is that closing time, not the next
        opening (the strict `<` on the left is what guarantees it);
      - the result never falls in closed time: an instant outside hours has the same F as
        the previous closing, so C = F(start) with start outside hours (a budget of 0)
        gives that earlier closing time; callers wanting due >= start take the greatest;
      - null when C <= 0, when C is beyond the calendar's last interval, when C is null or
        when the calendar is unknown.

    The macro refs int_calendar_open_intervals itself (see open_seconds_at); the DuckDB
    version shares open_seconds_at's folded ASOF key.
-#}
{% macro instant_at_open_seconds(relation, calendar_column, target_column, output_column) -%}
    {{ return(adapter.dispatch('instant_at_open_seconds', 'journey_sla')(relation, calendar_column, target_column, output_column)) }}
{%- endmacro %}


{% macro _target_microseconds(input_alias, target_column) -%}
    round({{ input_alias }}.{{ target_column }} * 1000000)
{%- endmacro %}


{% macro _instant_from_interval(input_alias, interval_alias, target_column) -%}
    case
        when {{ journey_sla._target_microseconds(input_alias, target_column) }}
            <= {{ interval_alias }}.cumulative_seconds_after * 1000000
            then {{ journey_sla.add_seconds(
                interval_alias ~ '.opens_at',
                '(' ~ journey_sla._target_microseconds(input_alias, target_column)
                    ~ ' - ' ~ interval_alias ~ '.cumulative_seconds_before * 1000000) / 1000000'
            ) }}
    end
{%- endmacro %}


{#- DuckDB: the same folded bigint key as open_seconds_at, here calendar offset + target
    microseconds, probed with a strict `>` against each interval's offset +
    cumulative_seconds_before: the ASOF match is the interval with the greatest
    cumulative_seconds_before strictly below C. A probe for C <= 0 lands on the previous
    calendar (rejected by the calendar check), one beyond the calendar's total on its last
    interval (rejected by the length check). Targets of 10^12 s or more (31 700 years) have
    no key, which keeps the addition far from bigint overflow. -#}
{% macro duckdb__instant_at_open_seconds(relation, calendar_column, target_column, output_column) -%}
    {%- set intervals = ref('int_calendar_open_intervals') -%}
    select
        business_time_input.* exclude (business_time_lookup_key),
        case
            when business_time_interval.calendar_id = business_time_input.{{ calendar_column }}
                and business_time_input.business_time_lookup_key - business_time_interval.before_key
                    <= business_time_interval.open_seconds * 1000000
                then business_time_interval.opens_at
                    + to_microseconds(business_time_input.business_time_lookup_key - business_time_interval.before_key)
        end as {{ output_column }}

    from (
        select
            business_time_keyed_input.*,
            case
                when abs(business_time_keyed_input.{{ target_column }}) < 1000000000000
                    then business_time_calendar.calendar_offset
                        + cast({{ journey_sla._target_microseconds('business_time_keyed_input', target_column) }} as bigint)
            end as business_time_lookup_key

        from {{ relation }} as business_time_keyed_input
        left join ({{ journey_sla._duckdb_calendar_offsets(intervals) }}) as business_time_calendar
            on business_time_keyed_input.{{ calendar_column }} = business_time_calendar.calendar_id
    ) as business_time_input
    asof left join ({{ journey_sla._duckdb_keyed_intervals(intervals) }}) as business_time_interval
        on business_time_input.business_time_lookup_key > business_time_interval.before_key
{%- endmacro %}


{#- Portable: the half-open ranges (before, after] of a calendar's intervals do not overlap,
    so the range join matches at most one interval per row. -#}
{% macro default__instant_at_open_seconds(relation, calendar_column, target_column, output_column) -%}
    {%- set intervals = ref('int_calendar_open_intervals') -%}
    select
        business_time_input.*,
        {{ journey_sla._instant_from_interval('business_time_input', 'business_time_interval', target_column) }} as {{ output_column }}

    from {{ relation }} as business_time_input
    left join {{ intervals }} as business_time_interval
        on business_time_input.{{ calendar_column }} = business_time_interval.calendar_id
        and {{ journey_sla._target_microseconds('business_time_input', target_column) }}
            > business_time_interval.cumulative_seconds_before * 1000000
        and {{ journey_sla._target_microseconds('business_time_input', target_column) }}
            <= business_time_interval.cumulative_seconds_after * 1000000
{%- endmacro %}


{#- PostgreSQL and Spark: the carry-forward of open_seconds_at on the running total. Probes
    are target microseconds C, intervals their cumulative_seconds_before in microseconds; at
    equal keys the probe sorts first, so the carried interval is the last one with
    before < C strictly (a target on a closing time stays in the interval it closes). -#}
{% macro postgres__instant_at_open_seconds(relation, calendar_column, target_column, output_column) -%}
    {{ journey_sla._carried_instant_at_open_seconds(relation, calendar_column, target_column, output_column) }}
{%- endmacro %}

{% macro spark__instant_at_open_seconds(relation, calendar_column, target_column, output_column) -%}
    {{ journey_sla._carried_instant_at_open_seconds(relation, calendar_column, target_column, output_column) }}
{%- endmacro %}


{% macro _carried_instant_at_open_seconds(relation, calendar_column, target_column, output_column) -%}
    select
        business_time_input.*,
        {{ journey_sla._instant_from_interval('business_time_input', 'business_time_interval', target_column) }} as {{ output_column }}

    from {{ relation }} as business_time_input
    {{ journey_sla._carried_interval_join(
        relation,
        calendar_column,
        journey_sla._target_microseconds('business_time_keyed', target_column),
        journey_sla._target_microseconds('business_time_input', target_column),
        'numbered.cumulative_seconds_before * 1000000',
        interval_sorts_first=false
    ) }}
{%- endmacro %}


{#- PostgreSQL's own as-of join for the inverse look-up: an index probe on (calendar_id,
    cumulative_seconds_before) for the last interval with before < C strictly (see
    _lateral_open_seconds_at; bench only, PostgreSQL SQL). before × 10^6 < C is written as
    before < ceil(C / 10^6), exact for whole-second before, so the column stays bare and the
    btree serves the probe. -#}
{% macro _lateral_instant_at_open_seconds(relation, calendar_column, target_column, output_column) -%}
    select
        business_time_input.*,
        {{ journey_sla._instant_from_interval('business_time_input', 'business_time_interval', target_column) }} as {{ output_column }}

    from {{ relation }} as business_time_input
    left join lateral (
        select candidate.*

        from {{ ref('int_calendar_open_intervals') }} as candidate
        where
            candidate.calendar_id = business_time_input.{{ calendar_column }}
            and candidate.cumulative_seconds_before < cast(ceil(
                cast({{ journey_sla._target_microseconds('business_time_input', target_column) }} as numeric)
                / 1000000) as bigint)
        order by candidate.cumulative_seconds_before desc
        limit 1
    ) as business_time_interval on true
{%- endmacro %}
