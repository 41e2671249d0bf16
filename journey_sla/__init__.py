"""journey-sla: journey-stage SLA analytics for revenue operations on DuckDB + dbt."""

__version__ = "0.1.0"
