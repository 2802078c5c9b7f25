"""Lower-cased and all-caps text, given back its capitals before parsing.

Local reports scraped without capitals ("police in lagos arrested 30 students on
tuesday") and all-caps headlines defeat the parser's named entities and the knowledge
base. This stage writes, for the parser only, a copy with the capitals a newspaper
would use: sentence starts, names the knowledge base knows (countries, capitals,
adjectives, people, bodies), weekdays and months, and gazetteer cities after a place
preposition ("in lagos"). Every change keeps the length, so offsets still map to the
text as given and evidence is cut from it unchanged.
"""

from __future__ import annotations

import functools
import re

from ..geo.places import place_country
from ..models import Article
from .kb import KnowledgeBase, shipped, word_lists

#: A text is lower-cased when almost none of its letters is a capital.
LOWER_SHARE = 0.01
#: A line is all caps when nearly all of its letters are capitals.
CAPS_SHARE = 0.9
MIN_CAPS_WORDS = 3
_MAX_WORDS = 5  # the longest name looked up
_WORD = re.compile(
    r"[^\W\d_](?:[\w'’-]|\.(?=\w))*"
)  # inner dots stay ("U.S"), a full stop does not
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)([a-z])")


@functools.cache
def _names(kb: KnowledgeBase) -> dict[str, str]:
    """Lower-cased name -> the name as written, for names with a capital in them. Left
    out: one-word names and acronyms that are also common words ("May", "Will", "WHO"
    would turn "who" into a body); "eu", "imf", "idf" are safe to restore."""
    from spacy.lang.en.stop_words import STOP_WORDS

    out: dict[str, str] = {}
    for surface in kb.surfaces:
        low = surface.lower()
        if (
            len(surface) > 1
            and any(ch.isupper() for ch in surface)
            and (len(surface) > 2 or surface.isupper())
            and not (" " not in low and low in STOP_WORDS)
        ):
            out.setdefault(low, surface)
    for word in word_lists()["calendar_words"]:
        out.setdefault(word, word.capitalize())
    return out


def _letters(text: str) -> tuple[int, int]:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters), sum(ch.isupper() for ch in letters)


def needs_capitals(text: str) -> bool:
    total, upper = _letters(text)
    return total > 20 and upper <= LOWER_SHARE * total


def truecase(text: str, kb: KnowledgeBase | None = None) -> str:
    """The text with newspaper capitals, the same length; unchanged when it has them."""
    lines = text.split("\n")
    changed = False
    for n, line in enumerate(lines):
        total, upper = _letters(line)
        if total and upper >= CAPS_SHARE * total and len(_WORD.findall(line)) >= MIN_CAPS_WORDS:
            lines[n] = line.lower()  # an all-caps line: lower it, capitals come back below
            changed = True
    lowered = "\n".join(lines)
    if not changed and not needs_capitals(text):
        return text
    out = list(lowered)
    names = _names(kb or shipped())
    place_preps = word_lists()["place_prepositions"]
    us_articles = word_lists()["us_articles"]
    words = list(_WORD.finditer(lowered))
    i = 0
    while i < len(words):
        for size in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            start, end = words[i].start(), words[i + size - 1].end()
            phrase = lowered[start:end]
            known = names.get(phrase)
            if known is None and phrase[-2:] in {"'s", "’s"} and phrase[:-2] in names:
                known = names[phrase[:-2]] + phrase[-2:]  # "china's ambassador"
            if phrase == "us":  # the pronoun, but "the us", "a us-led" is the country
                after_article = i > 0 and words[i - 1].group() in us_articles
                known = "US" if after_article else None
            if known is None and size <= 2 and i and words[i - 1].group() in place_preps:
                title = phrase.title()
                known = title if place_country(title) else None
            if known is not None and len(known) == len(phrase):
                out[start:end] = known
                i += size
                break
        else:
            i += 1
    for m in _SENTENCE_START.finditer(lowered):
        out[m.start(1)] = out[m.start(1)].upper()
    return "".join(out)


class Truecase:
    """Stage: capitals for lower-cased or all-caps text, in what the parser reads."""

    name: str = "truecase"
    needs: tuple[str, ...] = ("clean",)
    provides: tuple[str, ...] = ("clean",)

    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        self.kb = kb

    def __call__(self, article: Article) -> Article:
        if article.status == "new" and article.clean:
            article.clean = truecase(article.clean, self.kb)
        return article
