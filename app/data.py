"""The app's only data access: read-only DuckDB, bound parameters, cached by file identity.

Why short-lived connections: inside one process ``duckdb.connect(path)`` hands back the
already-open database while any connection to that path is open, so a long-lived cached
connection would keep reading the old file after ``journey-sla build`` renames a new one into
place. Each query therefore opens the file read-only and closes it; results are cached under
the file's identity (inode, mtime, size), so a rebuild shows up on the next rerun.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

DEFAULT_WAREHOUSE = Path("data") / "warehouse.duckdb"


class WarehouseMissing(Exception):
    """No warehouse file (or not built yet): pages show what to run instead."""


def warehouse_path() -> Path:
    return Path(os.environ.get("JOURNEY_SLA_DB", str(DEFAULT_WAREHOUSE)))


def warehouse_identity(path: Path | None = None) -> tuple[int, int, int] | None:
    """(inode, mtime_ns, size) of the served file, or None when it does not exist."""
    path = path or warehouse_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_query(
    path: str, identity: tuple[int, int, int], sql: str, params: tuple
) -> pd.DataFrame:
    # identity is part of the cache key only: a new file means new results.
    del identity
    with duckdb.connect(path, read_only=True) as connection:
        return connection.execute(sql, list(params)).df()


def query(sql: str, params: Sequence = ()) -> pd.DataFrame:
    """Run one of the app's own SQL statements with bound parameters (never user SQL text)."""
    path = warehouse_path()
    identity = warehouse_identity(path)
    if identity is None:
        raise WarehouseMissing(str(path))
    try:
        return _cached_query(str(path), identity, sql, tuple(params))
    except duckdb.CatalogException as error:
        raise WarehouseMissing(f"{path}: {error}".splitlines()[0]) from error


def table_counts() -> pd.DataFrame:
    return query(
        """
        select table_name, rows_in_warehouse, last_file_name, last_rows_read,
               last_rows_loaded, last_rows_rejected, last_loaded_at
        from mart_raw_table_counts
        order by table_order
        """
    )


def rejects_by_reason() -> pd.DataFrame:
    return query(
        """
        select table_name, reject_reason, count(*) as rejected_rows,
               any_value(raw_values) as example_raw_values
        from stg_loader__rejects
        group by table_name, reject_reason
        order by rejected_rows desc, table_name, reject_reason
        """
    )
