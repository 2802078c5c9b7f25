"""One real-world event from many reports: the matching rules, and the store's events
with their mentions after real ingests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import eventwire
from eventwire.cli import main
from eventwire.store import grouping
from eventwire.store.grouping import Mention, assign, block_of, score


def _m(
    id: str = "ev_1",
    src: tuple[str, ...] = ("RUS",),
    tgt: tuple[str, ...] = ("PRK",),
    *,
    kind: str = "AGREE",
    cameo: str = "057",
    day: str | None = "2024-06-19",
    precision: str = "day",
    place: str = "",
    place_country: str = "",
    src_sectors: frozenset[str] = frozenset({"GOV"}),
    tgt_sectors: frozenset[str] = frozenset({"GOV"}),
) -> Mention:
    return Mention(
        id=id,
        key="",
        block=block_of(kind, cameo, src, tgt),
        cameo=cameo,
        source_sectors=src_sectors,
        target_sectors=tgt_sectors,
        day=dt.date.fromisoformat(day) if day else None,
        precision=precision,
        place=place.lower(),
        place_country=place_country,
        place_is_country=bool(place) and grouping._is_country(place, place_country),
    )


def test_same_day_same_sides_match():
    assert score(_m(), _m("ev_2")) is not None


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (_m("ev_2", ("PRK",), ("RUS",)), "reversed direction"),
        (_m("ev_2", kind="CONSULT", cameo="040"), "another type"),
        (_m("ev_2", cameo="051"), "another CAMEO code of the same root"),
        (_m("ev_2", day="2024-06-20"), "another day"),
        (_m("ev_2", day="2024-07-19", precision="month"), "a month that does not hold the day"),
        (_m("ev_2", src_sectors=frozenset({"MIL"})), "government vs military"),
        (_m("ev_2", day=None), "undated vs dated"),
    ],
)
def test_what_keeps_two_events_apart(other, why):
    assert score(_m(), other) is None, why


@pytest.mark.parametrize(
    "other",
    [
        _m("ev_2", cameo="05"),  # a coarser code of the same family
        _m("ev_2", day="2024-06-17", precision="week"),  # "this week"
        _m("ev_2", day="2024-06-01", precision="month"),  # "in June"
        _m("ev_2", day="2024-06-20", precision=""),  # no time phrase, reported a day later
        _m("ev_2", src_sectors=frozenset()),  # "Russia" rather than "Putin"
        _m("ev_2", ("PRK", "RUS"), ("PRK", "RUS")),  # "Russia and North Korea signed"
    ],
)
def test_what_reports_vary_in_still_matches(other):
    assert score(_m(), other) is not None


def test_places_city_and_its_country_match_two_cities_do_not():
    city = _m(place="Pyongyang", place_country="PRK")
    country = _m("ev_2", place="North Korea", place_country="PRK")
    other_city = _m("ev_3", place="Wonsan", place_country="PRK")
    elsewhere = _m("ev_4", place="Moscow", place_country="RUS")
    assert score(city, country) is not None
    assert score(city, other_city) is None
    assert score(city, elsewhere) is None
    assert score(city, _m("ev_5")) is not None  # one report names no place


def test_unknown_side_joins_only_at_the_same_place():
    a = _m(
        "ev_1", (), ("NGA",), kind="ASSAULT", cameo="180", place="Maiduguri", place_country="NGA"
    )
    b = _m(
        "ev_2", (), ("NGA",), kind="ASSAULT", cameo="180", place="Maiduguri", place_country="NGA"
    )
    c = _m("ev_3", (), ("NGA",), kind="ASSAULT", cameo="180")
    assert score(a, b) is not None
    assert score(c, a) is None


def test_assign_prefers_the_better_match_and_is_deterministic():
    week = _m("ev_a", day="2024-06-17", precision="week")
    day = _m("ev_b")
    stored = [
        Mention(**{**_fields(week), "key": "we_week"}),
        Mention(**{**_fields(day), "key": "we_day"}),
    ]
    new = _m("ev_c")
    assert assign([new], stored) == {"ev_c": "we_day"}  # the same day beats containment
    assert assign([new], list(reversed(stored))) == {"ev_c": "we_day"}
    # new mentions that match nothing start events, and later ones in the batch join them
    first, second = _m("ev_x", day="2023-01-01"), _m("ev_y", day="2023-01-01")
    assert assign([first, second], []) == {"ev_x": "we_x", "ev_y": "we_x"}


def _fields(m: Mention) -> dict:
    return {f: getattr(m, f) for f in Mention.__dataclass_fields__}


# ------------------------------------------------------------------ through the store

THREE = [
    {
        "id": "a",
        "source": "Altiplano Times",
        "url": "https://altiplano.example/trade",
        "date": "2024-05-14",
        "title": "Port deal signed",
        "text": "Chile and Bolivia signed a trade agreement on Tuesday, ending years of "
        "quarrelling over access to the sea.",
    },
    {
        "id": "b",
        "source": "Coastal Wire",
        "url": "https://www.coastalwire.example/22",
        "date": "2024-05-14",
        "title": "Neighbours settle",
        "text": "Bolivian and Chilean ministers signed a long-awaited trade accord on Tuesday.",
    },
    {
        "id": "c",
        "url": "https://lavozdelsur.example/x?id=9",
        "date": "2024-05-15",
        "title": "Deal done",
        "text": "Chile signed a trade deal with Bolivia this week, officials said.",
    },
]
LATER = {
    "id": "d",
    "source": "Harbour Post",
    "url": "https://harbour.example/y",
    "date": "2024-05-16",
    "title": "What the pact means",
    "text": "Bolivia and Chile signed a trade agreement on Tuesday, their first in decades.",
}
OTHER = {
    "id": "e",
    "source": "Harbour Post",
    "url": "https://harbour.example/z",
    "date": "2024-09-03",
    "title": "Second pact",
    "text": "Chile and Bolivia signed a trade agreement on Monday covering rail freight.",
}


def _ingest(tmp_path: Path, name: str, records: list[dict], db: Path) -> None:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = CliRunner().invoke(main, ["ingest", str(path), "--db", str(db), "-q"])
    assert out.exit_code == 0, out.output


@pytest.fixture(scope="module")
def grouped(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("grouped")
    db = tmp / "g.duckdb"
    _ingest(tmp, "three.jsonl", THREE, db)
    with eventwire.open(str(db)) as store:
        before = store.events()
    _ingest(tmp, "later.jsonl", [LATER, OTHER], db)
    return tmp, db, before


def test_three_outlets_one_event_three_mentions(grouped):
    _, _, before = grouped
    signing = [e for e in before if e.event_type in {"AGREE", "SUPPORT"}]
    assert len(signing) == 1
    g = signing[0].group
    assert g is not None
    assert (g.num_mentions, g.num_articles, g.num_sources) == (3, 3, 3)
    assert (g.first_seen, g.last_seen) == ("2024-05-14", "2024-05-15")


def test_a_later_report_joins_and_another_event_stays_apart(grouped):
    _, db, before = grouped
    with eventwire.open(str(db)) as store:
        events = [e for e in store.events() if e.event_type in {"AGREE", "SUPPORT"}]
        assert store.count() == len(store.events())
        assert store.count(mentions=True) > store.count()
        one = store.event(events[0].group.id)
    assert len(events) == 2  # the May signing (4 reports) and September's
    may, september = events
    assert may.group.id == before[0].group.id  # the stored event kept its id
    assert may.group.num_mentions == 4 and may.group.last_seen == "2024-05-16"
    assert september.group.num_mentions == 1 and september.date == "2024-09-02"
    # the single-event view lists every mention with its article, outlet and evidence
    assert one is not None and len(one.group.mentions) == 4
    outlets = [m.source for m in one.group.mentions]
    assert "lavozdelsur.example" in outlets  # no outlet given: the URL's host
    assert {m.published for m in one.group.mentions} == {"2024-05-14", "2024-05-15", "2024-05-16"}
    for m in one.group.mentions:
        assert m.evidence.trigger in m.evidence.text and m.url.startswith("https://")


def test_ingesting_again_changes_nothing(grouped, tmp_path):
    tmp, db, _ = grouped
    with eventwire.open(str(db)) as store:
        first = [(e.group.id, e.group.num_mentions) for e in store.events(status="all")]
    _ingest(tmp, "three.jsonl", THREE, db)
    _ingest(tmp, "later.jsonl", [LATER, OTHER], db)
    with eventwire.open(str(db)) as store:
        again = [(e.group.id, e.group.num_mentions) for e in store.events(status="all")]
    assert again == first


def test_status_and_confidence_come_from_all_mentions(tmp_path):
    db = tmp_path / "s.duckdb"
    asserted = {
        "id": "p",
        "source": "Wire One",
        "date": "2024-03-08",
        "text": "Serbia expelled two Croatian diplomats on Friday.",
    }
    alleged = {
        "id": "q",
        "source": "Wire Two",
        "date": "2024-03-08",
        "text": "Serbia allegedly expelled two Croatian diplomats on Friday.",
    }
    _ingest(tmp_path, "two.jsonl", [alleged, asserted], db)
    with eventwire.open(str(db)) as store:
        (ev,) = store.events(event_type="SANCTION")
        mentions = store.events(event_type="SANCTION", mentions=True, status="all")
    assert ev.status == "asserted"
    assert ev.group is not None and ev.group.statuses == {"alleged": 1, "asserted": 1}
    assert ev.confidence > max(m.confidence for m in mentions)  # two outlets say so


def test_cli_events_counts_events_and_lists_mentions_on_request(grouped):
    _, db, _ = grouped
    table = CliRunner().invoke(main, ["events", "--db", str(db), "--cameo", "05"])
    assert table.exit_code == 0, table.output
    assert "reports" in table.output.splitlines()[0]
    assert "4/4" in table.output
    rows = CliRunner().invoke(
        main, ["events", "--db", str(db), "--cameo", "05", "--mentions", "--format", "jsonl"]
    )
    assert len(rows.output.splitlines()) == 5
    one = CliRunner().invoke(
        main, ["events", "--db", str(db), "--cameo", "05", "--format", "jsonl", "--limit", "1"]
    )
    record = json.loads(one.output)
    assert record["num_mentions"] == 4 and record["event_id"].startswith("we_")


def _consistent(db: Path) -> None:
    """Every event has exactly one representative, which counts all its mentions."""
    with eventwire.open(str(db)) as store:
        bad = store.query(
            "SELECT event_key FROM events GROUP BY event_key HAVING count(*) FILTER (WHERE is_rep) "
            "<> 1 OR max(num_mentions) <> count(*) OR max(num_articles) <> count(DISTINCT doc_id)"
        )
        nulls = store.query("SELECT count(*) FROM events WHERE event_key IS NULL")[0][0]
    assert bad == [] and nulls == 0


def test_replacing_an_article_refiles_its_mentions(tmp_path):
    db = tmp_path / "r.duckdb"
    _ingest(tmp_path, "three.jsonl", THREE, db)
    _consistent(db)
    # the second outlet corrects its story: now a meeting, not a signing
    changed = [dict(THREE[1], text="Bolivian and Chilean ministers met in La Paz on Tuesday.")]
    # (the same id in another file would be another article: the same input, read again)
    (tmp_path / "three.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in [THREE[0], changed[0], THREE[2]]), encoding="utf-8"
    )
    out = CliRunner().invoke(
        main, ["ingest", str(tmp_path / "three.jsonl"), "--db", str(db), "--replace", "-q"]
    )
    assert out.exit_code == 0, out.output
    _consistent(db)
    with eventwire.open(str(db)) as store:
        signing = [e for e in store.events() if e.cameo.startswith("05")]
        meeting = [e for e in store.events() if e.event_type == "CONSULT"]
    assert [e.group.num_mentions for e in signing] == [2]
    assert meeting and meeting[0].group.num_mentions == 1


def test_the_store_stays_consistent_after_every_ingest(grouped):
    _consistent(grouped[1])


def test_actor_text_of_new_rows_is_what_the_migration_computes(grouped):
    from eventwire.store.schema import ACTOR_TEXT_SQL

    with eventwire.open(str(grouped[1])) as store:
        rows = store.query(f"SELECT actor_text, {ACTOR_TEXT_SQL} FROM events")
    assert rows and all(set(a.split("\x1f")) == set(b.split("\x1f")) for a, b in rows)
    with eventwire.open(str(grouped[1])) as store:
        assert store.count(actor="bolivia") == store.count(country="BOL")


def _assign_one_by_one(new: list[Mention], stored: list[Mention]) -> dict[str, str]:
    """The rule as stated, every candidate compared: what ``assign`` must give."""
    from dataclasses import replace

    seen = list(stored)
    out: dict[str, str] = {}
    for m in new:
        best = None
        for old in seen:
            s = score(m, old)
            if s is not None and (best is None or (s, _neg(old.key)) > (best[0], _neg(best[1]))):
                best = (s, old.key)
        out[m.id] = best[1] if best else grouping.new_key(m.id)
        seen.append(replace(m, key=out[m.id]))
    return out


def _neg(key: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in key) + (0,)


@pytest.mark.parametrize("seed", range(6))
def test_assign_keeps_one_candidate_per_signature_with_the_same_keys(seed):
    """Many mentions alike (a long text repeating itself, a busy day) give the keys that
    comparing every candidate gives."""
    import random
    from dataclasses import replace

    rng = random.Random(seed)

    def pick() -> Mention:
        return _m(
            f"ev_{rng.randrange(10**9):09d}",
            rng.choice([("RUS",), ("PRK",), ("RUS", "PRK"), ()]),
            rng.choice([("PRK",), ("RUS",), ("RUS", "PRK"), ()]),
            cameo=rng.choice(["05", "057", "051", "04"]),
            day=rng.choice(["2024-06-18", "2024-06-19", "2024-06-20", None]),
            precision=rng.choice(["day", "", "week", "month"]),
            place=rng.choice(["", "pyongyang", "moscow"]),
            place_country=rng.choice(["", "PRK"]),
            src_sectors=rng.choice([frozenset(), frozenset({"GOV"}), frozenset({"MIL"})]),
        )

    # stored events alike but for their keys (reports filed apart before), twice each
    stored = [
        replace(m, id=f"{m.id}{copy}", key=grouping.new_key(f"{m.id}{copy}"))
        for m in (pick() for _ in range(40))
        for copy in rng.sample("ab", 2)
    ]
    new = [pick() for _ in range(400)]
    got = assign(new, stored)
    assert got == _assign_one_by_one(new, stored)
    assert len(set(got.values())) < len(new) / 2  # the rules do join mentions here
