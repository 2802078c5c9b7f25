"""A soak of ``eventwire watch``: a long run against feeds that change and fail.

A local feed site (``http.server`` in threads, on 127.0.0.1) serves feeds that change as
time goes on, and ``eventwire watch --every 1s --runs N --allow-private`` runs against it
in its own process until it stops by itself. The site's feeds:

* ``world.rss``: a new entry every period, the latest 12 kept (older ones fall off);
* ``edited.rss``: three entries, one of them edited after a while;
* ``gone.rss``: disappears (404) for a few periods, then returns with new entries;
* ``slow.rss``: for a few periods answers only after the fetch timeout;
* ``flaky.rss``: 503 then 500 for a few periods, then recovers;
* ``broken.rss``: for a few periods malformed XML: cut off, or with broken tags;
* ``moved.rss``: a 302 to ``africa.rss`` (only reachable that way);
* ``also-world.rss``: a 301 to ``world.rss`` (the same entries under another address).

Checked at the end (``Soak.problems``): the run ended by itself after N rounds; the
memory of the watch process (its resident set, sampled after every round) grew by less
than ``MAX_GROWTH`` after the warm-up (each round runs in a process forked from watch,
whose peak, summed with watch's own, is reported per round: ``round_peak_mb``); every
entry the site served is stored, and none twice (one article per entry and address; an
entry seen at two addresses is coded once, its other copy joins it as a duplicate); the
edited entry is stored once; every failure is named in the log with its feed and reason,
and the failing feeds sat out rounds (back-off) and were read again once they worked.

``python -m eventwire.soak --seconds 600`` (or ``make soak``; ``EVENTWIRE_SOAK_SECONDS``)
runs it and prints the figures; ``tests/reliability/test_soak.py`` runs a short one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from .bench import PeakRss

#: Allowed growth of the watch process's resident memory after the warm-up rounds.
MAX_GROWTH = 0.15
#: The watch's fetch settings: seconds per try, tries after the first, seconds before one.
FETCH_TIMEOUT, RETRIES, RETRY_BACKOFF = 1.0, 1, 0.25
SECONDS_ENV = "EVENTWIRE_SOAK_SECONDS"

_COUNTRIES = [
    ("Kenya", "Nairobi"),
    ("Somalia", "Mogadishu"),
    ("Ethiopia", "Addis Ababa"),
    ("Sudan", "Khartoum"),
    ("Chad", "N'Djamena"),
    ("Nigeria", "Abuja"),
    ("Ghana", "Accra"),
    ("Peru", "Lima"),
    ("Chile", "Santiago"),
    ("Brazil", "Brasilia"),
    ("Japan", "Tokyo"),
    ("Vietnam", "Hanoi"),
    ("Poland", "Warsaw"),
    ("Turkey", "Ankara"),
    ("Egypt", "Cairo"),
    ("Jordan", "Amman"),
]
_ACTS = [
    "signed a trade agreement with",
    "accused",
    "held talks with",
    "recalled its ambassador from",
    "sent humanitarian aid to",
    "threatened sanctions against",
    "praised",
    "expelled diplomats of",
    "pledged military support to",
    "condemned",
]
_TOPICS = [
    "fishing rights along the coast",
    "a disputed border crossing",
    "grain exports through the port",
    "the return of refugees",
    "water from a shared river",
    "a stalled railway project",
    "electricity imports during the dry season",
    "the arrest of a journalist",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def story(key: str) -> tuple[str, str]:
    """A short news story (title, text), the same for the same key and unlike the others."""
    rng = random.Random(key)
    (a, city), (b, _) = rng.sample(_COUNTRIES, 2)
    act, topic, day = rng.choice(_ACTS), rng.choice(_TOPICS), rng.choice(_DAYS)
    count = rng.randint(3, 97)
    extra = rng.sample(_TOPICS, 2)
    title = f"{a} {act.split()[0]} {b}"
    text = (
        f"{a} {act} {b} on {day} in {city}, officials in both capitals said. "
        f"The dispute over {topic} has dragged on for {count} months. "
        f"Ministers also discussed {extra[0]} and {extra[1]}, "
        f"according to a statement numbered {key}."
    )
    return title, text


def feed_xml(title: str, entries: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 document of (guid, title, text) entries."""
    items = "".join(
        f"<item><guid isPermaLink='false'>{escape(g)}</guid><title>{escape(t)}</title>"
        f"<pubDate>{formatdate(1715072400 + n * 3600, usegmt=True)}</pubDate>"
        f"<description>{escape(x)}</description></item>\n"
        for n, (g, t, x) in enumerate(entries)
    )
    doc = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{escape(title)}</title>
{items}</channel></rss>"""
    return doc.encode("utf-8")


@dataclass
class FeedSite:
    """The feeds, as they are at a time: everything follows from the period number."""

    period: float = 2.0  # seconds between changes of the feeds
    fetch_timeout: float = 1.0  # slow.rss answers after this and a bit
    started: float = field(default_factory=time.monotonic)
    served: dict[str, set[str]] = field(default_factory=dict)  # feed -> guids served (200)
    faults: dict[str, int] = field(default_factory=dict)  # kind -> responses
    requests: list[tuple[float, str, int]] = field(default_factory=list)  # (time, path, status)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def epoch(self) -> int:
        return int((time.monotonic() - self.started) / self.period)

    def fault(self, kind: str) -> None:
        with self.lock:
            self.faults[kind] = self.faults.get(kind, 0) + 1

    def entries(self, name: str, e: int) -> list[tuple[str, str, str]]:
        """The entries of feed ``name`` in period ``e`` (newest first, as feeds do)."""
        if name == "world":
            keys = [f"world-{n}" for n in range(max(0, e + 3 - 12), e + 3)]
        elif name == "edited":
            keys = ["edited-1", "edited-2", "edited-3"]
        else:  # one new entry every second period
            keys = [f"{name}-{n}" for n in range(e // 2 + 2)]
        out = []
        for key in reversed(keys):
            title, text = story(key)
            if key == "edited-2" and e >= 3:
                text += " The ministry later corrected the figures in this report."
            out.append((key, title, text))
        return out

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes, str | None]:
        """(status, headers, body, feed whose entries the body carries)."""
        e = self.epoch()
        name = path.lstrip("/").removesuffix(".rss")
        rss = {"Content-Type": "application/rss+xml; charset=utf-8"}
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n", None
        if path == "/moved.rss":
            self.fault("redirect 302")
            return 302, {"Location": "/africa.rss"}, b"", None
        if path == "/also-world.rss":
            self.fault("redirect 301")
            return 301, {"Location": "/world.rss"}, b"", None
        if name == "gone" and e % 10 in (4, 5, 6):
            self.fault("404 gone")
            return 404, {"Content-Type": "text/plain"}, b"gone for now", None
        if name == "flaky" and e % 8 in (2, 3, 4):
            status = 503 if e % 2 else 500
            self.fault(f"{status} server error")
            return status, {"Content-Type": "text/plain"}, b"try later", None
        if name == "slow" and e % 9 in (6, 7):
            self.fault("timeout")
            time.sleep(self.fetch_timeout + 0.5)
            return 200, rss, feed_xml("Slow Wire", self.entries(name, e)), None
        if name == "broken" and e % 7 in (1, 2):
            whole = feed_xml("Broken Wire", self.entries(name, e))
            if e % 7 == 1:  # cut off before its first entry: the whole feed fails
                self.fault("malformed XML (cut off)")
                return 200, rss, whole[: whole.index(b"<item>")], None
            self.fault("malformed XML (broken tags)")  # entries before the damage are read
            return 200, rss, whole.replace(b"</description></item>", b"</descr>&&", 1), None
        if name in ("world", "edited", "gone", "slow", "flaky", "broken", "africa"):
            return 200, rss, feed_xml(f"{name.title()} Wire", self.entries(name, e)), name
        return 404, {"Content-Type": "text/plain"}, b"no such feed", None

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                status, headers, body, feed = site.respond(self.path)
                with site.lock:
                    site.requests.append((time.monotonic(), self.path, status))
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    return  # the client gave up (the slow feed): nothing was delivered
                if feed is not None:
                    guids = re.findall(rb"<guid[^>]*>([^<]+)</guid>", body)
                    with site.lock:
                        site.served.setdefault(feed, set()).update(g.decode() for g in guids)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@dataclass
class Soak:
    seconds: float
    every: float
    runs: int
    rounds: int = 0
    wall: float = 0.0
    exit_code: int | None = None
    rss_kb: list[int] = field(default_factory=list)  # after each round
    #: the largest sum over watch and its round's process during each round
    peak_kb: list[int] = field(default_factory=list)
    stored: int = 0
    entries_served: int = 0
    events: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    feed_failures: int = 0  # "rejected FEED: reason" lines for whole feeds
    backoff_lines: int = 0
    recoveries: int = 0
    skipped_fetches: int = 0  # feed-rounds sat out
    retry_gaps: list[float] = field(default_factory=list)  # seconds before a retry
    problems: list[str] = field(default_factory=list)
    log_tail: list[str] = field(default_factory=list)

    def growth(self) -> float | None:
        """Growth of the resident set from the end of the warm-up to the highest later."""
        warm = max(3, len(self.rss_kb) // 5)
        if len(self.rss_kb) <= warm + 1:
            return None
        base = self.rss_kb[warm - 1]
        return (max(self.rss_kb[warm:]) - base) / base

    def figures(self) -> dict[str, Any]:
        rss = self.rss_kb
        return {
            "seconds": round(self.wall, 1),
            "rounds": self.rounds,
            "every": self.every,
            "exit_code": self.exit_code,
            "entries_served": self.entries_served,
            "articles_stored": self.stored,
            "events_coded": self.events,
            "faults_injected": self.faults,
            "feed_failures_logged": self.feed_failures,
            "feed_rounds_sat_out": self.skipped_fetches,
            "recoveries_logged": self.recoveries,
            "retry_gap_min_s": min(self.retry_gaps) if self.retry_gaps else None,
            "rss_mb": {
                "first": round(rss[0] / 1024, 1) if rss else None,
                "after_warmup": round(rss[max(3, len(rss) // 5) - 1] / 1024, 1)
                if len(rss) > 3
                else None,
                "last": round(rss[-1] / 1024, 1) if rss else None,
                "max": round(max(rss) / 1024, 1) if rss else None,
            },
            "rss_growth_after_warmup": None
            if self.growth() is None
            else round(self.growth() or 0.0, 3),
            "round_peak_mb": {
                "first": round(self.peak_kb[0] / 1024, 1) if self.peak_kb else None,
                "last": round(self.peak_kb[-1] / 1024, 1) if self.peak_kb else None,
                "max": round(max(self.peak_kb) / 1024, 1) if self.peak_kb else None,
            },
            "problems": self.problems,
        }


FEEDS = ["world", "edited", "gone", "slow", "flaky", "broken", "moved", "also-world"]


def _rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def run(
    seconds: float,
    workdir: Path,
    every: float = 1.0,
    period: float = 2.0,
    fetch_timeout: float = FETCH_TIMEOUT,
) -> Soak:
    """Run the soak for about ``seconds`` and check it (see the module's doc)."""
    site = FeedSite(period=period, fetch_timeout=fetch_timeout)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), site.handler())
    httpd.daemon_threads = True
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, args=(0.1,), daemon=True).start()
    # a round is `every` plus the fetching and coding (about 1.5 s on two cores)
    runs = max(8, round(seconds / (every + 1.5)))
    soak = Soak(seconds=seconds, every=every, runs=runs)
    db = workdir / "soak.duckdb"
    urls = [f"{base}/{name}.rss" for name in FEEDS]
    env = dict(os.environ)
    env.update(
        EVENTWIRE_FETCH_TIMEOUT=str(fetch_timeout),
        EVENTWIRE_FETCH_RETRIES=str(RETRIES),
        EVENTWIRE_FETCH_BACKOFF=str(RETRY_BACKOFF),
    )
    env.pop("EVENTWIRE_ALLOW_PRIVATE", None)  # the flag says it
    command = [sys.executable, "-m", "eventwire", "watch", *urls, "--every", f"{every}s"]
    command += ["--runs", str(runs), "--allow-private", "--workers", "1", "--db", str(db)]
    log: list[str] = []
    started = time.monotonic()
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )

    peak = PeakRss(proc.pid, every=0.1)  # watch and the process of its round

    def read_log() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            log.append(line.rstrip("\n"))
            if line.startswith("events coded:") or "every feed is sitting out" in line:
                soak.rounds += 1
                kb = _rss_kb(proc.pid)
                if kb is not None:
                    soak.rss_kb.append(kb)
                soak.peak_kb.append(peak.all_kb)
                peak.all_kb = 0

    reader = threading.Thread(target=read_log, daemon=True)
    reader.start()
    deadline = 3 * seconds + 120
    try:
        with peak:
            soak.exit_code = proc.wait(timeout=deadline)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        soak.problems.append(f"watch did not stop by itself within {deadline:.0f} s")
    reader.join(timeout=10)
    soak.wall = time.monotonic() - started
    httpd.shutdown()
    httpd.server_close()
    soak.log_tail = log[-40:]
    soak.faults = dict(site.faults)
    _check(soak, site, base, db, log)
    return soak


def _check(soak: Soak, site: FeedSite, base: str, db: Path, log: list[str]) -> None:
    import duckdb

    problems = soak.problems
    if soak.exit_code is not None and soak.exit_code != 1:
        problems.append(f"watch exited with {soak.exit_code}, not 1 (inputs were rejected)")
    if soak.rounds != soak.runs:
        problems.append(f"{soak.rounds} rounds seen in the log, {soak.runs} asked for")
    growth = soak.growth()
    if growth is not None and growth > MAX_GROWTH:
        problems.append(
            f"resident memory grew {growth:.0%} after the warm-up "
            f"({soak.rss_kb[max(3, len(soak.rss_kb) // 5) - 1]} -> {max(soak.rss_kb)} kB)"
        )
    # -- the log: every whole-feed failure named, with its reason; back-off and recovery
    failures = [ln for ln in log if re.match(rf"rejected {re.escape(base)}/[\w-]+\.rss: ", ln)]
    soak.feed_failures = len(failures)
    soak.backoff_lines = sum(1 for ln in log if re.match(r"watch: .* failed \d+ round", ln))
    soak.recoveries = sum(1 for ln in log if re.match(r"watch: .* works again after", ln))
    expected = {
        "flaky": r"HTTP 50[03] ",
        "gone": r"HTTP 404 ",
        "slow": r"cannot connect \(.*timed out",
        "broken": r"the feed has no entries \(not well-formed",
    }
    for name, reason in expected.items():
        kind = {"flaky": "server error", "gone": "404", "slow": "timeout", "broken": "cut off"}
        if not any(kind[name] in k for k in site.faults):
            continue  # the run was too short to reach this fault
        if not any(f"/{name}.rss: " in ln and re.search(reason, ln) for ln in failures):
            problems.append(f"no log line names {name}.rss failing with /{reason}/")
    if soak.faults and not soak.backoff_lines:
        problems.append("no feed was backed off after failing")
    # -- the back-off: a server error is tried again after a pause, within the fetch, and
    # a failing feed is not fetched every round
    flaky = sorted((t, status) for t, p, status in site.requests if p == "/flaky.rss")
    gaps = [b[0] - a[0] for a, b in zip(flaky, flaky[1:], strict=False) if a[1] >= 500]
    soak.retry_gaps = [round(g, 2) for g in gaps]
    if any(g < RETRY_BACKOFF * 0.8 for g in gaps):
        problems.append(f"a server error was retried without waiting: {min(gaps):.2f} s")
    for name in ("flaky", "gone", "broken"):
        soak.skipped_fetches += soak.rounds - len(_fetch_rounds(site, f"/{name}.rss", soak.every))
    if soak.faults and soak.skipped_fetches <= 0:
        problems.append("the failing feeds were fetched in every round (no back-off)")
    # -- the store: everything served stored, nothing twice
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT id, status, text, story_id FROM articles").fetchall()
        soak.events = con.execute("SELECT count(*) FROM events").fetchone()[0]  # type: ignore[index]
    finally:
        con.close()
    by_id = {r[0]: r for r in rows}
    soak.stored = len(rows)
    if len(by_id) != len(rows):
        problems.append("an article id is stored twice")
    addresses = {
        "world": ["world", "also-world"],
        "edited": ["edited"],
        "gone": ["gone"],
        "slow": ["slow"],
        "flaky": ["flaky"],
        "broken": ["broken"],
        "africa": ["moved"],
    }
    soak.entries_served = sum(len(g) for g in site.served.values())
    coded: dict[str, int] = {}
    for feed, guids in site.served.items():
        for guid in guids:
            # world.rss is read at two addresses, maybe a period apart: an entry new in
            # between is served to one of them only
            ids = [f"{base}/{a}.rss#{guid}" for a in addresses[feed]]
            found = [by_id[i] for i in ids if i in by_id]
            if not found:
                problems.append(f"entry {guid} of {feed}.rss was served but not stored")
            coded[guid] = sum(1 for r in found if r[1] != "duplicate")
    both = [
        g
        for g in site.served.get("world", ())
        if f"{base}/world.rss#{g}" in by_id and f"{base}/also-world.rss#{g}" in by_id
    ]
    if site.served.get("world") and not both:
        problems.append("no entry of world.rss was stored from its 301 address too")
    twice = sorted(g for g, n in coded.items() if n > 1)
    if twice:
        problems.append(f"entries coded more than once: {twice[:5]}")
    edited = by_id.get(f"{base}/edited.rss#edited-2")
    if edited is not None and "corrected" in (edited[2] or ""):
        problems.append("the edited entry's new text replaced the stored one without --replace")
    if not rows:
        problems.append("nothing was stored")


def _fetch_rounds(site: FeedSite, path: str, every: float) -> list[float]:
    """Times of the first request of each round's fetch of ``path``: a retry comes
    ``RETRY_BACKOFF`` after an answer, the next round at least ``every`` later."""
    times = sorted(t for t, p, _ in site.requests if p == path)
    out: list[float] = []
    last = -1e9
    for t in times:
        if t - last > (RETRY_BACKOFF + every) / 2:
            out.append(t)
        last = t
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eventwire.soak", description=__doc__)
    parser.add_argument(
        "--seconds",
        type=float,
        default=float(os.environ.get(SECONDS_ENV) or 40),
        help=f"About how long to run (default: {SECONDS_ENV} or 40).",
    )
    parser.add_argument("--every", type=float, default=1.0, help="watch --every, in seconds")
    parser.add_argument("--json", metavar="FILE", help="Also write the figures here.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="eventwire-soak-") as tmp:
        soak = run(args.seconds, Path(tmp), every=args.every)
    figures = soak.figures()
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")
    if soak.problems:
        print("\n".join(soak.log_tail), file=sys.stderr)
    return 1 if soak.problems else 0


if __name__ == "__main__":
    sys.exit(main())
