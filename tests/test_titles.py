"""Titles given apart from the text are coded, with evidence offsets into the title."""

import json

from click.testing import CliRunner

import eventwire
from eventwire.cli import main


def test_a_title_apart_from_the_text_is_coded_with_offsets_into_the_title():
    title = "Bolivia expels Peruvian envoy"
    events = eventwire.code("Officials gave no reason on Monday.", date="2024-02-05", title=title)
    head = [e for e in events if e.evidence.part == "title"]
    assert head, "the title's event is missing"
    ev = head[0].evidence
    assert title[ev.start : ev.end] == ev.text
    assert title[ev.trigger_start : ev.trigger_end] == "expels"
    assert {a.country for a in head[0].source} == {"BOL"}


def test_a_text_that_opens_with_its_title_is_not_coded_twice():
    title = "Bolivia expels Peruvian envoy"
    events = eventwire.code(title + "\n\nOfficials gave no reason.", title=title, date="2024-02-05")
    assert [e.evidence.part for e in events] == ["text"]


def test_title_events_are_stored_and_read_back(tmp_path):
    src = tmp_path / "news.jsonl"
    record = {"id": "n1", "title": "Bolivia expels Peruvian envoy", "text": "No reason was given."}
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    db = tmp_path / "ew.duckdb"
    out = CliRunner().invoke(main, ["ingest", str(src), "--db", str(db), "--date", "2024-02-05"])
    assert out.exit_code == 0, out.output
    with eventwire.open(str(db)) as store:
        events = store.events()
    assert [e.evidence.part for e in events] == ["title"]
    assert events[0].evidence.trigger == "expels"


def test_a_version_4_database_is_upgraded_and_its_events_read_as_text(tmp_path):
    import duckdb

    from eventwire.store.rows import event_row
    from eventwire.store.schema import EVENT_COLUMNS, MIGRATIONS, SCHEMA_VERSION

    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    for version in range(1, 5):  # the file as eventwire 4-schema versions left it
        for statement in MIGRATIONS[version]:
            con.execute(statement)
    con.execute("INSERT INTO meta VALUES ('schema_version', '4')")
    ev = eventwire.code("Chile expelled two Bolivian diplomats.", date="2024-02-05")[0]
    old_columns = list(EVENT_COLUMNS[: EVENT_COLUMNS.index("evidence_part")])
    values = event_row(ev)[: len(old_columns)]
    marks = ", ".join("?" for _ in old_columns)
    con.execute(f"INSERT INTO events ({', '.join(old_columns)}) VALUES ({marks})", list(values))
    con.close()
    with eventwire.open(str(db), read_only=False) as store:
        events = store.events()
        version = store.query("SELECT value FROM meta WHERE key = 'schema_version'")
    assert [e.id for e in events] == [ev.id] and events[0].evidence.part == "text"
    assert version == [(str(SCHEMA_VERSION),)]
    # the old event became a real-world event of one mention
    assert events[0].group is not None and events[0].group.num_mentions == 1


def test_a_name_in_the_title_is_the_person_the_text_names_in_full():
    # "Kim" alone could be several people; the text says which
    text = (
        "North Korean leader Kim Jong Un met Belarusian President Alexander Lukashenko in "
        "Pyongyang on Tuesday. The two discussed trade."
    )
    title = "Kim hosts Lukashenko in Pyongyang"
    head = [
        e
        for e in eventwire.code(text, date="2024-02-05", title=title)
        if e.evidence.part == "title"
    ]
    assert [(a.text, a.code) for a in head[0].source] == [("Kim", "PRKGOV")]
    # a text that names no such person leaves the title's name unplaced
    other = "Belarusian President Alexander Lukashenko met South Korean officials on Tuesday."
    head = [
        e
        for e in eventwire.code(other, date="2024-02-05", title=title)
        if e.evidence.part == "title"
    ]
    assert [(a.text, a.code) for a in head[0].source] == [("Kim", "")]
