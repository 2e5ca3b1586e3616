"""Dagster wiring: one module per concern, gathered in `pipeline.definitions`."""
