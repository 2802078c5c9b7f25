"""Opening, saving, idempotence, atomicity and the cross-process lock."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from eventwire.errors import StoreError
from eventwire.models import Article
from eventwire.store import SCHEMA_VERSION, Store
from eventwire.store import queries as q

SRC = Path(__file__).resolve().parents[2] / "src"


def test_schema_version_recorded_and_reopen_keeps_data(db_path, articles):
    with Store(db_path) as s:
        s.save_many(articles)
        assert s.query("SELECT value FROM meta WHERE key = 'schema_version'") == [
            (str(SCHEMA_VERSION),)
        ]
    with Store(db_path, read_only=True) as s:
        assert len(s.events(status="all")) == 3
        with pytest.raises(StoreError, match="read-only"):
            s.save(articles[0])


def test_memory_store_works():
    with Store(":memory:") as s:
        assert s.events() == []
        assert s.stats()["events"] == 0


def test_newer_schema_is_refused(db_path):
    Store(db_path).close()
    con = duckdb.connect(str(db_path))
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="newer"):
        Store(db_path)


def test_unreadable_file_names_path_and_cause(tmp_path):
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database " * 500)
    with pytest.raises(StoreError) as err:
        Store(junk)
    assert str(junk) in str(err.value)
    with pytest.raises(StoreError, match="missing.duckdb"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_creates_missing_folder_and_mixed_modes_in_one_process(tmp_path):
    path = tmp_path / "new" / "dir" / "db.duckdb"
    with Store(path) as s:
        assert path.exists()
        with Store(path) as again:
            assert again.events() == []
        # The file is held only while an operation runs, so both modes can take turns.
        with Store(path, read_only=True) as reader:
            assert reader.events() == []
        assert s.events() == []
        with s.session(), pytest.raises(StoreError, match="other mode"):
            Store(path, read_only=True, wait=0)


def test_threads_share_one_store(store, articles):
    errors = []

    def work(i: int) -> None:
        try:
            for k in range(5):
                store.save(replace(articles[0], title=f"t{i}-{k}"))
                store.events(country="UKR")
                store.stats()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.events()) == 1


def test_closed_store_raises(db_path):
    s = Store(db_path)
    s.close()
    s.close()  # twice is fine
    with pytest.raises(StoreError, match="closed"):
        s.events()


def test_save_twice_is_idempotent(store, articles, dump):
    for a in articles:
        store.save(a)
    before = dump(store)
    for a in articles:
        store.save(a)
    store.save_many(articles, batch_size=1)
    assert dump(store) == before
    assert len(before[0]) == 2 and len(before[1]) == 3


def test_resave_replaces_events(store, articles):
    a1, a2 = articles
    store.save(a2)
    fewer = replace(a2, events=a2.events[:1], title="updated")
    store.save(fewer)
    assert [e.id for e in store.events(doc_id="doc-2", status="all")] == [a2.events[0].id]
    row = store.articles(status="coded")[0]
    assert row["title"] == "updated" and row["n_events"] == 1


def test_duplicate_event_ids_keep_first(store, articles):
    a1 = articles[0]
    ev = a1.events[0]
    twin = replace(ev, confidence=0.1)  # same id, different content
    assert twin.id == ev.id
    store.save(replace(a1, events=[ev, twin]))
    got = store.events(status="all")
    assert got == [ev]
    assert store.articles()[0]["n_events"] == 1


def test_event_of_another_document_is_refused(store, articles):
    a1, a2 = articles
    with pytest.raises(StoreError, match="doc_id"):
        store.save(replace(a1, events=a2.events))
    assert not store.has_article(a1.id)


def test_failure_after_article_upsert_rolls_back(filled, articles, dump, monkeypatch):
    before = dump(filled)
    calls = []

    def boom(con, rows):
        calls.append(len(rows))
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(q, "insert_events", boom)
    changed = replace(articles[1], title="changed")
    with pytest.raises(RuntimeError, match="disk on fire"):
        filled.save(changed)
    new = Article(id="doc-3", text="x", events=[replace(articles[0].events[0], doc_id="doc-3")])
    new.events[0].id = new.events[0].make_id()
    with pytest.raises(RuntimeError):
        filled.save(new)
    assert calls == [2, 1]  # the article upsert and the delete had already run
    assert dump(filled) == before
    assert not filled.has_article("doc-3")
    # the connection is usable afterwards
    monkeypatch.undo()
    filled.save(changed)
    assert filled.article("doc-2").title == "changed"


def test_duckdb_error_midway_becomes_store_error(filled, articles, dump, monkeypatch):
    before = dump(filled)

    def bad_insert(con, rows):
        con.execute("INSERT INTO events (id) VALUES (NULL)")  # violates NOT NULL

    monkeypatch.setattr(q, "insert_events", bad_insert)
    with pytest.raises(StoreError, match="nothing was written"):
        filled.save(articles[0])
    assert dump(filled) == before


def test_save_many_is_atomic_per_batch(store, articles, monkeypatch):
    many = [Article(id=f"doc-{i}", text="t", content_hash=f"h{i}", status="new") for i in range(5)]
    real = q.insert_events

    def flaky(con, rows):
        # batch 2's articles are upserted by now; crash before its events go in
        if con.execute("SELECT count(*) FROM articles WHERE id = 'doc-3'").fetchone()[0]:
            raise RuntimeError("crash in batch 2")
        real(con, rows)

    monkeypatch.setattr(q, "insert_events", flaky)
    with pytest.raises(RuntimeError):
        store.save_many(many, batch_size=2)
    # batch 1 (doc-0, doc-1) committed; batch 2 (doc-2, doc-3) rolled back entirely
    assert [store.has_article(f"doc-{i}") for i in range(5)] == [True, True, False, False, False]
    monkeypatch.undo()
    assert store.save_many(many, batch_size=2) == 5
    assert store.known_hashes() == {f"h{i}": f"doc-{i}" for i in range(5)}


def test_repeated_article_in_batch_keeps_last(store, articles):
    a2 = articles[1]
    old = replace(a2, title="old")
    new = replace(a2, title="new", events=a2.events[:1])
    assert store.save_many([old, articles[0], new]) == 2  # two articles are stored
    assert store.article("doc-2").title == "new"
    assert len(store.events(doc_id="doc-2", status="all")) == 1


def test_many_events_in_one_batch(store, articles):
    base = articles[0]
    batch = []
    for i in range(120):
        doc = f"bulk-{i}"
        evs = []
        for k in range(5):
            ev = replace(base.events[0], doc_id=doc, id="")
            ev.evidence = replace(ev.evidence, trigger_start=k)
            ev.id = ev.make_id()
            evs.append(ev)
        batch.append(replace(base, id=doc, events=evs))
    assert store.save_many(batch, batch_size=50) == 120
    # 600 mentions of one real-world event: the same sides, type, date and place
    assert (store.stats()["mentions"], store.stats()["events"]) == (600, 1)
    assert store.save_many(batch, batch_size=500) == 120
    assert (store.stats()["mentions"], store.stats()["events"]) == (600, 1)
    (only,) = store.events()
    assert only.group is not None and only.group.num_mentions == 600
    assert only.group.num_articles == 120


def test_known_hashes_prefer_originals(store):
    store.save(Article(id="dup", text="t", content_hash="h", status="duplicate"))
    store.save(Article(id="orig", text="t", content_hash="h", status="coded"))
    store.save(Article(id="nohash", text="t"))
    assert store.known_hashes() == {"h": "orig"}
    assert store.has_article("nohash") and not store.has_article("nope")


def test_reject_upserts_and_clears(store):
    store.reject("bad.jsonl:7", "not JSON", "{oops")
    store.reject("bad.jsonl:7", "not JSON (line 7)", "{oops")
    store.reject("empty.html", "no text")
    rows = store.articles(status="rejected")
    assert [(r["id"], r["status"], r["reason"]) for r in rows] == [
        ("bad.jsonl:7", "rejected", "not JSON (line 7)"),
        ("empty.html", "rejected", "no text"),
    ]
    assert store.rejected()[0]["excerpt"] == "{oops"
    assert store.clear_rejected("bad.jsonl:7") is True
    assert store.clear_rejected("bad.jsonl:7") is False
    assert [r["id"] for r in store.articles()] == ["empty.html"]


def _open_in_subprocess(path: Path, read_only: bool, wait: float = 0) -> subprocess.Popen:
    code = textwrap.dedent(
        f"""
        import sys
        from eventwire.errors import StoreError
        from eventwire.store import Store
        try:
            print(len(Store({str(path)!r}, read_only={read_only!r}, wait={wait!r}).events()))
        except StoreError as exc:
            print(exc)
            sys.exit(3)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.parametrize("read_only", [False, True])
def test_second_process_gets_in_use_message(filled, db_path, read_only):
    with filled.session():  # a writer in the middle of a batch
        out, err = _open_in_subprocess(db_path, read_only).communicate(timeout=60)
    assert "in use by another eventwire process" in out, err
    assert str(db_path) in out and "--db" in out and "--wait" in out


def test_second_process_waits_for_the_writer(filled, db_path):
    """A reader meeting a writer's batch waits for it instead of failing."""
    with filled.session():
        reader = _open_in_subprocess(db_path, True, wait=30)
        time.sleep(2.0)  # the reader is started and blocked on the lock by now
        assert reader.poll() is None, reader.communicate()
    out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    assert out.strip() == "2"  # the asserted events of the two articles


def test_store_holds_the_file_only_while_it_works(filled, db_path):
    out, err = _open_in_subprocess(db_path, True).communicate(timeout=60)
    assert out.strip() == "2", err
    out, err = _open_in_subprocess(db_path, False).communicate(timeout=60)
    assert out.strip() == "2", err


def test_an_older_database_is_upgraded_in_place(tmp_path):
    """A file written by schema version 1 gains the newer tables and columns on open."""
    import duckdb

    from eventwire.store import Store
    from eventwire.store.schema import _DDL_V1, SCHEMA_VERSION

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    for statement in _DDL_V1:
        con.execute(statement)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute(
        "INSERT INTO articles (id, title, status, content_hash, text, n_events, origin) "
        "VALUES ('report.txt', 't', 'coded', 'h', 'Some text.', 0, 'a/report.txt')"
    )
    con.close()
    with Store(path) as store:
        # An article stored by an older version keeps its id; its ref is that id.
        assert [(r["id"], r["ref"]) for r in store.articles()] == [("report.txt", "report.txt")]
        assert store.signatures() == []
    con = duckdb.connect(str(path), read_only=True)
    version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    columns = {r[0] for r in con.execute("DESCRIBE articles").fetchall()}
    con.close()
    assert int(version) == SCHEMA_VERSION
    assert {"place", "agency", "ref"} <= columns
