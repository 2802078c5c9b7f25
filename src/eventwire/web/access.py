"""Who may hold the database file inside the server process, and when.

DuckDB lets one process hold a file in one mode at a time: while a request reads it
read-only, the ingest of ``POST /api/ingest`` cannot open it for writing, and the other
way round. Both would wait for each other (``Store`` retries for ``wait`` seconds), but
a steady stream of reads could keep a writer out until it gives up, its coding lost.
The ``Gate`` orders them: reads share the file, the writer holds it alone while it
stores a batch (between batches, while it codes, reads go on), and a writer that is
waiting goes before reads that come after it. Other processes are kept apart by
DuckDB's own file lock, as for the CLI.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from eventwire.store import Store
from eventwire.store.core import StoreBusy


class Gate:
    """A readers-writer lock that prefers the writer; the writer may enter again."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer: int | None = None  # the thread that holds the file for writing
        self._depth = 0  # its nested entries
        self._waiting = 0  # writers waiting for the readers to leave

    @contextmanager
    def reading(self, timeout: float) -> Iterator[None]:
        with self._cond:
            if not self._cond.wait_for(lambda: self._writer is None and not self._waiting, timeout):
                raise StoreBusy(f"the database was being written for {timeout:g} s")
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self, timeout: float) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if self._writer == me:
                self._depth += 1
            else:
                self._waiting += 1
                try:
                    free = self._cond.wait_for(
                        lambda: self._writer is None and not self._readers, timeout
                    )
                finally:
                    self._waiting -= 1
                if not free:
                    self._cond.notify_all()  # readers held back by this writer go on
                    raise StoreBusy(f"the database was being read for {timeout:g} s")
                self._writer, self._depth = me, 1
        try:
            yield
        finally:
            with self._cond:
                self._depth -= 1
                if not self._depth:
                    self._writer = None
                    self._cond.notify_all()


class WritingStore(Store):
    """A read-write ``Store`` that holds the file only while the gate lets it."""

    def __init__(self, path: str | os.PathLike[str], gate: Gate, wait: float) -> None:
        self._gate = gate
        super().__init__(path, wait=wait)

    @contextmanager
    def session(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._gate.writing(self.wait), super().session() as con:
            yield con
