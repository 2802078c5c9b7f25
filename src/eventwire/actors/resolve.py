"""Resolve noun phrases in a parsed document to actors (country + sector).

Knowledge-base forms are found first (``matching``); the parse then decides what they
mean: "North Korean leader Kim Jong Un" is one person of PRK/GOV, "US and South Korean
officials" two governments, "Sam Green of the Center for European Policy Analysis"
nobody we can place (left unknown). ``DocActors`` holds the parts and calls them: the
document's ``People``, its ``Sectors`` words, and ``coref`` for "he" and "the bloc".
"""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Doc, Token

from ..geo.places import KIND_WORDS, lookup, place_country
from ..models import Actor, Mention
from .coref import Antecedent, is_reference, reference, reference_candidates
from .kb import INTERNATIONAL, Entry, KnowledgeBase, word_lists
from .matching import KbSpan, choose, dateline_span, match
from .people import People
from .sectors import Sectors
from .syntax import (
    conjuncts,
    entity,
    is_modifier,
    is_subject,
    left_edge,
    nouns,
    phrase,
    sentence_of,
)

_WORDS = word_lists()
#: Dependency labels through which a head noun takes its nationality.
_MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "poss", "npadvmod"})
#: Prepositions that link an office to its country: "the army of Sudan", "a spokesman for".
LINK_PREPS = _WORDS["link_preps"]
#: Prepositions before a place name: "near Goma", "in Brazzaville".
PLACE_PREPS = _WORDS["place_preps"]
#: "ethnic Serbs": a people, not their kin-state.
ETHNIC_WORDS = _WORDS["ethnic_words"]
#: Entity labels that are never an actor ("World War II", "Tuesday", "11,000 containers").
_NOT_ACTOR_ENTS = frozenset(
    {"EVENT", "DATE", "TIME", "MONEY", "QUANTITY", "PERCENT", "LAW", "WORK_OF_ART", "LANGUAGE"}
)
#: "U.S.-led", "Iranian-backed": the leader or backer is the side.
LED = re.compile(
    r"^(.+?)-(?:" + "|".join(sorted(map(re.escape, _WORDS["backing_participles"]))) + r")$"
)
#: The same as lemmas of separate tokens ("US - led"); "a Greek-owned tanker": the owner.
BACKING_VERBS = _WORDS["backing_verbs"]
#: "a meeting in Warsaw": a name after these is where, not who.
_PLACE_PREPS = frozenset(_WORDS["place_prepositions"])
#: Roles of a word that heads its noun phrase ("an Australian was arrested").
_NP_HEADS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "appos", "attr", "conj"})
#: How the backer hangs on a split participle ("US - led", "British-flagged").
_BACKER_DEPS = frozenset({"npadvmod", "compound", "nmod", "nsubj", "amod"})
#: Nouns that only count the actor named after "of": "a group of Moroccan diplomats".
COLLECTIVE_NOUNS = _WORDS["collective_nouns"]
#: ``Mention.kind`` for the kinds of antecedent that coref keeps.
_MENTION_KINDS = {"person": "person", "state": "country", "group": "group"}


class DocActors:
    """Actor resolution for one parsed document.

    ``dateline`` is the dateline's place as ``clean.dateline`` read it ("Seoul, South
    Korea"): the names in the dateline say where the story was filed and are no actors.
    "" means none was given; the text is then not searched for one.
    """

    def __init__(self, doc: Doc, kb: KnowledgeBase, date: str | None, dateline: str = "") -> None:
        self.doc = doc
        self.kb = kb
        self.date = date
        self.dateline = dateline
        self.acronyms: dict[str, Token] = {}  # "RUF" -> head of "Revolutionary United Front"
        self._antecedents: list[Antecedent] | None = None
        #: Memos of the pure per-token questions, by token index (see ``_settled``).
        self._references: dict[int, bool] = {}
        self._referents: dict[int, list[Actor]] = {}
        self._groups: dict[tuple[int, bool], list[Actor]] = {}
        #: True while ``antecedents`` builds its list; ``_partial_reads`` counts the
        #: times the unfinished list was handed out meanwhile.
        self._building = False
        self._partial_reads = 0
        #: False until the people and acronyms are registered: answers before then are
        #: not the document's final ones and are not kept.
        self._ready = False
        #: spaCy rebuilds ``doc.text`` on every access: read it once per document.
        self.text = doc.text
        #: Character offsets of the dateline; (-1, -1) when there is none.
        self.dateline_span = dateline_span(self.text, dateline)
        self.spans: dict[int, KbSpan] = match(doc, kb, date, self.dateline_span)
        self.sectors = Sectors(kb, date, self.spans)
        self.people = People(
            doc, kb, date, self.spans, self.sectors, nationality=self._countries_from_modifiers
        )
        self.people.register()
        self._register_acronyms()
        self._ready = True

    # -- set-up --------------------------------------------------------------
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
        texts = [t.text for t in doc]  # each token made once, not three times per word
        for i in range(1, len(doc) - 2):
            if texts[i] != "(" or texts[i + 2] != ")":
                continue
            tok = doc[i + 1]
            if not (tok.is_upper and 2 <= len(tok.text) <= 8 and tok.is_alpha):
                continue
            if tok.text in self.kb.surfaces or tok.text in self.acronyms:
                continue
            head = doc[i - 1]
            if head.pos_ in {"PROPN", "NOUN"}:
                self.acronyms[tok.text] = head

    # -- public --------------------------------------------------------------
    def in_dateline(self, token: Token) -> bool:
        """ "BEIJING, China (Xinhua) --" names where the story was filed, not an actor."""
        return self.dateline_span[0] <= token.idx < self.dateline_span[1]

    def resolve(self, token: Token, agent: bool = False) -> Actor | None:
        """The actor a noun phrase headed by ``token`` denotes, or None if it is no actor.

        ``agent`` is for subjects and "by" phrases, where "Swiss doctors" or "Israeli
        helicopters" name a side; as objects such words are things ("U.N. sanctions").
        """
        if self.in_dateline(token):
            return None
        if self.is_reference(token):
            found = self.reference(token)
            return found[0] if found else None
        if token.ent_type_ in _NOT_ACTOR_ENTS and not self._mistagged_country(token):
            return None
        if token.i in self.spans:
            kb = self.spans[token.i]
            if kb.entry.kind == "person":
                return self.people.resolve(token)
            if kb.entry.kind == "adjective":
                # "the Russians" names a people, "an Australian" one of them; an
                # adjective alone is no actor.
                one = token.dep_ in _NP_HEADS and any(ch.dep_ == "det" for ch in token.children)
                if token.tag_ != "NNPS" and not token.text.endswith("s") and not one:
                    return None
                people = self._actor(token, kb.entry, sector="CVL")
                where = self._living_in(token)
                if where is not None:  # "ethnic Serbs in Kosovo": Kosovo's
                    return replace(people, country=where)
                return people
            return self._actor(token, kb.entry)
        if token.text in self.acronyms and self.acronyms[token.text].i < token.i:
            defined = self.resolve(self.acronyms[token.text], agent)
            if defined is None:
                return None
            return Actor(
                text=token.text,
                name=defined.name or defined.text,
                country=defined.country,
                sector=defined.sector,
                start=token.idx,
                end=token.idx + len(token.text),
            )
        if self._maybe_place(token):
            place = self.place(token)
            if place is not None:
                return place
        if token.ent_type_ == "PERSON" or (
            # a known name the tagger took for a common noun ("Trump has injected")
            (token.pos_ == "PROPN" or (token.pos_ == "NOUN" and token.text[:1].isupper()))
            and (self.people.named(token.text) or self.people.in_office(token.text))
        ):
            return self.people.resolve(token)
        if token.lower_ in COLLECTIVE_NOUNS:
            for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"):
                for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                    return self.resolve(pobj, agent)
        group = self.resolve_group(token) if self.sectors.of(token) else []
        if group:
            return group[0]
        if agent and token.pos_ == "NOUN":
            # "Swiss doctors", "Israeli helicopters": the nationality is the side
            country = self._direct_nationality(token)
            if country:
                return Actor(
                    text=phrase(token),
                    country=country,
                    sector="",
                    start=left_edge(token).idx,
                    end=token.idx + len(token.text),
                )
        return None

    def _living_in(self, token: Token) -> str | None:
        """A people placed by its own phrase: "Serbs in Kosovo" and "ethnic Armenians in
        Karabakh" take the place's country; "ethnic Serbs" with no place named are of no
        known country (""); a people with neither keeps its kin-state (None)."""
        for prep in token.children:
            if prep.dep_ != "prep" or prep.lower_ != "in":
                continue
            for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                country = _place_of(pobj)
                if country:
                    return country
        if any(c.dep_ == "amod" and c.lower_ in ETHNIC_WORDS for c in token.children):
            return ""
        return None

    def _direct_nationality(self, token: Token) -> str:
        for child in token.children:
            if child.dep_ in {"amod", "compound", "nmod"}:
                kb = self.spans.get(child.i)
                if kb is not None and kb.entry.kind in {"adjective", "country", "igo", "org"}:
                    return kb.entry.at(self.date)[0]
        return ""

    def resolve_all(self, token: Token, agent: bool = False) -> list[Actor]:
        """``resolve`` on the head and on its conjuncts ("Putin and Kim"), and on a list the
        parser hung on the head as an apposition: "The EU, the US, Britain and Canada"
        (the US an apposition of the EU, Britain and Canada its conjuncts)."""
        out = []
        for t in [token, *conjuncts(token)]:
            out.extend(self.resolve_group(t, agent))
        for appos in (ch for ch in token.children if ch.dep_ == "appos"):
            listed = [appos, *conjuncts(appos)]
            if len(listed) < 2:
                continue  # "Putin, Russia's president": a second name for the same actor
            found = [a for t in listed for a in self.resolve_group(t, agent)]
            mine = {a.country for a in out}
            if found and all(a.country and a.country not in mine for a in found):
                out.extend(found)
        return out

    def resolve_group(self, token: Token, agent: bool = False) -> list[Actor]:
        """Like ``resolve``, but "US and South Korean officials" gives one actor per country
        and "both countries" the two states named before.

        Asked again for the same word (every noun is resolved for ``antecedents``, then
        again by the events), the first answer is given, as fresh copies: see ``_settled``
        for when an answer is kept.
        """
        key = (token.i, agent)
        known = self._groups.get(key)
        if known is not None:
            return _copies(known)
        reads = self._partial_reads
        found = self._resolve_group(token, agent)
        if self._settled(reads):
            self._groups[key] = _copies(found)
        return found

    def _resolve_group(self, token: Token, agent: bool) -> list[Actor]:
        if self.in_dateline(token):
            return []
        if self.is_reference(token):
            return self.reference(token)
        if token.i not in self.spans and token.ent_type_ != "PERSON":
            sector = self.sectors.of(token)
            if sector:
                countries = self._countries_from_modifiers(token) or [""]
                start, end = left_edge(token).idx, token.idx + len(token.text)
                return [
                    Actor(text=phrase(token), country=c, sector=sector, start=start, end=end)
                    for c in countries
                ]
        actor = self.resolve(token, agent)
        return [actor] if actor is not None else []

    def backers(self, token: Token) -> list[Actor]:
        """The side in "U.S.-led" (one token) or "US - led" (three tokens)."""
        led = LED.match(token.text)
        if led:
            return self.lookup_text(led.group(1), token)
        if token.lemma_.lower() in BACKING_VERBS:
            for ch in token.children:
                if ch.dep_ in _BACKER_DEPS and ch.i in self.spans:
                    return self.resolve_all(ch) or self.lookup_text(ch.text, ch)
        return []

    def _maybe_place(self, token: Token) -> bool:
        """A place name, not a person who shares it ("President Obama" is no Japanese city)."""
        if token.ent_type_ in {"GPE", "LOC", "FAC"}:
            return not self.people.named(token.text)
        if token.ent_type_ not in {"PERSON", "ORG", "NORP"} or self.people.named(token.text):
            return False
        if token.dep_ == "compound" and token.head.lower_ in KIND_WORDS:
            return True  # "the Kherson region" even when tagged as a person
        # NER often calls a city a person: trust it only for a bare name as an object
        return (
            token.dep_ in {"dobj", "pobj"}
            and not any(c.dep_ in {"compound", "appos", "amod"} for c in token.children)
            and not self.people.could_be_named(token.text)
        )

    def place(self, token: Token) -> Actor | None:
        """A city or region named as a side ("shelled Kharkiv", "residents of Goma", "attacked
        Borno"): its country."""
        ent = entity(token)
        if ent is None or ent.root != token:
            return None
        as_region = token.dep_ == "compound" and token.head.lower_ in KIND_WORDS
        country = place_country(ent.text, as_region=as_region)
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
        entry = choose(self.kb.lookup(text) or self.kb.lookup(text.rstrip(".")), self.date)
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
        """Every actor mention in the document, in text order: names ("Vladimir Putin",
        "the Kremlin"), group nouns ("US and South Korean officials": one mention per
        country) and references resolved to an earlier actor ("he", "both countries").

        ``kind`` is person, country (a state or its government), igo, org (any other
        body), group (a plural noun or a conjoined list) or reference. An actor that
        cannot be placed has an empty country, as in events.
        """
        found: dict[tuple[int, int, str, str], Mention] = {}
        antecedents = self.antecedents()
        for a in sorted(antecedents, key=lambda a: a.listed):  # members of lists last
            kind = _MENTION_KINDS.get(a.kind) or (
                "igo" if a.actor.country in INTERNATIONAL else "org"
            )
            self._add_mention(found, a.actor, kind)
        doc = self.doc
        for i in reference_candidates(doc):
            token = doc[i]
            if self.is_reference(token):
                for actor in self.reference(token):
                    self._add_mention(found, actor, "reference")
        return sorted(found.values(), key=lambda m: (m.start, m.end))

    def _add_mention(
        self, found: dict[tuple[int, int, str, str], Mention], actor: Actor, kind: str
    ) -> None:
        key = (actor.start, actor.end, actor.country, actor.sector)
        if actor.start < 0 or key in found:
            return
        span = self.doc.char_span(actor.start, actor.end, alignment_mode="expand")
        found[key] = Mention(
            start=actor.start,
            end=actor.end,
            text=actor.text,
            name=actor.name,
            country=actor.country,
            sector=actor.sector,
            kind=kind,
            token_start=span.start if span is not None else -1,
            token_end=span.end if span is not None else -1,
        )

    def antecedents(self) -> list[Antecedent]:
        """The mentions later references may point back to, in text order."""
        if self._antecedents is None:
            self._antecedents = []
            self._building = True
            seen: set[tuple[int, int, str]] = set()
            doc = self.doc
            for i in nouns(doc):
                token = doc[i]
                if self.is_reference(token) or is_modifier(token):
                    continue
                kb = self.spans.get(token.i)
                if kb is not None and token.i != kb.end - 1:
                    continue  # one mention per knowledge-base span, at its last word
                found = self.resolve_group(token)
                kind = self._kind(token)
                sent = sentence_of(token)
                place = token.dep_ == "pobj" and token.head.lower_ in _PLACE_PREPS
                for actor in found:
                    key = (actor.start, actor.end, actor.country)
                    if key not in seen:
                        seen.add(key)
                        self._antecedents.append(
                            Antecedent(
                                actor.start, sent, kind, actor, is_subject(token), place=place
                            )
                        )
                conj = [c for c in token.children if c.dep_ == "conj"]
                if found and conj and token.dep_ != "conj":
                    for actor in self.resolve_all(token):  # "Russia and China"
                        self._antecedents.append(
                            Antecedent(token.idx, sent, "group", actor, is_subject(token), True)
                        )
            self._antecedents.sort(key=lambda m: m.start)
            self._building = False
        elif self._building:
            self._partial_reads += 1  # a reference met while the list is being built
        return self._antecedents

    # -- memos ---------------------------------------------------------------
    def _settled(self, reads: int) -> bool:
        """Whether an answer just worked out is the document's final one, and may be kept.

        Everything an answer reads is fixed once ``__init__`` is done (the knowledge-base
        spans, the people and acronyms registered) except the antecedents: those are
        built lazily, and a reference met while they are being built (``antecedents``
        resolves every noun) sees only the ones before it. So an answer is kept after
        ``__init__`` unless it read the unfinished list (``reads``, the count of such reads
        when it was begun, has moved). Answers kept while the list is built read no
        antecedents at all, so they are the same once it is finished; and any answer
        given from a memo while it is built is one of these (before the list is begun no
        reference has been met: the first one begins it).
        """
        return self._ready and self._partial_reads == reads

    def is_reference(self, token: Token) -> bool:
        """``coref.is_reference`` with this knowledge base, once per word (it depends on the
        word and its parse alone)."""
        known = self._references.get(token.i)
        if known is None:
            known = self._references[token.i] = is_reference(token, self.kb)
        return known

    def reference(self, token: Token) -> list[Actor]:
        """``coref.reference``, once per word when the answer is final (``_settled``)."""
        known = self._referents.get(token.i)
        if known is not None:
            return _copies(known)
        reads = self._partial_reads
        found = reference(self, token)
        if self._settled(reads):
            self._referents[token.i] = _copies(found)
        return found

    def _kind(self, token: Token) -> str:
        kb = self.spans.get(token.i)
        if kb is not None:
            kinds = {"person": "person", "igo": "body", "org": "body", "user": "body"}
            return kinds.get(kb.entry.kind, "state")
        if token.ent_type_ == "PERSON" or self.people.named(token.text):
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
        if start > 0 and self.text[max(0, start - 4) : start].lower() == "the ":
            start -= 4
        return Actor(
            text=self.text[start : span.end_char],
            name=entry.name,
            country=country,
            sector=kb_sector if sector is None else sector,
            start=start,
            end=span.end_char,
        )

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
                cands = [child, *conjuncts(child)]
            elif child.dep_ == "prep" and child.lower_ in LINK_PREPS:
                # "the ministers of Congo and Rwanda", "diplomats from Iran and the E3"
                pobjs = [c for c in child.children if c.dep_ == "pobj"]
                cands = [x for p in pobjs for x in (p, *conjuncts(p))]
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
        if self.is_reference(c):  # "the country's riot police"
            return [a.country for a in self.reference(c) if a.country]
        if c.ent_type_ == "PERSON" or self.people.named(c.text):
            person = self.people.lookup(c.text)  # "Netanyahu's office"
            if person is not None and person.country:
                return [person.country]
        backers = self.backers(c)
        if backers:  # "Vietnamese-led forces", "U.S.-backed fighters"
            return [a.country for a in backers if a.country]
        return self._countries_from_modifiers(c, depth + 1)


def _copies(actors: list[Actor]) -> list[Actor]:
    """New ``Actor`` objects equal to these: a memo's answer must not be changed through
    what a caller was given (``pipeline`` fills in a title's unplaced person in place)."""
    return [Actor(a.text, a.name, a.country, a.sector, a.start, a.end) for a in actors]


def _place_of(pobj: Token) -> str:
    """The country of a place phrase: "Kosovo", "northern Kosovo", "Borno state"."""
    if pobj.lower_ in KIND_WORDS:  # "in Borno state"
        for c in pobj.children:
            ent = entity(c) if c.dep_ == "compound" else None
            if ent is not None and (place := lookup(f"{ent.text} {pobj.text}")):
                return place.country
    ent = entity(pobj)
    if ent is None or pobj.ent_type_ not in {"GPE", "LOC"}:
        return ""
    place = lookup(ent.text)
    return place.country if place is not None else ""
