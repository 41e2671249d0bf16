"""Writing: one file per table (csv via DuckDB, parquet via Arrow), progress, the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq


def write_table(con: duckdb.DuckDBPyConnection, table: pa.Table, path: Path, fmt: str) -> None:
    """One table as csv (through DuckDB's COPY) or as zstd-compressed parquet."""
    if fmt == "parquet":
        pq.write_table(table, path, compression="zstd")
        return
    con.register("_out", table)
    try:
        target = str(path).replace("'", "''")
        con.execute(f"COPY (SELECT * FROM _out) TO '{target}' (FORMAT csv, HEADER, DELIMITER ',')")
    finally:
        con.unregister("_out")


class _NoProgress:
    """Stands in for rich's Progress when nobody watches (tests, pipes)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def add_task(self, *args, **kwargs):
        return 0

    def update(self, *args, **kwargs):
        pass

    def advance(self, *args, **kwargs):
        pass


def progress_bar(show: bool):
    if not show:
        return _NoProgress()
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description:<34}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )


def write_manifest(out_dir: Path, settings: dict, rows: dict, dirty_rows: dict) -> None:
    """manifest.json: the run's settings, then rows written and dirty rows per table."""
    manifest = {**settings, "rows": rows, "dirty_rows": dirty_rows}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
