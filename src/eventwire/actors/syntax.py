"""Parse helpers the actor rules share: where an entity or a noun phrase starts, its
conjuncts, which sentence a token is in. Grammar only (dependency labels), no words."""

from __future__ import annotations

import numpy
from spacy.attrs import POS
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc, Span, Token

_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_MODIFIERS = frozenset({"compound", "amod", "nmod", "npadvmod"})
_POSSESSIVES = ("’s", "'s")
_NOUN_POS = numpy.array([POS_IDS["NOUN"], POS_IDS["PROPN"]], dtype=numpy.uint64)


def entity(token: Token) -> Span | None:
    """The named entity around ``token`` without a trailing "'s", or None."""
    if not token.ent_type_:
        return None
    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    span = doc[start:end]
    if span and span[-1].text in _POSSESSIVES:
        span = doc[start : end - 1]
    return span


def without_possessive(text: str) -> str:
    """ "Netanyahu's" -> "Netanyahu"."""
    for mark in _POSSESSIVES:
        text = text.replace(mark, "")
    return text


def left_edge(token: Token) -> Token:
    """The leftmost pre-modifier of a noun phrase (determiners left out)."""
    for t in token.lefts:
        if t.dep_ not in {"det", "predet", "punct", "cc"}:
            return t.left_edge
    return token


def phrase(token: Token) -> str:
    """The noun phrase ``token`` heads, from its leftmost pre-modifier."""
    return token.doc[left_edge(token).i : token.i + 1].text


def conjuncts(token: Token) -> list[Token]:
    """ "China" and "Iran" in "Russia, China and Iran", for "Russia"."""
    out = []
    for child in token.children:
        if child.dep_ == "conj":
            out.append(child)
            out.extend(conjuncts(child))
    return out


def is_modifier(token: Token) -> bool:
    """ "US" in "US officials", "Korean" in "US and South Korean officials"."""
    node = token
    while node.dep_ == "conj":
        node = node.head
    return node.dep_ in _MODIFIERS and node.head.pos_ in {"NOUN", "PROPN"}


def is_subject(token: Token) -> bool:
    node = token
    while node.dep_ == "conj":
        node = node.head
    return node.dep_ in _SUBJECTS


def sentence_of(token: Token) -> int:
    """The index of the token's sentence in its document.

    Read from one list per document, made on the first call: a token's sentence is the
    count of sentence starts after the first token up to it, as ``doc.sents`` and
    ``token.sent`` both find them (``sent_start`` 1; no sentence hooks are set).
    """
    doc = token.doc
    index = doc.user_data.get("eventwire_sent_index")
    if index is None:
        starts = doc.to_array("SENT_START") == 1
        starts[:1] = False
        index = starts.cumsum().tolist()
        doc.user_data["eventwire_sent_index"] = index
    return index[token.i]


def nouns(doc: Doc) -> list[int]:
    """Indices of the tokens tagged NOUN or PROPN, in order (read from one array, without
    making a ``Token`` of every word)."""
    return numpy.flatnonzero(numpy.isin(doc.to_array(POS), _NOUN_POS)).tolist()
