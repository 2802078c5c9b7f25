"""`eventwire ingest URL` and `eventwire watch` against a local HTTP server the test starts."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from eventwire.cli import main

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test Wire</title>
<item><guid>tw-1</guid><title>Kenya and Somalia sign border accord</title>
<link>{base}/a1.html</link><pubDate>Tue, 07 May 2024 09:00:00 GMT</pubDate>
<description>Kenya and Somalia signed a border security agreement in Nairobi on Tuesday,
officials from both governments said after a day of talks.</description></item>
<item><guid>tw-2</guid><title>Chad recalls envoy</title>
<link>{base}/a2.html</link><pubDate>Mon, 06 May 2024 09:00:00 GMT</pubDate>
<description>Chad recalled its ambassador from Sudan on Monday, accusing Khartoum of
backing rebels along the border.</description></item>
</channel></rss>"""

PAGE = """<html><head><title>Peru and Chile talks</title>
<meta property="article:published_time" content="2024-05-08"></head>
<body><article><h1>Peru and Chile talks</h1>
<p>Peruvian and Chilean officials held talks in Lima on Wednesday about fishing rights
off their shared coast, the foreign ministry in Lima said in a statement.</p>
<p>Peru accused Chilean trawlers of fishing inside its waters earlier this month.</p>
</article></body></html>"""


def _handler(base_holder):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            routes = {
                "/robots.txt": ("text/plain", "User-agent: *\nDisallow: /private/\n"),
                "/world.rss": ("application/rss+xml", FEED.format(base=base_holder[0])),
                "/story.html": ("text/html; charset=utf-8", PAGE),
            }
            if self.path not in routes:
                self.send_response(404)
                self.end_headers()
                return
            ctype, body = routes[self.path]
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.end_headers()
            self.wfile.write(body.encode("utf-8"))

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture()
def server():
    holder = [""]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(holder))
    holder[0] = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield holder[0]
    httpd.shutdown()
    httpd.server_close()


def _articles(db):
    out = CliRunner().invoke(main, ["articles", "--db", db, "--format", "jsonl"])
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_ingest_a_page_and_a_feed_by_address(server, tmp_path):
    db = str(tmp_path / "live.duckdb")
    out = CliRunner().invoke(
        main,
        [
            "ingest",
            server + "/story.html",
            server + "/world.rss",
            server + "/private/x",
            "--allow-private",  # the test's server is on this machine
            "--db",
            db,
        ],
    )
    assert out.exit_code == 1  # the robots.txt-forbidden address is named
    assert "robots.txt" in out.stderr
    rows = {r["ref"]: r for r in _articles(db) if r["status"] != "rejected"}
    assert {"tw-1", "tw-2"} <= set(rows)
    assert rows["tw-1"]["id"] == server + "/world.rss#tw-1"  # the feed names its entries
    assert rows["tw-1"]["date"] == "2024-05-07"
    page = [r for r in rows.values() if r["id"] == server + "/story.html"]  # its address
    assert page and page[0]["title"] == "Peru and Chile talks"


def test_watch_adds_only_what_is_new(server, tmp_path):
    db = str(tmp_path / "watch.duckdb")
    out = CliRunner().invoke(
        main,
        ["watch", server + "/world.rss", "--every", "0.05s", "--runs", "2", "--allow-private"]
        + ["--db", db],
    )
    assert out.exit_code == 0, out.output
    assert "already stored:     2" in out.stderr  # the second round found nothing new
    assert len([r for r in _articles(db) if r["status"] == "coded"]) == 2


def test_addresses_on_this_machine_are_refused_by_default(server, tmp_path):
    db = str(tmp_path / "refused.duckdb")
    out = CliRunner().invoke(main, ["ingest", server + "/world.rss", "--db", db])
    assert out.exit_code == 1
    assert f"rejected {server}/world.rss: refused: 127.0.0.1 is a loopback address" in out.stderr
    assert "--allow-private" in out.stderr  # the message says how to allow it
    assert not [r for r in _articles(db) if r["status"] != "rejected"]
