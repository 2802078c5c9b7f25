"""Fetching against a local HTTP server on 127.0.0.1 that the test starts and stops."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from eventwire.errors import InputError
from eventwire.fetch import Fetcher

PAGES = {
    "/robots.txt": (200, "text/plain", "User-agent: *\nDisallow: /private/\n"),
    "/story.html": (200, "text/html", "<html><body><p>Chad closed its border.</p></body></html>"),
    "/private/memo.html": (200, "text/html", "<p>secret</p>"),
}


class Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def do_GET(self):  # noqa: N802 - the http.server API
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        if self.path == "/flaky.html" and Handler.hits[self.path] < 2:
            self.send_response(503)
            self.end_headers()
            return
        status, ctype, body = PAGES.get(self.path, (404, "text/plain", "no"))
        if self.path == "/flaky.html":
            status, ctype, body = 200, "text/html", "<p>back again</p>"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture()
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.hits = {}
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetches_a_page_with_our_user_agent(server):
    page = Fetcher(backoff=0.01).fetch(server + "/story.html")
    assert b"Chad closed its border" in page.body
    assert page.content_type.startswith("text/html")


def test_robots_txt_is_respected(server):
    with pytest.raises(InputError) as err:
        Fetcher(backoff=0.01).fetch(server + "/private/memo.html")
    assert "robots.txt" in err.value.reason


def test_server_errors_are_retried(server):
    page = Fetcher(backoff=0.01, retries=2).fetch(server + "/flaky.html")
    assert b"back again" in page.body
    assert Handler.hits["/flaky.html"] == 2


def test_missing_page_is_named_with_its_status(server):
    with pytest.raises(InputError) as err:
        Fetcher(backoff=0.01).fetch(server + "/gone.html")
    assert "HTTP 404" in err.value.reason and err.value.origin.endswith("/gone.html")


def test_unreachable_host_gives_a_clear_error():
    with pytest.raises(InputError) as err:
        Fetcher(timeout=0.5, retries=0).fetch("http://127.0.0.1:9/nothing")
    assert "cannot connect" in err.value.reason
