"""Fetching pages and feeds over HTTP: a timeout, retries with back-off, a user agent, and
robots.txt respected. Only the standard library is used; nothing here runs at import.

Only public http and https addresses are fetched, so that an address in a feed list or
a redirect cannot make eventwire read a machine's own services (server-side request
forgery). Refused without any connection: other schemes (``file:``, ``ftp:``, ``data:``),
``localhost`` names, and every address that is not public: loopback, private (10/8,
172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 where cloud metadata lives,
fe80::/10), shared (100.64/10), multicast, reserved, unspecified (0.0.0.0, ::), and
IPv4 inside IPv6 (``::ffff:127.0.0.1``, 6to4, NAT64). An address is checked in whatever
form it is written (``http://2130706433/``, ``http://0x7f.1/``, ``http://0177.0.0.1/``)
and, for a host name, as it resolves: the name is resolved just before connecting, every
address it gives is checked, and the connection goes to a checked address (so a name
that resolves elsewhere the second time cannot slip through). Every redirect hop is
checked the same way.

For feeds on your own network, allow private addresses: ``Fetcher(allow_private=True)``,
``EVENTWIRE_ALLOW_PRIVATE=1``, or ``--allow-private`` on ``eventwire ingest`` and
``watch`` (``private_allowed``). Schemes other than http and https are never fetched.
Through a proxy (``http_proxy``/``https_proxy``), the proxy resolves host names itself,
so only the address as written is checked; the proxy may be on a private network.
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import urllib.robotparser
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from . import __version__
from .config import MAX_BYTES
from .errors import InputError, UsageError

USER_AGENT = f"eventwire/{__version__} (news event coder; respects robots.txt)"
TIMEOUT = 15.0
RETRIES = 2
BACKOFF = 1.0  # seconds, doubled after each failed try
#: Environment variables that change those defaults (a fetcher's arguments win).
TIMEOUT_ENV, RETRIES_ENV, BACKOFF_ENV = (
    "EVENTWIRE_FETCH_TIMEOUT",
    "EVENTWIRE_FETCH_RETRIES",
    "EVENTWIRE_FETCH_BACKOFF",
)
SCHEMES = ("http", "https")
#: The environment variable that allows private addresses (``1``, ``true`` or ``yes``).
ALLOW_PRIVATE_ENV = "EVENTWIRE_ALLOW_PRIVATE"
HOW_TO_ALLOW = f"for feeds on your own network use --allow-private or {ALLOW_PRIVATE_ENV}=1"

_allow_private: ContextVar[bool | None] = ContextVar("eventwire_allow_private", default=None)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_PART = re.compile(r"(0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)


@dataclass(slots=True, frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    body: bytes


class Refused(Exception):
    """An address that may not be fetched (raised before any connection is made)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@contextmanager
def private_allowed(allow: bool = True) -> Iterator[None]:
    """Within the block, fetchers made without ``allow_private`` take ``allow`` (what
    ``--allow-private`` does for the fetchers an ingest makes)."""
    token = _allow_private.set(allow)
    try:
        yield
    finally:
        _allow_private.reset(token)


def default_allow_private() -> bool:
    """``private_allowed`` when in one, else ``EVENTWIRE_ALLOW_PRIVATE``."""
    chosen = _allow_private.get()
    if chosen is not None:
        return chosen
    return os.environ.get(ALLOW_PRIVATE_ENV, "").strip().lower() in {"1", "true", "yes"}


def _env_number(name: str, default: float, kind: type = float) -> Any:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = -1
    if not 0 <= value < float("inf"):
        raise UsageError(
            f"{name}={raw!r} is not a number of {'tries' if kind is int else 'seconds'}"
        )
    return value


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` may not be fetched (None for a public address)."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is None and ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            problem = address_problem(inner)
            return f"{problem} inside the IPv6 address {ip}" if problem else None
    kinds = (
        (ip.is_unspecified, "the unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global, "not a public address"),
    )
    for hit, kind in kinds:
        if hit:
            return f"{ip} is {kind}"
    return None


def literal_address(host: str) -> IPAddress | None:
    """The address a host written as an IP stands for, in any form the system's resolver
    reads: dotted, IPv6, and the old IPv4 forms (``2130706433``, ``0x7f.1``, ``0177.0.0.1``,
    ``127.1``); None for a host name."""
    host = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    parts = host.split(".")
    if 1 <= len(parts) <= 4 and all(_IPV4_PART.fullmatch(p) for p in parts):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def url_problem(url: str, allow_private: bool) -> str | None:
    """Why ``url`` may not be fetched, found without resolving or connecting (None: it
    may be, its host name still to be checked as it resolves)."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError as exc:
        return f"not a valid address ({exc})"
    if parts.scheme.lower() not in SCHEMES:
        scheme = f"{parts.scheme}: addresses" if parts.scheme else "addresses without a scheme"
        return f"only http and https addresses can be fetched, not {scheme}"
    if not host:
        return "the address has no host"
    if allow_private:
        return None
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return f"refused: {host} is this machine ({HOW_TO_ALLOW})"
    ip = literal_address(host)
    problem = address_problem(ip) if ip is not None else None
    return f"refused: {problem} ({HOW_TO_ALLOW})" if problem else None


def addresses(host: str, port: int) -> list[str]:
    """The IP addresses ``host`` resolves to, in the system resolver's order."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(sockaddr[0]) for _, _, _, _, sockaddr in found))


class _Guard:
    """Connects only to addresses that may be fetched: each one checked just before."""

    def __init__(self, allow_private: bool, proxies: set[str]) -> None:
        self.allow_private = allow_private
        self.proxies = proxies

    def connect(
        self, address: tuple[str, int], timeout: Any = None, source_address: Any = None
    ) -> socket.socket:
        host, port = address
        if self.allow_private or host.lower() in self.proxies:
            return socket.create_connection(address, timeout, source_address)
        literal = literal_address(host)
        if literal is not None:
            found = [str(literal)]
        else:
            try:
                found = addresses(host, port)
            except socket.gaierror as exc:
                raise OSError(f"cannot resolve {host} ({exc.strerror or exc})") from None
        for ip in found:
            problem = address_problem(ipaddress.ip_address(ip.split("%", 1)[0]))
            if problem:
                raise Refused(f"refused: {host} resolves to {ip}: {problem} ({HOW_TO_ALLOW})")
        last: OSError = OSError(f"cannot resolve {host}")
        for ip in found:
            try:
                return socket.create_connection((ip, port), timeout, source_address)
            except OSError as exc:
                last = exc
        raise last

    def wrap(self, make: Any) -> Any:
        """A connection class for ``AbstractHTTPHandler.do_open`` that connects through
        ``connect``."""

        def connection(host: str, **kwargs: Any) -> http.client.HTTPConnection:
            conn = make(host, **kwargs)
            conn._create_connection = self.connect
            return conn

        return connection


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, guard: _Guard) -> None:
        super().__init__()
        self.guard = guard

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self.guard.wrap(http.client.HTTPConnection), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, guard: _Guard) -> None:
        super().__init__()
        self.guard = guard

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            self.guard.wrap(http.client.HTTPSConnection),
            req,
            context=self._context,  # type: ignore[attr-defined]
        )


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to an address that may be fetched itself: the target is
    checked before urllib looks at it, and again as the new request is made."""

    def __init__(self, allow_private: bool) -> None:
        super().__init__()
        self.allow_private = allow_private

    def _check(self, req: urllib.request.Request, fp: Any, code: int, target: str) -> None:
        target = urllib.parse.urljoin(req.full_url, target.strip())
        problem = url_problem(target, self.allow_private)
        if problem:
            fp.close()
            raise Refused(f"redirected ({code}) to {target}: {problem}")

    def http_error_302(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any
    ) -> Any:
        target = headers.get("location") or headers.get("uri")
        if not target:
            return super().http_error_302(req, fp, code, msg, headers)
        self._check(req, fp, code, target)
        try:
            return super().http_error_302(req, fp, code, msg, headers)
        except Refused as exc:  # the next hop's name resolved to a forbidden address
            target = urllib.parse.urljoin(req.full_url, target.strip())
            raise Refused(f"redirected ({code}) to {target}: {exc.reason}") from None

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        self._check(req, fp, code, newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Fetcher:
    """One fetcher per run: it remembers each host's robots.txt.

    ``timeout`` (seconds per try), ``retries`` (tries after the first, for server errors,
    429 and connection trouble) and ``backoff`` (seconds before the first retry, doubled
    after each): None takes ``EVENTWIRE_FETCH_TIMEOUT``, ``EVENTWIRE_FETCH_RETRIES`` and
    ``EVENTWIRE_FETCH_BACKOFF``, else 15 s, 2 and 1 s.
    ``allow_private``: also fetch loopback and private addresses (feeds on your own
    network); None takes ``private_allowed`` or ``EVENTWIRE_ALLOW_PRIVATE``.
    """

    def __init__(
        self,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        user_agent: str = USER_AGENT,
        max_bytes: int = MAX_BYTES,
        allow_private: bool | None = None,
    ) -> None:
        self.timeout = _env_number(TIMEOUT_ENV, TIMEOUT) if timeout is None else timeout
        self.retries = _env_number(RETRIES_ENV, RETRIES, int) if retries is None else retries
        self.backoff = _env_number(BACKOFF_ENV, BACKOFF) if backoff is None else backoff
        self.user_agent = user_agent
        self.max_bytes = max_bytes
        self.allow_private = default_allow_private() if allow_private is None else allow_private
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        proxies = urllib.request.getproxies()
        hosts = {urllib.parse.urlsplit(p).hostname for p in proxies.values()}
        guard = _Guard(self.allow_private, {h.lower() for h in hosts if h})
        self._opener = urllib.request.OpenerDirector()
        for handler in (
            urllib.request.ProxyHandler(proxies),
            urllib.request.UnknownHandler(),
            urllib.request.HTTPDefaultErrorHandler(),
            _RedirectHandler(self.allow_private),
            urllib.request.HTTPErrorProcessor(),
            _HTTPHandler(guard),
            _HTTPSHandler(guard),
        ):
            self._opener.add_handler(handler)

    def check(self, url: str) -> None:
        """An ``InputError`` when ``url`` may not be fetched (see the module's doc);
        host names are checked as they resolve, when the fetch connects."""
        problem = url_problem(url, self.allow_private)
        if problem:
            raise InputError(url, problem)

    def allowed(self, url: str) -> bool:
        parts = urllib.parse.urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        if root not in self._robots:
            parser = urllib.robotparser.RobotFileParser()
            try:
                body = self._get(root + "/robots.txt").body.decode("utf-8", "replace")
                parser.parse(body.splitlines())
                self._robots[root] = parser
            except InputError:
                self._robots[root] = None  # no robots.txt (or unreachable): no rules
        rules = self._robots[root]
        return rules is None or rules.can_fetch(self.user_agent, url)

    def fetch(self, url: str) -> Fetched:
        """The page, or an ``InputError`` naming the URL and what went wrong."""
        self.check(url)
        if not self.allowed(url):
            raise InputError(url, "robots.txt of the site does not allow fetching this page")
        return self._get(url)

    def _get(self, url: str) -> Fetched:
        self.check(url)
        delay = self.backoff
        last = ""
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
            try:
                with self._opener.open(request, timeout=self.timeout) as resp:
                    body = resp.read(self.max_bytes + 1)
                    if len(body) > self.max_bytes:
                        raise InputError(url, f"page is over the {self.max_bytes:,}-byte limit")
                    return Fetched(resp.geturl(), resp.headers.get("Content-Type", ""), body)
            except Refused as exc:
                raise InputError(url, exc.reason) from None  # trying again will not help
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code} {exc.reason}"
                exc.close()
                if exc.code < 500 and exc.code != 429:
                    break  # a client error will not mend itself
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                last = f"cannot connect ({getattr(exc, 'reason', exc)})"
            if attempt < self.retries:
                time.sleep(delay)
                delay *= 2
        raise InputError(url, f"{last} after {self.retries + 1} tries" if last else "fetch failed")


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))
