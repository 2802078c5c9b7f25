"""Runners: drive the pipeline over many inputs (local processes now, Spark later)."""
