"""Only English is coded: a text in another language is stored as ``skipped``, with the
language named, instead of being coded into junk events.

Language identification by py3langid (BSD-3-Clause; a fork of langid.py with its model
in the package, nothing downloaded). The model takes about half a second to load, so it
is loaded only when a text is long enough to judge.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from .models import Article

#: Shorter texts (a headline) are too short to judge and are taken as English.
MIN_WORDS = 5
#: Skip only when the identifier is this sure: on 540 English gold, sample, dev and real
#: texts it named no other language at 0.9, and it named all 9 foreign real pages.
MIN_PROBABILITY = 0.9
#: What is read to judge: the start of the text is enough and keeps long texts cheap.
SAMPLE_CHARS = 3000
_WORD = re.compile(r"\w+")
#: English function words. Running English text has a third or more of them; text in
#: another language has few ("a", "on" and "die" mean other things there). Past
#: ``SURELY_ENGLISH`` of the words the text is English without loading the identifier
#: (on the real pages: English 0.2-0.45, the foreign ones at most 0.035).
_FUNCTION_WORDS = frozenset(
    "the of and to in a is was were for on that with by at as from has have had it its "
    "be been are this which their they he she said not but or an will would after".split()
)
SURELY_ENGLISH = 0.15


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def language(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of the text's language; ("en", 1.0) when too short."""
    sample = text[:SAMPLE_CHARS]
    words = _WORD.findall(sample)
    if len(words) < MIN_WORDS:
        return "en", 1.0
    if sum(w.lower() in _FUNCTION_WORDS for w in words) >= SURELY_ENGLISH * len(words):
        return "en", 1.0
    code, probability = _identifier().classify(sample)
    return str(code), float(probability)


class Language:
    """Stage: mark a text that is not in English ``skipped``, naming its language."""

    name: str = "language"
    needs: tuple[str, ...] = ("clean",)
    provides: tuple[str, ...] = ("language",)

    def __call__(self, article: Article) -> Article:
        if article.status != "new":
            return article
        code, probability = language(article.clean or article.text)
        if code != "en" and probability >= MIN_PROBABILITY:
            article.status = "skipped"
            article.reason = (
                f"not English: the text reads as language '{code}' "
                f"(probability {probability:.2f}); only English is coded"
            )
        return article
