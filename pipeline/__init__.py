"""mops: declarative ELT for marketing operations on DuckDB, Dagster and sqlglot."""

__version__ = "0.1.0"
