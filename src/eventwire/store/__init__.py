"""Embedded DuckDB storage for articles, events and rejected inputs.

``Store`` owns the database file; ``export`` writes events in the formats the
CLI offers. See ``schema.py`` for the tables and ``queries.py`` for the filters.
"""

from __future__ import annotations

from eventwire.store.core import Store, lock_message
from eventwire.store.export import FORMATS, export, write_events
from eventwire.store.schema import SCHEMA_VERSION

__all__ = ["FORMATS", "SCHEMA_VERSION", "Store", "export", "lock_message", "write_events"]
