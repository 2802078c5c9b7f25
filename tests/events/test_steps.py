"""The coder's named steps: each runs alone on a Candidate, says why, and reads its words
from data, so a new cue word is a one-line data change."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from eventwire.actors.kb import shipped as shipped_kb
from eventwire.actors.resolve import DocActors
from eventwire.events import coder, cues, steps, triggers
from eventwire.events.candidate import Candidate, Sentence
from eventwire.nlp import load


def _candidates(text: str, published: str = "2024-05-06") -> list[Candidate]:
    doc = load()(text)
    actors = DocActors(doc, shipped_kb(), published)
    out = []
    for span in doc.sents:
        out.extend(coder.trigger(Sentence(span, actors, triggers.shipped(), "t", published)))
    return out


def _one(text: str, lemma: str) -> Candidate:
    found = [c for c in _candidates(text) if c.token.lemma_.lower() == lemma]
    assert found, [c.token.text for c in _candidates(text)]
    return found[0]


def test_steps_are_listed_once_with_what_they_decide():
    names = [s.__name__ for s in coder.STEPS]
    assert names[:3] == ["governed", "arguments", "purpose"]
    assert names[-2:] == ["date", "confidence"]
    assert len(set(names)) == len(names)
    for step in coder.STEPS:
        assert step.__doc__ and len(step.__doc__.split()) > 5, step.__name__


def test_the_status_step_alone_reads_adverbs_from_the_data():
    c = _one("Militants allegedly attacked a police post in Kenya on Monday.", "attack")
    steps.arguments(c)
    steps.status(c)
    assert c.status == "alleged"
    assert [d.step for d in c.decisions] == ["trigger", "arguments", "arguments", "status"]


def test_a_new_status_cue_is_one_line_of_data(monkeypatch):
    text = "Rebels supposedly attacked a convoy in Mali on Monday."
    before = _one(text, "attack")
    steps.status(before)
    assert before.status == "asserted"
    path = resources.files("eventwire.events") / "data" / "cues.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["status_words"]["mod"]["supposedly"] = "alleged"  # the one line a newcomer adds
    import eventwire.events.status as status_module

    monkeypatch.setattr(status_module, "cues", lambda: cues.Cues(data))
    after = _one(text, "attack")
    steps.status(after)
    assert after.status == "alleged"


def test_the_governed_step_drops_a_noun_that_is_its_verbs_event():
    cands = {c.token.lower_: c for c in _candidates("The EU imposed sanctions on Belarus.")}
    steps.governed(cands["sanctions"])
    assert cands["sanctions"].dropped.startswith("part of the event of 'imposed'")
    steps.governed(cands["imposed"])
    assert not cands["imposed"].dropped


def test_a_promise_derives_an_event_that_runs_the_remaining_steps():
    c = _one("Russia said it will withdraw its troops from Moldova.", "withdraw")
    events = [coder.emit(x) for x in coder.run(c)]
    assert [(e.event_type, e.status) for e in events] == [
        ("AGREE", "asserted"),
        ("RETREAT", "intended"),
    ]
    assert any(d["step"] == "commitment" for d in events[0].explain)


def test_explain_names_the_step_behind_every_field():
    import eventwire

    text = "Kenya and Ethiopia signed a trade agreement in Nairobi on Monday."
    (event,) = eventwire.code(text, date="2024-05-08", explain=True)
    record = event.to_dict(explain=True)
    by_field = {d["field"]: d["step"] for d in record["explain"]}
    assert by_field["event_type"] == "trigger"
    assert by_field["status"] == "status"
    assert by_field["location"] == "place"
    assert by_field["date"] == "date" and record["date"] == "2024-05-06"
    assert by_field["confidence"] == "confidence"
    assert "explain" not in event.to_dict()
    (plain,) = eventwire.code(text, date="2024-05-08")
    assert plain.explain == []


@pytest.mark.parametrize(
    ("name", "kind"),
    [("speech", frozenset), ("charging_types", frozenset), ("quantity_words", frozenset)],
)
def test_every_cue_list_is_read_by_one_loader(name, kind):
    assert isinstance(getattr(cues.cues(), name), kind) and getattr(cues.cues(), name)


def test_an_unknown_cue_list_says_where_to_add_it():
    with pytest.raises(AttributeError, match="cues.yaml"):
        _ = cues.cues().no_such_list


def _statement_rows() -> list[triggers.Trigger]:
    return list(triggers.shipped().statements.values())


@pytest.mark.parametrize("row", _statement_rows(), ids=lambda r: r.lemma)
def test_every_statement_row_fires_on_its_own_example(row):
    import eventwire

    example = row.note.strip('"')
    found = [(e.event_type, e.cameo) for e in eventwire.code(example, date="2024-05-08")]
    assert (row.event_type, row.cameo) in found, found


def test_code_explain_on_the_command_line():
    import json

    from click.testing import CliRunner

    from eventwire.cli import main

    text = "Iran allegedly supplied drones to Russia."
    out = CliRunner().invoke(main, ["code", "-", "--date", "2024-05-08", "--explain"], input=text)
    assert out.exit_code == 0, out.output
    (record,) = [json.loads(line) for line in out.stdout.splitlines()]
    assert record["status"] == "alleged"
    steps_seen = [d["step"] for d in record["explain"]]
    assert steps_seen[0] == "trigger" and "status" in steps_seen
    table = CliRunner().invoke(
        main, ["code", "-", "--date", "2024-05-08", "--explain", "--format", "table"], input=text
    )
    assert "status       status      alleged" in table.stdout


@pytest.mark.parametrize(
    ("text", "source", "target", "placed_by"),
    [
        (
            "NAIROBI, Kenya (Wire) — Police fired tear gas at students who blocked a road.",
            "KENCOP",
            "KENEDU",
            "dateline",
        ),
        ("Police arrested 40 opposition activists at a rally in Harare.", "ZWECOP", "ZWEOPP", ""),
    ],
)
def test_domestic_actors_take_the_country_of_the_story(text, source, target, placed_by):
    import eventwire

    events = eventwire.code(text, date="2024-05-08", explain=True)
    ev = next(e for e in events if e.event_type in {"ASSAULT", "COERCE"})
    assert [a.code for a in ev.source] == [source]
    assert [a.code for a in ev.target] == [target]
    assert any(d["step"] == "domestic" for d in ev.explain)
    if placed_by == "dateline":
        assert "dateline" in next(d["why"] for d in ev.explain if d["step"] == "domestic")


def test_armed_actors_and_statements_are_not_placed_by_the_story():
    import eventwire

    (shelling,) = eventwire.code("Troops shelled villages in Ukraine.", date="2024-05-08")
    assert [a.country for a in shelling.source] == [""]  # whose troops, the text does not say
    said = eventwire.code(
        "BAGHDAD, Iraq (Wire) — Protesters denounced the new electricity tariffs.",
        date="2024-05-08",
    )
    assert any(e.event_type == "ACCUSE" for e in said)
    assert all(a.country == "" for e in said if e.event_type == "ACCUSE" for a in e.source)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("A church was set ablaze in a village on Sunday night.", True),
        ("A roadside bomb went off near an army post on Monday.", True),
        ("A bus plunged into a gorge in the mountains, killing 20 passengers.", False),
        ("Floods killed 30 people in the river delta.", False),
        ("A bus crash killed 12 people near the capital.", False),
        ("Attacks have increased this year.", False),
    ],
)
def test_deliberate_acts_without_a_doer_are_kept_and_accidents_are_not(text, kept):
    import eventwire

    found = [e for e in eventwire.code(text, date="2024-05-08") if e.event_type == "ASSAULT"]
    assert bool(found) is kept, [(e.event_type, e.evidence.trigger) for e in found]
    if kept:
        assert not any(a.country for a in found[0].source)  # the doer stays unknown
        assert found[0].confidence < 0.5


def test_an_air_strike_is_no_labour_strike():
    import eventwire

    events = eventwire.code(
        "An air strike by Myanmar's military hit a village gathering.", date="2024-05-08"
    )
    strikes = [e for e in events if e.evidence.trigger == "strike"]
    assert strikes and strikes[0].event_type == "ASSAULT"
    assert [a.country for a in strikes[0].source] == ["MMR"]


@pytest.mark.parametrize(
    "text", ["Russia, Belarus sign security guarantees treaty", "Chile, Peru sign fishing accord"]
)
def test_a_headline_names_both_subjects_before_the_verb(text):
    import eventwire

    (event,) = eventwire.code(text, date="2024-05-08")
    assert event.event_type == "SUPPORT" and len({a.country for a in event.source}) == 2


@pytest.mark.parametrize(
    ("text", "event_type"),
    [
        ("Thousands of nurses took to the streets of the capital on Monday.", "PROTEST"),
        ("Teachers in Kampala went on strike over unpaid wages.", "PROTEST"),
        ("Police placed the opposition leader under house arrest.", "COERCE"),
    ],
)
def test_idioms_of_domestic_news(text, event_type):
    import eventwire

    assert event_type in {e.event_type for e in eventwire.code(text, date="2024-05-08")}


def test_a_city_the_tagger_takes_for_something_else_still_places_the_event():
    import eventwire

    text = "Police placed the opposition leader under house arrest in Tunis."
    (event,) = eventwire.code(text, date="2024-05-08")
    assert event.location is not None and event.location.country == "TUN"
    assert [a.code for a in event.source] == ["TUNCOP"]
