"""Cleaning: normalise text, drop web boilerplate, split glued headings.

The cleaned text is what the parser reads; it is never what offsets point into.
``clean()`` returns it with an ``OffsetMap`` that takes any span of the cleaned
text back to the characters of the text as the user gave it, so that
``text[ev.evidence.start:ev.evidence.end]`` holds in the user's own file even
where a glued heading was split, a comment form dropped or "e" + U+0301 composed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from .models import Article

#: Paragraphs that are page furniture, not news (matched at the start of a short paragraph).
_BOILERPLATE = re.compile(
    r"^\s*(leave a (reply|comment)|your email address will not be published|required fields"
    r"|disclaimer\s*:|share (this|on)\b|read more\b|related( articles| stories)?\s*:"
    r"|click here\b|subscribe\b|sign up for\b|follow us\b|all rights reserved"
    r"|copyright\b|©|this (site|website) uses cookies|we use cookies|accept (all )?cookies"
    r"|advertisement\s*$|comments?\s*$|post a comment|log in to comment|tags\s*:"
    r"|don'?t miss\b|continue reading\b|(also |must )?read\s*:|recommended( for you)?\s*$"
    r"|most (read|popular|viewed)\s*$|trending( now)?\s*$|(watch|listen|video|photos?)\s*:"
    r"|skip to (main )?content|open in app|image (source|caption)\s*:|more (from|on) .{1,40}:)",
    re.IGNORECASE,
)
_MAX_BOILERPLATE_LEN = 300

#: Words that open a sentence after a heading that lost its full stop.
_OPENERS = (
    "The|It|In|On|At|This|These|They|He|She|We|There|But|After|As|For|While|When"
    "|According|Since|During|Meanwhile|However"
)
#: "UkraineIn exchange": a heading glued to the next sentence with no space.
_GLUED = re.compile(rf"(?<=[a-z]{{3}})(?<!Linked)(?=(?:{_OPENERS})\s+[a-z])")
#: "on Wednesday The pact": a heading run into a sentence after a space.
_RUN_ON = re.compile(rf"(?<=[A-Za-z0-9])[ \t](?=(?:{_OPENERS})\s+[a-z])")

_SPACES = {"\u00a0": " ", "\u2009": " ", "\u202f": " ", "\t": " ", "\r": "\n", "\r\n": "\n"}
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_DOUBLE_SPACES = re.compile(r" {2,}")


@functools.cache
def _chars() -> re.Pattern[str]:
    """One pass over the characters: line ends, odd spaces, invisible characters, a
    letter with combining marks ("e" + U+0301 -> "é") and the few characters NFC
    replaces on their own: together what NFC and the old replace() calls did."""
    combining, alone = [], []
    for code in range(0x10000):
        c = chr(code)
        if 0xD800 <= code < 0xE000:
            continue
        if unicodedata.combining(c):
            combining.append(c)
        elif unicodedata.normalize("NFC", c) != c:
            alone.append(c)
    marks = re.escape("".join(combining))
    return re.compile(
        rf"\r\n?|[\u00a0\u2009\u202f\t]|[{_INVISIBLE}]"
        rf"|[^{marks}][{marks}]+|[{re.escape(''.join(alone))}]"
    )


def _normalise_char(m: re.Match[str]) -> str:
    s = m.group()
    if s in _SPACES:
        return _SPACES[s]
    if s in _INVISIBLE:
        return ""
    return unicodedata.normalize("NFC", s)


# ----------------------------------------------------------------------------- offsets


@dataclass(slots=True)
class _Step:
    """One rewriting pass: where each run of the new text came from in the old one.

    Runs are (new_start, new_len, old_start, old_len). A copied run has equal lengths
    and maps character by character; a replaced run ("\\r\\n" -> "\\n", a composed
    letter, an inserted line break) maps as a whole onto what it replaced.
    """

    new_starts: list[int] = field(default_factory=list)
    runs: list[tuple[int, int, int, int]] = field(default_factory=list)

    def add(self, new_start: int, new_len: int, old_start: int, old_len: int) -> None:
        if new_len > 0:  # a deletion leaves nothing in the new text to map
            self.new_starts.append(new_start)
            self.runs.append((new_start, new_len, old_start, old_len))

    def _run(self, p: int) -> tuple[int, int, int, int]:
        return self.runs[max(0, bisect_right(self.new_starts, p) - 1)]

    def start(self, p: int) -> int:
        """Old index where new character ``p`` begins."""
        if not self.runs:
            return p
        new_start, new_len, old_start, old_len = self._run(p)
        if p >= new_start + new_len:  # past the end of the text
            return old_start + old_len + (p - new_start - new_len)
        return old_start + (p - new_start if new_len == old_len else 0)

    def end(self, p: int) -> int:
        """Old index just after new character ``p - 1`` (an exclusive span end)."""
        if not self.runs:
            return p
        if p <= 0:
            return 0
        new_start, new_len, old_start, old_len = self._run(p - 1)
        if p - 1 >= new_start + new_len:
            return old_start + old_len + (p - new_start - new_len)
        if new_len == old_len:
            return old_start + (p - new_start)
        return old_start + old_len


@dataclass(slots=True)
class OffsetMap:
    """Cleaned-text offsets -> offsets in the text as given, through every pass."""

    steps: list[_Step] = field(default_factory=list)

    def start(self, p: int) -> int:
        for step in reversed(self.steps):
            p = step.start(p)
        return p

    def end(self, p: int) -> int:
        for step in reversed(self.steps):
            p = step.end(p)
        return p

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the cleaned text as a span of the original."""
        s = self.start(start)
        return s, max(s, self.end(end))


def _rewrite(
    pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str], text: str
) -> tuple[str, _Step | None]:
    """``pattern.sub(repl, text)`` that also records where every new character came from."""
    parts: list[str] = []
    step = _Step()
    new = old = 0
    for m in pattern.finditer(text):
        s, e = m.span()
        r = repl(m) if callable(repl) else repl
        if r == text[s:e]:
            continue
        if s > old:
            parts.append(text[old:s])
            step.add(new, s - old, old, s - old)
            new += s - old
        parts.append(r)
        step.add(new, len(r), s, e - s)
        new += len(r)
        old = e
    if not step.runs and old == 0:
        return text, None  # nothing changed: no step to record
    parts.append(text[old:])
    step.add(new, len(text) - old, old, len(text) - old)
    return "".join(parts), step


def _paragraphs(text: str) -> tuple[str, _Step]:
    """Lines stripped, empty lines and boilerplate paragraphs dropped, paragraphs joined
    by one blank line: every kept character is copied from where it stood."""
    step = _Step()
    parts: list[str] = []
    new = 0
    pending_sep: tuple[int, int] | None = None  # old span of the break before the next piece
    starts = [0] + [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
    ends = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)] + [len(text)]
    for p_start, p_end in zip(starts, ends, strict=True):
        lines: list[tuple[int, int]] = []
        pos = p_start
        for raw in text[p_start:p_end].split("\n"):
            stripped = raw.strip()
            if stripped and not (
                len(stripped) <= _MAX_BOILERPLATE_LEN and _BOILERPLATE.match(stripped)
            ):  # a line of furniture inside a paragraph ("Related: ...", "Continue reading")
                lead = len(raw) - len(raw.lstrip())
                lines.append((pos + lead, pos + lead + len(stripped)))
            pos += len(raw) + 1
        if not lines:
            continue
        para = "\n".join(text[a:b] for a, b in lines)
        if len(para) <= _MAX_BOILERPLATE_LEN and _BOILERPLATE.match(para):
            continue
        for k, (a, b) in enumerate(lines):
            if k:
                sep_start = lines[k - 1][1]
                parts.append("\n")
                step.add(new, 1, sep_start, a - sep_start)
                new += 1
            elif parts:
                sep_start = pending_sep[0] if pending_sep else a
                parts.append("\n\n")
                step.add(new, 2, sep_start, a - sep_start)
                new += 2
            parts.append(text[a:b])
            step.add(new, b - a, a, b - a)
            new += b - a
        pending_sep = (lines[-1][1], p_end)
    return "".join(parts), step


def clean(text: str) -> tuple[str, OffsetMap]:
    """The text the parser reads, and the map from it back to ``text``."""
    offsets = OffsetMap()
    for rewrite in (
        lambda t: _rewrite(_chars(), _normalise_char, t),
        _paragraphs,
        lambda t: _rewrite(_GLUED, "\n", t),
        lambda t: _rewrite(_RUN_ON, "\n", t),
        lambda t: _rewrite(_DOUBLE_SPACES, " ", t),
    ):
        text, step = rewrite(text)
        if step is not None:
            offsets.steps.append(step)
    return text, offsets


def clean_text(text: str) -> str:
    """Return the text as the parser reads it."""
    return clean(text)[0]


#: "SEOUL, South Korea (AP) —", "NAIROBI, Kenya (Example Wire) -", "GENEVA (Reuters) –".
#: Parts of a dateline. The place: a city in capitals ("SIOUX FALLS") or in title case
#: ("Dekalb"), then up to two regions or countries ("N.Y.", "South Korea", "DC, United
#: States"), then maybe a date ("June 11"), the agency in brackets and a dash or colon.
_REGION = r"[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,3}"
_MONTH_DAY = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s\d{1,2}"
_TAIL = rf"(?:,\s*{_MONTH_DAY})?\s*(?:\((?P<agency>[^)\n]{{1,40}})\))?\s*(?:[—–-]{{1,2}}|:)\s"
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’-]+(?:\s[A-Z][A-Z.'’-]+){0,3}"
    rf"(?:,\s*{_REGION}){{0,2}}){_TAIL}"
)
#: A place in title case is a dateline only with a region or an agency after it, so that
#: "Police - ..." or "Update: ..." is not read as one.
_TITLE_DATELINE = re.compile(
    r"^(?P<place>[A-Z][a-z]+(?:[\s-][A-Z][a-z]+){0,2}"
    rf"(?:(?:,\s*{_REGION}){{1,2}}(?=(?:,\s*{_MONTH_DAY})?\s*[(—–:-])|(?=\s*\()))"
    rf"{_TAIL}"
)
#: Labels that open a line like a dateline but name no place ("WATCH: ...", "UPDATE -").
_LABELS = frozenset(
    "watch update updated breaking exclusive live video photos photo opinion analysis "
    "editorial related read more advertisement note correction sponsored listen explainer "
    "factbox timeline q a".split()
)
#: Lines of the story's top searched for a dateline (headline, byline, time stamps, labels).
DATELINE_LINES = 15


def dateline(text: str) -> tuple[str, str]:
    """The place and agency of a dateline starting one of the story's first lines:
    "SEOUL, South Korea (AP) —", "BUFFALO, N.Y. —", "KYIV, June 11 (Reuters) -",
    "NEW DELHI:", "Washington (CNN) —", "Dekalb, Ill. —"."""
    lines = (line.strip() for line in text.split("\n"))
    for line in [line for line in lines if line][:DATELINE_LINES]:
        m = _DATELINE.match(line) or _TITLE_DATELINE.match(line)
        if m and m.group("place").split(",")[0].strip().lower() not in _LABELS:
            place = m.group("place").strip()
            city, _, rest = place.partition(",")
            place = city.strip().title() + (f", {rest.strip()}" if rest else "")
            return place, (m.group("agency") or "").strip()
    return "", ""


_SURROGATE = re.compile("[\ud800-\udfff]")


class Clean:
    """Stage: the text the parser reads (``Article.clean``) and its map back to
    ``Article.text``, which is left as given; empty results are rejected with a reason."""

    name: str = "clean"
    needs: tuple[str, ...] = ("text",)
    provides: tuple[str, ...] = ("clean",)

    def __call__(self, article: Article) -> Article:
        if article.status == "rejected":
            return article
        for part, value in (("text", article.text), ("title", article.title)):
            bad = _SURROGATE.search(value)
            if bad:  # Python strings can hold them; no later stage, nor the store, can
                article.status = "rejected"
                article.reason = (
                    f"the {part} is not valid Unicode: a lone surrogate U+{ord(bad.group()):04X}"
                    f" at character {bad.start()} (bytes decoded with errors='surrogateescape'?);"
                    " decode it properly or replace it"
                )
                return article
        article.clean, article.offsets = clean(article.text)
        article.place, article.agency = dateline(article.clean)
        if article.agency and not article.source:
            article.source = article.agency
        if not article.clean.strip():
            article.status = "rejected"
            article.reason = "no article text left after removing boilerplate"
        return article
