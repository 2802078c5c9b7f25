"""Cleaning: normalise text, drop web boilerplate, split glued headings.

The cleaned text is what gets stored and what evidence offsets point into,
so every rule here runs before parsing.
"""

from __future__ import annotations

import re
import unicodedata

from .models import Article

#: Paragraphs that are page furniture, not news (matched at the start of a short paragraph).
_BOILERPLATE = re.compile(
    r"^\s*(leave a (reply|comment)|your email address will not be published|required fields"
    r"|disclaimer\s*:|share (this|on)\b|read more\b|related( articles| stories)?\s*:"
    r"|click here\b|subscribe\b|sign up for\b|follow us\b|all rights reserved"
    r"|copyright\b|©|this (site|website) uses cookies|we use cookies|accept (all )?cookies"
    r"|advertisement\s*$|comments?\s*$|post a comment|log in to comment|tags\s*:)",
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

_SPACES = str.maketrans({"\u00a0": " ", "\u2009": " ", "\u202f": " ", "\t": " "})
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def clean_text(text: str) -> str:
    """Return the text as it will be stored and coded."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_SPACES)
    text = _INVISIBLE.sub("", text)
    paragraphs = []
    for para in re.split(r"\n\s*\n", text):
        para = "\n".join(line.strip() for line in para.strip().split("\n") if line.strip())
        if not para:
            continue
        if len(para) <= _MAX_BOILERPLATE_LEN and _BOILERPLATE.match(para):
            continue
        para = _GLUED.sub("\n", para)
        para = _RUN_ON.sub("\n", para)
        paragraphs.append(re.sub(r" {2,}", " ", para))
    return "\n\n".join(paragraphs)


#: "SEOUL, South Korea (AP) —", "NAIROBI, Kenya (Example Wire) -", "GENEVA (Reuters) –".
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'’-]{2,}(?:,\s*[A-Z][\w .'’-]{1,40})?)\s*"
    r"(?:\((?P<agency>[^)\n]{1,40})\))?\s*[—–-]{1,2}\s"
)


def dateline(text: str) -> tuple[str, str]:
    """The place and agency of a dateline at the start of the story's first paragraph."""
    for para in text.split("\n\n")[:2]:
        m = _DATELINE.match(para.strip())
        if m:
            place = m.group("place").strip()
            city, _, rest = place.partition(",")
            place = city.strip().title() + (f", {rest.strip()}" if rest else "")
            return place, (m.group("agency") or "").strip()
    return "", ""


class Clean:
    """Stage: ``Article.text`` -> cleaned text; empty results are rejected with a reason."""

    name = "clean"
    needs = ("text",)
    provides = ("text",)

    def __call__(self, article: Article) -> Article:
        if article.status == "rejected":
            return article
        article.text = clean_text(article.text)
        article.place, article.agency = dateline(article.text)
        if article.agency and not article.source:
            article.source = article.agency
        if not article.text.strip():
            article.status = "rejected"
            article.reason = "no article text left after removing boilerplate"
        return article
