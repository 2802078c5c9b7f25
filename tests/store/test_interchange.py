"""GDELT 2.0, POLECAT and PLOVER exports (``eventwire.store.interchange``).

Events come from the real coder, on sentences written for these tests; the real-world
event fields (mentions, sources, first report...) are attached by hand as a ``Group``.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

import eventwire
from eventwire import ontology
from eventwire.models import Actor, Event, Evidence, Group, Location, Report
from eventwire.store import interchange as ix

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

TEXT = (
    "Russian troops shelled the Ukrainian city of Kharkiv on Tuesday, regional officials said. "
    "Police arrested dozens of protesters in Paris. "
    "The Chinese foreign minister met his Brazilian counterpart in Brasilia."
)

INT_COLUMNS = {
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "IsRootEvent",
    "QuadClass",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "Actor1Geo_Type",
    "Actor2Geo_Type",
    "ActionGeo_Type",
    "DATEADDED",
}
FLOAT_COLUMNS = {"FractionDate", "GoldsteinScale", "AvgTone"} | {
    f"{p}Geo_{f}" for p in ("Actor1", "Actor2", "Action") for f in ("Lat", "Long")
}


def _gdelt_types() -> dict[str, str]:
    """GDELT's column types, codes as strings (as GDELT advises for CAMEO codes)."""
    return {
        c: "BIGINT" if c in INT_COLUMNS else "DOUBLE" if c in FLOAT_COLUMNS else "VARCHAR"
        for c in ix.GDELT_EVENT_COLUMNS
    }


def _read_gdelt(path: Path, columns: dict[str, str]) -> duckdb.DuckDBPyRelation:
    return duckdb.sql(
        "SELECT * FROM read_csv(?, delim='\t', header=false, quote='', escape='', "
        f"columns={columns!r}, auto_detect=false)",
        params=[str(path)],
    )


@pytest.fixture(scope="module")
def coded() -> dict[str, Event]:
    events = eventwire.code(TEXT, date="2024-06-20", doc_id="doc-a")
    by_type = {ev.event_type: ev for ev in events}
    assert {"ASSAULT", "COERCE", "CONSULT"} <= set(by_type), [e.event_type for e in events]
    return by_type


def _report(ev: Event, doc_id: str, **kw: object) -> Report:
    fields: dict[str, object] = {"event_id": ev.id, "doc_id": doc_id, "evidence": ev.evidence}
    fields.update(kw)
    return Report(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def grouped(coded: dict[str, Event]) -> Event:
    """The shelling as a real-world event reported three times by two outlets."""
    ev = coded["ASSAULT"]
    headline = Evidence("Russia shells Kharkiv", 0, 21, "shells", 7, 13, part="title")
    mentions = [
        _report(
            replace(ev, id="ev_later"),
            "doc-b",
            url="https://example.org/later",
            source="Example Post",
            published="2024-06-19",
            added="2024-06-19T08:30:00+00:00",
            confidence=0.6,
            evidence=replace(ev.evidence, start=2400, end=2460, trigger_start=2415),
        ),
        _report(
            ev,
            "doc-a",
            url="https://news.example.com/kharkiv",
            source="Example Wire",
            published="2024-06-18",
            added="2024-06-18T21:05:09+00:00",
            confidence=0.9,
            evidence=headline,
            title="Russia shells Kharkiv",
        ),
        _report(
            replace(ev, id="ev_other"),
            "doc-c",
            source="Example Wire",
            published="2024-06-20",
            added="2024-06-20T10:00:00Z",
            confidence=0.7,
            status="alleged",
            title="Strikes go on",
        ),
    ]
    group = Group(
        id="we_kharkiv",
        num_mentions=3,
        num_sources=2,
        num_articles=3,
        first_seen="2024-06-18",
        last_seen="2024-06-20",
        statuses={"asserted": 2, "alleged": 1},
        mentions=mentions,
    )
    return replace(ev, group=group)


def _row(ev: Event) -> dict[str, str]:
    return dict(zip(ix.GDELT_EVENT_COLUMNS, ix.gdelt_event_row(ev), strict=True))


# -- GDELT events -------------------------------------------------------------------------


def test_gdelt_columns_follow_gdelt_2() -> None:
    cols = ix.GDELT_EVENT_COLUMNS
    assert len(cols) == 61 and len(set(cols)) == 61
    assert cols[:5] == ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")
    assert cols[-2:] == ("DATEADDED", "SOURCEURL")
    assert cols.index("IsRootEvent") == 25 and cols.index("AvgTone") == 34
    for prefix, start in (("Actor1", 35), ("Actor2", 43), ("Action", 51)):
        assert cols[start] == f"{prefix}Geo_Type"
        assert cols[start + 4] == f"{prefix}Geo_ADM2Code"
        assert cols[start + 7] == f"{prefix}Geo_FeatureID"
    assert len(ix.GDELT_MENTION_COLUMNS) == 16
    assert ix.GDELT_MENTION_COLUMNS[6:12] == (
        "SentenceID",
        "Actor1CharOffset",
        "Actor2CharOffset",
        "ActionCharOffset",
        "InRawText",
        "Confidence",
    )


def test_gdelt_row_of_a_real_world_event(grouped: Event) -> None:
    row = _row(grouped)
    assert row["SQLDATE"] == grouped.date.replace("-", "")  # type: ignore[union-attr]
    assert row["MonthYear"] == row["SQLDATE"][:6] and row["Year"] == row["SQLDATE"][:4]
    assert (row["Actor1Code"], row["Actor1CountryCode"], row["Actor1Type1Code"]) == (
        "RUSMIL",
        "RUS",
        "MIL",
    )
    assert row["Actor1Name"] == row["Actor1Name"].upper() != ""
    assert row["Actor2CountryCode"] == "UKR"
    assert row["EventCode"] == grouped.cameo
    assert row["EventBaseCode"] == grouped.cameo[:3] and row["EventRootCode"] == "19"
    assert (row["QuadClass"], float(row["GoldsteinScale"])) == ("4", grouped.goldstein)
    assert (row["NumMentions"], row["NumSources"], row["NumArticles"]) == ("3", "2", "3")
    assert row["AvgTone"] == ""
    # the earliest report gives the URL, its headline makes the event a root event
    assert row["SOURCEURL"] == "https://news.example.com/kharkiv"
    assert row["IsRootEvent"] == "1"
    assert row["DATEADDED"] == "20240618210509"
    assert row["Actor1Geo_Type"] == row["Actor2Geo_Type"] == "0"
    assert "None" not in row.values()


def test_global_event_id_is_stable_and_fits_bigint(grouped: Event, coded: dict[str, Event]) -> None:
    first = int(_row(grouped)["GLOBALEVENTID"])
    assert 0 < first < 2**63
    # the same real-world event, whichever mention carries it
    other = replace(coded["COERCE"], group=replace(grouped.group, mentions=[]))  # type: ignore[type-var]
    assert int(_row(other)["GLOBALEVENTID"]) == first
    assert int(_row(coded["COERCE"])["GLOBALEVENTID"]) != first


def test_root_event_needs_the_lead(grouped: Event) -> None:
    late = [m for m in grouped.group.mentions if m.doc_id == "doc-b"]  # type: ignore[union-attr]
    ev = replace(grouped, group=replace(grouped.group, mentions=late))  # type: ignore[type-var]
    assert _row(ev)["IsRootEvent"] == "0"
    assert _row(ev)["SOURCEURL"] == "https://example.org/later"


def test_dates_fraction_and_partial_dates(coded: dict[str, Event]) -> None:
    ev = coded["COERCE"]
    row = _row(replace(ev, date="2019-01-25", date_precision="day"))
    assert (row["SQLDATE"], row["FractionDate"]) == ("20190125", "2019.0685")
    month = _row(replace(ev, date="2024-06", date_precision="month"))
    assert (month["SQLDATE"], month["MonthYear"], month["Year"], month["FractionDate"]) == (
        "",
        "202406",
        "2024",
        "",
    )
    none = _row(replace(ev, date=None))
    assert none["SQLDATE"] == none["Year"] == ""


def test_unknown_side_leaves_actor_columns_empty(coded: dict[str, Event]) -> None:
    ev = replace(coded["COERCE"], target=[])
    row = _row(ev)
    actor2 = [c for c in ix.GDELT_EVENT_COLUMNS if c.startswith("Actor2") and "Geo" not in c]
    assert len(actor2) == 10 and all(row[c] == "" for c in actor2)
    assert row["Actor1Code"] == "FRACOP"
    assert ix.polecat_record(ev)["Recipient Name"] is None
    assert ix.polecat_record(ev)["Recipient Country"] is None
    assert ix.plover_record(ev)["recipient"] == []


def test_actor_codes_follow_cameo(coded: dict[str, Event]) -> None:
    ev = coded["COERCE"]
    gunmen = _row(replace(ev, source=[Actor("unknown gunmen", sector="REB")]))
    assert (gunmen["Actor1Code"], gunmen["Actor1CountryCode"], gunmen["Actor1Type1Code"]) == (
        "REB",
        "",
        "REB",
    )
    un = _row(replace(ev, source=[Actor("the UN", "United Nations", "UNO", "GOV")]))
    assert (un["Actor1Code"], un["Actor1KnownGroupCode"], un["Actor1CountryCode"]) == (
        "IGOUNOGOV",
        "UNO",
        "",
    )
    # PLOVER MED is health, CAMEO's HLH; PLOVER JRN is CAMEO's MED (media)
    health = _row(replace(ev, source=[Actor("doctors", country="KEN", sector="MED")]))
    press = _row(replace(ev, source=[Actor("reporters", country="KEN", sector="JRN")]))
    assert (health["Actor1Code"], press["Actor1Code"]) == ("KENHLH", "KENMED")


@pytest.mark.parametrize(
    ("loc", "geo_type", "fips", "full_name", "feature"),
    [
        (Location("Nigeria", "NGA", 9.05785, 7.49508), "1", "NI", "Nigeria", "NI"),
        (Location("Paris", "FRA", 48.85341, 2.3488), "4", "FR", "Paris, France", ""),
        (Location("Borno", "NGA", 11.84692, 13.15712), "5", "NI", "Borno, Nigeria", ""),
        (Location("Texas", "USA", 29.76328, -95.36327), "2", "US", "Texas, United States", ""),
    ],
)
def test_action_geo(
    coded: dict[str, Event], loc: Location, geo_type: str, fips: str, full_name: str, feature: str
) -> None:
    row = _row(replace(coded["COERCE"], location=loc))
    assert row["ActionGeo_Type"] == geo_type
    assert row["ActionGeo_CountryCode"] == fips
    assert row["ActionGeo_FullName"] == full_name
    assert row["ActionGeo_FeatureID"] == feature
    assert float(row["ActionGeo_Lat"]) == pytest.approx(loc.lat, abs=1e-4)
    no_place = _row(replace(coded["COERCE"], location=None))
    assert (no_place["ActionGeo_Type"], no_place["ActionGeo_Lat"]) == ("0", "")


def test_gdelt_file_loads_in_duckdb(
    tmp_path: Path, grouped: Event, coded: dict[str, Event]
) -> None:
    events = [grouped, coded["COERCE"], coded["CONSULT"]]
    path = tmp_path / "events.export.CSV"
    with path.open("w", encoding="utf-8", newline="") as fh:
        assert ix.write_gdelt(events, fh) == 3
    raw = path.read_text(encoding="utf-8")
    assert "\r" not in raw and raw.endswith("\n")
    lines = raw.splitlines()
    assert len(lines) == 3 and all(len(line.split("\t")) == 61 for line in lines)
    rel = _read_gdelt(path, _gdelt_types())
    assert rel.columns == list(ix.GDELT_EVENT_COLUMNS)
    rows = rel.fetchall()
    records = [dict(zip(rel.columns, r, strict=True)) for r in rows]
    got = {rec["EventRootCode"]: rec for rec in records}
    assert got["19"]["QuadClass"] == 4 and got["19"]["NumMentions"] == 3
    assert got["19"]["GLOBALEVENTID"] == ix.gdelt_event_id(grouped)
    assert got["19"]["AvgTone"] is None
    assert got["17"]["ActionGeo_CountryCode"] == "FR" and got["17"]["NumMentions"] == 1
    assert got["04"]["Actor2Code"] is None  # no recipient: an empty cell


def test_tabs_and_newlines_in_names_stay_in_their_cell(
    tmp_path: Path, coded: dict[str, Event]
) -> None:
    odd = Actor("odd\tname", name="Tab\tand\nnewline\r\nname", country="FRA", sector="GOV")
    ev = replace(
        coded["COERCE"], source=[odd], location=Location("Par\tis", "FRA", 48.85341, 2.3488)
    )
    row = ix.gdelt_event_row(ev)
    assert len(row) == 61 and not any(ch in cell for cell in row for ch in "\t\r\n")
    path = tmp_path / "odd.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        ix.write_gdelt([ev, coded["ASSAULT"]], fh)
    rel = _read_gdelt(path, dict.fromkeys(ix.GDELT_EVENT_COLUMNS, "VARCHAR"))
    names = [r[0] for r in rel.select("Actor1Name").fetchall()]
    assert names[0] == "TAB AND NEWLINE NAME" and len(names) == 2


# -- GDELT mentions -----------------------------------------------------------------------


def test_mentions_one_line_per_report(
    tmp_path: Path, grouped: Event, coded: dict[str, Event]
) -> None:
    path = tmp_path / "mentions.CSV"
    with path.open("w", encoding="utf-8", newline="") as fh:
        assert ix.write_gdelt_mentions([grouped, coded["COERCE"]], fh) == 4
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and all(len(line.split("\t")) == 16 for line in lines)
    rows = [dict(zip(ix.GDELT_MENTION_COLUMNS, line.split("\t"), strict=True)) for line in lines]
    event_id = str(ix.gdelt_event_id(grouped))
    mine = [r for r in rows if r["GLOBALEVENTID"] == event_id]
    assert len(mine) == 3
    assert {r["EventTimeDate"] for r in mine} == {"20240618210509"}
    by_doc = {r["MentionIdentifier"]: r for r in mine}
    web = by_doc["https://news.example.com/kharkiv"]
    assert (web["MentionType"], web["MentionSourceName"], web["Confidence"]) == (
        "1",
        "Example Wire",
        "90",
    )
    assert web["MentionTimeDate"] == "20240618210509"
    assert web["ActionCharOffset"] == "-1"  # headline offsets do not point into the text
    later = by_doc["https://example.org/later"]
    assert later["ActionCharOffset"] == "2415" and later["Confidence"] == "60"
    assert later["Actor1CharOffset"] == "-1"  # actors are known for the event's own report
    citation = next(r for r in mine if r["MentionType"] == "2")
    assert "Strikes go on" in citation["MentionIdentifier"] and citation["Actor1CharOffset"] == "-1"
    assert citation["MentionTimeDate"] == "20240620100000"
    assert all(r["InRawText"] == "1" and r["MentionDocTone"] == "" for r in mine)
    # an event without a group is one mention of its own document
    own = [r for r in rows if r["GLOBALEVENTID"] != event_id]
    assert len(own) == 1 and own[0]["MentionIdentifier"] == "doc-a"
    assert own[0]["ActionCharOffset"] == str(coded["COERCE"].evidence.trigger_start)
    assert own[0]["Actor1CharOffset"] == str(coded["COERCE"].source[0].start)
    assert own[0]["Actor2CharOffset"] == str(coded["COERCE"].target[0].start)
    cols = dict.fromkeys(ix.GDELT_MENTION_COLUMNS, "VARCHAR") | {
        "GLOBALEVENTID": "BIGINT",
        "Confidence": "INTEGER",
        "Actor1CharOffset": "INTEGER",
    }
    rel = _read_gdelt(path, cols)
    assert sorted(r[0] for r in rel.select("Confidence").fetchall())[-1] == 90


# -- POLECAT and PLOVER -------------------------------------------------------------------


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft202012Validator]:
    # only the schema tests need jsonschema (a test dependency, not one of eventwire's)
    Draft202012Validator = pytest.importorskip("jsonschema").Draft202012Validator  # noqa: N806
    out = {}
    for name in ("polecat", "plover"):
        schema = ix.load_schema(name)
        Draft202012Validator.check_schema(schema)
        out[name] = Draft202012Validator(schema)
    return out


def _errors(validator: Draft202012Validator, record: dict) -> list[str]:
    return [e.message for e in validator.iter_errors(record)]


def test_polecat_records_validate(
    validators: dict[str, Draft202012Validator], grouped: Event, coded: dict[str, Event]
) -> None:
    for ev in [grouped, *coded.values()]:
        record = ix.polecat_record(ev)
        assert _errors(validators["polecat"], record) == []
        assert list(record) == [*ix.POLECAT_FIELDS, "eventwire"]
    record = ix.polecat_record(grouped)
    assert record["Event ID"] == "we_kharkiv"
    assert (record["Event Type"], record["Quad Code"]) == ("ASSAULT", "MATERIAL CONFLICT")
    assert record["Actor Country"] == "RUS" and record["Primary Actor Sector"] == "MIL"
    assert record["eventwire"]["num_mentions"] == 3 and record["eventwire"]["num_sources"] == 2
    paris = ix.polecat_record(coded["COERCE"])
    assert (paris["City"], paris["Country"], paris["Placename"]) == ("Paris", "FRA", "Paris")
    assert paris["GeoNames ID"] == "2988507"
    assert paris["eventwire"]["num_mentions"] == 1


def test_broken_polecat_record_fails(
    validators: dict[str, Draft202012Validator], grouped: Event
) -> None:
    record = ix.polecat_record(grouped)
    del record["Event ID"]
    record["Event Type"] = "FIGHT"
    record["Latitude"] = "north"
    errors = _errors(validators["polecat"], record)
    assert len(errors) == 3, errors


def test_plover_records_validate(
    validators: dict[str, Draft202012Validator], grouped: Event, coded: dict[str, Event]
) -> None:
    for ev in [grouped, *coded.values()]:
        assert _errors(validators["plover"], ix.plover_record(ev)) == []
    record = ix.plover_record(grouped)
    assert record["event"] == ["ASSAULT"] and record["quad_code"] == 4
    assert record["source"][0] == {
        "code": "RUS",
        "sector": "MIL",
        "actor_text": grouped.source[0].text,
        "identifier_text": grouped.source[0].name or None,
    }
    assert record["cite_info"]["url"] == "https://news.example.com/kharkiv"
    assert record["coded_date"] == "2024-06-18" and record["coded_time"] == "21:05:09Z"
    loc = ix.plover_record(coded["COERCE"])["event_loc"]
    assert (loc["cc3"], loc["country code"], loc["feature class"]) == ("FRA", "FR", "P")


def test_plover_dates_and_special_contexts(
    validators: dict[str, Draft202012Validator], coded: dict[str, Event]
) -> None:
    ev = replace(coded["COERCE"], date="2024-02", date_precision="month", status="intended")
    record = ix.plover_record(ev)
    assert (record["date"], record["enddate"]) == ("2024-02-01", "2024-02-29")
    assert "future" in record["context"] and record["status"] == "intended"
    assert _errors(validators["plover"], record) == []


def test_broken_plover_record_fails(
    validators: dict[str, Draft202012Validator], grouped: Event
) -> None:
    record = ix.plover_record(grouped)
    record["event"] = []
    record["quad_code"] = 7
    record["date"] = "18/06/2024"
    errors = _errors(validators["plover"], record)
    assert len(errors) == 3, errors


def test_schemas_list_the_ontology() -> None:
    plover = ix.load_schema("plover")
    assert plover["properties"]["event"]["items"]["enum"] == list(ontology.event_types())
    contexts = set(plover["properties"]["context"]["items"]["enum"])
    assert set(ontology.contexts()) <= contexts
    modes = {m for t in ontology.event_types().values() for m in t.modes}
    assert set(plover["properties"]["mode"]["items"]["enum"]) == modes
    polecat = ix.load_schema("polecat")
    assert polecat["required"] == [*ix.POLECAT_FIELDS, "eventwire"]
    assert polecat["properties"]["Event Type"]["enum"][:-1] == list(ontology.event_types())
    with pytest.raises(ValueError, match="unknown schema"):
        ix.load_schema("acled")


def test_jsonl_writers(grouped: Event, coded: dict[str, Event]) -> None:
    for writer in (ix.write_polecat, ix.write_plover):
        buf = io.StringIO()
        assert writer([grouped, coded["CONSULT"]], buf) == 2
        lines = buf.getvalue().splitlines()
        assert len(lines) == 2 and all(isinstance(json.loads(line), dict) for line in lines)
