"""The country table: one row per state or territory.

Actors read every column (names, adjectives, capitals, seats of power); places and story
deduplication read the names and capitals. All take them from here (``geo/data/``), so
the loader sits below them, with the phrases that hold a country word but name no actor.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources


@dataclass(slots=True, frozen=True)
class Country:
    iso3: str
    name: str
    aliases: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()  # adjectives and demonyms: "Afghan", "Afghans"
    capitals: tuple[str, ...] = ()
    seats: tuple[str, ...] = ()  # seats of power: "Kremlin", "White House"


@dataclass(slots=True, frozen=True)
class CountryName:
    """What one name means as a place: a country (by its name or an alias) or a capital."""

    country: str  # ISO3
    kind: str  # country, capital


def split(cell: str | None) -> tuple[str, ...]:
    """A cell's list: "a|b" -> ("a", "b")."""
    return tuple(p.strip() for p in (cell or "").split("|") if p.strip())


@functools.cache
def countries() -> tuple[Country, ...]:
    """Every row of the table, in file order."""
    path = resources.files("eventwire.geo") / "data" / "countries.tsv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return tuple(
        Country(
            iso3=row["iso3"].strip(),
            name=row["name"].strip(),
            aliases=split(row.get("aliases")),
            adjectives=split(row.get("adjectives")),
            capitals=split(row.get("capitals")),
            seats=split(row.get("seats")),
        )
        for row in rows
    )


@functools.cache
def names() -> dict[str, list[CountryName]]:
    """Name -> what it names, in table order. A name two countries share ("Congo") lists
    both; a capital listed on two rows counts for the first."""
    out: dict[str, list[CountryName]] = {}
    for c in countries():
        for name in (c.name, *c.aliases):
            bucket = out.setdefault(name, [])
            if CountryName(c.iso3, "country") not in bucket:
                bucket.append(CountryName(c.iso3, "country"))
        for name in c.capitals:
            bucket = out.setdefault(name, [])
            if all(n.kind != "capital" for n in bucket):
                bucket.append(CountryName(c.iso3, "capital"))
    return out


@functools.cache
def not_actors() -> tuple[str, ...]:
    """Phrases that contain a country word but name no actor: "Latin American",
    "Indian Ocean", "South China Sea" (``geo/data/not_actors.tsv``)."""
    path = resources.files("eventwire.geo") / "data" / "not_actors.tsv"
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return tuple(p for p in ((row.get("phrase") or "").strip() for row in rows) if p)
