"""Exceptions. Every message says what went wrong and what to do next."""

from __future__ import annotations


class EventwireError(Exception):
    """Base class for all eventwire errors."""


class InputError(EventwireError):
    """An input (file, line, article) cannot be read or is not usable."""

    def __init__(self, origin: str, reason: str) -> None:
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason


class StageError(EventwireError):
    """A pipeline stage failed on one document."""

    def __init__(self, stage: str, doc_id: str, cause: BaseException) -> None:
        super().__init__(f"stage {stage!r} failed on document {doc_id!r}: {cause}")
        self.stage = stage
        self.doc_id = doc_id
        self.cause = cause


class StoreError(EventwireError):
    """The database cannot be opened, read or written."""


class UsageError(EventwireError):
    """The caller asked for something that does not make sense (exit code 2)."""
