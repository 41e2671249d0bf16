"""Tests for the demo-data generator: contract shape, integrity, behaviour, dirty rows."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from journey_sla.contract import (
    CLOSING_STAGES,
    FALSE_WORDS,
    FUNNEL_STAGES,
    ROLES,
    TABLE_NAMES,
    TABLES,
    TABLES_BY_NAME,
    TRUE_WORDS,
)
from journey_sla.generate import DIRTY_REASONS, generate
from journey_sla.paths import PROJECT_ROOT

START = date(2025, 1, 1)
MONTHS = 24
WINDOW_END = "2027-01-01 00:00:00"


def _read(path: Path, columns: list[str]) -> pa.Table:
    if path.suffix == ".parquet":
        return pq.read_table(path)
    return pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(columns, pa.string()),
            null_values=[""],
            strings_can_be_null=True,
        ),
    )


def _connect(directory: Path, fmt: str = "csv") -> duckdb.DuckDBPyConnection:
    """Every table as text (as the loader sees it) plus ``_row``, its line in the file."""
    con = duckdb.connect()
    for table in TABLES:
        data = _read(directory / f"{table.name}.{fmt}", table.column_names)
        data = data.append_column("_row", pa.array(np.arange(1, data.num_rows + 1)))
        con.register(table.name, data)
    return con


def _digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("clean")
    rows = generate(out, 3000, seed=11, start=START, months=MONTHS)
    return out, rows


@pytest.fixture(scope="module")
def con(clean) -> duckdb.DuckDBPyConnection:
    return _connect(clean[0])


@pytest.fixture(scope="module")
def dirty(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dirty")
    generate(out, 1500, seed=5, start=START, months=12, dirty=0.08)
    return out


# ----------------------------------------------------------------------------- shape


def test_every_table_has_the_contract_columns_in_order(clean):
    out, rows = clean
    assert list(rows) == list(TABLE_NAMES)
    for table in TABLES:
        path = out / f"{table.name}.csv"
        lines = path.read_bytes().split(b"\n")
        assert lines[0].decode() == ",".join(table.column_names)
        assert lines[-1] == b"", "file ends with a newline"
        assert b"\r" not in path.read_bytes()
        assert len(lines) - 2 == rows[table.name] > 0


def test_manifest_describes_the_run(clean):
    out, rows = clean
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 11
    assert manifest["journeys"] == 3000
    assert manifest["start"] == "2025-01-01"
    assert manifest["months"] == MONTHS
    assert manifest["dirty"] == 0.0
    assert manifest["format"] == "csv"
    assert manifest["rows"] == rows
    assert set(manifest["dirty_rows"]) == set(TABLE_NAMES)
    for counts in manifest["dirty_rows"].values():
        assert set(counts) == set(DIRTY_REASONS)
        assert sum(counts.values()) == 0


def test_same_arguments_give_the_same_bytes(tmp_path):
    generate(tmp_path / "a", 600, seed=3, dirty=0.05)
    generate(tmp_path / "b", 600, seed=3, dirty=0.05)
    generate(tmp_path / "c", 600, seed=4, dirty=0.05)
    a, b, c = (_digests(tmp_path / x) for x in "abc")
    assert a == b
    assert a["journeys.csv"] != c["journeys.csv"]
    assert a["stage_events.csv"] != c["stage_events.csv"]


def test_parquet_holds_the_same_rows_as_csv(tmp_path):
    rows_csv = generate(tmp_path / "csv", 500, seed=9, dirty=0.05)
    rows_parquet = generate(tmp_path / "pq", 500, seed=9, dirty=0.05, fmt="parquet")
    assert rows_csv == rows_parquet
    assert json.loads((tmp_path / "pq" / "manifest.json").read_text())["format"] == "parquet"
    csv_con = _connect(tmp_path / "csv")
    pq_con = _connect(tmp_path / "pq", "parquet")
    for table in TABLES:
        names = ", ".join(table.column_names)
        parquet_rows = pq_con.execute(f"select {names} from {table.name} order by _row").fetchall()
        csv_rows = csv_con.execute(f"select {names} from {table.name} order by _row").fetchall()
        assert parquet_rows == csv_rows, table.name
        schema = pq.read_schema(tmp_path / "pq" / f"{table.name}.parquet")
        assert schema.names == table.column_names
        assert set(schema.types) == {pa.string()}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"journeys": 0},
        {"journeys": 10, "months": 0},
        {"journeys": 10, "dirty": 0.5},
        {"journeys": 10, "dirty": -0.01},
        {"journeys": 10, "fmt": "json"},
    ],
)
def test_bad_arguments_are_rejected(tmp_path, kwargs):
    with pytest.raises(ValueError) as error:
        generate(tmp_path / "out", **kwargs)
    assert "\n" not in str(error.value)
    assert not (tmp_path / "out").exists()


# ----------------------------------------------------------------------------- integrity


def test_primary_keys_are_unique(con):
    for table in TABLES:
        total, distinct = con.execute(
            f"select count(*), count(distinct {table.primary_key}) from {table.name}"
        ).fetchone()
        assert total == distinct, table.name


def test_every_reference_resolves(con):
    for table in TABLES:
        for column in table.columns:
            if not column.references:
                continue
            parent = TABLES_BY_NAME[column.references]
            orphans = con.execute(
                f"select count(*) from {table.name} t where t.{column.name} is not null "
                f"and t.{column.name} not in (select {parent.primary_key} from {parent.name})"
            ).fetchone()[0]
            assert orphans == 0, f"{table.name}.{column.name}"


def test_values_are_valid_and_inside_the_window(con):
    for table in TABLES:
        for column in table.columns:
            c = column.name
            rules = []
            if column.required:
                rules.append(f"{c} is null")
            if column.enum:
                allowed = ", ".join(f"'{v}'" for v in column.enum)
                rules.append(f"{c} not in ({allowed})")
            if column.kind == "timestamp":
                rules.append(
                    f"coalesce(try_strptime({c}, '%Y-%m-%d %H:%M:%S') not between "
                    f"timestamp '{START}' and timestamp '{WINDOW_END}' - interval 1 second, true)"
                )
            if column.kind == "date":
                rules.append(f"try_strptime({c}, '%Y-%m-%d') is null")
            if column.kind == "number":
                rules.append(f"try_cast({c} as double) is null")
            if column.kind == "boolean":
                rules.append(f"{c} not in ('true', 'false')")
            for rule in rules:
                where = rule if rule == f"{c} is null" else f"{c} is not null and {rule}"
                bad = con.execute(f"select count(*) from {table.name} where {where}").fetchone()[0]
                assert bad == 0, f"{table.name}: {where}"


def test_users_territories_and_contract_dates_make_sense(con):
    # Contract end dates are terms (start + 12 months) and may lie after the window.
    wrong_terms = con.execute(
        "select count(*) from contracts "
        "where end_date::date != start_date::date + interval 12 month"
    ).fetchone()[0]
    assert wrong_terms == 0
    first_journey_before_account = con.execute(
        """
        select count(*) from accounts inner join (
            select account_id, min(created_at) as first_at from journeys group by account_id
        ) using (account_id)
        where accounts.created_at > first_at
        """
    ).fetchone()[0]
    assert first_journey_before_account == 0


# ----------------------------------------------------------------------------- content


def test_every_stage_role_and_territory_appears(con):
    stages = {r[0] for r in con.execute("select distinct stage from stage_events").fetchall()}
    assert set(FUNNEL_STAGES) | set(CLOSING_STAGES) <= stages
    roles = {r[0] for r in con.execute("select distinct role from users").fetchall()}
    assert roles == set(ROLES)
    assert con.execute("select count(*) from users where role = 'system'").fetchone()[0] == 1
    territories = {r[0] for r in con.execute("select distinct territory from accounts").fetchall()}
    assert {"na_east", "na_west", "emea", "apac", "latam"} == territories
    user_territories = {
        r[0]
        for r in con.execute("select distinct territory from users where role = 'sdr'").fetchall()
    }
    assert {"na_east", "na_west", "emea", "apac"} == user_territories


def test_team_members_report_to_their_team_manager(con):
    wrong = con.execute(
        """
        select count(*)
        from users as member
        inner join users as boss on member.manager_id = boss.user_id
        where member.role not in ('manager', 'system')
            and (boss.role != 'manager' or boss.team != member.team)
        """
    ).fetchone()[0]
    assert wrong == 0


def test_late_answers_convert_less(con):
    # Inquiry -> mql/sal by time to the first human outbound touch, as the engine will
    # measure it (automated e-mails, inbound and internal activities do not count).
    rates = dict(
        con.execute(
            """
            with inquiries as (
                select journey_id, min(occurred_at::timestamp) as inquiry_at
                from stage_events where stage = 'inquiry' group by journey_id
            ),
            first_touch as (
                select inquiries.journey_id, min(activities.occurred_at::timestamp) as touch_at
                from inquiries
                inner join activities on activities.journey_id = inquiries.journey_id
                where activities.direction = 'outbound' and activities.is_automated = 'false'
                    and activities.occurred_at::timestamp >= inquiries.inquiry_at
                group by inquiries.journey_id
            ),
            progressed as (
                select distinct journey_id from stage_events where stage in ('mql', 'sal')
            )
            select
                case when touch_at - inquiry_at <= interval 1 hour then 'fast'
                     when touch_at - inquiry_at > interval 1 day then 'slow' end as bucket,
                avg(case when progressed.journey_id is null then 0 else 1 end) as rate
            from inquiries
            inner join first_touch using (journey_id)
            left join progressed using (journey_id)
            where inquiry_at < timestamp '2026-11-01'
            group by bucket
            """
        ).fetchall()
    )
    assert rates["fast"] > 0.5
    assert rates["slow"] < 0.4
    assert rates["fast"] - rates["slow"] > 0.2


def test_response_times_span_minutes_to_days(con):
    quantiles = con.execute(
        """
        with inquiries as (
            select journey_id, min(occurred_at::timestamp) as inquiry_at
            from stage_events where stage = 'inquiry' group by journey_id
        )
        select quantile_cont(epoch(touch_at - inquiry_at) / 60, [0.1, 0.5, 0.95])
        from (
            select inquiries.journey_id, inquiry_at, min(a.occurred_at::timestamp) as touch_at
            from inquiries inner join activities as a using (journey_id)
            where a.direction = 'outbound' and a.is_automated = 'false'
                and a.occurred_at::timestamp >= inquiry_at
            group by all
        )
        """
    ).fetchone()[0]
    assert quantiles[0] < 30  # minutes
    assert 20 < quantiles[1] < 8 * 60
    assert quantiles[2] > 24 * 60  # a long tail of days


def test_recycled_journeys_reenter(con):
    reentered = con.execute(
        """
        select count(distinct journey_id) from (
            select journey_id, stage,
                lag(stage) over (partition by journey_id order by occurred_at, event_id) as prev
            from stage_events
        )
        where stage in ('mql', 'sal') and prev = 'recycled'
        """
    ).fetchone()[0]
    recycled = con.execute(
        "select count(distinct journey_id) from stage_events where stage = 'recycled'"
    ).fetchone()[0]
    assert 0.1 < reentered / recycled < 0.4


def test_reason_codes_follow_the_seed(con):
    seed = PROJECT_ROOT / "seeds" / "reason_codes.csv"
    con.execute(f"create or replace view seed_codes as select * from read_csv('{seed}')")
    empty, invalid, wrong_exit = con.execute(
        """
        select
            avg((reason_code is null)::int) filter (where stage = 'recycled'),
            avg((reason_code is not null and reason_code not in (
                select reason_code from seed_codes
                where is_active and applies_to in ('recycled', 'any')))::int)
                filter (where stage = 'recycled'),
            count(*) filter (where stage in ('closed_lost', 'disqualified')
                and reason_code not in (
                    select reason_code from seed_codes
                    where is_active and applies_to in (stage_events.stage, 'any')))
        from stage_events
        where stage in ('recycled', 'closed_lost', 'disqualified')
        """
    ).fetchone()
    assert 0.04 < empty < 0.10  # recycled without a reason code
    assert 0.01 < invalid < 0.06  # unknown or retired codes
    assert wrong_exit == 0


def test_weekend_inquiries_wait_for_monday(con):
    weekday, weekend = con.execute(
        """
        with inquiries as (
            select journey_id, min(occurred_at::timestamp) as inquiry_at
            from stage_events where stage = 'inquiry' group by journey_id
        ),
        touches as (
            select journey_id, inquiry_at, min(a.occurred_at::timestamp) as touch_at
            from inquiries inner join activities as a using (journey_id)
            where a.direction = 'outbound' and a.is_automated = 'false'
                and a.occurred_at::timestamp >= inquiry_at
            group by journey_id, inquiry_at
        )
        select
            median(epoch(touch_at - inquiry_at)) filter (where isodow(inquiry_at) between 2 and 4),
            median(epoch(touch_at - inquiry_at)) filter (where isodow(inquiry_at) = 7)
        from touches
        """
    ).fetchone()
    assert weekend > 5 * weekday


def test_more_sal_attempts_convert_more(con):
    # Attempts made between the first sal and the sql or recycle that follows it.
    rates = dict(
        con.execute(
            """
            with sal as (
                select journey_id, min(occurred_at::timestamp) as sal_at
                from stage_events where stage = 'sal' group by journey_id
            ),
            outcome as (
                select sal.journey_id, min(e.occurred_at::timestamp) as out_at,
                    arg_min(e.stage, e.occurred_at::timestamp) as stage
                from sal inner join stage_events as e
                    on e.journey_id = sal.journey_id
                    and e.occurred_at::timestamp > sal.sal_at and e.stage in ('sql', 'recycled')
                group by sal.journey_id
            ),
            attempts as (
                select sal.journey_id, count(*) as n
                from sal
                inner join outcome using (journey_id)
                inner join activities as a on a.journey_id = sal.journey_id
                    and a.occurred_at::timestamp between sal.sal_at and outcome.out_at
                    and a.direction = 'outbound' and a.is_automated = 'false'
                group by sal.journey_id
            )
            select n >= 6 as many, avg((stage = 'sql')::int)
            from attempts inner join outcome using (journey_id)
            group by many
            """
        ).fetchall()
    )
    assert rates[True] > rates[False] + 0.15


def test_renewals_mostly_start_60_days_before_the_term_ends(con):
    on_time = con.execute(
        """
        select avg((date_diff('day', e.occurred_at::timestamp, c.end_date::date) >= 60)::int)
        from contracts as c
        inner join stage_events as e on e.journey_id = c.journey_id and e.stage = 'renewal'
        """
    ).fetchone()[0]
    assert 0.6 < on_time < 0.9


def test_closed_won_journeys_have_one_contract(con):
    won, contracts, mismatched = con.execute(
        """
        select
            (select count(distinct journey_id) from stage_events where stage = 'closed_won'),
            (select count(*) from contracts),
            (select count(*) from contracts
             inner join journeys using (journey_id)
             where contracts.account_id != journeys.account_id)
        """
    ).fetchone()
    assert won == contracts > 0
    assert mismatched == 0
    churned = con.execute(
        """
        select count(*) from contracts where renewal_status = 'churned'
            and journey_id not in (select journey_id from stage_events where stage = 'churned')
        """
    ).fetchone()[0]
    assert churned == 0


def test_most_sqls_enter_with_a_discovery_meeting_booked(con):
    """Entry criterion sql_discovery_booked (a meeting scheduled or held in the 30 days up to
    the SQL entry): most SDRs book it before the handover, a minority do not; the meeting
    itself is held after the entry (clock sql_discovery_held)."""
    booked, held_after = con.execute(
        """
        with sqls as (
            select journey_id, occurred_at::timestamp as sql_at
            from stage_events where stage = 'sql'
        ),
        meetings as (
            select journey_id, outcome, occurred_at::timestamp as at
            from activities
            where activity_type = 'meeting' and direction = 'outbound'
                and is_automated = 'false'
        )
        select
            avg((exists (
                select 1 from meetings
                where meetings.journey_id = sqls.journey_id
                    and meetings.outcome in ('scheduled', 'held')
                    and meetings.at between sqls.sql_at - interval 30 day and sqls.sql_at
            ))::int),
            avg((exists (
                select 1 from meetings
                where meetings.journey_id = sqls.journey_id and meetings.outcome = 'held'
                    and meetings.at > sqls.sql_at
                    and meetings.at <= sqls.sql_at + interval 30 day
            ))::int)
        from sqls
        where sql_at < timestamp '2026-11-01'
        """
    ).fetchone()
    assert 0.70 < booked < 0.95
    assert held_after > 0.8


def test_entry_criteria_fail_now_and_then(con):
    """A few SQLs without a recorded sal before them, opportunities without an sql, and
    accounts without an industry: the prior_stage and field_present criteria see failures."""
    sql_without_sal, opportunity_without_sql, no_industry = con.execute(
        """
        with firsts as (
            select journey_id, stage, min(occurred_at::timestamp) as at
            from stage_events group by all
        ),
        entries as (
            select later.stage, (
                select count(*) from firsts as earlier
                where earlier.journey_id = later.journey_id and earlier.at < later.at
                    and earlier.stage = case later.stage when 'sql' then 'sal' else 'sql' end
            ) = 0 as is_missing
            from firsts as later
            where later.stage in ('sql', 'opportunity')
        )
        select
            avg(is_missing::int) filter (where stage = 'sql'),
            avg(is_missing::int) filter (where stage = 'opportunity'),
            (select avg((industry is null)::int) from accounts)
        from entries
        """
    ).fetchone()
    assert 0.003 < sql_without_sal < 0.08
    assert 0.005 < opportunity_without_sql < 0.08
    assert 0.02 < no_industry < 0.07


def test_aes_book_next_steps_some_more_reliably_than_others(con):
    """After a held opportunity meeting the AE usually books the next meeting at once (a
    `scheduled` meeting with its time ahead, logged within a day); disciplined AEs nearly
    always, about a third of them only now and then."""
    per_ae = [
        share
        for (share,) in con.execute(
            """
            with opportunities as (
                select journey_id, min(occurred_at::timestamp) as opportunity_at
                from stage_events where stage = 'opportunity' group by journey_id
            ),
            held as (
                select meetings.journey_id, meetings.owner_id,
                    meetings.occurred_at::timestamp as held_at
                from activities as meetings
                inner join opportunities using (journey_id)
                inner join users on meetings.owner_id = users.user_id and users.role = 'ae'
                where meetings.activity_type = 'meeting' and meetings.outcome = 'held'
                    and meetings.occurred_at::timestamp > opportunities.opportunity_at
            )
            select avg((exists (
                select 1 from activities as booking
                where booking.journey_id = held.journey_id
                    and booking.activity_type = 'meeting' and booking.outcome = 'scheduled'
                    and booking.occurred_at::timestamp
                        between held.held_at and held.held_at + interval 1 day
                    and booking.scheduled_for::timestamp > booking.occurred_at::timestamp
            ))::int)
            from held
            group by owner_id
            having count(*) >= 15
            """
        ).fetchall()
    ]
    assert len(per_ae) >= 5
    overall = sum(per_ae) / len(per_ae)
    assert 0.55 < overall < 0.95
    assert max(per_ae) > 0.85 and min(per_ae) < 0.65


def test_csms_check_in_around_the_adoption_checkpoints(con):
    """A qualifying touch (call, e-mail or meeting; human, outbound) in each window between
    day 0, 7, 30, 60 and 90 of adoption: most windows have one, some only after the window
    (late) or never; adoption lasts well past day 90 (it ends when the renewal starts)."""
    in_time, late, long_enough = con.execute(
        """
        with adoptions as (
            select journey_id, min(occurred_at::timestamp) as adoption_at
            from stage_events where stage = 'adoption' group by journey_id
        ),
        windows as (
            select adoptions.*, adoption_at + to_days(opens) as opens_at,
                adoption_at + to_days(due) as due_at
            from adoptions
            cross join (values (0, 7), (7, 30), (30, 60), (60, 90)) as checkpoints(opens, due)
            where adoption_at < timestamp '2026-09-01'
        ),
        touches as (
            select journey_id, occurred_at::timestamp as at from activities
            where activity_type in ('call', 'email', 'meeting') and direction = 'outbound'
                and is_automated = 'false'
        ),
        checked as (
            select windows.*,
                exists (select 1 from touches where touches.journey_id = windows.journey_id
                    and touches.at between opens_at and due_at) as is_in_time,
                exists (select 1 from touches where touches.journey_id = windows.journey_id
                    and touches.at between due_at and due_at + interval 14 day) as is_after
            from windows
        ),
        renewals as (
            select journey_id, min(occurred_at::timestamp) as renewal_at
            from stage_events where stage = 'renewal' group by journey_id
        )
        select
            avg(is_in_time::int),
            avg((not is_in_time and is_after)::int),
            (select avg((renewal_at >= adoption_at + interval 90 day)::int)
             from adoptions inner join renewals using (journey_id))
        from checked
        """
    ).fetchone()
    assert 0.65 < in_time < 0.95
    assert late > 0.02
    assert long_enough > 0.95


# ----------------------------------------------------------------------------- dirty rows


def _reject_counts(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    """A minimal reference loader: the reason each row would be rejected for."""
    kind_reason = {
        "timestamp": ("bad_timestamp", "try_strptime({c}, '%Y-%m-%d %H:%M:%S') is null"),
        "date": ("bad_date", "try_strptime({c}, '%Y-%m-%d') is null"),
        "number": ("bad_number", "try_cast({c} as double) is null"),
        "boolean": (
            "bad_boolean",
            "lower({c}) not in (" + ", ".join(f"'{w}'" for w in TRUE_WORDS + FALSE_WORDS) + ")",
        ),
    }
    counts = {}
    for table in TABLES:
        checks = []
        for column in table.columns:
            c = column.name
            if column.required:
                checks.append(("missing_required", f"{c} is null"))
            if column.kind in kind_reason:
                reason, test = kind_reason[column.kind]
                checks.append((reason, f"{c} is not null and {test.format(c=c)}"))
            if column.enum:
                allowed = ", ".join(f"'{v}'" for v in column.enum)
                checks.append(("bad_enum", f"{c} is not null and {c} not in ({allowed})"))
            if column.references:
                parent = TABLES_BY_NAME[column.references]
                checks.append(
                    (
                        "missing_parent",
                        f"{c} is not null and {c} not in "
                        f"(select {parent.primary_key} from {parent.name})",
                    )
                )
        flags = ", ".join(f"({test}) as f{i}" for i, (_, test) in enumerate(checks))
        seen_before = f"row_number() over (partition by {table.primary_key} order by _row) > 1"
        rows = con.execute(f"select {flags}, {seen_before} from {table.name}").fetchall()
        table_counts = dict.fromkeys(DIRTY_REASONS, 0)
        for row in rows:
            hits = [checks[i][0] for i, hit in enumerate(row[:-1]) if hit]
            if row[-1]:
                hits.append("duplicate_key")
            assert len(hits) <= 1, f"{table.name}: a row breaks more than one rule: {hits}"
            for reason in hits:
                table_counts[reason] += 1
        counts[table.name] = table_counts
    return counts


def test_dirty_rows_match_the_manifest(dirty):
    manifest = json.loads((dirty / "manifest.json").read_text())
    con = _connect(dirty)
    assert _reject_counts(con) == manifest["dirty_rows"]
    for table in TABLES:
        total = con.execute(f"select count(*) from {table.name}").fetchone()[0]
        assert total == manifest["rows"][table.name]
        injected = sum(manifest["dirty_rows"][table.name].values())
        assert injected == round(0.08 * (total - injected)), table.name
    kinds = {r for counts in manifest["dirty_rows"].values() for r, n in counts.items() if n}
    assert kinds == set(DIRTY_REASONS)


def test_dirty_rows_are_interleaved_and_duplicates_are_identical_copies(dirty):
    con = _connect(dirty)
    bad_rows = [
        row
        for (row,) in con.execute(
            "select _row from stage_events where occurred_at is not null "
            "and try_strptime(occurred_at, '%Y-%m-%d %H:%M:%S') is null order by _row"
        ).fetchall()
    ]
    total = con.execute("select count(*) from stage_events").fetchone()[0]
    assert bad_rows[0] < total * 0.25 and bad_rows[-1] > total * 0.75
    for table in TABLES:
        lines = (dirty / f"{table.name}.csv").read_text().splitlines()[1:]
        by_id: dict[str, set[str]] = {}
        for line in lines:
            by_id.setdefault(line.split(",", 1)[0], set()).add(line)
        assert all(len(versions) == 1 for versions in by_id.values()), table.name
