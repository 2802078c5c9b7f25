"""Story deduplication: exact copies and reworded copies join their original's story.

An exact copy has the same content hash. A reworded copy is found in two steps:

1. Word pairs. MinHash over word pairs and an LSH index (datasketch) find the texts that
   share many word pairs: a reworded wire story keeps about half of its word pairs,
   unrelated stories share almost none (measured on the sample corpus: 0.45 against at
   most 0.09).
2. Anchors. Word pairs cannot tell a reworded copy of one story from another story written
   from the same template ("Chile and Peru signed a trade agreement on Monday ..." and
   "Ghana and Togo signed a trade agreement on Monday ..." share 0.6 to 0.9 of their word
   pairs). What tells them apart is what the story is about: its names and its numbers,
   its *anchors*. A reworded copy keeps them; a template brief about other countries or
   other figures does not. So a text is a copy only when, besides the word pairs, one of
   the two texts is *covered* by the other: every anchor of its lead (the first sentences,
   at least ``LEAD_WORDS`` words) is found in the other text, and so are at least
   ``ANCHOR_SHARE`` of all its anchors.

Anchors are capitalised word runs (lower-cased, "joe_biden"), countries (their names,
aliases, adjectives and capitals, from the actor knowledge base, become the ISO code, so
"American" and "the United States" agree) and numbers with their scale ("40", "12000",
"850m", "2030", number words from "two" up). A copy is stored, so the user sees it was
read, but is not coded again, so one report never counts twice.

Stored stories bring their anchors in ``signatures`` (``Article.anchors``, see
``Anchors.dumps``); a story stored before anchors existed is judged on word pairs alone.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # datasketch (with scipy) takes 0.4 s to import: only when deduplicating
    from datasketch import MinHash

from .geo.countries import countries, not_actors
from .models import Article

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
NUM_PERM = 128
SCHEME = "affine32"  # stored signatures are only comparable under the same scheme
SEED = 1  # and the same seed (datasketch's default)
#: Estimated Jaccard similarity of word pairs above which a text may be the same story.
THRESHOLD = 0.3
MIN_WORDS = 40  # shorter texts share too few pairs to judge
#: The lead is the first sentences up to at least this many words.
LEAD_WORDS = 25
#: Share of a text's anchors that the other text must also have (besides all of its lead's).
ANCHOR_SHARE = 0.8
#: Longest stored anchor string; anchors past it (the end of long stories) are dropped.
MAX_ANCHOR_CHARS = 1000


def content_hash(text: str) -> str:
    """Hash of the cleaned text with case and spacing folded."""
    return hashlib.sha1(_WS.sub(" ", text).strip().lower().encode("utf-8")).hexdigest()


def signature(text: str) -> MinHash | None:
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    m.update_batch([f"{a} {b}".encode() for a, b in zip(words, words[1:], strict=False)])
    return m


# --- anchors ---------------------------------------------------------------------------

#: "NAIROBI, Kenya (AP) —": a dateline names the agency and place, not the story.
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'’-]{2,}(?:,\s*[A-Z][\w .'’-]{1,40})?\s*(?:\([^)\n]{1,40}\))?\s*[—–-]{1,2}\s"
)
_SENTENCE = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n+")
_TOKEN = re.compile(
    r"(?P<num>\d(?:[\d,.:]*\d)?)(?P<pct>\s?%)?"
    r"|(?P<word>[^\W\d_]+(?:[.'’-][^\W\d_]+)*\.?)"
    r"|(?P<other>\S)"
)
_POSSESSIVE = re.compile(r"['’]s$")
#: Sentence openers that are not names even though they are capitalised.
_OPENERS = frozenset(
    "a an the this that these those it its he she they we i you his her their our my "
    "there here but and or so yet nor if as at by for from in into of on to with without "
    "after before while when where whereas since during until unless although though "
    "however meanwhile according also both each every all some many most no not only "
    "other another such what which who whose why how".split()
)
#: Lower-case words that may sit inside a name: "Bank of England", "Republic of the Congo".
_CONNECTORS = frozenset("of the de la du del da al el bin van von der den".split())
_UNITS = "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
_TEENS = "sixteen seventeen eighteen nineteen twenty"
_TENS = "thirty forty fifty sixty seventy eighty ninety"
#: Number words from "two" up; "one" is mostly a pronoun ("one of the").
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(f"{_UNITS} {_TEENS}".split(), start=2)} | {
    w: str(i * 10) for i, w in enumerate(_TENS.split(), start=3)
}
_SCALES = {
    "thousand": "k",
    "million": "m",
    "millions": "m",
    "m": "m",
    "mn": "m",
    "billion": "bn",
    "billions": "bn",
    "bn": "bn",
    "trillion": "tn",
    "tn": "tn",
    "percent": "%",
    "pct": "%",
}


def _fold(word: str) -> str:
    return word.replace(".", "").replace("’", "'").lower()


def _name_token(word: str) -> str:
    w = _fold(word)
    if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]  # "Houthis" and "Houthi" are one name
    return w


@lru_cache(maxsize=1)
def _places() -> dict[tuple[str, ...], str]:
    """Folded surface tokens -> what they anchor: an ISO code, or a name for a phrase that
    only looks like a country ("Latin American", "South China Sea", "Congo" of two)."""
    codes: dict[tuple[str, ...], set[str]] = {}

    def key(surface: str) -> tuple[str, ...]:
        return tuple(_fold(p) for p in re.split(r"[\s-]+", surface.strip()) if _fold(p))

    for country in countries():
        for surface in (country.name, *country.aliases, *country.adjectives, *country.capitals):
            if key(surface):
                codes.setdefault(key(surface), set()).add(country.iso3.upper())
    blocked = not_actors()
    out = {k: next(iter(v)) if len(v) == 1 else "_".join(k) for k, v in codes.items()}
    out.update({key(p): "_".join(key(p)) for p in blocked if key(p)})
    return out


def _split_words(token: str) -> list[str]:
    """A word token in parts: hyphens split ("Iran-backed"), dots and "'s" go."""
    return [p for p in re.split(r"-", _POSSESSIVE.sub("", token)) if p.strip(".")]


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


@dataclass(frozen=True, slots=True)
class Anchors:
    """A story's names and numbers: those of its lead, and all of them (lead included)."""

    lead: tuple[str, ...]
    rest: tuple[str, ...]  # the anchors after the lead that the lead has not

    @property
    def all(self) -> frozenset[str]:
        return frozenset(self.lead) | frozenset(self.rest)

    def dumps(self) -> str:
        """``"lead anchors | other anchors"``, each in order of first use, at most
        ``MAX_ANCHOR_CHARS`` characters (the end of a long story is dropped first)."""
        out = " ".join(self.lead)
        if len(out) > MAX_ANCHOR_CHARS - 2:  # a lead of names only, cut at a whole one
            out = out[: MAX_ANCHOR_CHARS - 1].rsplit(" ", 1)[0]
        out += " |"
        for a in self.rest:
            if len(out) + 1 + len(a) > MAX_ANCHOR_CHARS:
                break
            out += " " + a
        return out.strip()

    @classmethod
    def loads(cls, text: str | None) -> Anchors | None:
        """The anchors ``dumps`` wrote; None for a story stored without them."""
        if not text or "|" not in text:
            return None
        lead, _, rest = text.partition("|")
        return cls(tuple(lead.split()), tuple(rest.split()))


def anchors(text: str) -> Anchors:
    """The names and numbers of a text, in order of first use; the lead's apart."""
    m = _DATELINE.match(text)
    if m:
        text = text[m.end() :]
    sentences = [s for s in _SENTENCE.split(text) if s and s.strip()]
    tokenised = [[t for t in _TOKEN.finditer(s)] for s in sentences]
    lower: set[str] = set()  # words the text also writes in lower case
    confirmed: set[str] = set()  # words capitalised inside a sentence
    for tokens in tokenised:
        first = True
        for t in tokens:
            if t.group("word"):
                for part in _split_words(t.group("word")):
                    if not _is_cap(part):
                        lower.add(_fold(part))
                    elif not first:
                        confirmed.add(_fold(part))
                    first = False
    places = _places()
    lead: list[str] = []
    rest: list[str] = []
    words_seen = 0
    for tokens in tokenised:
        found = _sentence_anchors(tokens, lower, confirmed, places)
        target = lead if words_seen < LEAD_WORDS else rest
        target.extend(a for a in found if a not in target)
        words_seen += sum(1 for t in tokens if t.group("word") or t.group("num"))
    lead_set = set(lead)
    return Anchors(tuple(lead), tuple(a for a in rest if a not in lead_set))


def _sentence_anchors(
    tokens: Sequence[re.Match[str]],
    lower: set[str],
    confirmed: set[str],
    places: dict[tuple[str, ...], str],
) -> list[str]:
    # Flatten into words ("Iran-backed" -> "Iran", "backed"), numbers and breaks (None).
    items: list[tuple[str, str] | None] = []
    for t in tokens:
        if t.group("num"):
            items.append(("num", t.group("num").replace(",", "") + ("%" if t.group("pct") else "")))
        elif t.group("word"):
            word = t.group("word")
            items.extend(("word", p) for p in _split_words(word))
            if _POSSESSIVE.search(word):
                items.append(None)  # "Yemen's Houthi rebels": two names
        else:
            items.append(None)
    out: list[str] = []
    run: list[str] = []
    run_start = -1
    first_word = next((i for i, it in enumerate(items) if it and it[0] == "word"), -1)

    def flush() -> None:
        nonlocal run, run_start
        if run:
            out.extend(_run_anchors(run, run_start == first_word, lower, confirmed, places))
        run, run_start = [], -1

    for i, it in enumerate(items):
        if it is None:
            flush()
            continue
        kind, value = it
        folded = _fold(value)
        if kind == "num" or folded in _NUMBER_WORDS:
            flush()
            number = value if kind == "num" else _NUMBER_WORDS[folded]
            nxt = items[i + 1] if i + 1 < len(items) else None
            after = items[i + 2] if i + 2 < len(items) else None
            if nxt and nxt[0] == "word" and _fold(nxt[1]) in _SCALES:
                number += _SCALES[_fold(nxt[1])]
            elif nxt and after and _fold(nxt[1]) == "per" and _fold(after[1]) == "cent":
                number += "%"
            out.append(number)
        elif _is_cap(value):
            if not run:
                run_start = i
            run.append(value)
        elif run and folded in _CONNECTORS:
            run.append(value)
        else:
            flush()
    flush()
    return out


def _run_anchors(
    run: list[str],
    at_start: bool,
    lower: set[str],
    confirmed: set[str],
    places: dict[tuple[str, ...], str],
) -> list[str]:
    """The anchors of one run of capitalised words ("The United States", "President Joe
    Biden", "Heavy" opening a sentence)."""
    while run and not _is_cap(run[-1]):
        run.pop()  # "Bank of" -> "Bank"
    if at_start and run and not (len(run[0]) > 1 and run[0].isupper()):
        head = _fold(run[0])
        if head in _OPENERS or (head in lower and (head,) not in places):
            run = run[1:]  # "The United States", "Officials said" (written lower elsewhere)
            at_start = False
            while run and not _is_cap(run[0]):
                run = run[1:]
        elif len(run) == 1 and (head,) not in places and head not in confirmed:
            return []  # "Heavy rain flooded ...": a word that opens a sentence, not a name
    out: list[str] = []
    name: list[str] = []

    def flush_name() -> None:
        while name and not _is_cap(name[0]):
            name.pop(0)
        while name and not _is_cap(name[-1]):
            name.pop()
        if name:
            out.append("_".join(_name_token(w) for w in name))
        name.clear()

    i = 0
    keys = [_fold(w) for w in run]
    while i < len(run):
        for j in range(min(len(run), i + 7), i, -1):
            place = places.get(tuple(keys[i:j]))
            if place is not None and _is_cap(run[i]):
                flush_name()
                out.append(place)
                i = j
                break
        else:
            name.append(run[i])
            i += 1
    flush_name()
    return out


def _present(anchor: str, others: frozenset[str]) -> bool:
    """Whether the other text has this anchor; a name also matches a longer or shorter
    run that holds it ("biden", "joe_biden", "president_joe_biden")."""
    if anchor in others:
        return True
    if not anchor[:1].islower():  # a number or a country code: only itself
        return False
    wrapped = f"_{anchor}_"
    for other in others:
        if other[:1].islower():
            o = f"_{other}_"
            if wrapped in o or o in wrapped:
                return True
    return False


def covers(x: Anchors, y: Anchors) -> bool:
    """Whether ``y`` has every anchor of ``x``'s lead and ``ANCHOR_SHARE`` of all of
    ``x``'s anchors: ``y`` tells the story ``x`` tells, perhaps at more length."""
    theirs = y.all
    if not all(_present(a, theirs) for a in x.lead):
        return False
    mine = x.all
    if not mine:
        return True
    return sum(_present(a, theirs) for a in mine) >= ANCHOR_SHARE * len(mine)


def same_story(x: Anchors | None, y: Anchors | None) -> bool:
    """Whether the anchors allow two texts with many shared word pairs to be one story;
    without the anchors of one of them, the word pairs decide alone."""
    if x is None or y is None:
        return True
    return covers(x, y) or covers(y, x)


# --- the stage -------------------------------------------------------------------------


class Dedup:
    """Stage: mark copies of an earlier article (exact or reworded) as duplicates."""

    name: str = "dedup"
    needs: tuple[str, ...] = ("clean",)
    provides: tuple[str, ...] = ("content_hash", "story_id")

    def __init__(
        self,
        known: dict[str, str] | None = None,
        signatures: Iterable[tuple[str, str, bytes] | tuple[str, str, bytes, str | None]] = (),
    ) -> None:
        """``signatures``: ``(article id, story id, MinHash bytes[, anchors])`` of stored
        stories; anchors as ``Anchors.dumps`` wrote them, None or "" when not stored."""
        from datasketch import LeanMinHash, MinHashLSH

        self.known: dict[str, str] = dict(known or {})  # content hash -> first article id
        self._stored = frozenset(self.known)
        self.lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self.stories: dict[str, str] = {}  # article id -> story id
        self.minhashes: dict[str, MinHash] = {}
        self.anchors: dict[str, Anchors | None] = {}
        for row in signatures:
            article_id, story_id, blob = row[0], row[1], row[2]
            stored = row[3] if len(row) > 3 else None
            # a stored signature only needs its values: a MinHash would draw its
            # permutations again for each (2 KB more, three times the time: 5,000 stored
            # stories load in 0.29 s instead of 0.87), for every ingest and watch round
            m = LeanMinHash(
                seed=SEED, hashvalues=np.frombuffer(blob, dtype=np.uint64), scheme=SCHEME
            )
            self._index(article_id, story_id, m, Anchors.loads(stored))

    def _index(self, article_id: str, story_id: str, m: MinHash, marks: Anchors | None) -> None:
        if article_id in self.minhashes:
            return
        self.lsh.insert(article_id, m)
        self.minhashes[article_id] = m
        self.stories[article_id] = story_id
        self.anchors[article_id] = marks

    def stored_before(self, digest: str) -> bool:
        return digest in self._stored

    def __call__(self, article: Article) -> Article:
        if article.status == "rejected":
            return article
        article.content_hash = content_hash(article.clean or article.text)
        first = self.known.get(article.content_hash)
        if first is None:
            self.known[article.content_hash] = first = article.id
        elif first == article.id and self.stored_before(article.content_hash):
            article.status = "unchanged"  # stored by an earlier run with this very text
            return article
        marks = anchors(article.clean or article.text)
        article.anchors = marks.dumps()
        if first != article.id:
            article.story_id = self.stories.get(first, first)
            article.status = "duplicate"
            article.reason = f"same text as {first}"
            return article
        m = signature(article.clean or article.text)
        article.story_id = article.id
        if m is not None:
            near = self._nearest(article.id, m, marks)
            if near is not None:
                other, similarity = near
                article.story_id = self.stories.get(other, other)
                article.status = "duplicate"
                article.reason = f"reworded copy of {other} (similarity {similarity:.2f})"
            self._index(article.id, article.story_id, m, marks)
            article.minhash = m.hashvalues.astype(np.uint64).tobytes()
        return article

    def _nearest(
        self, article_id: str, m: MinHash, marks: Anchors | None = None
    ) -> tuple[str, float] | None:
        best: tuple[str, float] | None = None
        for other in self.lsh.query(m):
            if other == article_id:
                continue
            similarity = m.jaccard(self.minhashes[other])
            if similarity < THRESHOLD or (best is not None and similarity <= best[1]):
                continue
            if same_story(marks, self.anchors.get(other)):
                best = (other, similarity)
        return best
