"""People and titles: who a named person is on the article's date, and what sector a title
or a group noun gives ("foreign minister" GOV, "army spokesman" MIL, "opposition leaders" OPP).

``PersonResolver`` is a part of ``DocActors`` kept in its own module; it reads the
document, the knowledge base and the per-article registry that ``DocActors`` sets up.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span, Token

from ..models import Actor
from .kb import Entry, KnowledgeBase

if TYPE_CHECKING:
    from .resolve import KbSpan


#: Heads whose sector comes from what they lead or speak for ("army spokesman").
_GENERIC_HEADS = frozenset(
    {
        "leader",
        "leaders",
        "official",
        "officials",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "member",
        "members",
        "figure",
        "figures",
        "commander",
        "commanders",
        "chief",
        "head",
        "representative",
        "representatives",
        "supporter",
        "supporters",
        "envoy",
        "delegation",
    }
)


_NOT_IN_OFFICE = frozenset({"former", "ex", "ex-", "late", "then", "outgoing-designate"})


_FAMILY_FIRST = frozenset({"CHN", "TWN", "HKG", "MAC", "KOR", "PRK", "SGP"})


@functools.lru_cache(maxsize=64)
def _surnames(kb: KnowledgeBase, date: str | None) -> dict[str, Entry]:
    """Last names of people in office on a date, kept only where exactly one person has it."""
    seen: dict[str, list[Entry]] = {}
    for entry in kb.people.values():
        if any(r.active(date) for r in entry.roles):
            words = entry.name.split()
            # Chinese and Korean names put the family name first: "Xi" for Xi Jinping
            family = words[0] if entry.roles[0].country in _FAMILY_FIRST else words[-1]
            seen.setdefault(family, []).append(entry)
    return {k: v[0] for k, v in seen.items() if len(v) == 1 and len(k) >= 2 and k[0].isupper()}


@functools.cache
def _surnames_any_time(kb: KnowledgeBase) -> dict[str, list[Entry]]:
    out: dict[str, list[Entry]] = {}
    for entry in kb.people.values():
        words = entry.name.split()
        if entry.roles:
            family = words[0] if entry.roles[0].country in _FAMILY_FIRST else words[-1]
            if len(family) >= 2 and family[0].isupper():
                out.setdefault(family, []).append(entry)
    return out


@functools.cache
def _all_surnames(kb: KnowledgeBase) -> frozenset[str]:
    return frozenset(
        w for e in kb.people.values() for w in e.name.split()[:1] + e.name.split()[-1:]
    )


def _entity(token: Token) -> Span | None:
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
    if span and span[-1].text in {"’s", "'s"}:
        span = doc[start : end - 1]
    return span


class PersonResolver:
    """Person and title resolution, mixed into ``DocActors``."""

    doc: Doc
    kb: KnowledgeBase
    date: str | None
    spans: dict[int, KbSpan]
    registry: dict[str, Actor]

    def _left(self, token: Token) -> Token:  # provided by DocActors
        raise NotImplementedError

    def _country_from_modifiers(self, token: Token) -> str:  # provided by DocActors
        raise NotImplementedError

    def _countries_from_modifiers(self, token: Token, depth: int = 0) -> list[str]:
        raise NotImplementedError

    def _register_people(self) -> None:
        for ent in self.doc.ents:
            if ent.label_ != "PERSON" and not self._is_person_span(ent):
                continue
            actor = self._resolve_person(ent.root)
            if not actor.country:
                continue
            for part in ent.text.replace("’s", "").replace("'s", "").split():
                if len(part) > 2 and part[0].isupper():
                    self.registry.setdefault(part, actor)

    def _is_person_span(self, ent: Span) -> bool:
        kb = self.spans.get(ent.root.i)
        return kb is not None and kb.entry.kind == "person"

    def _resolve_person(self, token: Token) -> Actor:
        ent = _entity(token)
        name_start, name_end = (ent.start, ent.end) if ent is not None else (token.i, token.i + 1)
        kb = self.spans.get(token.i)
        country, sector, name = "", "", ""
        if kb and kb.entry.kind in {"person", "user"}:
            country, sector = kb.entry.at(self.date)
            name = kb.entry.name
            name_start, name_end = min(name_start, kb.start), max(name_end, kb.end)
        left = self._left(token)
        text_span = self.doc[min(left.i, name_start) : name_end]
        if not country or not sector:
            # not in the knowledge base, or not in office on this date: the text's own
            # title and nationality say what the person is ("Prime Minister Ishiba")
            country = country or self._country_from_modifiers(token)
            title_sector = self._title_sector(token)
            if title_sector in {"GOV", ""}:
                # "Hezbollah leader X", "X, a spokesman for Mali's army"
                title_sector = self._modifier_sector(token) or title_sector
            if country or title_sector:
                sector = title_sector
        if self._out_of_office(token):
            sector = ""  # "former President X", "President-elect Y": no office now
        if not country or not sector:
            known = self._registry_lookup(self.doc[name_start:name_end].text)
            if known is not None and (not country or known.country == country):
                country, sector, name = known.country, known.sector, known.name or name
        if not name:
            name = self.doc[name_start:name_end].text.replace("’s", "").replace("'s", "").strip()
        return Actor(
            text=text_span.text,
            name=name,
            country=country,
            sector=sector,
            start=text_span.start_char,
            end=text_span.end_char,
        )

    def _out_of_office(self, token: Token) -> bool:
        left = self._left(token)
        words = [t.lower_ for t in self.doc[left.i : token.i]]
        return any(w in _NOT_IN_OFFICE or w.endswith("-elect") for w in words) or any(
            t.lower_ == "elect" for t in self.doc[left.i : token.i]
        )

    def _registry_lookup(self, text: str) -> Actor | None:
        text = text.replace("’s", "").replace("'s", "").strip()
        if text in self.registry:
            return self.registry[text]
        for part in text.split():
            if part in self.registry:
                return self.registry[part]
        entry = _surnames(self.kb, self.date).get(text)
        if entry is not None:
            country, sector = entry.at(self.date)
            return Actor(text=text, name=entry.name, country=country, sector=sector)
        # nobody of that name in office on the date: a known person of any time, if every
        # such person is of one country ("the Bush administration" in 2000), without office
        everyone = _surnames_any_time(self.kb).get(text, [])
        countries = {e.roles[0].country for e in everyone if e.roles}
        if len(countries) == 1:
            name = everyone[0].name if len(everyone) == 1 else ""
            return Actor(text=text, name=name, country=countries.pop(), sector="")
        return None

    def _sector_of(self, token: Token) -> str:
        sector = self._head_sector(token)
        if sector and (token.lower_ in _GENERIC_HEADS or token.lemma_.lower() in _GENERIC_HEADS):
            return self._modifier_sector(token) or sector
        return sector

    def _head_sector(self, token: Token) -> str:
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

    def _modifier_sector(self, token: Token, depth: int = 0) -> str:
        """A non-government sector named by a modifier of a generic head: "opposition
        leaders" (OPP), "a spokesman for Mali's army" (MIL), "Hezbollah leader" (REB)."""
        for child in token.children:
            if child.dep_ in {"compound", "amod", "nmod", "poss", "appos"}:
                cands = [child]
            elif child.dep_ == "prep" and child.lower_ in {"of", "for", "from"}:
                cands = [c for c in child.children if c.dep_ == "pobj"]
            else:
                continue
            for c in cands:
                kb = self.spans.get(c.i)
                if kb is not None and kb.entry.kind in {"igo", "org", "user"}:
                    sector = kb.entry.at(self.date)[1]
                elif kb is None:
                    sector = self._head_sector(c) if c.pos_ in {"NOUN", "PROPN"} else ""
                    if self.kb.titles.get(c.lower_):
                        sector = ""  # a title ("spokesman") is not what the head speaks for
                else:
                    sector = ""
                if sector and sector != "GOV":
                    return sector
                if depth < 1 and c.dep_ in {"pobj", "appos", "compound"}:
                    sector = self._modifier_sector(c, depth + 1)
                    if sector:
                        return sector
        return ""

    def _title_sector(self, token: Token) -> str:
        """Sector from a title before the name ("Secretary-General", "foreign minister")."""
        ent = _entity(token)
        start = ent.start if ent is not None else token.i
        left = self._left(token).i
        sector = self._title_in(self.doc[left:start]) if left < start else ""
        if sector:
            return sector
        for t in token.children:
            if t.dep_ == "appos":
                sector = self._sector_of(t) or self._title_in(self.doc[t.left_edge.i : t.i + 1])
                if sector:
                    return sector
        return ""

    def _title_in(self, span: Span) -> str:
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
