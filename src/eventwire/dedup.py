"""Story deduplication: exact copies and reworded copies join their original's story.

An exact copy has the same content hash. A reworded copy is found with MinHash over word
pairs and an LSH index (datasketch): a reworded wire story keeps about half of its word
pairs, unrelated stories share almost none (measured on the sample corpus: 0.51 against at
most 0.06). A copy is stored, so the user sees it was read, but is not coded again, so one
report never counts twice.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH

from .models import Article

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
NUM_PERM = 128
SCHEME = "affine32"  # stored signatures are only comparable under the same scheme
#: Estimated Jaccard similarity of word pairs above which a text is the same story.
THRESHOLD = 0.3
MIN_WORDS = 40  # shorter texts share too few pairs to judge


def content_hash(text: str) -> str:
    """Hash of the cleaned text with case and spacing folded."""
    return hashlib.sha1(_WS.sub(" ", text).strip().lower().encode("utf-8")).hexdigest()


def signature(text: str) -> MinHash | None:
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    m = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    m.update_batch([f"{a} {b}".encode() for a, b in zip(words, words[1:], strict=False)])
    return m


class Dedup:
    """Stage: mark copies of an earlier article (exact or reworded) as duplicates."""

    name = "dedup"
    needs = ("text",)
    provides = ("content_hash", "story_id")

    def __init__(
        self,
        known: dict[str, str] | None = None,
        signatures: Iterable[tuple[str, str, bytes]] = (),
    ) -> None:
        self.known: dict[str, str] = dict(known or {})  # content hash -> first article id
        self._stored = frozenset(self.known)
        self.lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self.stories: dict[str, str] = {}  # article id -> story id
        self.minhashes: dict[str, MinHash] = {}
        for article_id, story_id, blob in signatures:
            m = MinHash(
                num_perm=NUM_PERM, hashvalues=np.frombuffer(blob, dtype=np.uint64), scheme=SCHEME
            )
            self._index(article_id, story_id, m)

    def _index(self, article_id: str, story_id: str, m: MinHash) -> None:
        if article_id in self.minhashes:
            return
        self.lsh.insert(article_id, m)
        self.minhashes[article_id] = m
        self.stories[article_id] = story_id

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
            return article
        if first != article.id:
            article.story_id = self.stories.get(first, first)
            article.status = "duplicate"
            article.reason = f"same text as {first}"
            return article
        m = signature(article.text)
        article.story_id = article.id
        if m is not None:
            near = self._nearest(article.id, m)
            if near is not None:
                other, similarity = near
                article.story_id = self.stories.get(other, other)
                article.status = "duplicate"
                article.reason = f"reworded copy of {other} (similarity {similarity:.2f})"
            self._index(article.id, article.story_id, m)
            article.minhash = m.hashvalues.astype(np.uint64).tobytes()
        return article

    def _nearest(self, article_id: str, m: MinHash) -> tuple[str, float] | None:
        best: tuple[str, float] | None = None
        for other in self.lsh.query(m):
            if other == article_id:
                continue
            similarity = m.jaccard(self.minhashes[other])
            if similarity >= THRESHOLD and (best is None or similarity > best[1]):
                best = (other, similarity)
        return best
