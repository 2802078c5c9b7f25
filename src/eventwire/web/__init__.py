"""The REST API and dashboard (``eventwire serve``): ``create_app(db_path)`` in ``app``.

FastAPI is imported only when the app is built, so that other commands do not pay
for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["create_app"]


def create_app(db_path: str | Path, **options: Any) -> FastAPI:
    """``eventwire.web.app.create_app``: the FastAPI app over the database at ``db_path``."""
    from .app import create_app as build

    return build(db_path, **options)
