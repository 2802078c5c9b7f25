"""Fetching against a local HTTP server on 127.0.0.1 that the test starts and stops.

The server is on this machine, which a fetcher refuses by default (server-side request
forgery): the tests that fetch from it allow private addresses; the others prove that
every address form of this machine and of private networks is refused without a
connection, also after a redirect."""

import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from eventwire import fetch
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
        if self.path.startswith("/go?"):  # /go?to=ADDRESS&code=301: a redirect
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            self.send_response(int(query.get("code", ["302"])[0]))
            self.send_header("Location", query["to"][0])
            self.end_headers()
            return
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
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    Handler.hits = {}
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetches_a_page_with_our_user_agent(server):
    page = Fetcher(backoff=0.01, allow_private=True).fetch(server + "/story.html")
    assert b"Chad closed its border" in page.body
    assert page.content_type.startswith("text/html")


def test_robots_txt_is_respected(server):
    with pytest.raises(InputError) as err:
        Fetcher(backoff=0.01, allow_private=True).fetch(server + "/private/memo.html")
    assert "robots.txt" in err.value.reason


def test_server_errors_are_retried(server):
    page = Fetcher(backoff=0.01, retries=2, allow_private=True).fetch(server + "/flaky.html")
    assert b"back again" in page.body
    assert Handler.hits["/flaky.html"] == 2


def test_missing_page_is_named_with_its_status(server):
    with pytest.raises(InputError) as err:
        Fetcher(backoff=0.01, allow_private=True).fetch(server + "/gone.html")
    assert "HTTP 404" in err.value.reason and err.value.origin.endswith("/gone.html")


def test_unreachable_host_gives_a_clear_error():
    with pytest.raises(InputError) as err:
        Fetcher(timeout=0.5, retries=0, allow_private=True).fetch("http://127.0.0.1:9/nothing")
    assert "cannot connect" in err.value.reason


# -- server-side request forgery: only public http(s) addresses, checked before connecting --


@pytest.fixture()
def connections(monkeypatch):
    """Every address a fetcher connects to (the connection is still made)."""
    made = []
    real = socket.create_connection

    def spy(address, *args, **kwargs):
        made.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", spy)
    return made


@pytest.fixture()
def resolver(monkeypatch):
    """Host names resolved as the test says (``resolver["name"] = ["10.0.0.1"]``); the
    system resolver for the others."""
    names: dict[str, list[str]] = {}
    real = fetch.addresses

    def addresses(host, port):
        if host in names:
            return names[host]
        return real(host, port)

    monkeypatch.setattr(fetch, "addresses", addresses)
    return names


@pytest.fixture()
def loopback_is_public(monkeypatch):
    """127.0.0.1 (the test server) stands in for a public site; every other address is
    judged as usual."""
    real = fetch.address_problem
    monkeypatch.setattr(
        fetch, "address_problem", lambda ip: None if str(ip) == "127.0.0.1" else real(ip)
    )


FORBIDDEN = [
    ("http://localhost:{port}/story.html", "is this machine"),
    ("http://LocalHost.:{port}/story.html", "is this machine"),
    ("http://news.localhost:{port}/story.html", "is this machine"),
    ("http://127.0.0.1:{port}/story.html", "127.0.0.1 is a loopback address"),
    ("http://127.8.9.10:{port}/story.html", "loopback"),
    ("http://2130706433:{port}/story.html", "127.0.0.1 is a loopback address"),  # decimal
    ("http://0x7f000001:{port}/story.html", "127.0.0.1 is a loopback address"),  # hex
    ("http://0x7f.0.0.1:{port}/story.html", "127.0.0.1 is a loopback address"),
    ("http://0177.0.0.1:{port}/story.html", "127.0.0.1 is a loopback address"),  # octal
    ("http://127.1:{port}/story.html", "127.0.0.1 is a loopback address"),  # short
    ("http://0.0.0.0:{port}/story.html", "the unspecified address"),
    ("http://0:{port}/story.html", "the unspecified address"),
    ("http://[::]:{port}/story.html", "the unspecified address"),
    ("http://[::1]:{port}/story.html", "::1 is a loopback address"),
    ("http://[::ffff:127.0.0.1]:{port}/story.html", "loopback address inside the IPv6"),
    ("http://[::ffff:a9fe:a9fe]/latest/", "169.254.169.254 is a link-local address inside"),
    ("http://[2002:7f00:1::]:{port}/story.html", "loopback address inside the IPv6"),  # 6to4
    ("http://[64:ff9b::a00:1]/", "10.0.0.1 is a private address inside"),  # NAT64
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://10.1.2.3/feed.rss", "10.1.2.3 is a private address"),
    ("http://172.16.0.1/feed.rss", "172.16.0.1 is a private address"),
    ("http://192.168.1.1/feed.rss", "192.168.1.1 is a private address"),
    ("http://100.64.0.1/feed.rss", "not a public address"),  # carrier-grade NAT
    ("http://224.0.0.1/feed.rss", "multicast"),
    ("http://240.0.0.1/feed.rss", "private"),  # reserved (Python calls it private too)
    ("http://[fc00::1]/feed.rss", "fc00::1 is a private address"),
    ("http://[fd12:3456::1]/feed.rss", "private"),
    ("http://[fe80::1%25eth0]/feed.rss", "fe80::1 is a link-local address"),
    ("http://[ff02::1]/feed.rss", "multicast"),
    ("file:///etc/passwd", "only http and https"),
    ("ftp://127.0.0.1:{port}/story.html", "only http and https"),
    ("data:text/html,<p>hello</p>", "only http and https"),
    ("gopher://127.0.0.1:{port}/", "only http and https"),
]


@pytest.mark.parametrize(("template", "why"), FORBIDDEN)
def test_forbidden_addresses_are_refused_without_a_connection(
    server, connections, monkeypatch, template, why
):
    looked_up = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: looked_up.append(a) or [])
    url = template.format(port=server.rsplit(":", 1)[1])
    with pytest.raises(InputError) as err:
        Fetcher(backoff=0.01).fetch(url)
    assert err.value.origin == url
    assert why in err.value.reason
    assert connections == [] and looked_up == [] and Handler.hits == {}


def test_the_refusal_says_how_to_allow_private_addresses(server):
    with pytest.raises(InputError) as err:
        Fetcher(backoff=0.01).fetch(server + "/story.html")
    assert "--allow-private" in err.value.reason and "EVENTWIRE_ALLOW_PRIVATE=1" in err.value.reason


def test_a_name_that_resolves_to_a_private_address_is_refused(server, connections, resolver):
    port = server.rsplit(":", 1)[1]
    resolver["feeds.example.com"] = ["127.0.0.1"]
    resolver["mixed.example.com"] = ["93.184.216.34", "10.0.0.7"]
    resolver["six.example.com"] = ["::ffff:192.168.0.9"]
    for host, why in [
        ("feeds.example.com", "feeds.example.com resolves to 127.0.0.1: 127.0.0.1 is a loopback"),
        ("mixed.example.com", "mixed.example.com resolves to 10.0.0.7"),  # one bad one is enough
        ("six.example.com", "192.168.0.9 is a private address inside"),
    ]:
        url = f"http://{host}:{port}/story.html"
        with pytest.raises(InputError) as err:
            Fetcher(backoff=0.01).fetch(url)
        assert err.value.origin == url and why in err.value.reason
        assert "tries" not in err.value.reason  # refused once, not retried
    assert connections == [] and Handler.hits == {}


def test_a_public_name_connects_to_the_address_that_was_checked(
    server, connections, resolver, loopback_is_public
):
    port = int(server.rsplit(":", 1)[1])
    resolver["news.example.com"] = ["127.0.0.1"]
    page = Fetcher(backoff=0.01).fetch(f"http://news.example.com:{port}/story.html")
    assert b"Chad closed its border" in page.body
    assert set(connections) == {("127.0.0.1", port)}  # not the name, resolved again


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("http://10.0.0.1/admin", "10.0.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]:{port}/story.html", "::1 is a loopback address"),
        ("http://localhost:{port}/story.html", "is this machine"),
        ("http://0xa000001/admin", "10.0.0.1 is a private address"),  # hex
        ("http://intranet.example.com:{port}/story.html", "resolves to 192.168.1.5"),
        ("file:///etc/passwd", "only http and https"),
        ("ftp://news.example.com/feed.rss", "only http and https"),
        ("data:text/plain,hello", "only http and https"),
    ],
)
def test_a_redirect_to_a_forbidden_address_is_refused(
    server, connections, resolver, loopback_is_public, target, why
):
    port = int(server.rsplit(":", 1)[1])
    resolver["news.example.com"] = ["127.0.0.1"]  # a public site, for this test
    resolver["intranet.example.com"] = ["192.168.1.5"]
    target = target.format(port=port)
    for code in (301, 302, 307):
        url = f"http://news.example.com:{port}/go?" + urllib.parse.urlencode(
            {"to": target, "code": code}
        )
        with pytest.raises(InputError) as err:
            Fetcher(backoff=0.01).fetch(url)
        assert err.value.origin == url
        assert f"redirected ({code}) to {target}" in err.value.reason and why in err.value.reason
    assert set(connections) == {("127.0.0.1", port)}  # only the allowed first hop
    assert Handler.hits.get("/story.html") is None and sum(Handler.hits.values()) == 6


def test_redirects_between_allowed_addresses_are_followed(server):
    url = server + "/go?" + urllib.parse.urlencode({"to": "/story.html", "code": 301})
    page = Fetcher(backoff=0.01, allow_private=True).fetch(url)
    assert b"Chad closed its border" in page.body and page.url == server + "/story.html"


def test_allowing_private_addresses_never_allows_other_schemes(server):
    for target in ("file:///etc/passwd", "ftp://127.0.0.1/x", "data:text/plain,hi"):
        url = server + "/go?" + urllib.parse.urlencode({"to": target})
        with pytest.raises(InputError) as err:
            Fetcher(backoff=0.01, allow_private=True).fetch(url)
        assert "only http and https" in err.value.reason
        with pytest.raises(InputError):
            Fetcher(allow_private=True).fetch(target)


def test_private_addresses_are_allowed_by_env_or_context(monkeypatch):
    monkeypatch.delenv("EVENTWIRE_ALLOW_PRIVATE", raising=False)
    assert Fetcher().allow_private is False
    monkeypatch.setenv("EVENTWIRE_ALLOW_PRIVATE", "1")
    assert Fetcher().allow_private is True
    assert Fetcher(allow_private=False).allow_private is False  # the caller's word wins
    with fetch.private_allowed(False):
        assert Fetcher().allow_private is False
    monkeypatch.setenv("EVENTWIRE_ALLOW_PRIVATE", "0")
    with fetch.private_allowed():
        assert Fetcher().allow_private is True
    assert Fetcher().allow_private is False  # the context is over


def test_feeds_never_follow_their_entries_or_entities(tmp_path, monkeypatch):
    """A feed is read from its bytes: entry links are kept as text, and external entities
    (a file on this machine, an address) are neither read nor fetched."""
    from eventwire.ingest import read_paths
    from eventwire.models import Article

    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-42")

    def refuse(*args, **kwargs):
        raise AssertionError("reading a feed tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    feed = tmp_path / "evil.rss"
    feed.write_text(
        f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY file SYSTEM "{secret.as_uri()}">
<!ENTITY web SYSTEM "http://169.254.169.254/latest/meta-data/">]>
<rss version="2.0"><channel><title>Wire &file;</title>
<item><guid>e1</guid><title>Accord &file;</title><link>file:///etc/passwd</link>
<description>Kenya and Somalia signed a border accord on Tuesday. &file; &web;</description>
</item></channel></rss>"""
    )
    items = list(read_paths([str(feed)]))
    arts = [i for i in items if isinstance(i, Article)]
    assert len(arts) == 1 and arts[0].text.startswith("Kenya and Somalia signed")
    assert all("TOPSECRET" not in a.text + a.title + a.source for a in arts)
