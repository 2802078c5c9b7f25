"""Story deduplication: exact copies share a content hash and one story.

A copy is stored (so the user sees it was read) but not coded again, so the
same report never counts twice. Near-duplicates (MinHash) come later.
"""

from __future__ import annotations

import hashlib
import re

from .models import Article

_WS = re.compile(r"\s+")


def content_hash(text: str) -> str:
    """Hash of the cleaned text with case and spacing folded."""
    return hashlib.sha1(_WS.sub(" ", text).strip().lower().encode("utf-8")).hexdigest()


class Dedup:
    """Stage: mark exact copies of an earlier article as duplicates of its story."""

    name = "dedup"
    needs = ("text",)
    provides = ("content_hash", "story_id")

    def __init__(self, known: dict[str, str] | None = None) -> None:
        self.known: dict[str, str] = dict(known or {})  # content hash -> first article id
        self._stored = frozenset(self.known)

    def stored_before(self, digest: str) -> bool:
        return digest in self._stored

    def __call__(self, article: Article) -> Article:
        if article.status == "rejected":
            return article
        article.content_hash = content_hash(article.text)
        first = self.known.get(article.content_hash)
        if first is None:
            self.known[article.content_hash] = first = article.id
        elif first == article.id and self.stored_before(article.content_hash):
            article.status = "unchanged"  # stored by an earlier run with this very text
        article.story_id = first
        if first != article.id:
            article.status = "duplicate"
            article.reason = f"same text as {first}"
        return article
