"""Evidence offsets index the text exactly as the user gave it, on `code` and on `ingest`,
even where cleaning split a glued heading, dropped boilerplate or changed Unicode."""

from __future__ import annotations

import json

import duckdb
from click.testing import CliRunner

from eventwire.cli import main

#: Glued headings, Windows line ends, a non-breaking space, a combining accent, a
#: zero-width space, runs of spaces, and a comment form at the end: all changed by cleaning.
MESSY = (
    "Border pact signedThe agreement was signed by Kenya and Ethiopia in Nairobi on Monday.\r\n"
    "\r\n"
    "Share this article\r\n"
    "\r\n"
    "Talks in Addis AbabaThe  foreign\u00a0ministers of Kenya and Ethiopia met in Addis Ababa "
    "on Tuesday.\r\n"
    "Chile\u200b accused Peru of violating its airspace near Arica, the caf\u0065\u0301 owners "
    "said.\r\n"
    "\r\n"
    "Leave a Reply\r\n"
    "Your email address will not be published.\r\n"
)


def _check(text: str, events: list[dict]) -> None:
    assert events
    for e in events:
        ev = e["evidence"]
        assert text[ev["start"] : ev["end"]] == ev["text"]
        assert text[ev["trigger_start"] : ev["trigger_end"]] == ev["trigger"]
        for actor in e["source"] + e["target"]:
            if actor["start"] >= 0:
                assert text[actor["start"] : actor["end"]] == actor["text"]


def test_code_offsets_point_into_the_file_as_given(tmp_path):
    story = tmp_path / "story.txt"
    story.write_bytes(MESSY.encode("utf-8"))
    out = CliRunner().invoke(main, ["code", str(story), "--date", "2024-05-08"])
    assert out.exit_code == 0, out.output
    events = [json.loads(line) for line in out.stdout.splitlines()]
    _check(MESSY, events)
    types = {e["event_type"] for e in events}
    assert {"SUPPORT", "CONSULT", "ACCUSE"} <= types
    accuse = next(e for e in events if e["event_type"] == "ACCUSE")
    assert "\u200b" in accuse["evidence"]["text"]  # the sentence as it stands in the file


def test_ingest_stores_the_text_as_given_and_offsets_into_it(tmp_path):
    story = tmp_path / "story.txt"
    story.write_bytes(MESSY.encode("utf-8"))
    db = tmp_path / "ew.duckdb"
    out = CliRunner().invoke(main, ["ingest", str(story), "--db", str(db), "--date", "2024-05-08"])
    assert out.exit_code == 0, out.output
    con = duckdb.connect(str(db), read_only=True)
    (stored,) = con.execute("SELECT text FROM articles").fetchone()
    con.close()
    assert stored == MESSY
    listed = CliRunner().invoke(
        main, ["events", "--db", str(db), "--format", "jsonl", "--status", "all"]
    )
    _check(stored, [json.loads(line) for line in listed.stdout.splitlines()])


def test_the_pipeline_fills_mentions_with_offsets_into_the_text_as_given():
    from eventwire.models import Article
    from eventwire.pipeline import Pipeline

    article = Pipeline.default(dedup=False).run(Article(id="m", text=MESSY, date="2024-05-08"))
    found = {(m.text, m.country) for m in article.mentions}
    assert {("Kenya", "KEN"), ("Ethiopia", "ETH"), ("Chile", "CHL"), ("Peru", "PER")} <= found
    for m in article.mentions:
        assert MESSY[m.start : m.end] == m.text
