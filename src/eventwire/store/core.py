"""``Store``: the one object that owns the DuckDB connection.

Every write happens inside a transaction so that a crash (or Ctrl-C) midway
never leaves an article without its events, and every write is an upsert or a
delete-then-insert so that running the same input again changes nothing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb

from eventwire.errors import StoreError
from eventwire.models import Article, Event
from eventwire.store import queries as q
from eventwire.store.rows import article_row, dedupe_events, event_row
from eventwire.store.schema import ensure_schema

#: How many characters of a rejected input we keep: enough to recognise it.
EXCERPT_CHARS = 2000


def lock_message(path: str | os.PathLike[str]) -> str:
    """The message for a database file held by another process (also used by the CLI)."""
    return (
        f"{path} is in use by another eventwire process (for example `eventwire serve`); "
        "stop it or use --db to pick another file"
    )


def _is_lock_error(exc: BaseException) -> bool:
    # DuckDB 2.0 says 'IO Error: Could not set lock on file "...": Conflicting lock is
    # held in ... (PID n)'; the exception class alone also covers "file not found".
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def _now() -> datetime:
    """Naive UTC: DuckDB TIMESTAMP has no zone, and the local zone varies by machine."""
    return datetime.now(UTC).replace(tzinfo=None)


def _connect(path: str | os.PathLike[str], read_only: bool) -> duckdb.DuckDBPyConnection:
    target = os.fspath(path)
    if target != ":memory:" and not read_only:
        try:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {path}: {exc}") from exc
    try:
        return duckdb.connect(target, read_only=read_only)
    except duckdb.Error as exc:
        if _is_lock_error(exc):
            raise StoreError(lock_message(path)) from exc
        if "different configuration" in str(exc):
            # DuckDB shares one instance per file inside a process; modes cannot mix.
            raise StoreError(
                f"{path} is already open in this process in the other mode "
                f"(read-only vs read-write); close that Store first"
            ) from exc
        raise StoreError(f"cannot open database {path}: {exc}") from exc


class Store:
    """An eventwire database: articles, their events, and rejected inputs.

    ``Store(path)`` creates the file and schema when missing. One process may hold
    a file open for writing; a second one gets a StoreError saying so. Methods are
    serialised with a lock because one DuckDB connection must not be used from two
    threads at once (``eventwire serve`` answers requests on several threads).
    """

    def __init__(self, path: str | os.PathLike[str], read_only: bool = False) -> None:
        self.path = os.fspath(path)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._con: duckdb.DuckDBPyConnection | None = _connect(path, read_only)
        try:
            ensure_schema(self._con, self.path, read_only)
        except StoreError:
            self.close()
            raise
        except duckdb.Error as exc:
            self.close()
            raise StoreError(f"cannot set up the database schema in {self.path}: {exc}") from exc

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Release the file (and its lock). Safe to call twice."""
        with self._lock:
            if self._con is not None:
                try:
                    self._con.close()
                finally:
                    self._con = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        state = "closed" if self._con is None else mode
        return f"Store({self.path!r}, {state})"

    def _conn(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise StoreError(f"{self.path} is closed; open a new Store to use it")
        return self._con

    @contextmanager
    def _read(self, what: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """Hold the lock and turn DuckDB errors into StoreError naming the operation."""
        with self._lock:
            con = self._conn()
            try:
                yield con
            except duckdb.Error as exc:
                raise StoreError(f"{what} failed on {self.path}: {exc}") from exc

    @contextmanager
    def _transaction(self, what: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """BEGIN ... COMMIT, or ROLLBACK on any exception (including KeyboardInterrupt)."""
        if self.read_only:
            raise StoreError(
                f"cannot {what}: {self.path} was opened read-only; open it without read_only"
            )
        with self._lock:
            con = self._conn()
            con.begin()
            try:
                yield con
                con.commit()
            except BaseException as exc:
                try:
                    con.rollback()
                except duckdb.Error:
                    pass  # a failed COMMIT may already have ended the transaction
                if isinstance(exc, duckdb.Error):
                    if _is_lock_error(exc):
                        raise StoreError(lock_message(self.path)) from exc
                    raise StoreError(
                        f"cannot {what} in {self.path}; nothing was written: {exc}"
                    ) from exc
                raise

    # --------------------------------------------------------------------- writes

    @staticmethod
    def _prepare(batch: list[Article]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Article and event rows for a batch, computed before the transaction opens.

        Bad data (an event of another document) is refused here, so it can never
        abort a transaction halfway or be deleted with the wrong document later.
        An id repeated within the batch keeps its last version, as if saved in turn.
        """
        latest = {a.id: a for a in batch}
        article_rows, event_rows = [], []
        for article in latest.values():
            events = dedupe_events(article.events)
            for ev in events:
                if ev.doc_id != article.id:
                    raise StoreError(
                        f"event {ev.id} has doc_id {ev.doc_id!r} but was attached to article "
                        f"{article.id!r}; events must belong to the article they are saved with"
                    )
            article_rows.append(article_row(article, len(events)))
            event_rows.extend(event_row(ev) for ev in events)
        return article_rows, event_rows

    def _save_batch(self, batch: list[Article]) -> int:
        """Upsert the articles, delete their old events, append the new ones: one transaction.

        Events are deleted and re-inserted (not upserted) so events that a newer
        coder no longer finds disappear.
        """
        article_rows, event_rows = self._prepare(batch)
        latest = {a.id: a for a in batch}
        signature_rows = [
            (a.id, a.story_id or a.id, a.minhash) for a in latest.values() if a.minhash
        ]
        what = f"save article {batch[0].id}"
        if len(batch) > 1:
            what = f"save articles {batch[0].id} .. {batch[-1].id}"
        with self._transaction(what) as con:
            q.upsert_articles(con, article_rows, _now())
            q.delete_events(con, [row[0] for row in article_rows])
            q.insert_events(con, event_rows)
            if signature_rows:
                q.upsert_signatures(con, signature_rows)
        return len(batch)

    def save(self, article: Article) -> None:
        """Store one article and replace its events, in one transaction.

        n_events is the number of events stored (after dropping repeated event ids).
        """
        self._save_batch([article])

    def save_many(self, articles: Iterable[Article], batch_size: int = 50) -> int:
        """Save articles in transactions of ``batch_size``; return how many were saved.

        One transaction per batch is much faster than one per article; each batch
        is still all-or-nothing. If a batch fails, earlier batches stay saved and
        the StoreError says which batch failed.
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        saved = 0
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= batch_size:
                saved += self._save_batch(batch)
                batch = []
        if batch:
            saved += self._save_batch(batch)
        return saved

    def reject(self, origin: str, reason: str, excerpt: str = "") -> None:
        """Quarantine an input that could not be read, with the reason (upsert)."""
        with self._transaction(f"record rejected input {origin}") as con:
            q.upsert_rejected(con, origin, reason, excerpt[:EXCERPT_CHARS], _now())

    def clear_rejected(self, origin: str) -> bool:
        """Forget a rejection once a later run reads the input; True if one was removed."""
        with self._transaction(f"clear rejected input {origin}") as con:
            gone = con.execute(
                "DELETE FROM rejected WHERE origin = ? RETURNING origin", [origin]
            ).fetchall()
        return bool(gone)

    # ---------------------------------------------------------------------- reads

    def has_article(self, id: str) -> bool:
        with self._read("look up article") as con:
            return con.execute("SELECT 1 FROM articles WHERE id = ?", [id]).fetchone() is not None

    def has_text(self, id: str, content_hash: str) -> bool:
        """True when article ``id`` is stored with exactly this text."""
        with self._read("look up article") as con:
            row = con.execute(
                "SELECT 1 FROM articles WHERE id = ? AND content_hash = ?", [id, content_hash]
            ).fetchone()
            return row is not None

    def signatures(self) -> list[tuple[str, str, bytes]]:
        """(article id, story id, MinHash bytes) of stored stories, for near-duplicates."""
        with self._read("read story signatures") as con:
            return q.select_signatures(con)

    def known_hashes(self) -> dict[str, str]:
        """content_hash -> article id, so the caller can spot exact duplicates."""
        with self._read("read content hashes") as con:
            return q.select_known_hashes(con)

    def events(
        self,
        *,
        country: str | None = None,
        actor: str | None = None,
        event_type: str | list[str] | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        status: str | list[str] | None = "asserted",
        doc_id: str | None = None,
        min_confidence: float | None = None,
        limit: int | None = None,
    ) -> list[Event]:
        """Events matching every given filter, ordered by date, document, position.

        country: ISO3/IGO code (or comma list) on either side; actor: substring of a
        source/target name, text or code; event_type: one or a comma list; since and
        until: inclusive (YYYY-MM and YYYY mean the whole period); status: "asserted"
        by default, None or "all" for every status, or a comma list.
        """
        with self._read("read events") as con:
            return q.select_events(
                con,
                limit=limit,
                country=country,
                actor=actor,
                event_type=event_type,
                since=since,
                until=until,
                status=status,
                doc_id=doc_id,
                min_confidence=min_confidence,
            )

    def articles(self, *, status: str | None = None, limit: int | None = None) -> list[dict]:
        """Article summaries; rejected inputs appear with status "rejected" and id = origin."""
        with self._read("list articles") as con:
            return q.select_articles(con, status, limit)

    def article(self, id: str) -> Article | None:
        """One article with its text and all its events (any status)."""
        with self._read(f"read article {id}") as con:
            article = q.select_article(con, id)
            if article is not None:
                article.events = q.select_events(con, doc_id=id, status=None)
            return article

    def rejected(self) -> list[dict[str, Any]]:
        """Quarantined inputs with reason and excerpt, oldest first."""
        with self._read("list rejected inputs") as con:
            rows = con.execute(
                "SELECT origin, reason, excerpt, seen_at FROM rejected ORDER BY seen_at, origin"
            ).fetchall()
        return [dict(zip(("origin", "reason", "excerpt", "seen_at"), r, strict=True)) for r in rows]

    def stats(self) -> dict[str, Any]:
        """Counts for `eventwire stats`: by status and type, date range, top countries."""
        with self._read("compute stats") as con:
            return q.select_stats(con)

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run any SQL under the store's lock (escape hatch for the CLI, export and tests)."""
        with self._read("query") as con:
            return con.execute(sql, params or []).fetchall()
