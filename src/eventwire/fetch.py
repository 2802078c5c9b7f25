"""Fetching pages and feeds over HTTP: a timeout, retries with back-off, a user agent, and
robots.txt respected. Only the standard library is used; nothing here runs at import."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
import urllib.robotparser
from dataclasses import dataclass

from . import __version__
from .config import MAX_BYTES
from .errors import InputError

USER_AGENT = f"eventwire/{__version__} (news event coder; respects robots.txt)"
TIMEOUT = 15.0
RETRIES = 2
BACKOFF = 1.0  # seconds, doubled after each failed try


@dataclass(slots=True, frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    body: bytes


class Fetcher:
    """One fetcher per run: it remembers each host's robots.txt."""

    def __init__(
        self,
        timeout: float = TIMEOUT,
        retries: int = RETRIES,
        backoff: float = BACKOFF,
        user_agent: str = USER_AGENT,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.user_agent = user_agent
        self.max_bytes = max_bytes
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}

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
        if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
            raise InputError(url, "only http and https addresses can be fetched")
        if not self.allowed(url):
            raise InputError(url, "robots.txt of the site does not allow fetching this page")
        return self._get(url)

    def _get(self, url: str) -> Fetched:
        delay = self.backoff
        last = ""
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                    body = resp.read(self.max_bytes + 1)
                    if len(body) > self.max_bytes:
                        raise InputError(url, f"page is over the {self.max_bytes:,}-byte limit")
                    return Fetched(resp.geturl(), resp.headers.get("Content-Type", ""), body)
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code} {exc.reason}"
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
