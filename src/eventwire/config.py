"""Settings: one frozen dataclass. Defaults < EVENTWIRE_* environment < CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any

DEFAULT_DB = "eventwire.duckdb"
#: Seconds a command waits for another eventwire process that holds the database.
DEFAULT_WAIT = 10.0
#: Bytes an input (file, page, stdin, unpacked archive) may have; larger ones are rejected
#: with a message that names the limit. The one definition: readers and fetcher use it.
MAX_BYTES = 20_000_000


def default_workers() -> int:
    """Processes for coding: every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class Settings:
    """Every knob a run takes, built once per command and handed to each stage."""

    db: str = DEFAULT_DB
    workers: int = field(default_factory=lambda: default_workers())
    actors: str | None = None  # user actor dictionary (CSV)
    date: str | None = None  # publication date for inputs that carry none
    batch_size: int = 16  # articles per spaCy batch
    max_bytes: int = MAX_BYTES  # larger inputs are rejected with a message
    wait: float = DEFAULT_WAIT  # seconds to wait for another process holding the database
    replace: bool = False  # store a new text under an id already stored with another

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        env = os.environ
        base = cls(
            db=env.get("EVENTWIRE_DB", DEFAULT_DB),
            workers=int(env.get("EVENTWIRE_WORKERS") or default_workers()),
            actors=env.get("EVENTWIRE_ACTORS") or None,
        )
        return replace(base, **{k: v for k, v in overrides.items() if v is not None})
