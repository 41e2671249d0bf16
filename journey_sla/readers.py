"""Read-only readers of the served warehouse, whatever the engine: DuckDB, PostgreSQL or Spark.

The app and ``journey-sla export`` run only their own SELECT statements, written once in
portable SQL with ``?`` placeholders; a reader runs them on one engine and hands back an Arrow
table (``arrow``) or a DataFrame (``query``). What differs per engine lives here and nowhere
else:

- **duckdb** (the embedded default, what ``make run`` serves): the warehouse file opened with
  ``read_only=True``; ``?`` is DuckDB's own placeholder.
- **postgres**: a psycopg2 connection whose session starts with
  ``default_transaction_read_only=on`` and ``search_path`` set to the served schema
  (``JOURNEY_SLA_PG_SCHEMA``), so every statement runs in a read-only transaction and relation
  names resolve unqualified; ``?`` becomes psycopg2's ``%s`` (and a literal ``%`` becomes
  ``%%``), values are bound by the driver.
- **spark**: the in-process SparkSession of ``journey_sla.engines`` (the profile's ``session``
  target, local mode) with the served schema (``JOURNEY_SLA_SPARK_SCHEMA``) as current
  database; ``?`` is Spark's positional parameter marker (``spark.sql(sql, args=[...])``, Spark
  >= 3.5), values bound by Spark. Spark has no read-only session: the reader is read-only
  because it runs nothing but SELECT (every reader refuses any other statement), and on a
  cluster the app should connect as a user granted SELECT only (docs/engines.md).

Every reader refuses a statement that is not a SELECT (or WITH … SELECT) before it reaches the
engine. DataFrames always come out of DuckDB's Arrow-to-pandas conversion, so pages see the
same dtypes (dates as datetime64, nullable integers as floats) on every engine.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TARGETS = ("duckdb", "postgres", "spark")
TARGET_VARIABLE = "JOURNEY_SLA_TARGET"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LEADING = re.compile(r"^(?:\s+|--[^\n]*\n|/\*.*?\*/|\()*", re.DOTALL)


class ReaderError(RuntimeError):
    """The engine cannot be reached or has no served warehouse; str() is one line."""


class NotReadOnly(ValueError):
    """A statement other than a SELECT was given to a reader."""


def current_target(target: str | None = None) -> str:
    """``target``, else $JOURNEY_SLA_TARGET, else duckdb."""
    chosen = (target or os.environ.get(TARGET_VARIABLE) or "duckdb").strip().lower()
    if chosen not in TARGETS:
        raise ValueError(f"target {chosen!r}: choose one of {', '.join(TARGETS)}")
    return chosen


def in_list(column: str, values: Sequence) -> tuple[str, list]:
    """``column in (?, ?, …)`` with one bound value per item: the portable list filter
    (DuckDB's ``list_contains(?::varchar[], …)`` binds a list, which neither psycopg2's
    ``%s`` nor Spark's markers take). An empty list matches nothing."""
    values = list(values)
    if not values:
        return "false", []
    return f"{column} in ({', '.join('?' for _ in values)})", values


def check_select(sql: str) -> None:
    """Refuse anything but a query: the readers are for reading."""
    head = _LEADING.sub("", sql, count=1).lstrip("(").split(None, 1)
    keyword = head[0].lower() if head else ""
    if keyword not in {"select", "with"}:
        raise NotReadOnly(f"readers run SELECT statements only, not {keyword or 'nothing'!r}")


def to_pyformat(sql: str) -> str:
    """``?`` placeholders as psycopg2's ``%s``; a literal ``%`` (e.g. in a LIKE pattern)
    doubled. A ``?`` inside a quoted string or identifier is left alone."""
    out = []
    quote = None
    for char in sql:
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "?":
            out.append("%s")
            continue
        out.append("%%" if char == "%" else char)
    return "".join(out)


def _naive_utc(table: pa.Table) -> pa.Table:
    """Time-zone-aware timestamps (Spark's, PostgreSQL's timestamptz) as naive UTC, the type
    the DuckDB warehouse serves."""
    for index, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            column = pc.cast(table.column(index), pa.timestamp(field.type.unit, tz="UTC"))
            naive = pc.cast(column, pa.timestamp(field.type.unit))
            table = table.set_column(index, field.name, naive)
    return table


def frame_of(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as DuckDB's ``.df()`` would give it."""
    with duckdb.connect() as connection:
        return connection.from_arrow(table).df()


class Reader:
    """One read-only connection to the served warehouse."""

    target = "duckdb"

    def __init__(self, location: str) -> None:
        self.location = location

    def arrow(self, sql: str, params: Sequence = ()) -> pa.Table:
        check_select(sql)
        return _naive_utc(self._arrow(sql, list(params)))

    def query(self, sql: str, params: Sequence = ()) -> pd.DataFrame:
        return frame_of(self.arrow(sql, params))

    def tables(self) -> set[str]:
        raise NotImplementedError

    def identity(self) -> tuple:
        """What changes when a build lands (the app's cache key): the served build's
        ``dim_build`` row (as_of, loads, last load)."""
        row = self.arrow("select * from dim_build").to_pylist()
        return tuple(sorted((key, str(value)) for key, value in row[0].items())) if row else ()

    def close(self) -> None:
        pass

    def _arrow(self, sql: str, params: list) -> pa.Table:
        raise NotImplementedError

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DuckDBReader(Reader):
    target = "duckdb"

    def __init__(self, location: str) -> None:
        super().__init__(location)
        if not Path(location).exists():
            raise ReaderError(f"{location}: no warehouse; run `journey-sla build` first")
        self.connection = duckdb.connect(location, read_only=True)

    def query(self, sql: str, params: Sequence = ()) -> pd.DataFrame:
        check_select(sql)
        return self.connection.execute(sql, list(params)).df()

    def _arrow(self, sql: str, params: list) -> pa.Table:
        return self.connection.sql(sql, params=params).to_arrow_table()

    def tables(self) -> set[str]:
        rows = self.connection.execute("select table_name from information_schema.tables")
        return {name for (name,) in rows.fetchall()}

    def close(self) -> None:
        self.connection.close()


# PostgreSQL type OIDs (pg_type) -> Arrow types; numeric (sum() of bigint) is handled apart.
_PG_ARROW = {
    16: pa.bool_(),
    20: pa.int64(),
    21: pa.int16(),
    23: pa.int32(),
    700: pa.float32(),
    701: pa.float64(),
    25: pa.string(),
    1042: pa.string(),
    1043: pa.string(),
    1082: pa.date32(),
    1114: pa.timestamp("us"),
    1184: pa.timestamp("us", tz="UTC"),
}
_PG_NUMERIC = 1700


def _numeric_array(values: list) -> pa.Array:
    """PostgreSQL numeric (what sum() of integers returns) as float64: DuckDB's sum of
    integers is a HUGEINT, which pandas receives as float64 too."""
    return pa.array([None if v is None else float(v) for v in values], pa.float64())


class PostgresReader(Reader):
    target = "postgres"

    def __init__(self, location: str) -> None:
        import psycopg2

        from journey_sla.engines import postgres_settings

        super().__init__(location)
        if not _IDENTIFIER.fullmatch(location):
            raise ReaderError(f"postgres schema {location!r}: letters, digits and _ only")
        options = f"-c default_transaction_read_only=on -c search_path={location}"
        try:
            self.connection = psycopg2.connect(**postgres_settings(), options=options)
        except psycopg2.Error as error:
            raise ReaderError(f"postgres: cannot connect: {' '.join(str(error).split())}") from None
        self.connection.autocommit = True  # each SELECT its own read-only transaction

    def _arrow(self, sql: str, params: list) -> pa.Table:
        import psycopg2

        try:
            with self.connection.cursor() as cursor:
                cursor.execute(to_pyformat(sql), params)
                rows = cursor.fetchall()
                description = cursor.description
        except psycopg2.errors.UndefinedTable as error:
            raise ReaderError(f"postgres schema {self.location}: {_first_line(error)}") from None
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in description]
        arrays = []
        for column, values in zip(description, columns, strict=True):
            values = list(values)
            if column.type_code == _PG_NUMERIC:
                arrays.append(_numeric_array(values))
            elif column.type_code in _PG_ARROW:
                arrays.append(pa.array(values, _PG_ARROW[column.type_code]))
            else:
                arrays.append(pa.array(values))
        return pa.Table.from_arrays(arrays, names=[column.name for column in description])

    def identity(self) -> tuple:
        """dim_build's row and the served schema's oid: every passing build renames a new
        schema over the served one, so the oid changes even when the data do not."""
        with self.connection.cursor() as cursor:
            cursor.execute("select oid from pg_namespace where nspname = %s", [self.location])
            found = cursor.fetchone()
        return (("schema_oid", str(found[0] if found else None)), *super().identity())

    def tables(self) -> set[str]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "select table_name from information_schema.tables where table_schema = %s",
                [self.location],
            )
            return {name for (name,) in cursor.fetchall()}

    def close(self) -> None:
        self.connection.close()


class SparkReader(Reader):
    target = "spark"

    def __init__(self, location: str) -> None:
        from journey_sla.engines import spark_session

        super().__init__(location)
        if not _IDENTIFIER.fullmatch(location):
            raise ReaderError(f"spark schema {location!r}: letters, digits and _ only")
        self.session = spark_session()
        if not self.session.catalog.databaseExists(location):
            raise ReaderError(
                f"spark: no schema {location}; run `journey-sla build --target spark`"
            )

    def _arrow(self, sql: str, params: list) -> pa.Table:
        from pyspark.errors import AnalysisException

        # The schema is named per statement (not setCurrentDatabase): the session is shared
        # with whatever else runs in the process.
        try:
            self.session.sql(f"use `{self.location}`")
            return self.session.sql(sql, args=params or None).toArrow()
        except AnalysisException as error:
            raise ReaderError(f"spark schema {self.location}: {_first_line(error)}") from None

    def tables(self) -> set[str]:
        return {table.name for table in self.session.catalog.listTables(self.location)}


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def location(target: str, path: str | os.PathLike[str] | None = None) -> str:
    """Where ``target`` serves the warehouse: the DuckDB file, or the engine's served schema
    (JOURNEY_SLA_PG_SCHEMA / JOURNEY_SLA_SPARK_SCHEMA, default journey_sla, as the build)."""
    if target == "duckdb":
        from journey_sla.paths import warehouse_path

        return str(warehouse_path(path))
    from journey_sla.engines import served_schema

    return served_schema(target)


def describe(target: str, where: str) -> str:
    """For messages: ``data/warehouse.duckdb`` or ``postgres schema journey_sla``."""
    return where if target == "duckdb" else f"{target} schema {where}"


_READERS = {"duckdb": DuckDBReader, "postgres": PostgresReader, "spark": SparkReader}


def connect(target: str | None = None, where: str | None = None) -> Reader:
    """A read-only reader of ``target`` (default $JOURNEY_SLA_TARGET, else duckdb) at ``where``
    (default: the served file or schema)."""
    target = current_target(target)
    return _READERS[target](where or location(target))
