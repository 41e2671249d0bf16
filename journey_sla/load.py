"""Validated loader: a folder of raw CRM extracts -> schema ``raw`` of the raw DuckDB file.

The loader writes ``paths.raw_path_for(warehouse)`` (``warehouse.raw.duckdb``), never the
served warehouse; dbt attaches the raw file read-only as ``raw_db``.

Tables in the raw file
----------------------
- ``raw.<table>`` for every contract table: the contract columns, typed (id/text/enum ->
  VARCHAR, timestamp -> TIMESTAMP in UTC, date -> DATE, number -> DOUBLE, boolean -> BOOLEAN),
  then ``_source_file`` (absolute path), ``_load_id`` and ``_loaded_at`` (UTC) of the load
  that last inserted or changed the row. No PRIMARY KEY constraints: the checks below keep
  the key unique and the loader upserts by key.
- ``raw.rejects``: one row per rejected data row (``row_number`` is 1-based in file order,
  header not counted; ``raw_values`` is the row's original values as a JSON object keyed by
  the file's header names; a malformed CSV line is stored as ``{"_raw_line": ..., "_error": ...}``
  because it cannot be split into columns).
- ``raw.load_log``: one row per file loaded, append-only history.

How a load runs
---------------
1. Pre-flight, before anything is written: find one file per table, read every file's
   header (parquet: its schema), check the contract columns are present and which tables
   must be present (all of them on a first load into an empty raw file or with
   ``replace=True``; any subset later). Any problem raises :class:`LoadError`.
2. One transaction over the raw file. Per table, in contract order (parents first):
   read the file once into a temporary table (CSV lines DuckDB cannot split land in
   read_csv's reject tables), flag every row with its first failing check in one
   set-based pass (missing_required, then bad_* in column order), then duplicate_key
   (first row of a key wins; rows rejected for another reason still count as "seen"),
   then missing_parent (against the parent's raw table after this load; for
   ``users.manager_id`` against raw users plus this file's accepted rows), then upsert the
   accepted rows and record the rejects. Any error rolls everything back; a raw file
   that this load created is deleted again.

Counting
--------
``read = loaded + rejected`` for every table. ``loaded = inserted + updated + unchanged``:
``inserted`` counts keys new to raw, ``updated`` counts keys already in raw whose contract
values changed. A row identical to the stored one is left untouched (its ``_load_id`` keeps
naming the load that last changed it), so loading the same folder twice reports
``inserted=0, updated=0`` and changes no data row. The rejects of an earlier load of the
same file path are replaced by this load's.

Row numbers: the reader preserves file order, so a row's ordinal among the rows the CSV
parser could split, plus the number of malformed lines before it, is its data row
number; a malformed line's number comes from DuckDB's reject table (its record number minus
the header). DuckDB skips completely blank lines without counting them as rows, but its
record numbers for malformed lines do count them; so in a file with blank lines the row
numbers of malformed lines are off by the blank lines before them.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from journey_sla.contract import FALSE_WORDS, TABLES, TRUE_WORDS, Column, Table
from journey_sla.paths import raw_path_for

__all__ = ["REASONS", "LoadError", "TableResult", "load_extracts", "print_to_stderr"]

REASONS = (
    "malformed_row",
    "missing_required",
    "bad_timestamp",
    "bad_date",
    "bad_number",
    "bad_boolean",
    "bad_enum",
    "duplicate_key",
    "missing_parent",
)

# Contract kind -> the reason a value of that kind fails with (id and text cannot be "bad").
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

# Strict shapes; the casts that follow catch impossible values (2025-02-30, 25:00).
# DuckDB's casts alone also accept "infinity", "epoch", "2025-3-1" and named time zones.
_TS_NAIVE_RE = r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?"
_TS_OFFSET_RE = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)"
_DATE_RE = r"\d{4}-\d{2}-\d{2}"
_NUMBER_RE = r"[+-]?(\d+(\.\d*)?|\.\d+)"

# Parquet physical types that already are the contract kind (no text parsing needed).
_NATIVE_TYPES = {
    "timestamp": (
        "TIMESTAMP",
        "TIMESTAMP_S",
        "TIMESTAMP_MS",
        "TIMESTAMP_NS",
        "TIMESTAMP WITH TIME ZONE",
        "DATE",
    ),
    "date": ("DATE",),
    "number": (
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
    ),
    "boolean": ("BOOLEAN",),
}

_META_COLUMNS = '"_source_file" VARCHAR, "_load_id" VARCHAR, "_loaded_at" TIMESTAMP'
_REJECTS_DDL = """
CREATE TABLE IF NOT EXISTS raw.rejects (
    load_id VARCHAR,
    table_name VARCHAR,
    file_name VARCHAR,
    row_number BIGINT,
    reason VARCHAR,
    column_name VARCHAR,
    raw_values VARCHAR,
    rejected_at TIMESTAMP
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
    """Counts for one table; ``file`` is None when the folder had no file for the table."""

    table: str
    file: str | None
    read: int
    loaded: int
    rejected: int
    inserted: int
    updated: int


def print_to_stderr(message: str) -> None:
    print(message, file=sys.stderr)


# --------------------------------------------------------------------------- SQL helpers


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__


# --------------------------------------------------------------------------- pre-flight


@dataclass
class _Source:
    """One input file, its header resolved against the contract."""

    table: Table
    path: Path
    fmt: str  # "csv" or "parquet"
    header: list[str]  # the file's column names, in file order
    types: list[str]  # DuckDB type per file column (always VARCHAR for CSV)
    position: dict[str, int] = field(default_factory=dict)  # contract column -> file column

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def stored_path(self) -> str:
        """How raw tables name the file: absolute, so rejects replace per file path."""
        return str(self.path.resolve())


def _discover(source_dir: Path, notice: Callable[[str], None]) -> dict[str, Path]:
    if not source_dir.is_dir():
        raise LoadError(f"{source_dir}: source folder not found")
    found: dict[str, list[Path]] = {}
    tables = {table.name for table in TABLES}
    for path in sorted(source_dir.iterdir()):
        lower = path.name.lower()
        suffix = next((s for s in _SUFFIXES if lower.endswith(s)), None)
        if suffix is None or not path.is_file():
            continue
        stem = lower[: -len(suffix)]
        if stem in tables:
            found.setdefault(stem, []).append(path)
        else:
            notice(f"{path.name}: ignored, not a contract table")
    for table, paths in found.items():
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            raise LoadError(f"{paths[0].name}: more than one file for table '{table}' ({names})")
    return {table: paths[0] for table, paths in found.items()}


def _csv_header(path: Path) -> list[str]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as error:
        raise LoadError(f"{path.name}: cannot read file: {_one_line(error)}") from error
    if not header or all(not name.strip() for name in header):
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


def _inspect(table: Table, path: Path, notice: Callable[[str], None]) -> _Source:
    if path.name.lower().endswith(".parquet"):
        header, types = _parquet_schema(path)
        source = _Source(table, path, "parquet", header, types)
    else:
        header = _csv_header(path)
        source = _Source(table, path, "csv", header, ["VARCHAR"] * len(header))
    wanted = set(table.column_names)
    extra: list[str] = []
    for index, name in enumerate(header):
        key = name.strip().lower()
        if key not in wanted:
            extra.append(name)
        elif key in source.position:
            raise LoadError(f"{path.name}: column '{key}' appears more than once in the header")
        else:
            source.position[key] = index
    missing = [name for name in table.required_columns if name not in source.position]
    if len(missing) == 1:
        raise LoadError(f"{path.name}: missing required column '{missing[0]}'")
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        raise LoadError(f"{path.name}: missing required columns {names}")
    if extra:
        names = ", ".join(f"'{name}'" for name in extra)
        notice(f"{path.name}: ignoring column(s) not in the contract: {names}")
    return source


def _raw_has_data(raw: Path) -> bool:
    if not raw.exists():
        return False
    with duckdb.connect(str(raw), read_only=True) as connection:
        present = {
            row[0]
            for row in connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw'"
            ).fetchall()
        }
        for table in TABLES:
            if table.name in present:
                rows = connection.execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM raw.{_ident(table.name)} LIMIT 1)"
                ).fetchall()
                if rows[0][0]:
                    return True
    return False


# --------------------------------------------------------------------------- row checks


def _value_sql(source: _Source, column: Column, alias: str = "") -> str:
    """The column's value as the contract reads it: trimmed text, empty -> NULL."""
    index = source.position[column.name]
    ref = f"{alias}.c{index}" if alias else f"c{index}"
    file_type = source.types[index]
    if file_type in _NATIVE_TYPES.get(column.kind, ()):
        return ref
    if file_type != "VARCHAR":
        ref = f"CAST({ref} AS VARCHAR)"
    return f"nullif(trim({ref}), '')"


def _typed_sql(source: _Source, column: Column) -> str:
    """An expression over ``v_<column>`` giving the typed value, NULL when it does not parse."""
    value = f"v_{column.name}"
    index = source.position[column.name]
    if source.types[index] in _NATIVE_TYPES.get(column.kind, ()):
        return f"CAST({value} AS {_SQL_TYPE[column.kind]})"
    kind = column.kind
    if kind in ("id", "text"):
        return value
    if kind == "enum":
        words = ", ".join(_lit(word) for word in column.enum)
        return f"CASE WHEN lower({value}) IN ({words}) THEN lower({value}) END"
    if kind == "boolean":
        true_words = ", ".join(_lit(word) for word in TRUE_WORDS)
        false_words = ", ".join(_lit(word) for word in FALSE_WORDS)
        return (
            f"CASE WHEN lower({value}) IN ({true_words}) THEN true "
            f"WHEN lower({value}) IN ({false_words}) THEN false END"
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
        # Only values with an offset pay for the (slower) TIMESTAMPTZ cast; the session
        # time zone is UTC, so casting back to TIMESTAMP yields naive UTC.
        return (
            f"CASE WHEN regexp_full_match({value}, {_lit(_TS_NAIVE_RE)}) "
            f"THEN try_cast({value} AS TIMESTAMP) "
            f"WHEN regexp_full_match({value}, {_lit(_TS_OFFSET_RE)}) "
            f"THEN CAST(try_cast({value} AS TIMESTAMPTZ) AS TIMESTAMP) END"
        )
    raise ValueError(f"unknown column kind {kind!r}")


def _checks(table: Table) -> list[tuple[str, str]]:
    """(reason, column) per check in the order a row is judged; _fail holds index + 1."""
    checks = [("missing_required", c.name) for c in table.columns if c.required]
    checks += [(_BAD_REASON[c.kind], c.name) for c in table.columns if c.kind in _BAD_REASON]
    checks.append(("duplicate_key", table.primary_key))
    checks += [("missing_parent", c.name) for c in table.columns if c.references]
    return checks


def _values_select(source: _Source, where: str = "") -> str:
    """SELECT over _stage with every contract column's trimmed value as v_<column>."""
    values = ", ".join(
        f"{_value_sql(source, column)} AS v_{column.name}" for column in source.table.columns
    )
    return f"SELECT rowid AS _row, _fail, {values} FROM _stage {where}"


def _reader_sql(source: _Source, rejects: tuple[str, str]) -> str:
    path = _lit(str(source.path))
    if source.fmt == "parquet":
        columns = ", ".join(f"{_ident(name)} AS c{i}" for i, name in enumerate(source.header))
        return f"SELECT {columns} FROM read_parquet({path})"
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(source.header)))
    # No sniffing: the dialect is the contract's, the columns come from our own header read.
    return (
        f"SELECT * FROM read_csv({path}, auto_detect = false, header = true, delim = ',', "
        f"quote = '\"', escape = '\"', columns = {{{columns}}}, store_rejects = true, "
        f"rejects_table = {_lit(rejects[0])}, rejects_scan = {_lit(rejects[1])})"
    )


# --------------------------------------------------------------------------- the load


@dataclass
class _Load:
    connection: duckdb.DuckDBPyConnection
    load_id: str
    loaded_at: datetime

    def run(self, sql: str) -> list[tuple]:
        return self.connection.execute(sql).fetchall()

    def scalar(self, sql: str) -> int:
        return int(self.run(sql)[0][0] or 0)

    def meta_sql(self, source: _Source) -> str:
        return (
            f"{_lit(source.stored_path)}, {_lit(self.load_id)}, "
            f"TIMESTAMP {_lit(self.loaded_at.isoformat(sep=' '))}"
        )


def _create_raw_tables(load: _Load, replace: bool) -> None:
    load.run("CREATE SCHEMA IF NOT EXISTS raw")
    for table in TABLES:
        if replace:
            load.run(f"DROP TABLE IF EXISTS raw.{_ident(table.name)}")
        columns = ", ".join(f"{_ident(c.name)} {_SQL_TYPE[c.kind]}" for c in table.columns)
        load.run(f"CREATE TABLE IF NOT EXISTS raw.{_ident(table.name)} ({columns}, {_META_COLUMNS})")
    if replace:
        load.run("DROP TABLE IF EXISTS raw.rejects")
    load.run(_REJECTS_DDL)
    load.run(_LOAD_LOG_DDL)


def _load_table(load: _Load, source: _Source) -> TableResult:
    table = source.table
    checks = _checks(table)
    code = {check: index + 1 for index, check in enumerate(checks)}
    rejects = (f"_rejects_{table.name}", f"_rejects_scan_{table.name}")

    # 1. Read the file once, in file order, judging each row on its own values.
    cases = [f"WHEN v_{name} IS NULL THEN {code[(reason, name)]}" for reason, name in checks
             if reason == "missing_required"]
    for column in table.columns:
        if column.kind in _BAD_REASON:
            key = (_BAD_REASON[column.kind], column.name)
            cases.append(
                f"WHEN v_{column.name} IS NOT NULL AND ({_typed_sql(source, column)}) IS NULL "
                f"THEN {code[key]}"
            )
    fail = f"CASE {' '.join(cases)} END" if cases else "NULL"
    values = ", ".join(
        f"{_value_sql(source, column)} AS v_{column.name}" for column in table.columns
    )
    file_columns = ", ".join(f"c{i}" for i in range(len(source.header)))
    try:
        load.run(
            f"CREATE OR REPLACE TEMP TABLE _stage AS "
            f"SELECT {file_columns}, CAST({fail} AS SMALLINT) AS _fail "
            f"FROM (SELECT *, {values} FROM ({_reader_sql(source, rejects)}))"
        )
    except duckdb.Error as error:
        raise LoadError(f"{source.name}: cannot read file: {_one_line(error)}") from error

    if source.fmt == "csv":
        load.run(
            f"CREATE OR REPLACE TEMP TABLE _malformed AS "
            f"SELECT line - 1 AS row_number, "
            f"line - 1 - row_number() OVER (ORDER BY line) AS good_before, "
            f"json_object('_raw_line', csv_line, '_error', error_type) AS raw_values "
            f"FROM (SELECT line, arg_min(csv_line, error_type) AS csv_line, min(error_type) AS error_type "
            f"FROM {rejects[0]} GROUP BY line)"
        )
        load.run(f"DROP TABLE IF EXISTS {rejects[0]}")
        load.run(f"DROP TABLE IF EXISTS {rejects[1]}")
    else:
        load.run(
            "CREATE OR REPLACE TEMP TABLE _malformed "
            "(row_number BIGINT, good_before BIGINT, raw_values VARCHAR)"
        )

    # 2. Duplicate keys: the first row of a key wins, whatever else is wrong with it.
    pk = table.primary_key
    pk_value = _value_sql(source, table.column(pk))
    load.run(
        f"UPDATE _stage SET _fail = {code[('duplicate_key', pk)]} WHERE _fail IS NULL AND rowid IN ("
        f"SELECT s.rowid FROM _stage AS s JOIN ("
        f"SELECT {pk_value} AS key, min(rowid) AS first_row FROM _stage "
        f"WHERE {pk_value} IS NOT NULL GROUP BY ALL HAVING count(*) > 1"
        f") AS d ON d.key = {_value_sql(source, table.column(pk), 's')} "
        f"WHERE s.rowid > d.first_row)"
    )

    # 3. References: the parent's raw table already holds this load's parents.
    for column in table.columns:
        if not column.references:
            continue
        parent = next(t for t in TABLES if t.name == column.references)
        parent_keys = f"SELECT {_ident(parent.primary_key)} AS key FROM raw.{_ident(parent.name)}"
        if parent.name == table.name:
            parent_keys += f" UNION ALL SELECT {pk_value} FROM _stage WHERE _fail IS NULL"
        ref = _value_sql(source, column)
        s_ref = _value_sql(source, column, "s")
        load.run(
            f"UPDATE _stage SET _fail = {code[('missing_parent', column.name)]} "
            f"WHERE _fail IS NULL AND {ref} IS NOT NULL AND rowid IN ("
            f"SELECT s.rowid FROM _stage AS s WHERE s._fail IS NULL "
            f"AND {s_ref} IS NOT NULL AND NOT EXISTS ("
            f"SELECT 1 FROM ({parent_keys}) AS p WHERE p.key = {s_ref}))"
        )

    # 4. Upsert the accepted rows by key.
    target = f"raw.{_ident(table.name)}"
    names = [column.name for column in table.columns]
    typed = ", ".join(
        f"{_typed_sql(source, column)} AS {_ident(column.name)}" for column in table.columns
    )
    accepted = f"SELECT {typed} FROM ({_values_select(source, 'WHERE _fail IS NULL')})"
    column_list = ", ".join(_ident(name) for name in names)
    meta_list = '"_source_file", "_load_id", "_loaded_at"'
    target_empty = not load.run(f"SELECT 1 FROM {target} LIMIT 1")
    if target_empty:
        load.run(
            f"INSERT INTO {target} ({column_list}, {meta_list}) "
            f"SELECT *, {load.meta_sql(source)} FROM ({accepted})"
        )
        inserted = load.scalar("SELECT count(*) FROM _stage WHERE _fail IS NULL")
        updated = 0
    else:
        changed = " OR ".join(f"n.{_ident(name)} IS DISTINCT FROM r.{_ident(name)}" for name in names)
        load.run(
            f"CREATE OR REPLACE TEMP TABLE _changed AS "
            f"SELECT n.*, r.{_ident(pk)} IS NULL AS _is_new FROM ({accepted}) AS n "
            f"LEFT JOIN {target} AS r ON r.{_ident(pk)} = n.{_ident(pk)} "
            f"WHERE r.{_ident(pk)} IS NULL OR {changed}"
        )
        load.run(
            f"DELETE FROM {target} WHERE {_ident(pk)} IN "
            f"(SELECT {_ident(pk)} FROM _changed WHERE NOT _is_new)"
        )
        load.run(
            f"INSERT INTO {target} ({column_list}, {meta_list}) "
            f"SELECT {column_list}, {load.meta_sql(source)} FROM _changed"
        )
        inserted, updated = load.run(
            "SELECT count(*) FILTER (WHERE _is_new), count(*) FILTER (WHERE NOT _is_new) FROM _changed"
        )[0]
        load.run("DROP TABLE _changed")

    # 5. Rejects replace those of an earlier load of the same file.
    reasons = "[" + ", ".join(_lit(reason) for reason, _ in checks) + "]"
    columns = "[" + ", ".join(_lit(name) for _, name in checks) + "]"
    raw_values = "json_object(" + ", ".join(
        f"{_lit(name)}, c{i}" for i, name in enumerate(source.header)
    ) + ")"
    load.run(f"DELETE FROM raw.rejects WHERE file_name = {_lit(source.stored_path)}")
    load.run(
        f"INSERT INTO raw.rejects "
        f"SELECT {_lit(load.load_id)}, {_lit(table.name)}, {_lit(source.stored_path)}, "
        f"ordinal + (SELECT count(*) FROM _malformed AS m WHERE m.good_before < ordinal), "
        f"{reasons}[_fail], {columns}[_fail], raw_values, TIMESTAMP {_lit(load.loaded_at.isoformat(sep=' '))} "
        f"FROM (SELECT rowid - (SELECT min(rowid) FROM _stage) + 1 AS ordinal, _fail, "
        f"{raw_values} AS raw_values FROM _stage WHERE _fail IS NOT NULL)"
    )
    load.run(
        f"INSERT INTO raw.rejects SELECT {_lit(load.load_id)}, {_lit(table.name)}, "
        f"{_lit(source.stored_path)}, row_number, 'malformed_row', NULL, raw_values, "
        f"TIMESTAMP {_lit(load.loaded_at.isoformat(sep=' '))} FROM _malformed"
    )

    parsed, failed = load.run("SELECT count(*), count(_fail) FROM _stage")[0]
    malformed = load.scalar("SELECT count(*) FROM _malformed")
    load.run("DROP TABLE _stage")
    load.run("DROP TABLE _malformed")
    result = TableResult(
        table=table.name,
        file=str(source.path),
        read=parsed + malformed,
        loaded=parsed - failed,
        rejected=failed + malformed,
        inserted=int(inserted),
        updated=int(updated),
    )
    load.run(
        f"INSERT INTO raw.load_log VALUES ({_lit(load.load_id)}, "
        f"TIMESTAMP {_lit(load.loaded_at.isoformat(sep=' '))}, {_lit(table.name)}, "
        f"{_lit(source.stored_path)}, {result.read}, {result.loaded}, {result.rejected}, "
        f"{result.inserted}, {result.updated})"
    )
    return result


@contextlib.contextmanager
def _progress(show: bool, total: int) -> Iterator[Callable[[str], None]]:
    if not show:
        yield lambda _description: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as progress:
        task = progress.add_task("loading", total=total)

        def step(description: str) -> None:
            progress.update(task, advance=1, description=description)

        yield step


def load_extracts(
    source_dir: Path,
    warehouse: Path,
    replace: bool = False,
    notice: Callable[[str], None] = print_to_stderr,
    show_progress: bool = False,
) -> list[TableResult]:
    """Validate and load the extract folder ``source_dir`` into the raw file beside ``warehouse``.

    Returns one :class:`TableResult` per contract table, in contract order (``file=None``
    and zero counts for a table the folder has no file for). Raises :class:`LoadError`,
    leaving the raw file as it was, when the folder as a whole cannot be loaded.
    See the module docstring for the checks, the counting and the storage layout.
    """
    source_dir = Path(source_dir)
    raw = raw_path_for(warehouse)

    # Pre-flight: every way the input as a whole can fail, before anything is written.
    files = _discover(source_dir, notice)
    sources = {name: _inspect(_table(name), path, notice) for name, path in files.items()}
    existed = raw.exists()
    if replace or not _raw_has_data(raw):
        for table in TABLES:
            if table.name not in sources:
                raise LoadError(f"{table.name}.csv: file not found in {source_dir}")

    raw.parent.mkdir(parents=True, exist_ok=True)
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    load_id = f"{loaded_at:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    results: list[TableResult] = []
    try:
        connection = duckdb.connect(str(raw))
    except duckdb.Error as error:
        raise LoadError(f"{raw}: cannot open the raw database: {_one_line(error)}") from error
    try:
        with connection:
            load = _Load(connection, load_id, loaded_at)
            load.run("SET TimeZone = 'UTC'")
            load.run("SET preserve_insertion_order = true")  # row order = file order
            load.run("BEGIN TRANSACTION")
            try:
                _create_raw_tables(load, replace)
                with _progress(show_progress, len(TABLES)) as step:
                    for table in TABLES:
                        source = sources.get(table.name)
                        if source is None:
                            results.append(TableResult(table.name, None, 0, 0, 0, 0, 0))
                        else:
                            results.append(_load_table(load, source))
                        step(table.name)
                load.run("COMMIT")
            except BaseException:
                with contextlib.suppress(duckdb.Error):
                    load.run("ROLLBACK")
                raise
            load.run("CHECKPOINT")
    except BaseException:
        if not existed:
            for leftover in (raw, raw.with_name(raw.name + ".wal")):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
        raise
    return results


def _table(name: str) -> Table:
    return next(table for table in TABLES if table.name == name)
