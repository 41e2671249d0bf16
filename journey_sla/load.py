"""Validated loader: a folder of raw CRM extracts -> schema ``raw`` of the raw DuckDB file.

The loader writes ``paths.raw_path_for(warehouse)`` (``warehouse.raw.duckdb``), never the
served warehouse; dbt attaches the raw file read-only as ``raw_db``.

Tables in the raw file
----------------------
- ``raw.<table>`` for every contract table, created even when empty: the contract columns,
  typed (id/text/enum -> VARCHAR, timestamp -> TIMESTAMP in UTC, date -> DATE, number ->
  DOUBLE, boolean -> BOOLEAN), then ``_source_file`` (absolute path), ``_load_id`` and
  ``_loaded_at`` (UTC) of the load that last inserted or changed the row. There are no
  PRIMARY KEY constraints (index upkeep would dominate the load); the checks keep keys unique.
- ``raw.rejects``: one row per rejected data row. ``row_number`` is 1-based in file order,
  header not counted. ``raw_values`` is the row's original (untrimmed) values as a JSON
  object keyed by the file's header names; a malformed CSV line cannot be split into
  columns, so it is stored as ``{"_raw_line": <the line>, "_error": <DuckDB's error type>}``
  (plus ``"_hint"`` naming the ``--encoding`` that would read it) and ``raw_bytes`` holds the
  line's exact bytes (without its line terminator), whatever their encoding or length.
- ``raw.load_log``: one row per file loaded, append-only history; ``loaded_at`` is the load's
  wall-clock time, which bounds event times (implausible_timestamp) and the default as_of.

Beside the raw file, ``<raw>.state.json`` records whether the last load is running, ok or
failed (journey_sla/build.py refuses the last two but ok); a first load writes
``<raw>.loading-<pid>`` and renames it into place. A CSV file whose records do not add up to
its lines (a quote that spans lines) is rescanned by journey_sla/resync.py, which rejects each
line that does not start a well-formed record on its own.

How a load runs
---------------
1. Pre-flight, before anything is opened for writing: find one file per table, read every
   file's header (parquet: its schema), check that every contract column is present and
   that every table has a file when one must (on a first load into an empty raw file, and
   with ``replace=True``; later loads may bring any subset). Problems raise
   :class:`LoadError` and leave the raw file byte-for-byte as it was.
2. One transaction over the raw file; tables in contract order, so parents come first.
   Per table: read the file into a temporary table in file order, judging each row on its
   own values in the same pass (missing_required, then bad_* in column order); CSV lines
   DuckDB cannot split land in read_csv's reject tables (see _stage for the second, serial
   pass that makes those complete). Then flag duplicate_key (the
   first row of a key wins; a row rejected for another reason still counts as "seen"), then
   missing_parent (the parent's raw table already holds this load's parents; for
   ``users.manager_id`` it is raw users plus this file's accepted rows), then upsert the
   accepted rows and record the rejects. Any error rolls everything back, and a raw file
   this load created is removed again.

Counting
--------
``read = loaded + rejected`` for every table, malformed lines included.
``loaded = inserted + updated + unchanged``: ``inserted`` counts keys new to raw, ``updated``
counts keys already in raw whose contract values changed. A row identical to the stored one
is left untouched (its ``_load_id`` keeps naming the load that last changed it), so loading
the same folder twice reports ``inserted=0, updated=0`` and changes no data row. The rejects
of an earlier load of the same file path are replaced by this load's.

Row numbers
-----------
The staging read keeps file order, so a row's position among the rows the CSV parser could
split, plus the malformed lines before it, is its data row number; a malformed line's own
number is DuckDB's record number minus the header. DuckDB skips blank lines without reading
them as rows but counts them in its record numbers, so in a file with blank lines the
numbers run ahead by the blank lines before a malformed line (they stay unique).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import json
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from journey_sla import resync
from journey_sla.contract import (
    EXTRACT,
    FALSE_WORDS,
    TRUE_WORDS,
    Column,
    Contract,
    Table,
)
from journey_sla.faults import kill_point
from journey_sla.paths import raw_path_for

__all__ = [
    "REASONS",
    "LoadError",
    "TableResult",
    "last_load_problem",
    "load_extracts",
    "print_to_stderr",
]

# Plausibility bounds (DECISIONLOG.md): an event before the floor or after the load's
# wall-clock time plus EVENT_SLACK, or a planned time / date beyond the horizon, is
# implausible_timestamp.
DEFAULT_TIMESTAMP_FLOOR = date(1990, 1, 1)
EVENT_SLACK = timedelta(days=1)
DEFAULT_PLANNED_HORIZON_YEARS = 20
DEFAULT_MAX_REJECT_RATE = 0.01  # the CLI's default; the Python API checks nothing by default
# DuckDB's CSV reader rejects longer lines; the resynchronising scan uses the same limit.
MAX_LINE_BYTES = 8 << 20

REASONS = (
    "malformed_row",
    "missing_required",
    "bad_timestamp",
    "bad_date",
    "bad_number",
    "bad_boolean",
    "bad_enum",
    "implausible_timestamp",
    "duplicate_key",
    "missing_parent",
    "deleted_in_crm",
)

# Contract kind -> the reason a value of that kind fails with (ids and text cannot be "bad").
_BAD_REASON = {
    "timestamp": "bad_timestamp",
    "date": "bad_date",
    "number": "bad_number",
    "boolean": "bad_boolean",
    "enum": "bad_enum",
}
_SQL_TYPE = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "enum": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
}
_SUFFIXES = (".csv.gz", ".csv", ".parquet")  # longest first: "x.csv.gz" is not "x.csv"

# The contract's shapes. DuckDB's casts alone are looser ("infinity", "epoch", "2025-3-1",
# "1e5", "nan", named time zones); the casts that follow the shape check still catch
# impossible values such as 2025-02-30 or 25:00.
_TS_NAIVE_RE = r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?"
_TS_OFFSET_RE = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-](0\d|1[0-4])(:?[0-5]\d)?)"
_DATE_RE = r"\d{4}-\d{2}-\d{2}"
_EPOCH_MS_RE = r"\d{11,13}"  # HubSpot: milliseconds since 1970 (1973 to 2286)
_NUMBER_RE = r"[+-]?(\d+(\.\d*)?|\.\d+)"

# Parquet column types that already are the contract kind and need no parsing.
_NATIVE_TYPES = {
    "timestamp": {
        "TIMESTAMP",
        "TIMESTAMP_S",
        "TIMESTAMP_MS",
        "TIMESTAMP_NS",
        "DATE",
        "TIMESTAMP WITH TIME ZONE",
    },
    "date": {"DATE"},
    "number": {
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "UHUGEINT",
        "FLOAT",
        "DOUBLE",
    },
    "boolean": {"BOOLEAN"},
}

_BOUNDED = ("timestamp", "date")
_META_COLUMNS = ("_source_file", "_load_id", "_loaded_at")
_REJECTS_DDL = """
CREATE TABLE IF NOT EXISTS raw.rejects (
    load_id VARCHAR,
    table_name VARCHAR,
    file_name VARCHAR,
    row_number BIGINT,
    reason VARCHAR,
    column_name VARCHAR,
    raw_values VARCHAR,
    rejected_at TIMESTAMP,
    raw_bytes BLOB
)"""
_LOAD_LOG_DDL = """
CREATE TABLE IF NOT EXISTS raw.load_log (
    load_id VARCHAR,
    loaded_at TIMESTAMP,
    table_name VARCHAR,
    file_name VARCHAR,
    rows_read BIGINT,
    rows_loaded BIGINT,
    rows_rejected BIGINT,
    rows_inserted BIGINT,
    rows_updated BIGINT
)"""


class LoadError(Exception):
    """A problem with the input as a whole (missing/unreadable file, missing required column,
    two files for one table). str(err) is ONE line naming the file and, where relevant, the column,
    e.g. "journeys.csv: missing required column 'intent_level'"."""


@dataclass
class TableResult:
    """Counts for one table. ``file`` is the path as found in the source folder, or None when
    the folder has no file for the table (counts are then 0). ``read = loaded + rejected``;
    ``inserted``/``updated`` split the loaded rows that were new or changed (see the module
    docstring: unchanged rows count in neither)."""

    table: str
    file: str | None
    read: int
    loaded: int
    rejected: int
    inserted: int
    updated: int


def print_to_stderr(message: str) -> None:
    print(message, file=sys.stderr)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(_lit(word) for word in words)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


# --------------------------------------------------------------------------- pre-flight


@dataclass
class _Source:
    """One input file, its header resolved against the contract."""

    table: Table
    path: Path
    fmt: str  # "csv" or "parquet"
    header: list[str]  # the file's column names, in file order; staged as c0, c1, ...
    types: list[str]  # DuckDB type of each file column (VARCHAR throughout for CSV)
    position: dict[str, int] = field(default_factory=dict)  # contract column -> file column
    encoding: str = "utf-8"
    read_path: Path | None = None  # what DuckDB reads: the file, transcoded or resynchronised

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def stored_path(self) -> str:
        """How raw tables name the file: absolute, so rejects are replaced per file path."""
        return str(self.path.resolve())


def _discover(
    source_dir: Path, notice: Callable[[str], None], contract: Contract = EXTRACT
) -> dict[str, Path]:
    if not source_dir.is_dir():
        raise LoadError(f"{source_dir}: source folder not found")
    by_key = {contract.key(table.name): table.name for table in contract.tables}
    found: dict[str, list[Path]] = {}
    for path in sorted(source_dir.iterdir()):
        lower = path.name.lower()
        suffix = next((s for s in _SUFFIXES if lower.endswith(s)), None)
        if suffix is None:
            continue
        stem = by_key.get(contract.key(lower[: -len(suffix)]))
        if not path.is_file():
            if stem is not None:
                raise LoadError(f"{path.name}: is a folder, not a file")
            continue
        if stem is not None:
            found.setdefault(stem, []).append(path)
        elif contract is EXTRACT:
            notice(f"{path.name}: ignored, not a contract table")
        else:
            notice(f"{path.name}: ignored, not a {contract.name} object journey-sla reads")
    for route_from, marker, route_to in contract.routes:
        for path in found.pop(route_from, []):
            header = (
                _parquet_schema(path)[0]
                if path.name.lower().endswith(".parquet")
                else _csv_header(path)
            )
            routed = contract.key(marker) in {contract.key(name) for name in header}
            found.setdefault(route_to if routed else route_from, []).append(path)
    for table, paths in found.items():
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            raise LoadError(f"{paths[0].name}: more than one file for table '{table}' ({names})")
    return {table: paths[0] for table, paths in found.items()}


def _csv_header(path: Path, encoding: str = "utf-8") -> list[str]:
    # Only the first line is decoded here: a bad byte further down is that row's problem
    # (DuckDB rejects it as a malformed row), not the file's.
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            first = handle.readline()
        codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
        line = first.decode(codec).rstrip("\r\n")
        header = next(csv.reader([line]), [])
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as error:
        raise LoadError(f"{path.name}: cannot read file: {_one_line(error)}") from error
    if not any(name.strip() for name in header):
        raise LoadError(f"{path.name}: file is empty (no header row)")
    return header


def _parquet_schema(path: Path) -> tuple[list[str], list[str]]:
    with duckdb.connect() as connection:
        try:
            rows = connection.execute(
                f"DESCRIBE SELECT * FROM read_parquet({_lit(str(path))})"
            ).fetchall()
        except duckdb.Error as error:
            raise LoadError(f"{path.name}: cannot read file: {_one_line(error)}") from error
    return [row[0] for row in rows], [str(row[1]).upper() for row in rows]


def _inspect(
    table: Table,
    path: Path,
    notice: Callable[[str], None],
    encoding: str = "utf-8",
    contract: Contract = EXTRACT,
) -> _Source:
    if path.name.lower().endswith(".parquet"):
        header, types = _parquet_schema(path)
        source = _Source(table, path, "parquet", header, types)
    else:
        header = _csv_header(path, encoding)
        source = _Source(table, path, "csv", header, ["VARCHAR"] * len(header), encoding=encoding)
    extra: list[str] = []
    columns = {contract.key(column): column for column in table.column_names}
    for column in table.columns:
        for alias in column.aliases:
            columns.setdefault(contract.key(alias), column.name)
    for index, name in enumerate(header):
        key = columns.get(contract.key(name))
        if key is None:
            extra.append(name)
        elif key in source.position and contract is EXTRACT:
            raise LoadError(f"{path.name}: column '{key}' appears more than once in the header")
        elif key in source.position:
            # Fivetran's own seeds repeat columns (_fivetran_active): the first one counts.
            notice(f"{path.name}: column '{name}' appears again in the header; the first counts")
        else:
            source.position[key] = index
    missing = [
        column.name
        for column in table.columns
        if not column.optional and not column.derived_from and column.name not in source.position
    ]
    if len(missing) == 1:
        raise LoadError(f"{path.name}: missing required column '{missing[0]}'")
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        raise LoadError(f"{path.name}: missing required columns {names}")
    if extra:
        names = ", ".join(f"'{name}'" for name in extra)
        what = "the contract" if contract is EXTRACT else "what journey-sla reads"
        notice(f"{path.name}: ignoring column(s) not in {what}: {names}")
    return source


def _raw_has_data(raw: Path, contract: Contract = EXTRACT) -> bool:
    """Whether any table of the contract in the raw file holds a row (read-only look)."""
    if not raw.exists():
        return False
    try:
        with duckdb.connect(str(raw), read_only=True) as connection:
            present = {
                row[0]
                for row in connection.execute(
                    "SELECT table_name FROM information_schema.tables "
                    f"WHERE table_schema = {_lit(contract.schema)}"
                ).fetchall()
            }
            for table in contract.tables:
                if (
                    table.name in present
                    and connection.execute(
                        f"SELECT 1 FROM {_ident(contract.schema)}.{_ident(table.name)} LIMIT 1"
                    ).fetchall()
                ):
                    return True
    except duckdb.Error as error:
        raise LoadError(f"{raw}: cannot open the raw database: {_one_line(error)}") from error
    return False


# --------------------------------------------------------------------------- SQL per column


def _is_native(column: Column, file_type: str) -> bool:
    if column.kind == "number" and file_type.startswith("DECIMAL"):
        return True
    return file_type in _NATIVE_TYPES.get(column.kind, ())


def _value_sql(source: _Source, column: Column) -> str:
    """The column's value as the contract reads it: trimmed text, empty -> NULL (also when
    an optional column is missing from the file). A derived key joins its columns' values."""
    if column.derived_from:
        parts = [
            f"coalesce({_value_sql(source, source.table.column(name))}, '')"
            for name in column.derived_from
        ]
        return f"concat_ws('|', {', '.join(parts)})"
    if column.name not in source.position:
        return "CAST(NULL AS VARCHAR)"
    index = source.position[column.name]
    ref = f"c{index}"
    file_type = source.types[index]
    if _is_native(column, file_type):
        return ref
    if file_type != "VARCHAR":
        ref = f"CAST({ref} AS VARCHAR)"
    return f"nullif(trim({ref}, ' ' || chr(9)), '')"


def _typed_sql(source: _Source, column: Column, epoch_millis: bool = False) -> str:
    """The typed value of ``v_<column>`` (see _value_sql), NULL when it does not parse.
    ``epoch_millis``: a timestamp may also be milliseconds since 1970 (HubSpot)."""
    value = f"v_{column.name}"
    if column.derived_from:
        return value
    if column.name not in source.position:
        return f"CAST(NULL AS {_SQL_TYPE[column.kind]})"
    if _is_native(column, source.types[source.position[column.name]]):
        return f"CAST({value} AS {_SQL_TYPE[column.kind]})"
    kind = column.kind
    if kind in ("id", "text"):
        return value
    if kind == "enum":
        return f"CASE WHEN lower({value}) IN ({_words(column.enum)}) THEN lower({value}) END"
    if kind == "boolean":
        return (
            f"CASE WHEN lower({value}) IN ({_words(TRUE_WORDS)}) THEN true "
            f"WHEN lower({value}) IN ({_words(FALSE_WORDS)}) THEN false END"
        )
    if kind == "number":
        return (
            f"CASE WHEN regexp_full_match({value}, {_lit(_NUMBER_RE)}) "
            f"THEN try_cast({value} AS DOUBLE) END"
        )
    if kind == "date":
        return (
            f"CASE WHEN regexp_full_match({value}, {_lit(_DATE_RE)}) "
            f"THEN try_cast({value} AS DATE) END"
        )
    if kind == "timestamp":
        # Only values with an offset pay for the slower TIMESTAMPTZ cast. The session time
        # zone is UTC, so casting that back to TIMESTAMP gives naive UTC.
        millis = (
            f"WHEN regexp_full_match({value}, {_lit(_EPOCH_MS_RE)}) "
            f"THEN epoch_ms(CAST({value} AS BIGINT)) "
            if epoch_millis
            else ""
        )
        return (
            f"CASE {millis}WHEN regexp_full_match({value}, {_lit(_TS_NAIVE_RE)}) "
            f"THEN try_cast({value} AS TIMESTAMP) "
            f"WHEN regexp_full_match({value}, {_lit(_TS_OFFSET_RE)}) "
            f"THEN CAST(try_cast({value} AS TIMESTAMPTZ) AS TIMESTAMP) END"
        )
    raise ValueError(f"unknown column kind {kind!r}")


def _deleted_columns(table: Table, contract: Contract) -> list[str]:
    return [c.name for c in table.columns if c.name in contract.deleted_columns]


def _checks(table: Table, contract: Contract = EXTRACT) -> list[tuple[str, str]]:
    """(reason, column) of every check, in the order a row is judged; _fail = index + 1.
    A row the CRM marks deleted is left out before anything else is judged."""
    checks = [("deleted_in_crm", name) for name in _deleted_columns(table, contract)]
    checks += [("missing_required", c.name) for c in table.columns if c.required]
    checks += [(_BAD_REASON[c.kind], c.name) for c in table.columns if c.kind in _BAD_REASON]
    checks += [("implausible_timestamp", c.name) for c in table.columns if c.kind in _BOUNDED]
    checks.append(("duplicate_key", table.primary_key))
    checks += [("missing_parent", c.name) for c in table.columns if c.references]
    return checks


def _reader_sql(source: _Source, options: str = "") -> str:
    """SELECT c0, c1, ... (every file column, in file order) from the file."""
    path = _lit(str(source.read_path or source.path))
    if source.fmt == "parquet":
        columns = ", ".join(f"{_ident(name)} AS c{i}" for i, name in enumerate(source.header))
        return f"SELECT {columns} FROM read_parquet({path})"
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(source.header)))
    # No sniffing: the dialect is the contract's and the columns come from our header read.
    return (
        f"SELECT * FROM read_csv({path}, auto_detect = false, header = true, delim = ',', "
        f"quote = '\"', escape = '\"', columns = {{{columns}}}, "
        f"max_line_size = {MAX_LINE_BYTES}, {options})"
    )


# --------------------------------------------------------------------------- the load


@dataclass
class _Load:
    """The open transaction: a connection plus what every row written by this load carries."""

    connection: duckdb.DuckDBPyConnection
    load_id: str
    loaded_at: datetime
    scratch: Path = Path(".")
    notice: Callable[[str], None] = print_to_stderr
    max_reject_rate: float | None = None
    floor: date = DEFAULT_TIMESTAMP_FLOOR
    horizon_years: int = DEFAULT_PLANNED_HORIZON_YEARS
    contract: Contract = EXTRACT

    def target(self, table: Table) -> str:
        return f"{_ident(self.contract.schema)}.{_ident(table.name)}"

    def bounds(self, column: Column) -> tuple[str, str]:
        """SQL literals: the earliest and latest plausible value of a timestamp/date column."""
        if column.planned or column.kind == "date":
            try:
                ceiling = self.loaded_at.replace(year=self.loaded_at.year + self.horizon_years)
            except ValueError:  # 29 February
                ceiling = self.loaded_at.replace(
                    year=self.loaded_at.year + self.horizon_years, day=28
                )
        else:
            ceiling = self.loaded_at + EVENT_SLACK
        if column.kind == "date":
            return f"DATE '{self.floor.isoformat()}'", f"DATE '{ceiling.date().isoformat()}'"
        return (
            f"TIMESTAMP '{self.floor.isoformat()} 00:00:00'",
            f"TIMESTAMP '{ceiling.isoformat(sep=' ')}'",
        )

    def run(self, sql: str) -> list[tuple]:
        return self.connection.execute(sql).fetchall()

    def count(self, sql: str) -> int:
        return int(self.run(sql)[0][0] or 0)

    @property
    def id_sql(self) -> str:
        return _lit(self.load_id)

    @property
    def at_sql(self) -> str:
        return f"TIMESTAMP {_lit(self.loaded_at.isoformat(sep=' '))}"


def _create_raw_tables(load: _Load, replace: bool) -> None:
    """The raw schema, created or brought up to date (raw_bytes came later), and the
    contract's schema (raw for the extract; salesforce, hubspot for a CRM's objects)."""
    load.run("CREATE SCHEMA IF NOT EXISTS raw")
    load.run(f"CREATE SCHEMA IF NOT EXISTS {_ident(load.contract.schema)}")
    for table in load.contract.tables:
        if replace:
            load.run(f"DROP TABLE IF EXISTS {load.target(table)}")
        columns = ", ".join(f"{_ident(c.name)} {_SQL_TYPE[c.kind]}" for c in table.columns)
        load.run(
            f"CREATE TABLE IF NOT EXISTS {load.target(table)} ({columns}, "
            '"_source_file" VARCHAR, "_load_id" VARCHAR, "_loaded_at" TIMESTAMP)'
        )
    if replace:
        load.run("DROP TABLE IF EXISTS raw.rejects")
    load.run(_REJECTS_DDL)
    load.run("ALTER TABLE raw.rejects ADD COLUMN IF NOT EXISTS raw_bytes BLOB")
    load.run(_LOAD_LOG_DDL)


def _stage(load: _Load, source: _Source, code: dict[tuple[str, str], int]) -> None:
    """Read the file into temp table _stage: the file's columns as read (c0, c1, ..., kept
    for raw_values), each contract column typed (t_<column>, NULL when empty or bad) and
    _fail, the first failing row-level check. Malformed CSV lines go to _malformed (with
    their exact bytes), lines the resynchronising scan rejected to _scan_rejects."""
    table = source.table
    cases = [
        f"WHEN t_{name} THEN {code[('deleted_in_crm', name)]}"
        for name in _deleted_columns(table, load.contract)
    ]
    cases += [
        f"WHEN v_{c.name} IS NULL THEN {code[('missing_required', c.name)]}"
        for c in table.columns
        if c.required
    ]
    cases += [
        f"WHEN v_{c.name} IS NOT NULL AND t_{c.name} IS NULL "
        f"THEN {code[(_BAD_REASON[c.kind], c.name)]}"
        for c in table.columns
        if c.kind in _BAD_REASON
    ]
    for c in table.columns:
        if c.kind in _BOUNDED:
            low, high = load.bounds(c)
            cases.append(
                f"WHEN t_{c.name} < {low} OR t_{c.name} > {high} "
                f"THEN {code[('implausible_timestamp', c.name)]}"
            )
    fail = f"CASE {' '.join(cases)} END" if cases else "NULL"
    values = ", ".join(f"{_value_sql(source, c)} AS v_{c.name}" for c in table.columns)
    millis = load.contract.epoch_millis
    typed = ", ".join(f"{_typed_sql(source, c, millis)} AS t_{c.name}" for c in table.columns)
    file_columns = ", ".join(f"c{i}" for i in range(len(source.header)))
    typed_columns = ", ".join(f"t_{c.name}" for c in table.columns)
    load.run(
        "CREATE OR REPLACE TEMP TABLE _scan_rejects (row_number BIGINT, raw_values VARCHAR, "
        "raw_bytes BLOB)"
    )
    load.run("DROP TABLE IF EXISTS _renumber")

    def read(sql: str) -> int:
        try:
            return load.count(sql)
        except duckdb.Error as error:
            raise LoadError(f"{source.name}: cannot read file: {_one_line(error)}") from error

    def create_stage(reader_options: str) -> int:
        reader = _reader_sql(source, reader_options)
        # rowid must be the position in the file, so this statement keeps insertion order
        # and may not contain a join: DuckDB would turn an IN list of 5+ constants into one
        # (in_clause rewrite), and a join may reorder rows. Writes into raw run about twice
        # as fast without insertion order, so both settings apply to this statement only.
        load.run("SET preserve_insertion_order = true")
        load.run("SET disabled_optimizers = 'in_clause'")
        try:
            read(
                f"CREATE OR REPLACE TEMP TABLE _stage AS "
                f"SELECT {file_columns}, {typed_columns}, CAST({fail} AS SMALLINT) AS _fail "
                f"FROM (SELECT *, {typed} FROM (SELECT *, {values} FROM ({reader})))"
            )
        finally:
            with contextlib.suppress(duckdb.Error):
                load.run("SET preserve_insertion_order = false")
                load.run("RESET disabled_optimizers")
        return load.count("SELECT count(*) FROM _stage")

    if source.fmt == "parquet":
        create_stage("")
        load.run(
            "CREATE OR REPLACE TEMP TABLE _malformed (row_number BIGINT, good_before BIGINT, "
            "seen BIGINT, raw_values VARCHAR, raw_bytes BLOB)"
        )
        return

    _transcode(load, source)
    path = source.read_path or source.path
    # Without a quote every record is one line; with one, DuckDB's records must add up to
    # the file's non-blank lines, or some quote spans lines.
    has_quotes = resync.has_quote(path)
    kill_point("load:counted")
    try:
        records = _stage_csv(load, source, create_stage, read)
    except RuntimeError:
        if not has_quotes:
            raise
        records = -1  # DuckDB lost track of the records: the scan below decides
    if has_quotes and records != resync.count_lines(path) - 1:
        # Some record spans lines: a quoted newline, or a stray quote that swallowed the
        # lines after it. Rescan the bytes and let DuckDB read only well-formed records.
        filtered = load.scratch / f"{table.name}.resync.csv"
        scan = resync.scan(path, filtered, len(source.header), MAX_LINE_BYTES)
        source.read_path = filtered
        _stage_csv(load, source, create_stage, read)
        _add_raw_bytes(load, source, resync.records_at(filtered, scan.offsets, _wanted(load)))
        _renumber(load, scan)
        _scan_rejects(load, source, scan)
    else:
        _add_raw_bytes(load, source, resync.lines_at(path, _wanted(load)))


def _stage_csv(
    load: _Load,
    source: _Source,
    create_stage: Callable[[str], int],
    read: Callable[[str], int],
) -> int:
    """Stage a CSV file and build _malformed; returns the records DuckDB read (parsed rows
    plus malformed lines)."""
    table = source.table
    # DuckDB 2.0.1's reject tables are not complete on their own: read in parallel, a file
    # with many bad lines loses whole chunks (rows and rejects); read serially, an
    # unterminated quote at the end of the file is dropped without a reject. So the stage
    # is read in parallel, a serial pass that only counts records its rejects too, the stage
    # is re-read serially if the two row counts differ, and a malformed line is one that
    # either pass rejected.
    names = [f"_rejects_{pass_}_{table.name}" for pass_ in ("parallel", "serial")]

    def rejects(name: str) -> str:
        return (
            f"store_rejects = true, rejects_table = {_lit(name)}, "
            f"rejects_scan = {_lit(name + '_scan')}"
        )

    staged = create_stage(rejects(names[0]))
    # Every column is counted: DuckDB checks the encoding of the columns it materialises only.
    counts = ", ".join(f"count(c{i})" for i in range(len(source.header)))
    serial = _reader_sql(source, rejects(names[1]) + ", parallel = false")
    expected = read(f"SELECT count(*), {counts} FROM ({serial})")
    try:
        if staged != expected:
            staged = create_stage("ignore_errors = true, parallel = false")
            if staged != expected:
                raise RuntimeError(
                    f"{source.name}: DuckDB's CSV reader returned {staged} rows in one pass "
                    f"and {expected} in another; refusing to load an inconsistent read"
                )
        # good_before: how many parsed rows precede the malformed line, to number parsed rows.
        errors = " UNION ALL ".join(
            f"SELECT line, csv_line, error_type::VARCHAR AS error_type FROM {name}"
            for name in names
        )
        load.run(
            "CREATE OR REPLACE TEMP TABLE _malformed AS "
            "SELECT line - 1 AS row_number, "
            "line - 1 - row_number() OVER (ORDER BY line) AS good_before, "
            "row_number() OVER (ORDER BY line) AS seen, "
            "json_object('_raw_line', trim(csv_line, chr(13) || chr(10)), '_error', error_type) "
            "AS raw_values, CAST(NULL AS BLOB) AS raw_bytes "
            "FROM (SELECT line, arg_min(csv_line, error_type) AS csv_line, "
            f"min(error_type) AS error_type FROM ({errors}) GROUP BY line)"
        )
    finally:
        for name in names:
            load.run(f"DROP TABLE IF EXISTS {name}")
            load.run(f"DROP TABLE IF EXISTS {name}_scan")
    return staged + load.count("SELECT count(*) FROM _malformed")


def _transcode(load: _Load, source: _Source) -> None:
    """A file in another encoding is read through a UTF-8 copy (undecodable bytes kept as
    surrogates, so DuckDB still rejects their rows and their bytes can be restored)."""
    if codecs.lookup(source.encoding).name == "utf-8":
        return
    target = load.scratch / f"{source.table.name}.utf8.csv"
    with resync.open_bytes(source.path) as raw, open(target, "wb") as out:
        decoder = codecs.getincrementaldecoder(source.encoding)("surrogateescape")
        while chunk := raw.read(resync.CHUNK):
            out.write(decoder.decode(chunk).encode("utf-8", "surrogatepass"))
        out.write(decoder.decode(b"", final=True).encode("utf-8", "surrogatepass"))
    source.read_path = target


def _wanted(load: _Load) -> set[int]:
    return {int(row[0]) + 1 for row in load.run("SELECT row_number FROM _malformed")}


def _original_bytes(source: _Source, data: bytes) -> bytes:
    if codecs.lookup(source.encoding).name == "utf-8":
        return data
    return data.decode("utf-8", "surrogatepass").encode(source.encoding, "surrogateescape")


def _encoding_hint(source: _Source, data: bytes) -> str | None:
    """Which --encoding would have read a line that is not valid in the file's encoding."""
    for candidate in ("utf-8", "cp1252", "latin-1"):
        if codecs.lookup(candidate).name == codecs.lookup(source.encoding).name:
            continue
        try:
            data.decode(candidate)
        except UnicodeDecodeError:
            continue
        return f"not valid {source.encoding}; --encoding {candidate} would read it"
    return None


def _add_raw_bytes(load: _Load, source: _Source, found: dict[int, bytes]) -> None:
    """Attach each malformed line's exact bytes (and an encoding hint) to _malformed."""
    if not found:
        return
    import pyarrow as pa

    lines = sorted(found)
    originals = [_original_bytes(source, found[line]) for line in lines]
    hints = [_encoding_hint(source, data) for data in originals]
    frame = pa.table(
        {
            "row_number": pa.array([line - 1 for line in lines], pa.int64()),
            "raw_bytes": pa.array(originals, pa.binary()),
            "hint": pa.array(hints, pa.string()),
        }
    )
    load.connection.register("_found_bytes", frame)
    try:
        load.run(
            "UPDATE _malformed AS m SET raw_bytes = f.raw_bytes, raw_values = CASE "
            "WHEN f.hint IS NULL THEN m.raw_values ELSE json_merge_patch(m.raw_values, "
            "json_object('_hint', f.hint)) END FROM _found_bytes AS f "
            "WHERE f.row_number = m.row_number"
        )
    finally:
        load.connection.unregister("_found_bytes")
    hinted = [hint for hint in hints if hint]
    if hinted:
        load.notice(f"{source.name}: {len(hinted)} row(s) {hinted[0]}")


def _renumber(load: _Load, scan: resync.Scan) -> None:
    """Record numbers of the filtered file -> record numbers of the original file."""
    import pyarrow as pa

    frame = pa.table(
        {
            "filtered": pa.array(range(1, len(scan.numbers) + 1), pa.int64()),
            "original": pa.array(scan.numbers, pa.int64()),
        }
    )
    load.connection.register("_renumber_frame", frame)
    try:
        load.run("CREATE OR REPLACE TEMP TABLE _renumber AS SELECT * FROM _renumber_frame")
    finally:
        load.connection.unregister("_renumber_frame")


def _scan_rejects(load: _Load, source: _Source, scan: resync.Scan) -> None:
    if not scan.rejects:
        return
    import pyarrow as pa

    originals = [_original_bytes(source, line) for _, line, _ in scan.rejects]
    values = []
    for (_, line, error), original in zip(scan.rejects, originals, strict=True):
        value = {"_raw_line": line.decode("utf-8", "replace"), "_error": error}
        hint = _encoding_hint(source, original) if error == "INVALID ENCODING" else None
        if hint:
            value["_hint"] = hint
        values.append(json.dumps(value, ensure_ascii=False))
    frame = pa.table(
        {
            "row_number": pa.array([number for number, _, _ in scan.rejects], pa.int64()),
            "raw_values": pa.array(values, pa.string()),
            "raw_bytes": pa.array(originals, pa.binary()),
        }
    )
    load.connection.register("_scan_frame", frame)
    try:
        load.run("INSERT INTO _scan_rejects SELECT * FROM _scan_frame")
    finally:
        load.connection.unregister("_scan_frame")


def _flag_duplicates(load: _Load, table: Table, code: int) -> None:
    """The first row of a key wins, whatever else is wrong with it."""
    key = f"t_{table.primary_key}"
    if table.version_column:
        key = f"{key} || '|' || coalesce(cast(t_{table.version_column} AS VARCHAR), '')"
    load.run(
        f"UPDATE _stage SET _fail = {code} WHERE _fail IS NULL AND rowid IN ("
        f"SELECT s.rowid FROM _stage AS s JOIN ("
        f"SELECT {key} AS key, min(rowid) AS first_row FROM _stage WHERE {key} IS NOT NULL "
        f"GROUP BY ALL HAVING count(*) > 1) AS d ON d.key = s.{key} "
        f"WHERE s.rowid > d.first_row)"
    )


def _flag_orphans(load: _Load, table: Table, code: dict[tuple[str, str], int]) -> None:
    """A reference must name a key of the parent as it stands after this load."""
    for column in table.columns:
        if not column.references:
            continue
        parent = load.contract.tables_by_name[column.references]
        keys = f"SELECT {_ident(parent.primary_key)} AS key FROM {load.target(parent)}"
        if parent.name == table.name:
            keys += f" UNION ALL SELECT t_{table.primary_key} FROM _stage WHERE _fail IS NULL"
        ref = f"s.t_{column.name}"
        load.run(
            f"UPDATE _stage SET _fail = {code[('missing_parent', column.name)]} "
            f"WHERE _fail IS NULL AND rowid IN ("
            f"SELECT s.rowid FROM _stage AS s WHERE s._fail IS NULL AND {ref} IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM ({keys}) AS p WHERE p.key = {ref}))"
        )


def _upsert(load: _Load, source: _Source) -> tuple[int, int]:
    """Write the accepted rows by key; returns (inserted, updated)."""
    table = source.table
    target = load.target(table)
    pk = _ident(table.primary_key)
    names = [_ident(c.name) for c in table.columns]
    typed = ", ".join(f"t_{c.name} AS {_ident(c.name)}" for c in table.columns)
    accepted = f"SELECT {typed} FROM _stage WHERE _fail IS NULL"
    columns = ", ".join([*names, *(_ident(m) for m in _META_COLUMNS)])
    meta = f"{_lit(source.stored_path)}, {load.id_sql}, {load.at_sql}"

    if not load.run(f"SELECT 1 FROM {target} LIMIT 1"):  # first load: no comparison needed
        load.run(
            f"INSERT INTO {target} ({columns}) "
            f"SELECT {typed}, {meta} FROM _stage WHERE _fail IS NULL"
        )
        return load.count("SELECT count(*) FROM _stage WHERE _fail IS NULL"), 0

    changed = " OR ".join(f"n.{name} IS DISTINCT FROM r.{name}" for name in names)
    same = f"r.{pk} = n.{pk}"
    if table.version_column:  # a history-mode table: one row per key and version
        version = _ident(table.version_column)
        same += f" AND r.{version} IS NOT DISTINCT FROM n.{version}"
    load.run(
        f"CREATE OR REPLACE TEMP TABLE _changed AS "
        f"SELECT n.*, r.{pk} IS NULL AS _is_new FROM ({accepted}) AS n "
        f"LEFT JOIN {target} AS r ON {same} WHERE r.{pk} IS NULL OR {changed}"
    )
    if table.version_column:
        load.run(
            f"DELETE FROM {target} AS r WHERE EXISTS (SELECT 1 FROM _changed AS n "
            f"WHERE NOT n._is_new AND {same})"
        )
    else:
        load.run(
            f"DELETE FROM {target} WHERE {pk} IN (SELECT {pk} FROM _changed WHERE NOT _is_new)"
        )
    load.run(f"INSERT INTO {target} ({columns}) SELECT {', '.join(names)}, {meta} FROM _changed")
    inserted, updated = load.run(
        "SELECT count(*) FILTER (WHERE _is_new), count(*) FILTER (WHERE NOT _is_new) FROM _changed"
    )[0]
    load.run("DROP TABLE _changed")
    return int(inserted), int(updated)


def _record_rejects(load: _Load, source: _Source, checks: list[tuple[str, str]]) -> None:
    """Replace the rejects of an earlier load of this file path with this load's."""
    file_name = _lit(source.stored_path)
    head = f"{load.id_sql}, {_lit(load.contract.table_name(source.table))}, {file_name}"
    reasons = "[" + ", ".join(_lit(reason) for reason, _ in checks) + "]"
    columns = "[" + ", ".join(_lit(column) for _, column in checks) + "]"
    raw_values = ", ".join(f"{_lit(name)}, c{i}" for i, name in enumerate(source.header))
    target = (
        "INSERT INTO raw.rejects (load_id, table_name, file_name, row_number, reason, "
        "column_name, raw_values, rejected_at, raw_bytes) "
    )
    renumbered = load.run(
        "SELECT 1 FROM information_schema.tables WHERE table_name = '_renumber' "
        "AND table_type = 'LOCAL TEMPORARY'"
    )
    # After a resynchronising scan, numbers in the filtered file map to the original's.
    number = (
        "(SELECT original FROM _renumber WHERE filtered = n.row_number)"
        if renumbered
        else "n.row_number"
    )
    load.run(f"DELETE FROM raw.rejects WHERE file_name = {file_name}")
    # A parsed row's number: its position among parsed rows plus the malformed lines before
    # it, found with an ASOF join on how many parsed rows precede each malformed line.
    load.run(
        f"{target}SELECT {head}, {number}, reason, column_name, raw_values, {load.at_sql}, "
        f"NULL FROM (SELECT r.position + coalesce(m.seen, 0) AS row_number, "
        f"{reasons}[r._fail] AS reason, {columns}[r._fail] AS column_name, r.raw_values "
        f"FROM (SELECT rowid - (SELECT min(rowid) FROM _stage) + 1 AS position, _fail, "
        f"json_object({raw_values}) AS raw_values FROM _stage WHERE _fail IS NOT NULL) AS r "
        f"ASOF LEFT JOIN (SELECT good_before, max(seen) AS seen FROM _malformed GROUP BY ALL) "
        f"AS m ON r.position > m.good_before) AS n"
    )
    load.run(
        f"{target}SELECT {head}, {number}, 'malformed_row', NULL, raw_values, "
        f"{load.at_sql}, raw_bytes FROM _malformed AS n"
    )
    load.run(
        f"{target}SELECT {head}, row_number, 'malformed_row', NULL, raw_values, "
        f"{load.at_sql}, raw_bytes FROM _scan_rejects"
    )


def _load_table(load: _Load, source: _Source) -> TableResult:
    checks = _checks(source.table, load.contract)
    code = {check: index + 1 for index, check in enumerate(checks)}
    _stage(load, source, code)
    kill_point("load:staged")
    _flag_duplicates(load, source.table, code[("duplicate_key", source.table.primary_key)])
    _flag_orphans(load, source.table, code)
    inserted, updated = _upsert(load, source)
    kill_point("load:upserted")
    _record_rejects(load, source, checks)

    deleted = [code[check] for check in checks if check[0] == "deleted_in_crm"]
    parsed, failed, dropped = load.run(
        "SELECT count(*), count(_fail), "
        f"count(*) FILTER (WHERE _fail IN ({', '.join(map(str, deleted or [0]))})) FROM _stage"
    )[0]
    malformed = load.count("SELECT count(*) FROM _malformed") + load.count(
        "SELECT count(*) FROM _scan_rejects"
    )
    load.run("DROP TABLE _stage")
    load.run("DROP TABLE _malformed")
    load.run("DROP TABLE _scan_rejects")
    load.run("DROP TABLE IF EXISTS _renumber")
    result = TableResult(
        table=load.contract.table_name(source.table),
        file=str(source.path),
        read=parsed + malformed,
        loaded=parsed - failed,
        rejected=failed + malformed,
        inserted=inserted,
        updated=updated,
    )
    # Rows deleted in the CRM are left out, not bad input: they do not count against the limit.
    if load.max_reject_rate is not None and result.rejected - dropped > load.max_reject_rate * max(
        result.read, 1
    ):
        top = load.run(
            f"SELECT reason, count(*) AS n FROM raw.rejects WHERE load_id = {load.id_sql} "
            f"AND file_name = {_lit(source.stored_path)} GROUP BY ALL ORDER BY n DESC, reason"
        )
        reasons = ", ".join(f"{reason} {n:,}" for reason, n in top[:3])
        raise LoadError(
            f"{source.name}: {result.rejected:,} of {result.read:,} rows rejected "
            f"({result.rejected / max(result.read, 1):.1%}: {reasons}), above "
            f"--max-reject-rate {load.max_reject_rate:.1%} for table '{result.table}'; "
            "nothing was loaded (see raw.rejects after a load with a higher limit)"
        )
    load.run(
        f"INSERT INTO raw.load_log VALUES ({load.id_sql}, {load.at_sql}, "
        f"{_lit(result.table)}, {_lit(source.stored_path)}, {result.read}, {result.loaded}, "
        f"{result.rejected}, {result.inserted}, {result.updated})"
    )
    return result


@contextlib.contextmanager
def _progress(show: bool, total: int) -> Iterator[Callable[[str], None]]:
    """A rich progress bar on stderr with one step per table; a no-op when not shown."""
    if not show:
        yield lambda _table: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task("Loading", total=total)

        def step(table: str) -> None:
            progress.update(task, advance=1, description=f"Loaded {table}")

        yield step


def load_state_path(raw: Path) -> Path:
    """The sidecar recording whether the last load into ``raw`` finished (kept outside the
    raw file, so a refused load leaves that byte-identical)."""
    return raw.with_name(raw.name + ".state.json")


def _write_state(raw: Path, status: str, message: str = "") -> None:
    state = {"status": status, "pid": os.getpid(), "message": message}
    state["at"] = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    path = load_state_path(raw)
    partial = path.with_name(path.name + f".{os.getpid()}.partial")
    partial.write_text(json.dumps(state), encoding="utf-8")
    os.replace(partial, path)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def last_load_problem(raw: Path) -> str | None:
    """Why the raw file must not be built from, in one line, or None when it may be."""
    try:
        state = json.loads(load_state_path(raw).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    status = state.get("status")
    if status == "running":
        pid = int(state.get("pid") or 0)
        if pid and pid != os.getpid() and pid_alive(pid):
            return f"a load (process {pid}) is running; wait for it to finish"
        return "the last load did not finish; run load again"
    if status == "failed":
        return f"the last load failed ({state.get('message', '')}); run load again"
    return None


def _remove_stale_partials(raw: Path) -> None:
    """Raw files a killed first load was writing (``<raw>.loading-<pid>``)."""
    for leftover in raw.parent.glob(raw.name + ".loading-*"):
        pid = leftover.name.rsplit("-", 1)[-1].split(".")[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            leftover.unlink(missing_ok=True)


def _contract(crm: str) -> Contract:
    if crm == EXTRACT.name:
        return EXTRACT
    from journey_sla.crm_objects import CONTRACTS_BY_CRM
    from journey_sla.crm_objects_hubspot import HUBSPOT

    contracts = {**CONTRACTS_BY_CRM, HUBSPOT.name: HUBSPOT}
    if crm not in contracts:
        choices = ", ".join([EXTRACT.name, *contracts])
        raise LoadError(f"--crm {crm!r}: not one of {choices}")
    return contracts[crm]


def _file_name(contract: Contract, table: Table) -> str:
    """The file a missing table is asked for by: Lead.csv for Salesforce's lead."""
    if contract is EXTRACT or contract.name == "hubspot":
        return f"{table.name}.csv"
    return "".join(part.capitalize() for part in table.name.split("_")) + ".csv"


def load_extracts(
    source_dir: Path,
    warehouse: Path,
    replace: bool = False,
    notice: Callable[[str], None] = print_to_stderr,
    show_progress: bool = False,
    max_reject_rate: float | None = None,
    encoding: str = "utf-8",
    timestamp_floor: date = DEFAULT_TIMESTAMP_FLOOR,
    planned_horizon_years: int = DEFAULT_PLANNED_HORIZON_YEARS,
    now: datetime | None = None,
    crm: str = "extract",
) -> list[TableResult]:
    """Validate the extract folder ``source_dir`` and load it into the raw file beside
    ``warehouse`` (``paths.raw_path_for(warehouse)``), in one transaction.

    Returns one :class:`TableResult` per contract table, in contract order. ``replace=True``
    empties the raw tables and raw.rejects first (load_log keeps its history) and needs a
    file for every table. Raises :class:`LoadError`, leaving the raw file as it was (and not
    creating one), when the folder as a whole cannot be loaded, or when a table rejects more
    than ``max_reject_rate`` of its rows (None: no limit). ``encoding`` is the CSV files'
    encoding; timestamps before ``timestamp_floor``, events after the load (``now``, default
    the wall clock) plus a day and planned times beyond ``planned_horizon_years`` are
    implausible_timestamp. ``notice`` receives one-line remarks such as ignored columns.
    See the module docstring for the checks and counts. ``crm`` names what the folder holds:
    ``extract`` (contract v1, schema raw) or a CRM's object files (``salesforce``: schema
    salesforce, journey_sla/crm_objects.py, docs/crm_sources.md).
    """
    contract = _contract(crm)
    source_dir = Path(source_dir)
    raw = raw_path_for(warehouse)
    try:
        codecs.lookup(encoding)
    except LookupError as error:
        raise LoadError(f"--encoding {encoding!r}: unknown encoding") from error
    if max_reject_rate is not None and not 0 <= max_reject_rate <= 1:
        raise LoadError(f"--max-reject-rate must be between 0 and 1, not {max_reject_rate}")

    # Pre-flight: every way the input as a whole can fail, before anything is written.
    files = _discover(source_dir, notice, contract)
    if not files:
        what = "contract table" if contract is EXTRACT else f"{contract.name} object"
        raise LoadError(f"{source_dir}: no {what} files found; nothing was loaded")
    sources = {
        name: _inspect(contract.tables_by_name[name], path, notice, encoding, contract)
        for name, path in files.items()
    }
    problem = last_load_problem(raw)
    if problem and "is running" in problem:
        raise LoadError(f"{raw}: {problem}")
    if problem:
        notice(f"{raw.name}: {problem.split(';')[0]}; this load starts over from the raw file")
    _remove_stale_partials(raw)
    if replace or not _raw_has_data(raw, contract):
        for table in contract.tables:
            if table.name in contract.required_tables and table.name not in sources:
                raise LoadError(f"{_file_name(contract, table)}: file not found in {source_dir}")
        for table_name, note in contract.missing_notes:
            if table_name not in sources:
                notice(note)

    existed = raw.exists()
    new_dirs = [p for p in [raw.parent, *raw.parent.parents] if not p.exists()]
    raw.parent.mkdir(parents=True, exist_ok=True)
    # A first load writes a side file renamed into place when complete: a load killed
    # midway never leaves a half-made raw file behind.
    target = raw if existed else raw.with_name(f"{raw.name}.loading-{os.getpid()}")
    loaded_at = (now or datetime.now(UTC)).replace(tzinfo=None)
    load_id = f"{loaded_at:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    results: list[TableResult] = []
    scratch = Path(tempfile.mkdtemp(prefix="journey-sla-load-"))
    _write_state(raw, "running")
    kill_point("load:started")
    try:
        try:
            connection = duckdb.connect(str(target))
        except duckdb.Error as error:
            raise LoadError(f"{raw}: cannot open the raw database: {_one_line(error)}") from error
        with connection:
            load = _Load(
                connection,
                load_id,
                loaded_at,
                contract=contract,
                scratch=scratch,
                notice=notice,
                max_reject_rate=max_reject_rate,
                floor=timestamp_floor,
                horizon_years=planned_horizon_years,
            )
            load.run("SET TimeZone = 'UTC'")
            load.run("BEGIN TRANSACTION")
            try:
                _create_raw_tables(load, replace)
                with _progress(show_progress, len(contract.tables)) as step:
                    for table in contract.tables:
                        source = sources.get(table.name)
                        if source is None:
                            name = contract.table_name(table)
                            results.append(TableResult(name, None, 0, 0, 0, 0, 0))
                        else:
                            results.append(_load_table(load, source))
                        kill_point("load:table")
                        step(table.name)
                kill_point("load:before_commit")
                load.run("COMMIT")
                kill_point("load:committed")
            except BaseException:
                with contextlib.suppress(duckdb.Error):
                    load.run("ROLLBACK")
                raise
            load.run("CHECKPOINT")  # fold the WAL in, so dbt can attach one complete file
            kill_point("load:checkpointed")
        if target != raw:
            os.replace(target, raw)
            kill_point("load:renamed")
        _write_state(raw, "ok")
    except BaseException as error:
        if target != raw:
            for leftover in (target, target.with_name(target.name + ".wal")):
                leftover.unlink(missing_ok=True)
        if raw.exists():
            _write_state(raw, "failed", " ".join(str(error).split())[:300])
        else:
            load_state_path(raw).unlink(missing_ok=True)
            for directory in new_dirs:
                with contextlib.suppress(OSError):
                    directory.rmdir()
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results
