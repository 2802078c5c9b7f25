"""Log lines of the libraries that read for us, named by the input they are about.

trafilatura, htmldate, courlan, justext and warcio report trouble with a page
("discarding data", "empty HTML tree") on their own loggers, without saying
which file they were reading, and warcio writes some warnings straight to
``sys.stderr``. While one input is read (``attributed_logs(origin)``) their
records are caught before they reach the root logger's handlers and re-emitted
on the ``eventwire.ingest`` logger at DEBUG level, prefixed with the input's
origin ("news/page.html: trafilatura: empty HTML tree"). So by default nothing
anonymous reaches the user, and ``-vv`` shows every line with its file.

The reader's own ``InputError`` already says why an input was rejected; these
lines are the libraries' detail, for when that reason is not enough.

Contexts nest (a web archive, then one page in it: the innermost origin names
the line), and are safe across threads: the loggers are taken over while any
input is being read and given back as they were when the last one ends; a
record logged then by a thread that is not reading an input goes on to the
root logger's handlers as it would have.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

#: Loggers of the libraries used while reading an input (their children included).
LIBRARIES = ("trafilatura", "htmldate", "courlan", "justext", "warcio", "charset_normalizer")
#: warcio modules that write warnings with ``sys.stderr.write`` instead of logging.
_WARCIO_STDERR_MODULES = (
    "warcio.archiveiterator",
    "warcio.bufferedreaders",
    "warcio.digestverifyingreader",
)

LOG = logging.getLogger("eventwire.ingest")

T = TypeVar("T")

_origin: ContextVar[str | None] = ContextVar("eventwire_ingest_origin", default=None)
_lock = threading.Lock()
_depth = 0  # inputs being read now, in all threads
_saved_propagate: dict[str, bool] = {}
_saved_sys: dict[str, Any] = {}  # warcio modules whose ``sys`` is replaced
_loggers: list[logging.Logger] = []


@contextmanager
def attributed_logs(origin: str) -> Iterator[None]:
    """While the body runs, the libraries' log records are re-emitted on
    ``eventwire.ingest`` at DEBUG as ``"<origin>: <library>: <message>"``.

    Do not ``yield`` an item to a caller inside it (the caller's own log lines
    would be taken for the input's); wrap a reader's items with ``attributed``.
    """
    global _depth
    with _lock:
        if _depth == 0:
            _take_over()
        _depth += 1
    token = _origin.set(origin)
    try:
        yield
    finally:
        _origin.reset(token)
        with _lock:
            _depth -= 1
            if _depth == 0:
                _give_back()


def attributed(origin: str, items: Iterable[T]) -> Iterator[T]:
    """``items`` with the libraries' log lines named by ``origin`` while each is made,
    and not while the caller handles it."""
    it = iter(items)
    while True:
        with attributed_logs(origin):
            try:
                item = next(it)
            except StopIteration:
                return
        yield item


class _Reattribute(logging.Handler):
    """On the libraries' loggers while an input is read: their records, named."""

    def emit(self, record: logging.LogRecord) -> None:
        origin = _origin.get()
        if origin is None:  # another thread, not reading an input: as if propagated
            logging.getLogger().handle(record)
            return
        try:
            library = record.name.split(".", 1)[0]
            message = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                message += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
            LOG.debug("%s: %s: %s", origin, library, message)
        except Exception:
            self.handleError(record)


class _StderrToLog:
    """What warcio's ``sys.stderr.write`` writes, as a warning on the ``warcio`` logger."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger

    def write(self, text: str) -> int:
        lines = [line.strip() for line in str(text).splitlines() if line.strip()]
        if lines:
            self._logger.warning("%s", "; ".join(lines))
        return len(text)

    def flush(self) -> None:
        pass


class _SysWithLoggedStderr:
    """The ``sys`` module as warcio's modules see it, with ``stderr`` going to logging."""

    def __init__(self, real: Any, stderr: _StderrToLog) -> None:
        self._real = real
        self.stderr = stderr

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


_HANDLER = _Reattribute(level=logging.NOTSET)
_WARCIO_SYS = _SysWithLoggedStderr(sys, _StderrToLog(logging.getLogger("warcio")))


def _take_over() -> None:
    if not _loggers:
        _loggers.extend(logging.getLogger(name) for name in LIBRARIES)
    for logger in _loggers:
        _saved_propagate[logger.name] = logger.propagate
        logger.propagate = False
        logger.addHandler(_HANDLER)
    for name in _WARCIO_STDERR_MODULES:
        module = sys.modules.get(name)
        if module is not None and getattr(module, "sys", None) is sys:
            _saved_sys[name] = module
            module.sys = _WARCIO_SYS  # type: ignore[attr-defined]


def _give_back() -> None:
    for logger in _loggers:
        logger.removeHandler(_HANDLER)
        logger.propagate = _saved_propagate.pop(logger.name, True)
    for module in _saved_sys.values():
        module.sys = sys
    _saved_sys.clear()
