"""Tests for the validated loader: rejects, counts, transactions, upserts and file formats."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

import journey_sla.load as load_module
from journey_sla.contract import TABLES
from journey_sla.load import LoadError, TableResult, load_extracts
from journey_sla.paths import raw_path_for

# A small extract that passes every check: table -> CSV text.
CLEAN = {
    "users": (
        "user_id,full_name,email,role,team,manager_id,territory,is_active\n"
        "u1,Ann Lee,ann@example.com,manager,emea_sales,,emea,true\n"
        "u2,Bob Ray,bob@example.com,sdr,emea_sales,u1,emea,true\n"
        "u3,Cy Dunn,cy@example.com,ae,emea_sales,u1,emea,false\n"
    ),
    "accounts": (
        "account_id,account_name,segment,territory,industry,created_at\n"
        "a1,Acme Labs,smb,emea,software,2024-12-01 09:00:00\n"
        "a2,Globex,enterprise,emea,retail,2024-12-02 09:00:00\n"
    ),
    "journeys": (
        "journey_id,account_id,created_at,source,intent_level,segment,territory,product_line\n"
        "j1,a1,2025-03-01 14:05:00,inbound_form,high,,emea,core\n"
        "j2,a2,2025-03-02 10:00:00,chat,medium,enterprise,emea,core\n"
        "j3,a1,2025-03-03 11:30:00,event,low,,,\n"
    ),
    "stage_events": (
        "event_id,journey_id,stage,occurred_at,owner_id,reason_code\n"
        "e1,j1,inquiry,2025-03-01 14:05:00,u2,\n"
        "e2,j1,mql,2025-03-02 09:00:00,u2,\n"
        "e3,j2,inquiry,2025-03-02 10:00:00,,\n"
    ),
    "assignments": (
        "assignment_id,journey_id,owner_id,assigned_at,method,reason\n"
        "s1,j1,u2,2025-03-01 14:10:00,rule,\n"
        "s2,j2,u2,2025-03-02 10:05:00,round_robin,\n"
    ),
    "activities": (
        "activity_id,journey_id,owner_id,activity_type,direction,is_automated,occurred_at,"
        "outcome,scheduled_for\n"
        "x1,j1,u2,call,outbound,false,2025-03-01 15:00:00,connected,\n"
        "x2,j1,u2,email,outbound,true,2025-03-01 15:05:00,sent,2025-03-04 09:00:00\n"
        "x3,j2,,email,inbound,false,2025-03-02 11:00:00,,\n"
    ),
    "contracts": (
        "contract_id,journey_id,account_id,start_date,end_date,arr,renewal_status,renewal_arr\n"
        "k1,j1,a1,2025-04-01,2026-03-31,12000.50,open,\n"
        "k2,j2,a2,2025-05-01,2026-04-30,48000,renewed,50000\n"
    ),
    "signals": (
        "signal_id,journey_id,detected_at,signal_type,severity\n"
        "g1,j1,2025-06-01 08:00:00,usage_drop,high\n"
    ),
}
CLEAN_ROWS = {name: text.count("\n") - 1 for name, text in CLEAN.items()}
HEADERS = {name: text.split("\n", 1)[0] for name, text in CLEAN.items()}


def quiet(_message: str) -> None:
    pass


def write_extract(folder: Path, **tables: str | None) -> Path:
    """Write the clean extract to ``folder``; keyword arguments replace (str) or drop (None)
    a table's CSV text."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**CLEAN, **tables}.items():
        if text is not None:
            (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def with_rows(table: str, *rows: str, at: int | None = None) -> str:
    """The clean CSV of ``table`` with extra data rows appended, or inserted before data row
    ``at`` (1-based)."""
    header, *data = CLEAN[table].splitlines()
    position = len(data) if at is None else at - 1
    data[position:position] = rows
    return "\n".join([header, *data]) + "\n"


@contextmanager
def raw_db(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(raw_path_for(warehouse)), read_only=True) as connection:
        yield connection


def query(warehouse: Path, sql: str) -> list[tuple]:
    with raw_db(warehouse) as connection:
        return connection.execute(sql).fetchall()


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every table of schema raw, rows sorted, for before/after comparisons."""
    with raw_db(warehouse) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw' "
                "ORDER BY 1"
            ).fetchall()
        ]
        return {
            name: sorted(
                connection.execute(f'SELECT * FROM raw."{name}"').fetchall(),
                key=lambda row: tuple(str(value) for value in row),
            )
            for name in names
        }


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def by_table(results: list[TableResult]) -> dict[str, TableResult]:
    return {result.table: result for result in results}


def rejects(warehouse: Path, table: str) -> list[tuple]:
    return query(
        warehouse,
        "SELECT row_number, reason, column_name, raw_values FROM raw.rejects "
        f"WHERE table_name = '{table}' ORDER BY row_number",
    )


def assert_balanced(results: list[TableResult]) -> None:
    for result in results:
        assert result.read == result.loaded + result.rejected, result


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "warehouse.duckdb"


@pytest.fixture
def loaded(tmp_path: Path, warehouse: Path) -> Path:
    """The clean extract loaded once; returns the warehouse path."""
    load_extracts(write_extract(tmp_path / "clean"), warehouse, notice=quiet)
    return warehouse


# ----------------------------------------------------------------------------- clean load


def test_clean_extract_loads_every_row_into_typed_raw_tables(tmp_path, warehouse):
    results = load_extracts(write_extract(tmp_path / "in"), warehouse, notice=quiet)

    assert [r.table for r in results] == [t.name for t in TABLES]
    for result in results:
        rows = CLEAN_ROWS[result.table]
        assert (result.read, result.loaded, result.rejected) == (rows, rows, 0)
        assert (result.inserted, result.updated) == (rows, 0)
        assert result.file == str(tmp_path / "in" / f"{result.table}.csv")
    assert not warehouse.exists(), "the loader must only write the raw file"
    assert raw_path_for(warehouse).exists()

    types = dict(
        query(
            warehouse,
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'raw'",
        )
    )
    assert types["journeys.created_at"] == "TIMESTAMP"
    assert types["contracts.start_date"] == "DATE"
    assert types["contracts.arr"] == "DOUBLE"
    assert types["users.is_active"] == "BOOLEAN"
    assert types["journeys.source"] == "VARCHAR"
    assert types["journeys._source_file"] == "VARCHAR"
    assert types["journeys._load_id"] == "VARCHAR"
    assert types["journeys._loaded_at"] == "TIMESTAMP"
    assert types["rejects.row_number"] == "BIGINT"
    assert types["load_log.rows_read"] == "BIGINT"

    assert query(
        warehouse,
        "SELECT * EXCLUDE (_source_file, _load_id, _loaded_at) "
        "FROM raw.contracts ORDER BY contract_id",
    ) == [
        ("k1", "j1", "a1", date(2025, 4, 1), date(2026, 3, 31), 12000.5, "open", None),
        ("k2", "j2", "a2", date(2025, 5, 1), date(2026, 4, 30), 48000.0, "renewed", 50000.0),
    ]
    (source_file,) = query(warehouse, "SELECT DISTINCT _source_file FROM raw.journeys")[0]
    assert source_file == str((tmp_path / "in" / "journeys.csv").resolve())
    log = query(
        warehouse,
        "SELECT table_name, rows_read, rows_loaded, rows_rejected, "
        "rows_inserted, rows_updated FROM raw.load_log",
    )
    assert sorted(log) == sorted((t, n, n, 0, n, 0) for t, n in CLEAN_ROWS.items())
    assert query(warehouse, "SELECT count(DISTINCT load_id) FROM raw.load_log") == [(1,)]


def test_all_raw_tables_exist_even_when_empty(tmp_path, warehouse):
    empty = {name: HEADERS[name] + "\n" for name in CLEAN}
    results = load_extracts(write_extract(tmp_path / "in", **empty), warehouse, notice=quiet)
    assert all(r.read == 0 for r in results)
    tables = {
        row[0]
        for row in query(
            warehouse, "SELECT table_name FROM information_schema.tables WHERE table_schema='raw'"
        )
    }
    assert tables == {t.name for t in TABLES} | {"rejects", "load_log"}


# ----------------------------------------------------------------------------- one test per reason

REASON_CASES = {
    # reason: (table, bad row, inserted before data row, expected column)
    "bad_timestamp": ("journeys", "j9,a1,2025-13-45 99:00,chat,high,,emea,core", 2, "created_at"),
    "bad_date": ("contracts", "k9,j1,a1,2025-02-30,2026-03-31,100,open,", 2, "start_date"),
    "bad_number": ("contracts", 'k9,j1,a1,2025-04-01,2026-03-31,"12,000",open,', 1, "arr"),
    "bad_boolean": ("users", "u9,Al,al@x.com,sdr,t,u1,emea,maybe", 3, "is_active"),
    "bad_enum": ("journeys", "j9,a1,2025-03-01,chat,urgent,,emea,core", 2, "intent_level"),
    "missing_required": ("journeys", "j9,a1,2025-03-01,chat,   ,,emea,core", 2, "intent_level"),
    "duplicate_key": (
        "journeys",
        "j1,a1,2025-03-01 14:05:00,inbound_form,high,,emea,core",
        3,
        "journey_id",
    ),
    "missing_parent": (
        "activities",
        "x9,j404,u2,call,outbound,false,2025-03-01,,",
        2,
        "journey_id",
    ),
}


@pytest.mark.parametrize("reason", sorted(REASON_CASES))
def test_each_reason_rejects_the_row_and_loads_the_rest(tmp_path, warehouse, reason):
    table, row, at, column = REASON_CASES[reason]
    folder = write_extract(tmp_path / "in", **{table: with_rows(table, row, at=at)})
    results = by_table(load_extracts(folder, warehouse, notice=quiet))

    result = results[table]
    good = CLEAN_ROWS[table]
    assert (result.read, result.loaded, result.rejected) == (good + 1, good, 1)
    assert_balanced(list(results.values()))
    [(row_number, got_reason, got_column, raw_values)] = rejects(warehouse, table)
    assert (row_number, got_reason, got_column) == (at, reason, column)
    original = dict(zip(HEADERS[table].split(","), next(csv.reader([row])), strict=True))
    assert json.loads(raw_values) == {k: (v if v != "" else None) for k, v in original.items()}
    assert query(warehouse, f'SELECT count(*) FROM raw."{table}"') == [(good,)]


def test_missing_parent_for_a_self_reference(tmp_path, warehouse):
    users = with_rows(
        "users", "u8,Al,al@x.com,sdr,t,u3,emea,true", "u9,Di,di@x.com,sdr,t,u404,emea,1"
    )
    load_extracts(write_extract(tmp_path / "in", users=users), warehouse, notice=quiet)
    # u8's manager u3 arrives in the same file; u404 exists nowhere.
    assert [r[:3] for r in rejects(warehouse, "users")] == [(5, "missing_parent", "manager_id")]
    assert query(warehouse, "SELECT manager_id FROM raw.users WHERE user_id = 'u8'") == [("u3",)]


def test_missing_parent_sees_parents_already_in_raw(tmp_path, loaded):
    later = tmp_path / "later"
    later.mkdir()
    (later / "signals.csv").write_text(
        HEADERS["signals"] + "\ng2,j3,2025-06-02,other,low\ng3,j77,2025-06-02,other,low\n"
    )
    result = by_table(load_extracts(later, loaded, notice=quiet))["signals"]
    assert (result.loaded, result.rejected) == (1, 1)
    assert [r[:3] for r in rejects(loaded, "signals")] == [(2, "missing_parent", "journey_id")]


def test_malformed_lines_are_read_rejected_and_numbered(tmp_path, warehouse):
    journeys = with_rows(
        "journeys",
        "j7,a1,2025-03-01,chat,high",  # too few fields (row 2)
        "j8,a1,2025-03-01,chat,high,,emea,core,surplus",  # too many fields (row 3)
        "j9,a1,2025-03-01,chat,urgent,,emea,core",  # bad_enum after them (row 4)
        at=2,
    )
    results = by_table(
        load_extracts(write_extract(tmp_path / "in", journeys=journeys), warehouse, notice=quiet)
    )
    journeys_result = results["journeys"]
    assert (journeys_result.read, journeys_result.loaded, journeys_result.rejected) == (6, 3, 3)
    got = rejects(warehouse, "journeys")
    assert [r[:3] for r in got] == [
        (2, "malformed_row", None),
        (3, "malformed_row", None),
        (4, "bad_enum", "intent_level"),
    ]
    assert json.loads(got[0][3])["_raw_line"] == "j7,a1,2025-03-01,chat,high"


def test_row_numbers_around_malformed_lines(tmp_path, warehouse):
    signals = (
        HEADERS["signals"] + "\n"
        "g1,j1,2025-06-01,usage_drop,high\n"
        "g2,j1,2025-06-01,bogus,high\n"
        "g3,j1,2025-06-01\n"
        "g4,j1,2025-06-01,other,low\n"
        "g5,j1,2025-06-01,other,loud\n"
        "g6,j1;2025-06-01;other;low\n"
        "g7,j1,2025-06-01,other,low\n"
        "g8,j404,2025-06-01,other,low\n"
    )
    load_extracts(write_extract(tmp_path / "in", signals=signals), warehouse, notice=quiet)
    assert [r[:2] for r in rejects(warehouse, "signals")] == [
        (2, "bad_enum"),
        (3, "malformed_row"),
        (5, "bad_enum"),
        (6, "malformed_row"),
        (8, "missing_parent"),
    ]


def test_unterminated_quote_is_a_malformed_row(tmp_path, warehouse):
    text = HEADERS["signals"] + '\ng1,j1,2025-06-01,usage_drop,high\ng2,j1,"2025-06-01,other,low\n'
    results = by_table(
        load_extracts(write_extract(tmp_path / "in", signals=text), warehouse, notice=quiet)
    )
    assert (results["signals"].read, results["signals"].loaded) == (2, 1)
    assert [r[:2] for r in rejects(warehouse, "signals")] == [(2, "malformed_row")]


def test_bad_bytes_reject_only_their_row_and_bom_and_crlf_are_fine(tmp_path, warehouse):
    folder = write_extract(tmp_path / "in", signals=None)
    (folder / "signals.csv").write_bytes(
        b"\xef\xbb\xbf" + HEADERS["signals"].encode() + b"\r\n"
        b"g1,j1,2025-06-01,usage_drop,high\r\n"
        b"g2,j1,2025-06-01,other,l\xffw\r\n"
        b"g3,j1,2025-06-01,other,low\r\n"
    )
    result = by_table(load_extracts(folder, warehouse, notice=quiet))["signals"]
    assert (result.read, result.loaded, result.rejected) == (3, 2, 1)
    [(row_number, reason, column, raw_values)] = rejects(warehouse, "signals")
    assert (row_number, reason, column) == (2, "malformed_row", None)
    assert json.loads(raw_values)["_raw_line"].startswith("g2,j1,")


def test_quoted_newlines_do_not_shift_row_numbers(tmp_path, warehouse):
    activities = with_rows(
        "activities",
        'x7,j1,u2,call,outbound,false,2025-03-01,"left a\nvoicemail",',
        "x8,j1,u2,fax,outbound,false,2025-03-01,,",
        at=2,
    )
    load_extracts(write_extract(tmp_path / "in", activities=activities), warehouse, notice=quiet)
    assert [r[:3] for r in rejects(warehouse, "activities")] == [(3, "bad_enum", "activity_type")]
    assert query(warehouse, "SELECT outcome FROM raw.activities WHERE activity_id = 'x7'") == [
        ("left a\nvoicemail",)
    ]


def test_first_failing_check_wins(tmp_path, warehouse):
    journeys = with_rows(
        "journeys",
        "j5,a1,,chat,urgent,,emea,core",  # missing created_at beats bad intent_level
        "j6,a1,yesterday,chat,urgent,,emea,core",  # bad created_at comes before bad enum
        "j1,a404,2025-03-01,chat,high,,emea,core",  # duplicate key beats missing parent
        "j3,a1,2025-03-01,chat,urgent,,emea,core",  # bad_enum beats duplicate key
        "j7,a404,2025-03-01,chat,high,oops,emea,core",  # bad segment beats missing parent
    )
    load_extracts(write_extract(tmp_path / "in", journeys=journeys), warehouse, notice=quiet)
    assert [r[:3] for r in rejects(warehouse, "journeys")] == [
        (4, "missing_required", "created_at"),
        (5, "bad_timestamp", "created_at"),
        (6, "duplicate_key", "journey_id"),
        (7, "bad_enum", "intent_level"),
        (8, "bad_enum", "segment"),
    ]


def test_first_row_of_a_key_wins_even_when_it_is_rejected(tmp_path, warehouse):
    signals = (
        HEADERS["signals"] + "\n"
        "g1,j1,not-a-time,usage_drop,high\n"
        "g1,j1,2025-06-01,usage_drop,high\n"
        "g2,j1,2025-06-01,usage_drop,high\n"
    )
    load_extracts(write_extract(tmp_path / "in", signals=signals), warehouse, notice=quiet)
    assert [r[:2] for r in rejects(warehouse, "signals")] == [
        (1, "bad_timestamp"),
        (2, "duplicate_key"),
    ]
    assert query(warehouse, "SELECT signal_id FROM raw.signals") == [("g2",)]


def test_strict_formats_reject_values_duckdb_would_cast(tmp_path, warehouse):
    accounts = with_rows(
        "accounts",
        "a3,X,smb,emea,x,infinity",
        "a4,X,smb,emea,x,2025-3-1",
        "a5,X,smb,emea,x,2025-03-01 10:00:00 Europe/Berlin",
    )
    contracts = with_rows(
        "contracts",
        "k3,j1,a1,2025-04-01,2026-03-31,1e5,open,",
        "k4,j1,a1,2025-04-01,2026-03-31,nan,open,",
    )
    load_extracts(
        write_extract(tmp_path / "in", accounts=accounts, contracts=contracts),
        warehouse,
        notice=quiet,
    )
    assert [r[1] for r in rejects(warehouse, "accounts")] == ["bad_timestamp"] * 3
    assert [r[1] for r in rejects(warehouse, "contracts")] == ["bad_number"] * 2


# ----------------------------------------------------------------------------- values


def test_offsets_are_converted_to_utc(tmp_path, warehouse):
    signals = (
        HEADERS["signals"]
        + "\n"
        + "".join(
            f"g{i},j1,{value},other,low\n"
            for i, value in enumerate(
                [
                    "2025-03-01T10:00:00+02:00",
                    "2025-03-01T10:00:00Z",
                    "2025-03-01 10:00:00-0500",
                    "2025-03-01T10:00:00+0200",
                    "2025-03-01T10:00:00.250+02",
                    "2025-03-01T10:00:00",
                    "2025-03-01 10:00",
                    "2025-03-01",
                    " 2025-03-01 10:00:00.5 ",
                ]
            )
        )
    )
    load_extracts(write_extract(tmp_path / "in", signals=signals), warehouse, notice=quiet)
    got = dict(query(warehouse, "SELECT signal_id, detected_at FROM raw.signals"))
    assert got == {
        "g0": datetime(2025, 3, 1, 8, 0),
        "g1": datetime(2025, 3, 1, 10, 0),
        "g2": datetime(2025, 3, 1, 15, 0),
        "g3": datetime(2025, 3, 1, 8, 0),
        "g4": datetime(2025, 3, 1, 8, 0, 0, 250000),
        "g5": datetime(2025, 3, 1, 10, 0),
        "g6": datetime(2025, 3, 1, 10, 0),
        "g7": datetime(2025, 3, 1, 0, 0),
        "g8": datetime(2025, 3, 1, 10, 0, 0, 500000),
    }


def test_enums_booleans_ids_and_text_are_trimmed_and_case_insensitive(tmp_path, warehouse):
    users = (
        " User_ID , FULL_NAME,email,Role,team,manager_id,territory, Is_Active \n"
        " u1 ,  Ann  ,,  MANAGER ,t,,emea, TRUE \n"
        "u2,Bob,,Sdr,t, u1 ,emea,Yes\n"
        "u3,Cy,,ae,t,u1,emea,  no\n"
        "u4,Di,,AE,t,u1,emea,1\n"
        "u5,Ed,,ae,t,u1,emea,FALSE\n"
        "u6,Fa,,ae,t,u1,emea,0\n"
    )
    load_extracts(write_extract(tmp_path / "in", users=users), warehouse, notice=quiet)
    assert rejects(warehouse, "users") == []
    got = query(
        warehouse,
        "SELECT user_id, full_name, email, role, manager_id, is_active "
        "FROM raw.users ORDER BY user_id",
    )
    assert got == [
        ("u1", "Ann", None, "manager", None, True),
        ("u2", "Bob", None, "sdr", "u1", True),
        ("u3", "Cy", None, "ae", "u1", False),
        ("u4", "Di", None, "ae", "u1", True),
        ("u5", "Ed", None, "ae", "u1", False),
        ("u6", "Fa", None, "ae", "u1", False),
    ]


def test_extra_columns_are_ignored_with_a_notice(tmp_path, warehouse):
    journeys = CLEAN["journeys"].replace("product_line\n", "product_line,crm_note\n", 1)
    journeys = journeys.replace(",core\n", ",core,hello\n").replace(",,\n", ",,,x\n")
    notices: list[str] = []
    results = by_table(
        load_extracts(
            write_extract(tmp_path / "in", journeys=journeys), warehouse, notice=notices.append
        )
    )
    assert results["journeys"].loaded == 3
    assert notices == ["journeys.csv: ignoring column(s) not in the contract: 'crm_note'"]
    columns = [
        r[0]
        for r in query(
            warehouse,
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema='raw' AND table_name='journeys'",
        )
    ]
    assert "crm_note" not in columns


def test_csv_gz_and_parquet_inputs(tmp_path, warehouse):
    folder = write_extract(tmp_path / "in", users=None, journeys=None, contracts=None)
    with gzip.open(folder / "users.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write(with_rows("users", "u9,Al,al@x.com,sdr,t,u1,emea,maybe"))
    with duckdb.connect() as connection:
        # Parquet as text, like a CSV...
        (tmp_path / "j.csv").write_text(with_rows("journeys", "j9,a1,2025-03-01,chat,urgent,,,"))
        connection.execute(
            f"COPY (SELECT * FROM read_csv('{tmp_path / 'j.csv'}', all_varchar = true)) "
            f"TO '{folder / 'journeys.parquet'}' (FORMAT parquet)"
        )
        # ...and with native types, which need no parsing.
        connection.execute(
            "COPY (SELECT 'k1' AS contract_id, 'j1' AS journey_id, 'a1' AS account_id, "
            "DATE '2025-04-01' AS start_date, DATE '2026-03-31' AS end_date, 12000.5 AS arr, "
            "'OPEN' AS renewal_status, NULL::DOUBLE AS renewal_arr, 42 AS extra "
            "UNION ALL SELECT 'k2', 'j2', 'a2', DATE '2025-05-01', DATE '2026-04-30', "
            "48000::BIGINT, 'bogus', 1.5, 43) "
            f"TO '{folder / 'contracts.parquet'}' (FORMAT parquet)"
        )
    results = by_table(load_extracts(folder, warehouse, notice=quiet))
    assert_balanced(list(results.values()))
    assert (results["users"].loaded, results["users"].rejected) == (3, 1)
    assert (results["journeys"].loaded, results["journeys"].rejected) == (3, 1)
    assert (results["contracts"].loaded, results["contracts"].rejected) == (1, 1)
    assert results["users"].file.endswith("users.csv.gz")
    assert [r[:3] for r in rejects(warehouse, "users")] == [(4, "bad_boolean", "is_active")]
    assert [r[:3] for r in rejects(warehouse, "journeys")] == [(4, "bad_enum", "intent_level")]
    [(row_number, reason, column, raw_values)] = rejects(warehouse, "contracts")
    assert (row_number, reason, column) == (2, "bad_enum", "renewal_status")
    assert json.loads(raw_values)["extra"] == 43
    assert query(
        warehouse, "SELECT contract_id, start_date, arr, renewal_status FROM raw.contracts"
    ) == [("k1", date(2025, 4, 1), 12000.5, "open")]


# ----------------------------------------------------------------------------- whole-input errors


def test_missing_required_column_fails_and_leaves_raw_unchanged(tmp_path, loaded):
    raw = raw_path_for(loaded)
    before_bytes, before = digest(raw), snapshot(loaded)
    journeys = "\n".join(
        ",".join(f for i, f in enumerate(line.split(",")) if i != 4)
        for line in CLEAN["journeys"].splitlines()
    )
    folder = write_extract(tmp_path / "bad", journeys=journeys + "\n")
    with pytest.raises(LoadError) as error:
        load_extracts(folder, loaded, notice=quiet)
    assert str(error.value) == "journeys.csv: missing required column 'intent_level'"
    assert digest(raw) == before_bytes
    assert snapshot(loaded) == before


def test_failed_first_load_creates_no_raw_file(tmp_path):
    target = tmp_path / "fresh" / "warehouse.duckdb"
    folder = write_extract(tmp_path / "in", journeys=CLEAN["journeys"].replace("source,", "src,"))
    with pytest.raises(LoadError, match=r"^journeys\.csv: missing required column 'source'$"):
        load_extracts(folder, target, notice=quiet)
    assert not raw_path_for(target).exists()
    assert not target.parent.exists()


def test_missing_file_on_first_load(tmp_path, warehouse):
    folder = write_extract(tmp_path / "in", stage_events=None)
    with pytest.raises(LoadError) as error:
        load_extracts(folder, warehouse, notice=quiet)
    assert str(error.value) == f"stage_events.csv: file not found in {folder}"
    assert not raw_path_for(warehouse).exists()


def test_unreadable_file(tmp_path, loaded):
    before = digest(raw_path_for(loaded))
    folder = write_extract(tmp_path / "in", users=None)
    (folder / "users.parquet").write_bytes(b"PAR1 this is not a parquet file \x00\xff" * 20)
    with pytest.raises(LoadError) as error:
        load_extracts(folder, loaded, notice=quiet)
    message = str(error.value)
    assert message.startswith("users.parquet: cannot read file: ") and "\n" not in message
    assert digest(raw_path_for(loaded)) == before


def test_unreadable_gzip(tmp_path, warehouse):
    folder = write_extract(tmp_path / "in", users=None)
    (folder / "users.csv.gz").write_bytes(b"not gzip at all")
    with pytest.raises(LoadError, match=r"^users\.csv\.gz: cannot read file: "):
        load_extracts(folder, warehouse, notice=quiet)
    assert not raw_path_for(warehouse).exists()


def test_two_files_for_one_table(tmp_path, warehouse):
    folder = write_extract(tmp_path / "in")
    with gzip.open(folder / "users.csv.gz", "wt") as handle:
        handle.write(CLEAN["users"])
    with pytest.raises(LoadError) as error:
        load_extracts(folder, warehouse, notice=quiet)
    assert str(error.value) == (
        "users.csv: more than one file for table 'users' (users.csv, users.csv.gz)"
    )


def test_a_failure_inside_the_load_rolls_everything_back(tmp_path, loaded, monkeypatch):
    before = snapshot(loaded)
    real = load_module._load_table

    def failing(load, source):
        if source.table.name == "contracts":
            raise RuntimeError("disk on fire")
        return real(load, source)

    monkeypatch.setattr(load_module, "_load_table", failing)
    changed = write_extract(
        tmp_path / "v2", journeys=with_rows("journeys", "j4,a2,2025-04-01,chat,low,,,")
    )
    with pytest.raises(RuntimeError):
        load_extracts(changed, loaded, notice=quiet)
    assert snapshot(loaded) == before

    fresh = tmp_path / "fresh" / "warehouse.duckdb"
    with pytest.raises(RuntimeError):
        load_extracts(changed, fresh, notice=quiet)
    assert not raw_path_for(fresh).exists()
    assert not fresh.parent.exists()


# ----------------------------------------------------------------------------- reloads


def test_reloading_the_same_folder_is_idempotent(tmp_path, warehouse):
    journeys = with_rows("journeys", "j9,a1,2025-03-01,chat,urgent,,,", "j8,a1,bad,chat,low,,,")
    folder = write_extract(tmp_path / "in", journeys=journeys)
    first = load_extracts(folder, warehouse, notice=quiet)
    before = snapshot(warehouse)
    second = load_extracts(folder, warehouse, notice=quiet)
    after = snapshot(warehouse)

    for a, b in zip(first, second, strict=True):
        assert (a.read, a.loaded, a.rejected) == (b.read, b.loaded, b.rejected)
        assert (b.inserted, b.updated) == (0, 0)
    for table in TABLES:
        assert after[table.name] == before[table.name], table.name
    assert len(after["rejects"]) == len(before["rejects"]) == 2
    assert {r[0] for r in after["rejects"]} != {r[0] for r in before["rejects"]}  # new load_id
    assert len(after["load_log"]) == 2 * len(before["load_log"])


def test_later_extract_upserts_by_key(tmp_path, loaded):
    later = tmp_path / "later"
    later.mkdir()
    (later / "journeys.csv").write_text(
        HEADERS["journeys"] + "\n"
        "j1,a1,2025-03-01 14:05:00,inbound_form,low,,emea,core\n"  # intent changed
        "j2,a2,2025-03-02 10:00:00,chat,medium,enterprise,emea,core\n"  # unchanged
        "j4,a2,2025-04-01 09:00:00,referral,high,,emea,core\n"  # new
    )
    before = {
        r[0]: r
        for r in query(loaded, "SELECT journey_id, intent_level, _load_id FROM raw.journeys")
    }
    results = by_table(load_extracts(later, loaded, notice=quiet))

    journeys = results["journeys"]
    assert (journeys.read, journeys.loaded, journeys.inserted, journeys.updated) == (3, 3, 1, 1)
    assert results["users"].file is None and results["users"].read == 0
    after = {
        r[0]: r
        for r in query(loaded, "SELECT journey_id, intent_level, _load_id FROM raw.journeys")
    }
    assert set(after) == {"j1", "j2", "j3", "j4"}
    assert after["j1"][1] == "low" and after["j1"][2] != before["j1"][2]
    assert after["j2"] == before["j2"] and after["j3"] == before["j3"]
    assert query(loaded, "SELECT count(*) FROM raw.activities") == [(CLEAN_ROWS["activities"],)]


def test_replace_empties_raw_first(tmp_path, loaded):
    small = write_extract(
        tmp_path / "small",
        journeys=HEADERS["journeys"]
        + "\nj1,a1,2025-03-01,chat,high,,,\nj5,a1,2025-03-01,x,high,,,\n",
        signals=HEADERS["signals"] + "\n",
        stage_events=HEADERS["stage_events"] + "\n",
        assignments=HEADERS["assignments"] + "\n",
        activities=HEADERS["activities"] + "\n",
        contracts=HEADERS["contracts"] + "\n",
    )
    results = by_table(load_extracts(small, loaded, replace=True, notice=quiet))
    assert (results["journeys"].inserted, results["journeys"].updated) == (1, 0)
    assert query(loaded, "SELECT journey_id FROM raw.journeys") == [("j1",)]
    assert query(loaded, "SELECT count(*) FROM raw.signals") == [(0,)]
    assert query(loaded, "SELECT table_name, reason FROM raw.rejects") == [("journeys", "bad_enum")]
    assert query(loaded, "SELECT count(DISTINCT load_id) FROM raw.load_log") == [(2,)]


def test_replace_needs_every_file(tmp_path, loaded):
    subset = tmp_path / "subset"
    subset.mkdir()
    (subset / "journeys.csv").write_text(CLEAN["journeys"])
    with pytest.raises(LoadError, match=r"^users\.csv: file not found in "):
        load_extracts(subset, loaded, replace=True, notice=quiet)


def test_progress_bar_runs(tmp_path, warehouse, capsys):
    load_extracts(write_extract(tmp_path / "in"), warehouse, notice=quiet, show_progress=True)
    assert "signals" in capsys.readouterr().err


# ----------------------------------------------------------------------------- generated data


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_generated_dirty_extract_matches_its_manifest(tmp_path, warehouse, fmt):
    generate = pytest.importorskip("journey_sla.generate").generate
    folder = tmp_path / "generated"
    generate(folder, journeys=1000, seed=7, dirty=0.05, fmt=fmt)
    manifest = json.loads((folder / "manifest.json").read_text())

    results = load_extracts(folder, warehouse, notice=quiet)
    counts: dict[str, dict[str, int]] = {}
    for table, reason, n in query(
        warehouse, "SELECT table_name, reason, count(*) FROM raw.rejects GROUP BY ALL"
    ):
        counts.setdefault(table, {})[reason] = n
    for result in results:
        assert result.read == result.loaded + result.rejected, result
        assert result.read == manifest["rows"][result.table]
        expected = {r: n for r, n in manifest["dirty_rows"][result.table].items() if n}
        assert counts.get(result.table, {}) == expected, result.table
        assert result.rejected == sum(expected.values())


@pytest.mark.slow
def test_large_file_keeps_every_row_and_numbers_rejects_in_file_order(tmp_path, warehouse):
    """Big enough for DuckDB to read in parallel chunks: no row may be lost or reordered
    (row numbers come from file order). Row i holds journey j<i>; every 11th row is short
    (malformed), every 7th other one has a bad source."""
    folder = write_extract(tmp_path / "in", journeys=None)
    n = 500_000  # ~24 MB: both DuckDB problems the loader works around show up at this size
    with duckdb.connect() as connection:
        connection.execute(
            f"COPY (SELECT CASE WHEN i % 11 = 5 THEN 'j' || i || ',a1,2025-03-01' "
            f"ELSE 'j' || i || ',a1,2025-03-01 10:00:00,' || "
            f"CASE WHEN i % 7 = 3 THEN 'Bogus' ELSE 'chat' END || ',high,,emea,core' END "
            f"FROM range(1, {n} + 1) AS r(i)) TO '{tmp_path / 'body.csv'}' "
            f"(HEADER false, QUOTE '', DELIMITER '|')"
        )
    body = (tmp_path / "body.csv").read_bytes()
    (folder / "journeys.csv").write_bytes(HEADERS["journeys"].encode() + b"\n" + body)

    result = by_table(load_extracts(folder, warehouse, notice=quiet))["journeys"]
    malformed = len([i for i in range(1, n + 1) if i % 11 == 5])
    bad_source = len([i for i in range(1, n + 1) if i % 11 != 5 and i % 7 == 3])
    assert (result.read, result.rejected) == (n, malformed + bad_source)
    assert query(
        warehouse,
        "SELECT reason, count(*), count(*) FILTER (WHERE json_extract_string(raw_values, "
        "'$.journey_id') = 'j' || row_number OR json_extract_string(raw_values, '$._raw_line') "
        "LIKE 'j' || row_number || ',%') FROM raw.rejects GROUP BY ALL ORDER BY 1",
    ) == [("bad_enum", bad_source, bad_source), ("malformed_row", malformed, malformed)]
