"""People: who a named person is on the article's date.

A person in the knowledge base codes by the role held on that date; anyone else by the
text's own title and nationality ("Kenyan Interior Minister Amina Odhiambo"). Once named,
a person's parts ("Odhiambo") stand for them in the rest of the article.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from spacy.tokens import Doc, Span, Token

from ..models import Actor
from .kb import Entry, KnowledgeBase, word_lists
from .matching import KbSpan
from .sectors import Sectors
from .syntax import entity, left_edge, without_possessive

_WORDS = word_lists()
#: Words before a name that say the person holds no office now ("former", "ex-").
NOT_IN_OFFICE = _WORDS["not_in_office"]
NOT_IN_OFFICE_ENDINGS = tuple(_WORDS["not_in_office_endings"])  # "President-elect"
#: Countries whose names put the family name first: "Xi" for Xi Jinping.
FAMILY_NAME_FIRST = _WORDS["family_name_first"]

#: Nationality of a noun phrase from its modifiers ("Kenyan", "of Chile's"), given by the
#: resolver that holds the people: a nationality can be another actor's ("Netanyahu's").
Nationality = Callable[[Token], list[str]]


def _family_name(entry: Entry) -> str:
    words = entry.name.split()
    return words[0] if entry.roles[0].country in FAMILY_NAME_FIRST else words[-1]


@functools.lru_cache(maxsize=64)
def surnames(kb: KnowledgeBase, date: str | None) -> dict[str, Entry]:
    """Last names of people in office on a date, kept only where exactly one person has it."""
    seen: dict[str, list[Entry]] = {}
    for entry in kb.people.values():
        if any(r.active(date) for r in entry.roles):
            seen.setdefault(_family_name(entry), []).append(entry)
    return {k: v[0] for k, v in seen.items() if len(v) == 1 and len(k) >= 2 and k[0].isupper()}


@functools.cache
def surnames_any_time(kb: KnowledgeBase) -> dict[str, list[Entry]]:
    """Family names of everyone in the knowledge base, in office or not."""
    out: dict[str, list[Entry]] = {}
    for entry in kb.people.values():
        if entry.roles:
            family = _family_name(entry)
            if len(family) >= 2 and family[0].isupper():
                out.setdefault(family, []).append(entry)
    return out


@functools.cache
def name_words(kb: KnowledgeBase) -> frozenset[str]:
    """First and last words of every known person's name."""
    return frozenset(
        w for e in kb.people.values() for w in e.name.split()[:1] + e.name.split()[-1:]
    )


class People:
    """The people of one document and the registry of the names they were given."""

    def __init__(
        self,
        doc: Doc,
        kb: KnowledgeBase,
        date: str | None,
        spans: Mapping[int, KbSpan],
        sectors: Sectors,
        nationality: Nationality,
    ) -> None:
        self.doc = doc
        self.kb = kb
        self.date = date
        self.spans = spans
        self.sectors = sectors
        self.nationality = nationality
        self.registry: dict[str, Actor] = {}  # "Odhiambo" -> the person first named in full

    def register(self) -> None:
        """Register every named person with a country under each part of their name."""
        for ent in self.doc.ents:
            if ent.label_ != "PERSON" and not self._is_person_span(ent):
                continue
            actor = self.resolve(ent.root)
            if not actor.country:
                continue
            for part in without_possessive(ent.text).split():
                if len(part) > 2 and part[0].isupper():
                    self.registry.setdefault(part, actor)

    def named(self, text: str) -> bool:
        """True if the article has named someone by this word."""
        return text in self.registry

    def in_office(self, text: str) -> bool:
        """True if this is the family name of exactly one person in office on the date."""
        return text in surnames(self.kb, self.date)

    def could_be_named(self, text: str) -> bool:
        """True if any known person's name begins or ends with this word."""
        return text in name_words(self.kb)

    def _is_person_span(self, ent: Span) -> bool:
        kb = self.spans.get(ent.root.i)
        return kb is not None and kb.entry.kind == "person"

    def resolve(self, token: Token) -> Actor:
        """The person a name headed by ``token`` denotes, with the title before it."""
        ent = entity(token)
        name_start, name_end = (ent.start, ent.end) if ent is not None else (token.i, token.i + 1)
        kb = self.spans.get(token.i)
        country, sector, name = "", "", ""
        if kb and kb.entry.kind in {"person", "user"}:
            country, sector = kb.entry.at(self.date)
            name = kb.entry.name
            name_start, name_end = min(name_start, kb.start), max(name_end, kb.end)
        left = left_edge(token)
        text_span = self.doc[min(left.i, name_start) : name_end]
        if not country or not sector:
            # not in the knowledge base, or not in office on this date: the text's own
            # title and nationality say what the person is ("Prime Minister Ishiba")
            if not country:
                found = self.nationality(token)
                country = found[0] if found else ""
            title_sector = self.sectors.title(token)
            if title_sector in {"GOV", ""}:
                # "Hezbollah leader X", "X, a spokesman for Mali's army"
                title_sector = self.sectors.speaks_for(token) or title_sector
            if country or title_sector:
                sector = title_sector
        if self.out_of_office(token):
            sector = ""  # "former President X", "President-elect Y": no office now
        if not country or not sector:
            known = self.lookup(self.doc[name_start:name_end].text)
            if known is not None and (not country or known.country == country):
                country, sector, name = known.country, known.sector, known.name or name
        if not name:
            name = without_possessive(self.doc[name_start:name_end].text).strip()
        return Actor(
            text=text_span.text,
            name=name,
            country=country,
            sector=sector,
            start=text_span.start_char,
            end=text_span.end_char,
        )

    def out_of_office(self, token: Token) -> bool:
        """ "former President X", "ex-minister Y", "President-elect Z"."""
        words = [t.lower_ for t in self.doc[left_edge(token).i : token.i]]
        return any(w in NOT_IN_OFFICE or w.endswith(NOT_IN_OFFICE_ENDINGS) for w in words)

    def lookup(self, text: str) -> Actor | None:
        """A person by a name or part of one: named earlier in the article, else the one
        person of that family name in office on the date, else a known person of any time
        if all of that name are of one country (then without office)."""
        text = without_possessive(text).strip()
        if text in self.registry:
            return self.registry[text]
        for part in text.split():
            if part in self.registry:
                return self.registry[part]
        entry = surnames(self.kb, self.date).get(text)
        if entry is not None:
            country, sector = entry.at(self.date)
            return Actor(text=text, name=entry.name, country=country, sector=sector)
        # "the Bush administration" in 2000: nobody of that name in office on the date
        everyone = surnames_any_time(self.kb).get(text, [])
        countries = {e.roles[0].country for e in everyone if e.roles}
        if len(countries) == 1:
            name = everyone[0].name if len(everyone) == 1 else ""
            return Actor(text=text, name=name, country=countries.pop(), sector="")
        return None
