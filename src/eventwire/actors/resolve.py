"""Resolve noun phrases in a parsed document to actors (country + sector).

Knowledge-base forms are found with a spaCy ``PhraseMatcher``; the parse then
decides what they mean: "North Korean leader Kim Jong Un" is one person of
PRK/GOV, "US and South Korean officials" two governments, "Sam Green of the
Center for European Policy Analysis" nobody we can place (left unknown).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from ..events.places import city_country
from ..models import Actor
from ..nlp import load as load_nlp
from .coref import Mention, is_reference, is_subject, reference, sentence_of
from .kb import Entry, KnowledgeBase
from .people import PersonResolver, _all_surnames, _entity, _surnames

#: Dependency labels through which a head noun takes its nationality.
_MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "poss", "npadvmod"})
#: Prepositions that link an office to its country: "the army of Sudan", "a spokesman for".
_LINK_PREPS = frozenset({"of", "for", "from", "in"})
#: Prepositions before a place name: "near Goma", "in Brazzaville".
_PLACE_PREPS = frozenset({"in", "near", "around", "outside", "from", "to", "into", "at"})
#: Entity labels whose inner words must not give a country ("Center for European Policy").
_OPAQUE_ENTS = frozenset({"ORG", "FAC", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT"})
#: "U.S.-led", "Iranian-backed": the leader or backer is the side.
LED = re.compile(
    r"^(.+?)-(?:led|backed|sponsored|brokered|funded|supported|allied|aligned|owned|operated"
    r"|flagged)$"
)
_BACKING_VERBS = frozenset(
    {"lead", "back", "sponsor", "broker", "fund", "support", "ally", "align"}
    | {"own", "operate", "flag"}  # "a Greek-owned tanker": the owner's side
)
#: Nouns that only count the actor named after "of": "a group of Moroccan diplomats".
_NOT_ACTOR_ENTS = frozenset(
    {"EVENT", "DATE", "TIME", "MONEY", "QUANTITY", "PERCENT", "LAW", "WORK_OF_ART", "LANGUAGE"}
)
_COLLECTIVE = frozenset(
    {
        "group",
        "groups",
        "delegation",
        "team",
        "number",
        "members",
        "member",
        "dozens",
        "hundreds",
        "thousands",
        "scores",
        "some",
        "many",
        "most",
        "several",
        "contingent",
        "unit",
        "batch",
        "one",
        "two",
        "three",
        "four",
        "five",
        "all",
        "both",
        "each",
        "none",
        "majority",
        "part",
    }
)
_DATELINE = re.compile(
    r"^[A-Z][A-Z .'’-]{2,}(?:,[^\n(—–]{0,40})?\s*(?:\([^)\n]{1,40}\))?\s*[—–-]+\s"
)


@dataclass(slots=True)
class KbSpan:
    start: int  # token indices
    end: int
    entry: Entry


@functools.cache
def _matcher(
    kb_id: int, kb: KnowledgeBase
) -> tuple[PhraseMatcher, PhraseMatcher, dict[int, tuple[str, str]]]:
    """Matchers for the shipped forms (case-sensitive: "US" is not "us") and for the
    user's own entries (case-insensitive)."""
    nlp = load_nlp()
    shipped_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    user_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    keys: dict[int, tuple[str, str]] = {}
    for kind, surfaces, matcher in (
        ("kb", list(kb.surfaces), shipped_matcher),
        ("user", list(kb.user), user_matcher),
    ):
        for surface, doc in zip(surfaces, nlp.tokenizer.pipe(surfaces), strict=True):
            label = f"{kind}:{surface}"
            keys[nlp.vocab.strings.add(label)] = (kind, surface)
            matcher.add(label, [doc])
    return shipped_matcher, user_matcher, keys


class DocActors(PersonResolver):
    """Actor resolution for one parsed document, with a per-document name registry."""

    def __init__(self, doc: Doc, kb: KnowledgeBase, date: str | None) -> None:
        self.doc = doc
        self.kb = kb
        self.date = date
        self.spans: dict[int, KbSpan] = {}
        self.registry: dict[str, Actor] = {}
        self._mentions: list[Mention] | None = None
        self.acronyms: dict[str, Token] = {}  # "RUF" -> head of "Revolutionary United Front"
        self._dateline_end = self._find_dateline()
        self._match()
        self._register_people()
        self._register_acronyms()

    # -- set-up --------------------------------------------------------------
    def _find_dateline(self) -> int:
        """Character offset where a leading "SEOUL, South Korea (AP) —" dateline ends."""
        text = self.doc.text
        for para in re.finditer(r"(?:^|\n)([^\n]+)", text[:2000]):
            m = _DATELINE.match(para.group(1))
            if m:
                return para.start(1) + m.end()
        return -1

    def _match(self) -> None:
        shipped_matcher, user_matcher, keys = _matcher(id(self.kb), self.kb)
        found: dict[tuple[int, int], tuple[str, str]] = {}
        for key, start, end in shipped_matcher(self.doc):
            found[(start, end)] = keys[key]
        if self.kb.user:
            for key, start, end in user_matcher(self.doc):
                found[(start, end)] = keys[key]  # the user's entry wins on the same words
        spans = [Span(self.doc, start, end) for start, end in found]
        chosen: list[tuple[Span, list[Entry], Entry | None]] = []
        for span in filter_spans(spans):
            if span.start_char < self._dateline_end:
                continue  # the dateline names where the story was filed, not an actor
            kind, surface = found[(span.start, span.end)]
            entries = [self.kb.user[surface]] if kind == "user" else self.kb.lookup(surface)
            chosen.append((span, entries, self._choose(entries)))
        named = self._countries_named(chosen)
        for span, entries, entry in chosen:
            if entry is None and len(entries) > 1:
                entry = self._choose_in_context(entries, named)
            if entry is None or entry.kind == "none" or self._opaque(span):
                continue  # "Latin American", "Indian Ocean": no actor
            for i in range(span.start, span.end):
                self.spans[i] = KbSpan(span.start, span.end, entry)

    def _countries_named(self, chosen: list[tuple[Span, list[Entry], Entry | None]]) -> set[str]:
        """Countries the document names without doubt: by a KB name or by a city."""
        named = {e.at(self.date)[0] for _, _, e in chosen if e is not None}
        for ent in self.doc.ents:
            if ent.label_ in {"GPE", "LOC", "FAC"}:
                named.add(city_country(ent.text))
        for tok in self.doc:
            if tok.pos_ == "PROPN" and tok.dep_ == "pobj" and tok.head.lower_ in _PLACE_PREPS:
                named.add(city_country(tok.text))  # "fighting around Goma", tagged a person
        named.discard("")
        return named

    def _choose_in_context(self, entries: list[Entry], named: set[str]) -> Entry | None:
        """ "Congo" in a story that also names Kinshasa or Goma is the DRC; with no such
        evidence, or evidence for both, it stays unknown."""
        fitting = [e for e in entries if e.at(self.date)[0] in named]
        if len({e.at(self.date)[0] for e in fitting}) == 1:
            return fitting[0]
        return None

    def _choose(self, entries: list[Entry]) -> Entry | None:
        if not entries:
            return None
        if len(entries) == 1:
            return entries[0]
        dated = [e for e in entries if e.at(self.date)[0]]
        if len({e.at(self.date)[0] for e in dated}) == 1:
            return dated[0]
        return None  # ambiguous: better unknown than a guess

    def _opaque(self, span: Span) -> bool:
        """True for a country word inside an organisation's name after "for"/"of"."""
        ent_type = span[0].ent_type_
        if ent_type not in _OPAQUE_ENTS:
            return False
        ent = next((e for e in self.doc.ents if e.start <= span.start < e.end), None)
        if ent is None:
            return False
        return any(
            t.lower_ in {"for", "of", "on", "against"} for t in ent[: span.start - ent.start]
        )

    def _mistagged_country(self, token: Token) -> bool:
        """ "withdrawal from Niger" with Niger tagged a work of art: an entity that is
        exactly a country's name is the country."""
        kb = self.spans.get(token.i)
        if kb is None or kb.entry.kind != "country":
            return False
        ent = next((e for e in self.doc.ents if e.start <= token.i < e.end), None)
        return ent is not None and (ent.start, ent.end) == (kb.start, kb.end)

    def _register_acronyms(self) -> None:
        """ "the Liberian Peace Council (LPC)": later "LPC" is the same actor."""
        doc = self.doc
        for i in range(1, len(doc) - 2):
            tok = doc[i + 1]
            if doc[i].text != "(" or doc[i + 2].text != ")":
                continue
            if not (tok.is_upper and 2 <= len(tok.text) <= 8 and tok.is_alpha):
                continue
            if tok.text in self.kb.surfaces or tok.text in self.acronyms:
                continue
            head = doc[i - 1]
            if head.pos_ in {"PROPN", "NOUN"}:
                self.acronyms[tok.text] = head

    # -- public --------------------------------------------------------------
    def resolve(self, token: Token, agent: bool = False) -> Actor | None:
        """The actor a noun phrase headed by ``token`` denotes, or None if it is no actor.

        ``agent`` is for subjects and "by" phrases, where "Swiss doctors" or "Israeli
        helicopters" name a side; as objects such words are things ("U.N. sanctions").
        """
        if is_reference(token, self):
            found = reference(self, token)
            return found[0] if found else None
        if token.ent_type_ in _NOT_ACTOR_ENTS and not self._mistagged_country(token):
            return None  # "World War II", "Tuesday", "11,000 containers"
        if token.i in self.spans:
            kb = self.spans[token.i]
            if kb.entry.kind == "person":
                return self._resolve_person(token)
            if kb.entry.kind == "adjective":
                # "the Russians" names a people; an adjective alone is no actor.
                return (
                    self._actor(token, kb.entry, sector="CVL")
                    if token.tag_ == "NNPS" or token.text.endswith("s")
                    else None
                )
            return self._actor(token, kb.entry)
        if token.text in self.acronyms and self.acronyms[token.text].i < token.i:
            found = self.resolve(self.acronyms[token.text], agent)
            if found is None:
                return None
            return Actor(
                text=token.text,
                name=found.name or found.text,
                country=found.country,
                sector=found.sector,
                start=token.idx,
                end=token.idx + len(token.text),
            )
        if self._maybe_place(token):
            place = self.place(token)
            if place is not None:
                return place
        if token.ent_type_ == "PERSON" or (
            token.pos_ == "PROPN"
            and (token.text in self.registry or token.text in _surnames(self.kb, self.date))
        ):
            return self._resolve_person(token)
        if token.lower_ in _COLLECTIVE:
            for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"):
                for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                    return self.resolve(pobj, agent)
        group = self.resolve_group(token) if self._sector_of(token) else []
        if group:
            return group[0]
        if agent and token.pos_ == "NOUN":
            # "Swiss doctors", "Israeli helicopters": the nationality is the side
            country = self._direct_nationality(token)
            if country:
                return Actor(
                    text=self._phrase(token),
                    country=country,
                    sector="",
                    start=self._left(token).idx,
                    end=token.idx + len(token.text),
                )
        return None

    def _direct_nationality(self, token: Token) -> str:
        for child in token.children:
            if child.dep_ in {"amod", "compound", "nmod"}:
                kb = self.spans.get(child.i)
                if kb is not None and kb.entry.kind in {"adjective", "country", "igo", "org"}:
                    return kb.entry.at(self.date)[0]
        return ""

    def resolve_all(self, token: Token, agent: bool = False) -> list[Actor]:
        """``resolve`` on the head and on its conjuncts ("Putin and Kim")."""
        out = []
        for t in [token, *_conjuncts(token)]:
            out.extend(self.resolve_group(t, agent))
        return out

    def resolve_group(self, token: Token, agent: bool = False) -> list[Actor]:
        """Like ``resolve``, but "US and South Korean officials" gives one actor per country
        and "both countries" the two states named before."""
        if is_reference(token, self):
            return reference(self, token)
        if token.i not in self.spans and token.ent_type_ != "PERSON":
            sector = self._sector_of(token)
            if sector:
                countries = self._countries_from_modifiers(token) or [""]
                start, end = self._left(token).idx, token.idx + len(token.text)
                return [
                    Actor(text=self._phrase(token), country=c, sector=sector, start=start, end=end)
                    for c in countries
                ]
        actor = self.resolve(token, agent)
        return [actor] if actor is not None else []

    def backers(self, token: Token) -> list[Actor]:
        """The side in "U.S.-led" (one token) or "US - led" (three tokens)."""
        led = LED.match(token.text)
        if led:
            return self.lookup_text(led.group(1), token)
        if token.lemma_.lower() in _BACKING_VERBS:
            for ch in token.children:
                if ch.dep_ in {"npadvmod", "compound", "nmod", "nsubj"} and ch.i in self.spans:
                    return self.resolve_all(ch) or self.lookup_text(ch.text, ch)
        return []

    def _maybe_place(self, token: Token) -> bool:
        """A place name, not a person who shares it ("President Obama" is no Japanese city)."""
        if token.ent_type_ in {"GPE", "LOC", "FAC"}:
            return token.text not in self.registry
        if token.ent_type_ not in {"PERSON", "ORG", "NORP"} or token.text in self.registry:
            return False
        # NER often calls a city a person: trust it only for a bare name as an object
        return (
            token.dep_ in {"dobj", "pobj"}
            and not any(c.dep_ in {"compound", "appos", "amod"} for c in token.children)
            and token.text not in _all_surnames(self.kb)
        )

    def place(self, token: Token) -> Actor | None:
        """A city named as a side ("shelled Kharkiv", "residents of Goma"): its country."""
        ent = _entity(token)
        if ent is None or ent.root != token:
            return None
        country = city_country(ent.text)
        if not country:
            return None
        return Actor(
            text=ent.text,
            name=ent.text,
            country=country,
            sector="",
            start=ent.start_char,
            end=ent.end_char,
        )

    def lookup_text(self, text: str, token: Token) -> list[Actor]:
        """Actors for a bare surface form found inside a token ("U.S." in "U.S.-led")."""
        entry = self._choose(self.kb.lookup(text) or self.kb.lookup(text.rstrip(".")))
        if entry is None or entry.kind == "person":
            return []
        country, sector = entry.at(self.date)
        if not country:
            return []
        return [
            Actor(
                text=token.text,
                name=entry.name,
                country=country,
                sector="" if entry.kind == "adjective" else sector,
                start=token.idx,
                end=token.idx + len(token.text),
            )
        ]

    def mentions(self) -> list[Mention]:
        """Every actor mention in the document, in text order (antecedents for coref)."""
        if self._mentions is None:
            self._mentions = []
            seen: set[tuple[int, int, str]] = set()
            for token in self.doc:
                if (
                    token.pos_ not in {"NOUN", "PROPN"}
                    or is_reference(token, self)
                    or _is_modifier(token)
                ):
                    continue
                kb = self.spans.get(token.i)
                if kb is not None and token.i != kb.end - 1:
                    continue  # one mention per knowledge-base span, at its last word
                found = self.resolve_group(token)
                kind = self._kind(token)
                sent = sentence_of(token)
                for actor in found:
                    key = (actor.start, actor.end, actor.country)
                    if key not in seen:
                        seen.add(key)
                        self._mentions.append(
                            Mention(actor.start, sent, kind, actor, is_subject(token))
                        )
                conj = [c for c in token.children if c.dep_ == "conj"]
                if found and conj and token.dep_ != "conj":
                    for actor in self.resolve_all(token):  # "Russia and China"
                        self._mentions.append(
                            Mention(token.idx, sent, "group", actor, is_subject(token))
                        )
            self._mentions.sort(key=lambda m: m.start)
        return self._mentions

    def _kind(self, token: Token) -> str:
        kb = self.spans.get(token.i)
        if kb is not None:
            kinds = {"person": "person", "igo": "body", "org": "body", "user": "body"}
            return kinds.get(kb.entry.kind, "state")
        if token.ent_type_ == "PERSON" or token.text in self.registry:
            return "person"
        if token.tag_ in {"NNS", "NNPS"}:
            return "group"
        return "person" if self.kb.titles.get(token.lower_) else "body"

    # -- helpers -------------------------------------------------------------
    def _actor(self, token: Token, entry: Entry, sector: str | None = None) -> Actor:
        kb = self.spans[token.i]
        country, kb_sector = entry.at(self.date)
        span = self.doc[kb.start : kb.end]
        start = span.start_char
        if start > 0 and self.doc.text[max(0, start - 4) : start].lower() == "the ":
            start -= 4
        return Actor(
            text=self.doc.text[start : span.end_char],
            name=entry.name,
            country=country,
            sector=kb_sector if sector is None else sector,
            start=start,
            end=span.end_char,
        )

    def _country_from_modifiers(self, token: Token) -> str:
        found = self._countries_from_modifiers(token)
        return found[0] if found else ""

    def _countries_from_modifiers(self, token: Token, depth: int = 0) -> list[str]:
        """Nationality from modifiers: "US officials", "Russia's army", "army of Sudan";
        a place ("Houthi leaders in Muscat") counts only when nothing else gives one."""
        out: list[str] = []
        if depth > 3:
            return out
        children = list(token.children)
        if depth == 0 and token.dep_ == "appos" and token.head.pos_ in {"NOUN", "PROPN"}:
            children += [c for c in token.head.children if c.i != token.i and c.dep_ != "appos"]
        located: list[Token] = []
        for child in children:
            cands: list[Token] = []
            if child.dep_ in _MODIFIER_DEPS:
                cands = [child, *_conjuncts(child)]
            elif child.dep_ == "prep" and child.lower_ in _LINK_PREPS:
                # "the ministers of Congo and Rwanda", "diplomats from Iran and the E3"
                pobjs = [c for c in child.children if c.dep_ == "pobj"]
                cands = [x for p in pobjs for x in (p, *_conjuncts(p))]
                if child.lower_ == "in":
                    located.extend(cands)
                    continue
            elif child.dep_ == "appos":
                cands = [child]
            for c in cands:
                out.extend(x for x in self._candidate_countries(c, depth) if x not in out)
        if not out:
            for c in located:
                out.extend(x for x in self._candidate_countries(c, depth) if x not in out)
        return out

    def _candidate_countries(self, c: Token, depth: int) -> list[str]:
        kb = self.spans.get(c.i)
        if kb is not None:
            country, _ = kb.entry.at(self.date)
            return [country] if country else []
        if is_reference(c, self):  # "the country's riot police"
            return [a.country for a in reference(self, c) if a.country]
        if c.ent_type_ == "PERSON" or c.text in self.registry:
            person = self._registry_lookup(c.text)  # "Netanyahu's office"
            if person is not None and person.country:
                return [person.country]
        backers = self.backers(c)
        if backers:  # "Vietnamese-led forces", "U.S.-backed fighters"
            return [a.country for a in backers if a.country]
        return self._countries_from_modifiers(c, depth + 1)

    def _left(self, token: Token) -> Token:
        """The leftmost pre-modifier of a noun phrase (determiners left out)."""
        for t in token.lefts:
            if t.dep_ not in {"det", "predet", "punct", "cc"}:
                return t.left_edge
        return token

    def _phrase(self, token: Token) -> str:
        return self.doc[self._left(token).i : token.i + 1].text


def _is_modifier(token: Token) -> bool:
    """ "US" in "US officials", "Korean" in "US and South Korean officials"."""
    node = token
    while node.dep_ == "conj":
        node = node.head
    return node.dep_ in {"compound", "amod", "nmod", "npadvmod"} and node.head.pos_ in {
        "NOUN",
        "PROPN",
    }


def _conjuncts(token: Token) -> list[Token]:
    out = []
    for child in token.children:
        if child.dep_ == "conj":
            out.append(child)
            out.extend(_conjuncts(child))
    return out
