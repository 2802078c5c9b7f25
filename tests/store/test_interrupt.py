"""Ctrl-C while DuckDB runs a query is the user's Ctrl-C, not a crash."""

from __future__ import annotations

import pytest

from eventwire.store import Store


def test_duckdb_query_interrupted_is_a_keyboard_interrupt(tmp_path):
    store = Store(tmp_path / "ew.duckdb")
    with pytest.raises(KeyboardInterrupt), store.session():
        raise RuntimeError("Query interrupted")
    # the store is usable afterwards, and the interrupted transaction left nothing
    with pytest.raises(KeyboardInterrupt), store._transaction("save") as con:
        con.execute("DELETE FROM articles")
        raise RuntimeError("Query interrupted")
    assert store.stats() is not None


def test_other_runtime_errors_go_on(tmp_path):
    store = Store(tmp_path / "ew.duckdb")
    with pytest.raises(RuntimeError, match="something else"), store.session():
        raise RuntimeError("something else")
