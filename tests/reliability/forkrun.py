"""Run ``eventwire ingest`` again and again, killing it with SIGKILL at chosen points.

Used by ``test_faults.py`` as a script (``python forkrun.py PLAN.json``), never imported;
``python forkrun.py --plain BATCH ingest ...`` is one ordinary run with the same batches.

Every restart of a real ``python -m eventwire ingest`` pays the language model's load (2-3 s),
which would make twenty kills cost a minute before any work is done. So this process loads
the model once and forks a child per run: each child is a real process that runs the CLI's
``ingest`` (``eventwire.cli.main``) on the database from scratch (a new DuckDB instance that
replays whatever journal the last kill left) and dies by SIGKILL; this parent never opens
the database (no DuckDB instance crosses a fork). After each kill another short-lived child
opens the database read-only and reports what a reader sees then: how many articles, whether
a journal (WAL) was left behind, and whether every stored article has exactly its events.

The plan (JSON): ``argv`` (the ingest command line after ``eventwire``), ``db``,
``batch`` (articles per store transaction, ``runners.local.BATCH``), ``kills`` (how many to
deliver), ``seed``, ``span`` (seconds), and ``out`` (where the report goes, JSON).

Kills cycle through three kinds, their parameters drawn from ``seed``:

* ``time``: the parent kills the run after a delay in (0, span] s: anywhere from creating or
  opening the store and reading what it holds, to parsing, coding and storing;
* ``step``: the run kills itself right after one write of the ``n``-th batch's transaction
  (articles upserted, old events deleted, events inserted, real-world events regrouped,
  quarantine cleared) or right after its COMMIT, before the file is closed (the batch is
  then in the journal only, not yet in the file);
* ``checkpoint``: when the ``n``-th batch's transaction has committed and the file is being
  closed (DuckDB writes the journal into the file: a checkpoint), the parent kills the run
  after a delay of 0-3 ms: the kill lands inside the checkpoint or just after it.

A run that ends before its kill point is recorded (``finished``) and the next point is drawn
again, so that the plan always delivers ``kills`` real kills.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import sys
import time
from pathlib import Path
from typing import Any

#: The writes of a batch's transaction after which a ``step`` kill may land, in order.
STEPS = ("upsert_articles", "delete_events", "insert_events", "refresh", "delete_rejected")
KINDS = ("time", "step", "checkpoint", "step")


def _arm(point: dict[str, Any], fd: int) -> None:
    """In the child: count batches and kill this process at the planned write."""
    from eventwire.store import core, grouping, queries

    kind, wanted = point["kind"], point.get("batch", 0)
    seen = {"batch": 0}

    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    save_batch = core.Store.save_batch

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen["batch"] += 1
        return save_batch(self, *args, **kwargs)

    core.Store.save_batch = counted

    def after(name: str, fn: Any) -> Any:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            out = fn(*args, **kwargs)
            if kind == "step" and point["step"] == name and seen["batch"] == wanted:
                die()
            return out

        return wrapped

    for name in STEPS:
        module = grouping if name == "refresh" else queries
        setattr(module, name, after(name, getattr(module, name)))

    release = core.Store._release

    def closing(self: Any, quiet: bool = False) -> None:
        if self._con is not None and seen["batch"] == wanted and not self.read_only:
            if kind == "step" and point["step"] == "commit":
                die()  # committed: the batch is in the journal, not yet in the file
            if kind == "checkpoint":
                os.write(fd, b"c")  # the parent kills us 0-3 ms into the close
        release(self, quiet)

    core.Store._release = closing


def _child_ingest(argv: list[str], point: dict[str, Any] | None, fd: int) -> None:
    """In the forked child: the CLI, then exit without running the parent's cleanup."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    code = 3
    try:
        if point is not None:
            _arm(point, fd)
        from eventwire.cli import main

        main(argv, prog_name="eventwire", standalone_mode=True)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os._exit(code)


def _child_check(db: str, fd: int) -> None:
    """In the forked child: what a reader sees now."""
    report: dict[str, Any] = {"articles": 0, "events": 0, "partial": 0, "orphans": 0}
    try:
        import duckdb

        con = duckdb.connect(db, read_only=True)
        try:
            tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
            if "articles" in tables:  # not there when killed before the schema was committed
                one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
                report["articles"] = one("SELECT count(*) FROM articles")
                report["events"] = one("SELECT count(*) FROM events")
                # articles whose stored event count differs from their event rows
                report["partial"] = one(
                    "SELECT count(*) FROM articles a WHERE a.n_events <> "
                    "(SELECT count(*) FROM events e WHERE e.doc_id = a.id)"
                )
                report["orphans"] = one(
                    "SELECT count(*) FROM events WHERE doc_id NOT IN (SELECT id FROM articles)"
                )
        finally:
            con.close()
    except Exception as exc:  # noqa: BLE001 - the test fails on it, with this text
        report["error"] = f"{type(exc).__name__}: {exc}"
    os.write(fd, json.dumps(report).encode())
    os._exit(0)


def _check(db: str) -> dict[str, Any]:
    wal = os.path.exists(db + ".wal")
    if not os.path.exists(db):
        return {"articles": 0, "events": 0, "partial": 0, "orphans": 0, "wal": wal}
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        _child_check(db, write)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    report = json.loads(b"".join(chunks) or b"{}")
    report["wal"] = wal
    if wal:  # a read-only open replays the journal in memory only: the restart must
        report["wal_kept_by_reader"] = os.path.exists(db + ".wal")
    return report


def _small_batches(n: int) -> None:
    """Store (and code) ``n`` articles at a time, so that a small corpus makes many
    transactions to kill: the runner's ``BATCH``, and the chunk of articles the pipeline
    codes before it hands them on (64 in one process)."""
    import eventwire.runners.local as local
    from eventwire.pipeline import Pipeline

    local.BATCH = n
    pipe = Pipeline.pipe

    def chunked(self: Any, articles: Any, batch: int = n) -> Any:
        return pipe(self, articles, batch=min(batch, n))

    Pipeline.pipe = chunked


def _warm_up() -> None:
    """Load and run the model once, so that every forked run starts with it in memory."""
    from eventwire.config import Settings
    from eventwire.models import Article
    from eventwire.pipeline import Pipeline

    pipeline = Pipeline.default(Settings(workers=1))
    try:
        text = "Officials in Seoul said on Monday that North Korea fired a missile."
        list(pipeline.pipe([Article(id="warm-up", text=text, date="2024-01-02")]))
    finally:
        pipeline.close()


def _run(argv: list[str], point: dict[str, Any] | None) -> dict[str, Any]:
    """One run in a forked child, killed as ``point`` says (None: let it finish)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        _child_ingest(argv, point, write)
    os.close(write)
    started = time.monotonic()
    kind = point["kind"] if point else None
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if kind == "time" and time.monotonic() - started >= point["delay"]:
                os.kill(pid, signal.SIGKILL)
                _, status = os.waitpid(pid, 0)
                break
            ready, _, _ = select.select([read], [], [], 0.002)
            if ready and kind == "checkpoint" and os.read(read, 1) == b"c":
                time.sleep(point["delay"])
                os.kill(pid, signal.SIGKILL)
                _, status = os.waitpid(pid, 0)
                break
    finally:
        os.close(read)
    code = os.waitstatus_to_exitcode(status)
    return {"killed": code == -signal.SIGKILL, "exit": code, "at": time.monotonic() - started}


def _point(rng: random.Random, i: int, span: float) -> dict[str, Any]:
    """The ``i``-th kill point: kinds in turn, each write step in turn, the rest drawn."""
    kind = KINDS[i % len(KINDS)]
    if kind == "time":
        return {"kind": kind, "delay": round(rng.uniform(0.02, span), 4)}
    if kind == "checkpoint":
        return {"kind": kind, "batch": rng.randint(1, 2), "delay": round(rng.uniform(0, 0.003), 5)}
    steps = (*STEPS, "commit")
    nth_step = sum(k == "step" for k in (KINDS * (i // len(KINDS) + 1))[:i])
    return {"kind": kind, "batch": rng.randint(1, 2), "step": steps[nth_step % len(steps)]}


def main(plan_path: str) -> None:
    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    _small_batches(int(plan["batch"]))
    started = time.monotonic()
    _warm_up()
    rng = random.Random(plan["seed"])
    argv, db = [*plan["argv"], "--db", plan["db"]], plan["db"]
    span = float(plan["span"])
    kills: list[dict[str, Any]] = []
    finished: list[dict[str, Any]] = []
    i = 0
    while len(kills) < plan["kills"] and len(finished) <= 2 * plan["kills"]:
        point = _point(rng, i, span)
        result = {**point, **_run(argv, point)}
        if result["killed"]:
            result["after"] = _check(db)
            kills.append(result)
            i += 1
        else:
            finished.append(result)
            if point["kind"] == "time":
                span = max(0.05, span / 2)
            else:
                i += 1  # no such batch in a run that had little left to do: next kind
    report = {
        "kills": kills,
        "finished": finished,
        "seconds": round(time.monotonic() - started, 2),
    }
    Path(plan["out"]).write_text(json.dumps(report, indent=1), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1] == "--plain":
        # one ordinary run, no fork and no kill, with small batches:
        # python forkrun.py --plain BATCH ingest ...
        _small_batches(int(sys.argv[2]))
        from eventwire.cli import main as cli

        cli(sys.argv[3:], prog_name="eventwire")
    else:
        main(sys.argv[1])
