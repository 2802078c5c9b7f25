"""Sectors from words: what sector a title or a group noun gives ("foreign minister" GOV,
"army spokesman" MIL, "opposition leaders" OPP)."""

from __future__ import annotations

from collections.abc import Mapping

from spacy.tokens import Span, Token

from .kb import KnowledgeBase, word_lists
from .matching import KbSpan
from .syntax import entity, left_edge

_WORDS = word_lists()
#: Heads whose sector comes from what they lead or speak for ("army spokesman").
GENERIC_HEADS = _WORDS["generic_heads"]
#: "a spokesman for Mali's army": the prepositions that name what a head speaks for.
SPEAKS_FOR_PREPS = _WORDS["speaks_for_preps"]


class Sectors:
    """Sector words of one document, read with its knowledge-base spans (a word that is
    part of a known name is no title)."""

    def __init__(self, kb: KnowledgeBase, date: str | None, spans: Mapping[int, KbSpan]) -> None:
        self.kb = kb
        self.date = date
        self.spans = spans

    def of(self, token: Token) -> str:
        """The sector a noun phrase gives by its head ("troops" MIL), or for a generic head
        by what it speaks for ("army spokesman" MIL)."""
        sector = self.head(token)
        if sector and (token.lower_ in GENERIC_HEADS or token.lemma_.lower() in GENERIC_HEADS):
            return self.speaks_for(token) or sector
        return sector

    def head(self, token: Token) -> str:
        """The sector of the head with its compounds, longest phrase first."""
        lower = token.lower_
        words = [t.lower_ for t in token.lefts if t.dep_ == "compound"] + [lower]
        for n in range(len(words), 0, -1):
            phrase = " ".join(words[-n:])
            sector = self.kb.nouns.get(phrase) or self.kb.titles.get(phrase)
            if sector:
                return sector
        return self.kb.nouns.get(token.lemma_.lower(), "") or self.kb.titles.get(
            token.lemma_.lower(), ""
        )

    def speaks_for(self, token: Token, depth: int = 0) -> str:
        """A non-government sector named by a modifier of a generic head: "opposition
        leaders" (OPP), "a spokesman for Mali's army" (MIL), "Hezbollah leader" (REB)."""
        for child in token.children:
            if child.dep_ in {"compound", "amod", "nmod", "poss", "appos"}:
                cands = [child]
            elif child.dep_ == "prep" and child.lower_ in SPEAKS_FOR_PREPS:
                cands = [c for c in child.children if c.dep_ == "pobj"]
            else:
                continue
            for c in cands:
                kb = self.spans.get(c.i)
                if kb is not None and kb.entry.kind in {"igo", "org", "user"}:
                    sector = kb.entry.at(self.date)[1]
                elif kb is None:
                    sector = self.head(c) if c.pos_ in {"NOUN", "PROPN"} else ""
                    if self.kb.titles.get(c.lower_):
                        sector = ""  # a title ("spokesman") is not what the head speaks for
                else:
                    sector = ""
                if sector and sector != "GOV":
                    return sector
                if depth < 1 and c.dep_ in {"pobj", "appos", "compound"}:
                    sector = self.speaks_for(c, depth + 1)
                    if sector:
                        return sector
        return ""

    def title(self, token: Token) -> str:
        """Sector from a title before the name ("Secretary-General", "foreign minister")
        or in apposition ("X, a spokesman for Mali's army")."""
        ent = entity(token)
        start = ent.start if ent is not None else token.i
        left = left_edge(token).i
        sector = self.title_in(token.doc[left:start]) if left < start else ""
        if sector:
            return sector
        for t in token.children:
            if t.dep_ == "appos":
                sector = self.of(t) or self.title_in(token.doc[t.left_edge.i : t.i + 1])
                if sector:
                    return sector
        return ""

    def title_in(self, span: Span) -> str:
        """The longest title or sector phrase in a span, the one nearest the name on ties."""
        best, best_len = "", 0
        for i in range(len(span)):
            if span[i].i in self.spans:
                continue
            for n in range(min(4, len(span) - i), 0, -1):
                phrase = span[i : i + n].text.lower()
                sector = self.kb.titles.get(phrase) or self.kb.nouns.get(phrase)
                if sector and n >= best_len:
                    best, best_len = sector, n
                    break
        return best
