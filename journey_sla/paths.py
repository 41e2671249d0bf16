"""Where journey-sla keeps its files.

Storage layout (see README "Storage layout"):

- ``<dir>/<name>.duckdb``      the served warehouse: dbt's models, read by the app.
- ``<dir>/<name>.raw.duckdb``  the loader's raw schema (``raw.*``, ``raw.rejects``,
                               ``raw.load_log``); dbt attaches it read-only as ``raw_db``.
- ``<dir>/.build-<pid>-<random>/<name>.duckdb``  a build in progress; renamed over the served
                               file when ``dbt build`` passes. The file keeps the served
                               file's name so its DuckDB catalog name (the file stem)
                               matches the one baked into views.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

DEFAULT_WAREHOUSE = Path("data") / "warehouse.duckdb"
APP_PACKAGE = "journey_sla_app"  # the repo's app/ folder, installed (pyproject.toml)
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def warehouse_path(db: str | os.PathLike[str] | None = None) -> Path:
    """The served warehouse: --db, else $JOURNEY_SLA_DB, else data/warehouse.duckdb."""
    if db:
        return Path(db)
    env = os.environ.get("JOURNEY_SLA_DB")
    return Path(env) if env else DEFAULT_WAREHOUSE


def raw_path_for(warehouse: str | os.PathLike[str]) -> Path:
    """The raw file that sits beside a warehouse file: warehouse.duckdb -> warehouse.raw.duckdb."""
    warehouse = Path(warehouse)
    return warehouse.with_name(f"{warehouse.stem}.raw{warehouse.suffix or '.duckdb'}")


def app_script() -> Path:
    """The Streamlit entrypoint as installed with the package, wherever the command runs.

    Found through the package (the repo's app/ under an editable install, site-packages
    from a wheel), never through the working directory or the repository's path.
    """
    script = resources.files(APP_PACKAGE) / "streamlit_app.py"
    if not isinstance(script, Path) or not script.is_file():
        raise FileNotFoundError(f"the app is not installed as files: {script}")
    return script
