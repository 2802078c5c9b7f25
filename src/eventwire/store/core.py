"""``Store``: the one object that talks to the DuckDB file.

Every write happens inside a transaction so that a crash (or Ctrl-C) midway
never leaves an article without its events, and every write is an upsert or a
delete-then-insert so that running the same input again changes nothing.

DuckDB lets one process at a time hold a file for writing, and a writer locks
out readers in other processes too. So a ``Store`` holds the file only while it
works: each read opens, queries and closes, and a writer holds it for one batch
(``session()``). Another process meeting the lock waits, up to ``wait`` seconds,
instead of failing at once: ``eventwire events`` answers while an ingest runs.

A file that is not a DuckDB database, or is truncated or corrupted, is refused with
``StoreDamaged`` and never written to; a full disk or a read-only file is named as
such (``_explain``), with what was and was not stored.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb

from eventwire.config import DEFAULT_WAIT
from eventwire.errors import StoreError
from eventwire.models import Article, Event
from eventwire.store import grouping
from eventwire.store import queries as q
from eventwire.store.rows import KEY_INDEX, article_row, dedupe_events, event_row
from eventwire.store.schema import EVENT_COLUMNS, ensure_schema

#: How many characters of a rejected input we keep: enough to recognise it.
EXCERPT_CHARS = 2000


class StoreBusy(StoreError):
    """The file is held by another process (or by this one in the other mode)."""


def lock_message(path: str | os.PathLike[str], waited: float = 0.0) -> str:
    """The message for a database file held by another process (also used by the CLI)."""
    after = f" after waiting {waited:g} s" if waited else ""
    return (
        f"{path} is in use by another eventwire process (an `ingest` or `watch` writing "
        f"to it){after}; wait for it to finish, give more time with --wait SECONDS, "
        "or use --db to pick another file"
    )


class StoreDamaged(StoreError):
    """The file is not a DuckDB database, or is truncated or corrupted. It is left as it is:
    eventwire never recreates or rewrites a file it cannot read."""


class StoreFull(StoreError):
    """The device holding the database (or its journal) has no space left."""


#: What closing a written file does: DuckDB moves the journal (WAL) into the file.
CHECKPOINT = "write the journal into the file (a checkpoint, when closing it)"


def damaged_message(path: str | os.PathLike[str], why: str) -> str:
    return (
        f"{path} is damaged or is not an eventwire database: {why}. eventwire left the file "
        "as it is; restore it from a backup, or pass --db to use another file (a missing "
        "one is created)"
    )


def _explain(path: str | os.PathLike[str], exc: BaseException, what: str) -> StoreError | None:
    """A StoreError that says what a DuckDB error means for the user, or None for others.

    DuckDB reports a full disk, a read-only file and a damaged file with the operating
    system's words inside an IO or transaction error; its exception classes do not tell
    these apart.
    """
    text = str(exc)
    low = text.lower()
    if "no space left" in low or "disk quota exceeded" in low:
        kept = (
            f"what was committed is kept in the journal {os.fspath(path)}.wal and goes into "
            "the file the next time it is opened"
            if what == CHECKPOINT
            else "nothing of it was written and what was stored before is kept"
        )
        return StoreFull(
            f"no space left on the device holding {path}: cannot {what}; {kept}. Free some "
            "space and run the same command again: it goes on where it stopped "
            f"(DuckDB: {text})"
        )
    if any(w in low for w in ("read-only file system", "permission denied", "not permitted")):
        return StoreError(
            f"cannot {what}: {path} cannot be written ({_os_reason(low)}); nothing was written. "
            f"eventwire writes the file and its journal {os.fspath(path)}.wal beside it: make "
            "both writable, or pass --db to use another file; commands that only read "
            f"(events, stats, serve) still work (DuckDB: {text})"
        )
    if "not a valid duckdb database file" in low:
        size = _size(path)
        why = (
            "the file is empty (0 bytes)"
            if size == 0
            else "it does not start with a DuckDB header (another kind of file, or its first "
            "bytes were overwritten)"
        )
        return StoreDamaged(damaged_message(path, why))
    if "corrupt database file" in low or "checksum" in low:
        return StoreDamaged(
            damaged_message(
                path, f"part of it fails DuckDB's checksum, its bytes were changed ({text})"
            )
        )
    if "could not read enough bytes" in low:
        return StoreDamaged(
            damaged_message(
                path, f"it is shorter than its own header says, it was truncated ({text})"
            )
        )
    return None


def _os_reason(low: str) -> str:
    if "read-only file system" in low:
        return "it is on a read-only file system"
    if "permission denied" in low:
        return "permission denied"
    return "the operating system does not permit it (an immutable file?)"


def _size(path: str | os.PathLike[str]) -> int | None:
    try:
        return os.path.getsize(path)
    except OSError:
        return None


def _check_length(con: duckdb.DuckDBPyConnection, path: str) -> None:
    """Refuse a truncated file before a writer reads, or writes into, its missing part.

    The file must reach the last block that a table's data sits in (index and catalog
    blocks are not listed, so the bound is a low one: never a false alarm). DuckDB itself
    notices a missing block only when a query reads it, which for an ingest may be after
    minutes of coding, or never before it writes. Skipped while a journal (WAL) waits to
    be replayed: the check is for a file at rest.
    """
    if path == ":memory:" or os.path.exists(path + ".wal"):
        return
    size = _size(path)
    if size is None:
        return
    row = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()
    block_size = int(row[0]) if row and row[0] else 0
    last = -1
    tables = con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()
    for (table,) in tables:
        quoted = table.replace("'", "''")
        found = con.execute(
            "SELECT max(block_id), max(list_max(additional_block_ids)) "
            f"FROM pragma_storage_info('{quoted}') WHERE block_id >= 0"
        ).fetchone()
        for value in found or ():
            if value is not None:
                last = max(last, int(value))
    if block_size and last >= 0 and size < (last + 1) * block_size:
        raise StoreDamaged(
            damaged_message(
                path,
                f"it is truncated: {size} bytes, but its data reaches block {last} of "
                f"{block_size} bytes",
            )
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
            raise StoreBusy(lock_message(path)) from exc
        if "different configuration" in str(exc) or "file handle conflict" in str(exc):
            # DuckDB shares one instance per file inside a process; modes cannot mix
            # while the other one is open (another thread's session), and an instance
            # another thread is closing or opening meanwhile is "already attached":
            # wait for it.
            raise StoreBusy(
                f"{path} is open in this process in the other mode (read-only vs "
                "read-write); close that Store or its session first"
            ) from exc
        what = "open it" if read_only else "open it for writing"
        raise _explain(path, exc, what) or StoreError(
            f"cannot open database {path}: {exc}"
        ) from exc


def _interrupted(exc: BaseException) -> bool:
    """Whether DuckDB stopped a query because of Ctrl-C (SIGINT) in this process."""
    while exc is not None:
        if isinstance(exc, duckdb.InterruptException) or (
            isinstance(exc, RuntimeError) and "interrupted" in str(exc).lower()
        ):
            return True
        exc = exc.__cause__  # type: ignore[assignment]
    return False


def _close_quietly(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.close()
    except duckdb.Error:
        pass  # the error that made us close is the one to report


@dataclass
class Saved:
    """What one ``save_batch`` did: counts a caller can report truthfully."""

    stored: list[Article] = field(default_factory=list)  # new or replaced
    unchanged: list[Article] = field(default_factory=list)  # same id and text already stored
    conflicts: list[tuple[Article, str]] = field(default_factory=list)  # (article, reason)


class Store:
    """An eventwire database: articles, their events, and rejected inputs.

    ``Store(path)`` creates the file and schema when missing (``read_only=True``
    never creates or changes anything). The file is held only during an operation
    or a ``session()``; meeting another process's lock, the store retries for up
    to ``wait`` seconds, then raises a StoreError saying who holds it. Methods
    are serialised with a lock because one DuckDB connection must not be used
    from two threads at once.
    """

    def __init__(
        self, path: str | os.PathLike[str], read_only: bool = False, wait: float = DEFAULT_WAIT
    ) -> None:
        self.path = os.fspath(path)
        self.read_only = read_only
        self.wait = max(0.0, float(wait))
        self._lock = threading.RLock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._depth = 0  # nested sessions share one connection
        self._closed = False
        self._checked = False  # the file's length, once, before this store first writes
        # ":memory:" lives only as long as its connection: keep it for the Store's life.
        self._keep = self.path == ":memory:"
        with self.session():  # create or migrate the schema now, and fail early
            pass

    # ------------------------------------------------------------------ lifecycle

    def _open(self) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.wait
        delay = 0.02
        while True:
            try:
                con = _connect(self.path, self.read_only)
                break
            except StoreBusy as exc:
                left = deadline - time.monotonic()
                if left <= 0:
                    if self.wait:
                        raise StoreBusy(lock_message(self.path, self.wait)) from exc
                    raise
                time.sleep(min(delay, left))
                delay = min(delay * 2, 0.25)
        try:
            if not self.read_only and not self._checked:
                _check_length(con, self.path)  # once: a file at rest, before any write
                self._checked = True
            ensure_schema(con, self.path, self.read_only)
        except StoreError:
            _close_quietly(con)
            raise
        except duckdb.Error as exc:
            _close_quietly(con)
            raise _explain(self.path, exc, "set up the database schema") or StoreError(
                f"cannot set up the database schema in {self.path}: {exc}"
            ) from exc
        return con

    @contextmanager
    def session(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Hold the file for several operations (a writer's batch); nested calls share it.

        DuckDB catches Ctrl-C itself while a query runs and raises "Query interrupted"
        (a RuntimeError, or its InterruptException): that is the user's Ctrl-C, raised
        again as ``KeyboardInterrupt`` so that callers keep what was finished, as they do
        for a Ctrl-C anywhere else (the transaction it cut is rolled back)."""
        try:
            with self._session() as con:
                yield con
        except (RuntimeError, duckdb.InterruptException, StoreError) as exc:
            if _interrupted(exc):
                raise KeyboardInterrupt from exc
            raise

    @contextmanager
    def _session(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            if self._closed:
                raise StoreError(f"{self.path} is closed; open a new Store to use it")
            if self._con is None:
                self._con = self._open()
            self._depth += 1
            failed = True
            try:
                yield self._con
                failed = False
            finally:
                self._depth -= 1
                if self._depth == 0 and not self._keep:
                    # closing writes the journal into the file (a checkpoint); when that
                    # fails after another error, the first error is the one to report
                    self._release(quiet=failed)

    def _release(self, quiet: bool = False) -> None:
        if self._con is None:
            return
        con, self._con = self._con, None
        try:
            con.close()
        except duckdb.Error as exc:
            if quiet:
                return
            # what was committed is in the journal, replayed at the next open
            raise _explain(self.path, exc, CHECKPOINT) or StoreError(
                f"cannot close {self.path}: {exc}"
            ) from exc

    def close(self) -> None:
        """Release the file (and its lock) for good. Safe to call twice."""
        with self._lock:
            self._closed = True
            self._release()

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
        return f"Store({self.path!r}, {'closed' if self._closed else mode})"

    @contextmanager
    def _read(self, what: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """Hold the file and turn DuckDB errors into StoreError naming the operation."""
        with self.session() as con:
            try:
                yield con
            except duckdb.Error as exc:
                raise _explain(self.path, exc, what) or StoreError(
                    f"{what} failed on {self.path}: {exc}"
                ) from exc

    @contextmanager
    def _transaction(self, what: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """BEGIN ... COMMIT, or ROLLBACK on any exception (including KeyboardInterrupt)."""
        if self.read_only:
            raise StoreError(
                f"cannot {what}: {self.path} was opened read-only; open it without read_only"
            )
        with self.session() as con:
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
                    raise _explain(self.path, exc, what) or StoreError(
                        f"cannot {what} in {self.path}; nothing was written: {exc}"
                    ) from exc
                raise

    # --------------------------------------------------------------------- writes

    @staticmethod
    def _prepare(batch: list[Article]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Article and event rows for a batch, computed before the transaction opens.

        Bad data (an event of another document) is refused here, so it can never
        abort a transaction halfway or be deleted with the wrong document later.
        """
        article_rows: list[tuple[Any, ...]] = []
        event_rows: list[tuple[Any, ...]] = []
        for article in batch:
            events = dedupe_events(article.events)
            for ev in events:
                if ev.doc_id != article.id:
                    raise StoreError(
                        f"event {ev.id} has doc_id {ev.doc_id!r} but was attached to article "
                        f"{article.id!r}; events must belong to the article they are saved with"
                    )
            article_rows.append(article_row(article, len(events)))
            event_rows.extend(event_row(ev, article) for ev in events)
        return article_rows, event_rows

    def save_batch(
        self,
        articles: Iterable[Article],
        *,
        replace: bool = True,
        rejected: Iterable[tuple[str, str, str]] = (),
        read: Iterable[str] = (),
    ) -> Saved:
        """Store a batch of articles with their events, in one transaction.

        An article whose id is already stored with the same text is left as it is
        (``unchanged``). One stored with *different* text is replaced when
        ``replace`` is true; otherwise it is a conflict: nothing is overwritten and
        the new version is quarantined with the reason. ``rejected`` holds
        (origin, reason, excerpt) of inputs to quarantine, ``read`` the origins
        read successfully (their old rejections are cleared). Events are deleted
        and re-inserted, not upserted, so events a newer coder no longer finds go.
        An id repeated within the batch keeps its last version, as if saved in turn.
        """
        latest = list({a.id: a for a in articles}.values())
        out = Saved()
        what = "save articles"
        if latest:
            what = f"save article {latest[0].id}" + (
                f" .. {latest[-1].id}" if len(latest) > 1 else ""
            )
        rejected, read = list(rejected), list(read)
        with self._transaction(what) as con:
            stored = q.select_hashes(con, [a.id for a in latest])
            for article in latest:
                before = stored.get(article.id)
                if before is None or replace:
                    out.stored.append(article)
                elif before == article.content_hash:
                    out.unchanged.append(article)
                else:
                    out.conflicts.append((article, _conflict(article)))
            article_rows, event_rows = self._prepare(out.stored)
            signature_rows = [
                (a.id, a.story_id or a.id, a.minhash, a.anchors) for a in out.stored if a.minhash
            ]
            if article_rows:
                doc_ids = [row[0] for row in article_rows]
                q.upsert_articles(con, article_rows, _now())
                touched = grouping.keys_of_docs(con, doc_ids)
                q.delete_events(con, doc_ids)
                event_rows = _grouped(con, event_rows)
                q.insert_events(con, event_rows)
                grouping.refresh(con, [*touched, *(r[KEY_INDEX] for r in event_rows)])
            if signature_rows:
                q.upsert_signatures(con, signature_rows)
            if read:
                q.delete_rejected(con, read)
            now = _now()
            for origin, reason, excerpt in rejected:
                q.upsert_rejected(con, origin, reason, excerpt[:EXCERPT_CHARS], now)
            for article, reason in out.conflicts:
                q.upsert_rejected(
                    con, article.origin or article.id, reason, article.text[:EXCERPT_CHARS], now
                )
        return out

    def save(self, article: Article) -> None:
        """Store one article and replace its events, in one transaction."""
        self.save_batch([article])

    def save_many(self, articles: Iterable[Article], batch_size: int = 50) -> int:
        """Save (and replace) articles in transactions of ``batch_size``; return how many.

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
                saved += len(self.save_batch(batch).stored)
                batch = []
        if batch:
            saved += len(self.save_batch(batch).stored)
        return saved

    def reject(self, origin: str, reason: str, excerpt: str = "") -> None:
        """Quarantine an input that could not be read, with the reason (upsert)."""
        self.save_batch([], rejected=[(origin, reason, excerpt)])

    def clear_rejected(self, origin: str) -> bool:
        """Forget a rejection once a later run reads the input; True if one was removed."""
        with self._transaction(f"clear rejected input {origin}") as con:
            return bool(q.delete_rejected(con, [origin]))

    # ---------------------------------------------------------------------- reads

    def has_article(self, id: str) -> bool:
        with self._read("look up article") as con:
            return con.execute("SELECT 1 FROM articles WHERE id = ?", [id]).fetchone() is not None

    def signatures(self) -> list[tuple[str, str, bytes, str]]:
        """(article id, story id, MinHash bytes, anchors) of stored stories, for copies."""
        with self._read("read story signatures") as con:
            return q.select_signatures(con)

    def known_hashes(self) -> dict[str, str]:
        """content_hash -> article id, so the caller can spot exact duplicates."""
        with self._read("read content hashes") as con:
            return q.select_known_hashes(con)

    def events(
        self,
        filter: q.EventFilter | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        **fields: Any,
    ) -> list[Event]:
        """Events matching ``filter`` (an ``EventFilter``) and/or its fields given as
        keywords (``events(country="PRK", since="2024-03")``), ordered by date,
        document, position (or ``sort``); asserted events only unless ``status`` says
        otherwise. One per real-world event, however many articles report it (its
        ``group`` holds the counts), or one per mention with ``mentions=True``.
        """
        wanted = q.EventFilter.of(filter, **fields)  # a bad value fails before the file is held
        with self._read("read events") as con:
            return q.select_events(con, limit=limit, filter=wanted, offset=offset)

    def frame(
        self, filter: q.EventFilter | None = None, *, limit: int | None = None, **fields: Any
    ) -> Any:
        """The matching events as a pandas DataFrame (one row per event, flat columns:
        ``event_id``, ``date``, ``event_type``, ``cameo``, ``goldstein``, the sides' codes
        as lists, ``place``, ``lat``/``lon``, ``num_mentions`` ...), same filters as
        ``events``."""
        sql, params = q.frame_query(q.EventFilter.of(filter, **fields), limit)
        with self._read("read events as a DataFrame") as con:
            return con.execute(sql, params).df()

    def arrow(
        self, filter: q.EventFilter | None = None, *, limit: int | None = None, **fields: Any
    ) -> Any:
        """The same table as ``frame``, as a ``pyarrow.Table``."""
        sql, params = q.frame_query(q.EventFilter.of(filter, **fields), limit)
        with self._read("read events as an Arrow table") as con:
            # a cursor of its own: DuckDB's relation API refuses a connection whose last
            # result (a fetchone elsewhere) is unfinished
            cursor = con.cursor()
            try:
                return cursor.sql(sql, params=params).to_arrow_table()
            finally:
                cursor.close()

    def count(self, filter: q.EventFilter | None = None, **fields: Any) -> int:
        """How many events (or mentions, with ``mentions=True``) match, as ``events``."""
        wanted = q.EventFilter.of(filter, **fields)
        with self._read("count events") as con:
            return q.count_events(con, wanted)

    def event(self, id: str) -> Event | None:
        """One real-world event by its id ("we_...", or the id of any of its mentions),
        with every mention: article, URL, outlet, dates, evidence, status, confidence."""
        with self._read(f"read event {id}") as con:
            return q.select_world_event(con, id)

    def with_mentions(self, events: list[Event]) -> list[Event]:
        """Fill ``group.mentions`` of real-world events read by ``events`` (in place)."""
        keys = [ev.group.id for ev in events if ev.group is not None]
        with self._read("read mentions") as con:
            reports = q.select_reports(con, keys)
        for ev in events:
            if ev.group is not None:
                ev.group.mentions = reports.get(ev.group.id, [])
        return events

    def articles(self, *, status: str | None = None, limit: int | None = None) -> list[dict]:
        """Article summaries; rejected inputs appear with status "rejected" and id = origin."""
        with self._read("list articles") as con:
            return q.select_articles(con, status, limit)

    def article(self, id: str) -> Article | None:
        """One article with its text and all its events (any status)."""
        with self._read(f"read article {id}") as con:
            article = q.select_article(con, id)
            if article is not None:
                article.events = q.select_events(con, doc_id=id, status=None, mentions=True)
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


def _grouped(con: duckdb.DuckDBPyConnection, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows with ``event_key`` set: each joins a stored real-world event or starts one."""
    pos = [EVENT_COLUMNS.index(c) for c in grouping.MATCH_COLUMNS]
    new = [grouping.mention_of(*(r[i] for i in pos)) for r in rows]
    stored = grouping.stored_candidates(con, new, [])
    keys = grouping.assign(new, stored)
    return [(*r[:KEY_INDEX], keys[r[0]], *r[KEY_INDEX + 1 :]) for r in rows]


def _conflict(article: Article) -> str:
    ref = article.ref or article.id
    return (
        f"id {ref!r} is already stored from this input with different text; nothing was "
        "overwritten. Give the new version its own id, or ingest with --replace to "
        "store the new text in its place"
    )
