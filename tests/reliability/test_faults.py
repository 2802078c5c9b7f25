"""Fault injection: what the store does when a run is killed, the disk fills, the file is
read-only, or the file is damaged. Each test names what it proves and what it does not.

* ``test_killed_at_many_points_ends_with_the_store_of_one_run``: an ingest killed with SIGKILL
  at ``EVENTWIRE_FAULT_KILLS`` points (20 by default) and restarted after each kill ends with
  the very store one uninterrupted run makes (every table, every column but the two "when
  written" timestamps), and after every single kill a reader finds only whole articles (each
  with all its events, no event without its article). The kill points are spread over start-
  up, coding, each write of a batch's transaction, the commit, and the checkpoint that moves
  the journal (WAL) into the file; journals left by kills are replayed by the next run.
  The killed runs store (and code) 3 articles per transaction, so that 63 short articles
  make some 20 transactions to kill; the last run and the reference use the defaults. It
  does not prove anything about a power cut: a killed process's writes still reach the page
  cache, and the disk's own write ordering is DuckDB's and the kernel's business.
* ``test_full_disk_...``: the database on a small file system that fills midway: the ingest
  stops with one line naming the file and "no space", the store holds only whole articles,
  and once space is freed the same command completes it to the store of one run.
* ``test_read_only_...``: a database on a read-only file system, or an immutable / 0444 file:
  ``ingest`` refuses with one clear line and changes nothing; reading commands still work.
* ``test_damaged_file_...``: truncated, overwritten in the middle, header zeroed, garbage,
  empty: ``ingest``, ``events``, ``stats`` and the API fail with a message that names the file
  and says it is damaged, and the file's bytes are the same afterwards (never recreated,
  never written). Damage in a block that nothing reads goes unseen until something reads it
  (DuckDB checks a block's checksum when it reads it); these cases damage blocks every
  command reads.

Mounting a small tmpfs (or a loop-mounted ext4 image) needs root and a kernel that allows it;
where neither works the full-disk and read-only-file-system tests are skipped with the reason.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from eventwire.bench_corpus import articles as bench_articles
from eventwire.cli import main

HERE = Path(__file__).parent
FORKRUN = HERE / "forkrun.py"
KILLS = int(os.environ.get("EVENTWIRE_FAULT_KILLS") or 20)
SEED = 20240614
#: Articles per store transaction in the killed runs: many transactions from few articles.
BATCH = 3
#: Columns that say when a row was written: the only ones allowed to differ between runs.
WHEN = {"ingested_at", "seen_at"}


# ----------------------------------------------------------------------------- helpers


def _write_corpus(path: Path, n: int) -> int:
    """``n`` short generated articles (the first paragraphs, about 800 characters), three
    exact copies under new ids (stored as duplicates of their story) and one bad line
    (quarantined): the number of article lines."""
    records = []
    for a in bench_articles(n, seed=SEED):
        text = ""
        for para in a["text"].split("\n\n"):
            if len(text) > 600:
                break
            text += ("\n\n" if text else "") + para
        records.append(dict(a, text=text))
    for i in (5, n // 2, n - 3):
        records.append(dict(records[i], id=records[i]["id"] + "-copy"))
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r) + "\n")
        fh.write("{not json\n")
    return len(records)


def _eventwire(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh process (the environment, PYTHONPATH included, is inherited)."""
    return subprocess.run(
        [sys.executable, "-m", "eventwire", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _small_batches(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh process, storing ``BATCH`` articles per transaction."""
    return subprocess.run(
        [sys.executable, str(FORKRUN), "--plain", str(BATCH), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _dump(db: Path) -> dict[str, list[str]]:
    """Every table, every row, every column but the write timestamps, in a fixed order."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        tables = con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
        for (table,) in tables:
            cols = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                    "ORDER BY column_index",
                    [table],
                ).fetchall()
                if r[0] not in WHEN
            ]
            rows = con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
            out[table] = sorted(repr(r) for r in rows)
        return out
    finally:
        con.close()


def _whole(db: Path) -> dict[str, int]:
    """What a reader sees: counts, and articles/events that are not whole (must be 0)."""
    con = duckdb.connect(str(db), read_only=True)
    try:

        def one(sql: str) -> int:
            row = con.execute(sql).fetchone()
            assert row is not None
            return int(row[0])

        return {
            "articles": one("SELECT count(*) FROM articles"),
            "events": one("SELECT count(*) FROM events"),
            "partial": one(
                "SELECT count(*) FROM articles a WHERE a.n_events <> "
                "(SELECT count(*) FROM events e WHERE e.doc_id = a.id)"
            ),
            "orphans": one(
                "SELECT count(*) FROM events WHERE doc_id NOT IN (SELECT id FROM articles)"
            ),
            "duplicate_ids": one("SELECT count(*) - count(DISTINCT id) FROM events"),
        }
    finally:
        con.close()


def _digest(path: Path) -> tuple[str, int, int]:
    """Content hash, size and inode: the same file, unchanged."""
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_size, st.st_ino


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


@contextmanager
def _small_fs(where: Path, size_mb: int, image_dir: Path) -> Iterator[str]:
    """A file system of ``size_mb`` MiB mounted at ``where``: a tmpfs, else a loop-mounted
    ext4 image; skip the test when neither can be mounted. Always unmounted."""
    where.mkdir()
    reasons = []
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    r = _run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(where)])
    kind = "tmpfs"
    if r.returncode:
        reasons.append(f"tmpfs: {r.stderr.strip()}")
        image = image_dir / "small.ext4"
        with image.open("wb") as fh:
            fh.truncate(size_mb * 2**20)
        made = _run(["mkfs.ext4", "-q", "-F", "-m", "0", str(image)])
        r = made if made.returncode else _run(["mount", "-o", "loop", str(image), str(where)])
        kind = "ext4 on a loop device"
        if r.returncode:
            reasons.append(f"loop ext4: {r.stderr.strip()}")
            pytest.skip("cannot mount a small file system here: " + "; ".join(reasons))
    try:
        yield kind
    finally:
        if _run(["umount", str(where)]).returncode:
            _run(["umount", "-l", str(where)])


def _fill(where: Path, leave_kb: int) -> Path:
    """A file that takes all the space but ``leave_kb`` KiB."""
    st = os.statvfs(where)
    free = st.f_bavail * st.f_frsize
    filler = where / "filler"
    with filler.open("wb") as fh:
        left = free - leave_kb * 1024
        chunk = b"\0" * 2**20
        while left > 0:
            fh.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)
    return filler


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("corpus") / "news.jsonl"
    return path, _write_corpus(path, max(60, BATCH * KILLS))


@pytest.fixture(scope="module")
def reference(corpus: tuple[Path, int], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store of one uninterrupted run of the command, with its default settings."""
    path, n = corpus
    db = tmp_path_factory.mktemp("reference") / "one-run.duckdb"
    done = _eventwire("ingest", str(path), "--db", str(db), "--workers", "1")
    assert done.returncode == 1, done.stderr  # 1: the bad line is named and quarantined
    assert "malformed JSON" in done.stderr
    whole = _whole(db)
    assert whole["articles"] == n and whole["events"] > 100, whole
    return db


# ------------------------------------------------------------------------------- kills


def test_killed_at_many_points_ends_with_the_store_of_one_run(corpus, reference, tmp_path):
    """SIGKILL at KILLS points over one database, a restart after each, then one ordinary
    run to the end: the store equals the reference, and was whole after every kill."""
    path, n = corpus
    db = tmp_path / "killed.duckdb"
    plan = {
        "argv": ["ingest", str(path), "--workers", "1"],
        "db": str(db),
        "batch": BATCH,
        "kills": KILLS,
        "seed": SEED,
        "span": 1.0,
        "out": str(tmp_path / "kills.json"),
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    driver = subprocess.run(
        [sys.executable, str(FORKRUN), str(tmp_path / "plan.json")],
        capture_output=True,
        text=True,
        timeout=60 + 20 * KILLS,
    )
    assert driver.returncode == 0, driver.stderr
    report = json.loads((tmp_path / "kills.json").read_text(encoding="utf-8"))
    kills = report["kills"]
    assert len(kills) == KILLS, report["finished"]
    for kill in kills:
        after = kill["after"]
        assert "error" not in after, kill  # a reader can always open what a kill left
        assert after["partial"] == 0 and after["orphans"] == 0, kill  # only whole articles
    stored = [k["after"]["articles"] for k in kills]
    assert stored == sorted(stored), stored  # a kill never takes back what was stored
    kinds = {k["kind"] for k in kills}
    assert kinds == {"time", "step", "checkpoint"}, kinds
    steps = sorted({k["step"] for k in kills if k["kind"] == "step"})
    if KILLS >= 12:  # each write of a transaction, and its commit
        assert len(steps) == 6, steps
    journals = [k for k in kills if k["after"]["wal"]]
    assert journals, "no kill left a journal (WAL) to replay"
    assert all(k["after"]["wal_kept_by_reader"] for k in journals)  # the restart replays it
    assert 0 < stored[-1] <= n

    # the same command again, an ordinary process with default batches, to the end
    last = _eventwire("ingest", str(path), "--db", str(db), "--workers", "1")
    assert last.returncode == 1, last.stderr  # the bad line, as in one run
    assert not Path(str(db) + ".wal").exists()
    assert _whole(db)["duplicate_ids"] == 0
    assert _dump(db) == _dump(reference)
    print(
        f"\nkills: {len(kills)} delivered and survived ({', '.join(sorted(kinds))}; steps "
        f"{', '.join(steps)}), {len(journals)} left a journal, {len(report['finished'])} "
        f"runs ended before their kill point; articles stored after each kill: {stored}; "
        f"driver {report['seconds']} s"
    )


# ---------------------------------------------------------------------------- full disk


def test_full_disk_stops_cleanly_keeps_whole_articles_and_resumes(corpus, reference, tmp_path):
    path, n = corpus
    mnt = tmp_path / "small"
    with _small_fs(mnt, 16, tmp_path) as kind:
        db = mnt / "news.duckdb"
        filler = _fill(mnt, 3000)  # room for a few batches, not for the whole corpus
        full = _small_batches("ingest", str(path), "--db", str(db), "--workers", "1")
        assert full.returncode == 1, full.stderr
        assert "Traceback" not in full.stderr
        assert f"no space left on the device holding {db}" in full.stderr, full.stderr
        assert "run the same command again" in full.stderr
        assert "stopped: " in full.stderr  # how many articles were kept before it
        whole = _whole(db)  # read as it is, the disk still full
        assert whole["partial"] == 0 and whole["orphans"] == 0, whole
        assert whole["articles"] < n, whole

        filler.unlink()  # space freed: the same command completes the store
        again = _eventwire("ingest", str(path), "--db", str(db), "--workers", "1")
        assert again.returncode == 1, again.stderr  # 1: the bad line only
        assert "no space" not in again.stderr
        assert _dump(db) == _dump(reference)
        print(
            f"\nfull disk ({kind}, 3000 KiB free): stopped with {whole['articles']} whole "
            f"articles of {n} ({whole['events']} events); completed after freeing space"
        )


# ---------------------------------------------------------------------------- read-only


def _refuses_to_write(db: Path, corpus_path: Path, reason: str) -> None:
    before = _digest(db)
    runner = CliRunner()
    done = runner.invoke(main, ["ingest", str(corpus_path), "--db", str(db), "--workers", "1"])
    assert done.exit_code == 1, done.output
    assert isinstance(done.exception, SystemExit), done.exception  # no traceback
    assert f"{db} cannot be written ({reason})" in done.stderr, done.stderr
    assert "nothing was written" in done.stderr
    assert _digest(db) == before
    assert not Path(str(db) + ".wal").exists()
    for args in (["stats"], ["events", "--limit", "3"]):  # reading still works
        read = runner.invoke(main, [*args, "--db", str(db)])
        assert read.exit_code == 0, read.output
        assert read.stdout.strip()
    assert _digest(db) == before


def test_read_only_file_system_refuses_ingest_and_still_reads(corpus, reference, tmp_path):
    path, _ = corpus
    mnt = tmp_path / "ro"
    with _small_fs(mnt, 16, tmp_path):
        db = mnt / "news.duckdb"
        shutil.copyfile(reference, db)
        remount = _run(["mount", "-o", "remount,ro", str(mnt)])
        if remount.returncode:
            pytest.skip(f"cannot remount read-only: {remount.stderr.strip()}")
        _refuses_to_write(db, path, "it is on a read-only file system")


def test_read_only_file_refuses_ingest_and_still_reads(corpus, reference, tmp_path):
    """An immutable file (root ignores 0444, not the immutable attribute), or, for another
    user, a file of mode 0444."""
    path, _ = corpus
    db = tmp_path / "news.duckdb"
    shutil.copyfile(reference, db)
    if os.geteuid() == 0:
        made = _run(["chattr", "+i", str(db)])
        if made.returncode:
            pytest.skip(f"chattr +i is not supported here: {made.stderr.strip()}")
        reason = "the operating system does not permit it (an immutable file?)"
    else:
        db.chmod(0o444)
        reason = "permission denied"
    try:
        _refuses_to_write(db, path, reason)
    finally:
        if os.geteuid() == 0:
            _run(["chattr", "-i", str(db)])


# ------------------------------------------------------------------------------ damage


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real eventwire database of 5,000 mentions, built without the language model."""
    from eventwire.store_bench import build

    db = tmp_path_factory.mktemp("healthy") / "healthy.duckdb"
    build(db, 5000)
    return db


def _block_of(db: Path, table: str, column: str) -> tuple[int, int]:
    """(file offset, size) of the block holding the first segment of a column."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            f"SELECT block_id FROM pragma_storage_info('{table}') "
            "WHERE column_name = ? AND block_id >= 0 ORDER BY row_group_id LIMIT 1",
            [column],
        ).fetchone()
        size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()
    finally:
        con.close()
    assert row is not None and size is not None
    # three 4 KiB headers, then the blocks
    return 3 * 4096 + int(row[0]) * int(size[0]), int(size[0])


def _truncated(db: Path) -> None:
    os.truncate(db, db.stat().st_size // 2)


def _overwritten(db: Path) -> None:
    # inside the blocks of the columns every command reads: stored hashes, event dates
    spots = [_block_of(db, "articles", "content_hash"), _block_of(db, "events", "date")]
    with db.open("r+b") as fh:
        for offset, size in spots:
            fh.seek(offset + size // 3)
            fh.write(random.Random(SEED).randbytes(64))


def _header_zeroed(db: Path) -> None:
    with db.open("r+b") as fh:
        fh.write(b"\0" * 4096)


def _garbage(db: Path) -> None:
    db.write_bytes(random.Random(SEED).randbytes(65536))


def _empty(db: Path) -> None:
    db.write_bytes(b"")


DAMAGE = {
    "truncated to half": (_truncated, "truncated"),
    "overwritten in the middle": (_overwritten, "checksum"),
    "header zeroed": (_header_zeroed, "does not start with a DuckDB header"),
    "garbage": (_garbage, "does not start with a DuckDB header"),
    "empty": (_empty, "empty (0 bytes)"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_file_is_named_and_never_written(damage, healthy, tmp_path, caplog):
    make, why = DAMAGE[damage]
    db = tmp_path / "news.duckdb"
    shutil.copyfile(healthy, db)
    make(db)
    before = _digest(db)
    article = tmp_path / "one.jsonl"
    article.write_text(
        json.dumps({"id": "a", "text": "Kenya and Somalia signed a security agreement."}) + "\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    for args in (
        ["ingest", str(article), "--workers", "1"],
        ["events", "--limit", "5"],
        ["stats"],
    ):
        done = runner.invoke(main, [*args, "--db", str(db)])
        assert done.exit_code == 1, (args, done.output)
        assert isinstance(done.exception, SystemExit), (args, done.exception)  # no traceback
        assert f"{db} is damaged or is not an eventwire database" in done.stderr, done.stderr
        assert why in done.stderr, done.stderr
        assert "left the file as it is" in done.stderr
        assert _digest(db) == before, args  # not recreated, not written
        assert not Path(str(db) + ".wal").exists()

    # the API: refused at start when opening the file shows the damage; else a request
    # fails (500, no traceback to the client) and the log says why
    from fastapi.testclient import TestClient

    from eventwire.store.core import StoreDamaged
    from eventwire.web import create_app

    try:
        app = create_app(db)
    except StoreDamaged as exc:
        assert f"{db} is damaged" in str(exc) and why in str(exc)
    else:
        with caplog.at_level(logging.ERROR), TestClient(app) as client:
            # (/healthz counts rows, which DuckDB may answer from its catalog without a block)
            for url in ("/api/events", "/api/stats"):
                answer = client.get(url)
                assert answer.status_code == 500, (url, answer.text)
                assert "Traceback" not in answer.text
        logged = "\n".join(r.getMessage() for r in caplog.records)
        assert f"{db} is damaged" in logged and why in logged, logged
    assert _digest(db) == before


def test_a_new_database_is_still_created_and_a_healthy_one_opened(healthy, tmp_path):
    """The checks above do not refuse what is fine: a missing file is created, a healthy
    one opens for writing and reading."""
    from eventwire.store import Store

    fresh = tmp_path / "sub" / "new.duckdb"
    Store(fresh).close()
    assert fresh.stat().st_size > 0
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(healthy, copy)
    with Store(copy) as store:
        assert store.count() > 0
    with Store(copy, read_only=True) as store:
        assert store.count() > 0


@pytest.mark.parametrize(
    ("message", "kind", "words"),
    [
        (
            'TransactionContext Error: Failed to commit: Could not write file "{db}.wal": '
            "No space left on device",
            "StoreFull",
            "no space left on the device holding {db}: cannot save article a",
        ),
        (
            'IO Error: Cannot open file "{db}": Read-only file system',
            "StoreError",
            "{db} cannot be written (it is on a read-only file system)",
        ),
        (
            'IO Error: Cannot open file "{db}": Permission denied',
            "StoreError",
            "{db} cannot be written (permission denied)",
        ),
        (
            'IO Error: The file "{db}" exists, but it is not a valid DuckDB database file!',
            "StoreDamaged",
            "{db} is damaged or is not an eventwire database",
        ),
        (
            "Corrupt database file: computed checksum 1 does not match stored checksum 2",
            "StoreDamaged",
            "part of it fails DuckDB's checksum",
        ),
        (
            'IO Error: Could not read enough bytes from file "{db}": attempted to read 262144',
            "StoreDamaged",
            "it was truncated",
        ),
        ("Binder Error: column x not found", None, None),
    ],
)
def test_duckdb_errors_are_explained(message, kind, words, tmp_path):
    """DuckDB's words for each fault, as DuckDB 2.0 writes them, become the store's."""
    from eventwire.store.core import _explain

    db = tmp_path / "news.duckdb"
    db.write_bytes(b"x")
    err = _explain(db, duckdb.Error(message.format(db=db)), "save article a")
    if kind is None:
        assert err is None
        return
    assert type(err).__name__ == kind
    assert words.format(db=db) in str(err)
