"""The shipped actor knowledge base (data files in ``kb/``) plus user dictionaries.

Every surface form maps to one or more ``Entry`` records; people carry
date-bounded roles so that one name codes differently in 2010 and 2024. Country names
come from the country table in ``geo``; the word lists the rules name from ``kb/words.yaml``.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from ..geo.countries import countries, not_actors
from ..ontology import SAFE_LOADER

#: International codes that count as one side "IGO" when scoring.
INTERNATIONAL = frozenset({"IGO", "UNO", "EUR", "NGO", "IMG"})


@dataclass(slots=True, frozen=True)
class Role:
    country: str
    sector: str
    role: str = ""
    start: str = ""  # ISO date, "" = open
    end: str = ""

    def active(self, date: str | None) -> bool:
        if not date:
            return not self.end
        return (not self.start or self.start <= date) and (not self.end or date <= self.end)


@dataclass(slots=True)
class Entry:
    """What one surface form means."""

    name: str
    kind: str  # country, adjective, capital, seat, igo, org, person, user, none
    country: str = ""
    sector: str = ""
    roles: list[Role] = field(default_factory=list)

    def at(self, date: str | None) -> tuple[str, str]:
        """Country and sector on a date (people: the role held then)."""
        if not self.roles:
            return self.country, self.sector
        active = [r for r in self.roles if r.active(date)]
        if active:
            # A head of state outranks a minister when terms overlap on a handover day.
            return active[-1].country, active[-1].sector
        if date:
            past = [r for r in self.roles if r.end and r.end < date]
            if past:  # a former office-holder keeps the country, not the office
                return max(past, key=lambda r: r.end).country, ""
            # not yet in office: still of that country, but holding no office
            return min(self.roles, key=lambda r: r.start).country, ""
        return self.roles[-1].country, ""


def _rows(name: str) -> Iterator[dict[str, str]]:
    path = resources.files("eventwire.actors") / "kb" / name
    with path.open(encoding="utf-8") as fh:
        yield from csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)


def _split(cell: str | None) -> list[str]:
    return [p.strip() for p in (cell or "").split("|") if p.strip()]


class KnowledgeBase:
    """Surface form -> entries, and sector words -> sectors."""

    def __init__(self) -> None:
        self.surfaces: dict[str, list[Entry]] = {}
        self.titles: dict[str, str] = {}  # "foreign minister" -> GOV
        self.nouns: dict[str, str] = {}  # "troops" -> MIL
        self.country_names: dict[str, str] = {}  # iso3 -> name
        self.people: dict[str, Entry] = {}  # canonical name -> entry
        self.user: dict[str, Entry] = {}  # lower-cased surface -> the user's own entry

    def add(self, surface: str, entry: Entry) -> None:
        bucket = self.surfaces.setdefault(surface, [])
        if all(e.name != entry.name or e.kind != entry.kind for e in bucket):
            bucket.append(entry)
        else:
            for e in bucket:
                if e.name == entry.name and e.kind == entry.kind:
                    e.roles.extend(r for r in entry.roles if r not in e.roles)

    def lookup(self, surface: str) -> list[Entry]:
        return self.surfaces.get(surface, [])

    def sector_of(self, phrase: str) -> str:
        phrase = phrase.lower()
        return self.nouns.get(phrase) or self.titles.get(phrase, "")


def _add_country_rows(kb: KnowledgeBase) -> None:
    for c in countries():
        kb.country_names[c.iso3] = c.name
        for s in (c.name, *c.aliases):
            kb.add(s, Entry(c.name, "country", c.iso3, ""))
        for s in c.adjectives:
            kb.add(s, Entry(c.name, "adjective", c.iso3, ""))
        for s in c.capitals:
            kb.add(s, Entry(s, "capital", c.iso3, "GOV"))
        for s in c.seats:
            kb.add(s, Entry(s, "seat", c.iso3, "GOV"))


def _add_igo_rows(kb: KnowledgeBase) -> None:
    for row in _rows("igos.tsv"):
        entry = Entry(row["name"].strip(), "igo", row["country"].strip(), row["sector"].strip())
        for s in [row["name"].strip(), *_split(row.get("aliases"))]:
            kb.add(s, entry)


def _add_organisation_rows(kb: KnowledgeBase) -> None:
    """National bodies (agencies, media, companies, legislatures) and groups whose role
    changes over time (the Taliban: insurgents until August 2021, then the government)."""
    entries: dict[str, Entry] = {}
    for row in _rows("organisations.tsv"):
        name = row["name"].strip()
        role = Role(
            row["country"].strip(),
            row["sector"].strip(),
            "",
            (row.get("start") or "").strip(),
            (row.get("end") or "").strip(),
        )
        entry = entries.get(name)
        if entry is None:
            entry = entries[name] = Entry(name, "org", role.country, role.sector)
            for s in [name, *_split(row.get("aliases"))]:
                kb.surfaces[s] = [entry]  # a dated organisation replaces an undated listing
        entry.roles.append(role)
        entry.roles.sort(key=lambda r: r.start)


def _add_people_rows(kb: KnowledgeBase) -> None:
    for row in _rows("people.tsv"):
        name = row["name"].strip()
        role = Role(
            row["country"].strip(),
            row["sector"].strip(),
            row.get("role", "").strip(),
            row.get("start", "").strip(),
            row.get("end", "").strip(),
        )
        entry = kb.people.setdefault(name, Entry(name, "person"))
        if role not in entry.roles:
            entry.roles.append(role)
            entry.roles.sort(key=lambda r: r.start)
        for s in [name, *_split(row.get("aliases"))]:
            bucket = kb.surfaces.setdefault(s, [])
            if entry not in bucket:
                bucket.append(entry)


@functools.cache
def shipped() -> KnowledgeBase:
    """The knowledge base that comes with the package (loaded once per process)."""
    kb = KnowledgeBase()
    _add_country_rows(kb)
    _add_igo_rows(kb)
    _add_people_rows(kb)
    _add_organisation_rows(kb)
    for phrase in not_actors():
        kb.surfaces[phrase] = [Entry(phrase, "none")]
    for row in _rows("sectors.tsv"):
        target = kb.titles if row["kind"].strip() == "title" else kb.nouns
        target[row["term"].strip().lower()] = row["sector"].strip()
    return kb


def with_user_actors(entries: Iterable[tuple[str, Entry]]) -> KnowledgeBase:
    """A copy of the shipped knowledge base plus the user's entries, which win.

    User entries match without regard to case, so that dictionaries written in capitals
    (PETRARCH's ``VLADIMIR_PUTIN``) find "Vladimir Putin".
    """
    base = shipped()
    kb = KnowledgeBase()
    kb.surfaces = base.surfaces  # shared read-only: user entries live apart
    kb.titles = base.titles
    kb.nouns = base.nouns
    kb.country_names = base.country_names
    kb.people = base.people
    for surface, entry in entries:
        key = " ".join(surface.lower().split())
        if key in kb.user:
            kb.user[key].roles.extend(r for r in entry.roles if r not in kb.user[key].roles)
        else:
            kb.user[key] = entry
    return kb


WORDS = resources.files("eventwire.actors") / "kb" / "words.yaml"


@dataclass(slots=True, frozen=True)
class WordLists:
    """The named lists of a words file: a YAML list is a set of words (``words["name"]``),
    a YAML mapping a table of word -> value (``words.table("name")``)."""

    source: str
    lists: Mapping[str, frozenset[str]]
    tables: Mapping[str, Mapping[str, str]]

    def __getitem__(self, name: str) -> frozenset[str]:
        try:
            return self.lists[name]
        except KeyError:
            raise KeyError(f"{self.source} has no word list {name!r}") from None

    def table(self, name: str) -> Mapping[str, str]:
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(f"{self.source} has no table {name!r}") from None


def read_word_lists(path: Traversable | Path) -> WordLists:
    """Every list in a words file, by its name: a new list needs no code, only a rule that
    names it. Anything but plain words (an unquoted ``on`` read as a boolean) is an error."""
    data: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    lists: dict[str, frozenset[str]] = {}
    tables: dict[str, dict[str, str]] = {}
    for name, value in data.items():
        if isinstance(value, dict):
            bad = [k for k in value if not _is_word(k)]
            bad += [v for v in value.values() if isinstance(v, bool) or not _is_word(str(v))]
            tables[name] = {k: str(v) for k, v in value.items()}
        elif isinstance(value, list):
            bad = [w for w in value if not _is_word(w)]
            lists[name] = frozenset(value)
        else:
            bad = [value]
        if bad:
            raise ValueError(
                f"{path}: {name!r} holds {bad}, not words; quote them "
                "(YAML reads on, off, yes and no as true or false)"
            )
    return WordLists(str(path), lists, tables)


def _is_word(item: object) -> bool:
    return isinstance(item, str) and item.strip() == item and bool(item)


@functools.cache
def word_lists() -> WordLists:
    """The shipped word lists (``kb/words.yaml``), loaded once per process."""
    return read_word_lists(WORDS)
