"""The user's own actor dictionaries: CSV, YAML and PETRARCH .actors, end to end."""

import pytest

from eventwire import Settings
from eventwire.actors.dictionaries import load_user_actors, read_petrarch
from eventwire.errors import InputError
from eventwire.models import Article
from eventwire.pipeline import Pipeline

SENTENCE = "The Sahel Liberation Front attacked an army convoy in Mali on Tuesday."


def _code(text, date, actors_file):
    pipeline = Pipeline.default(Settings(actors=str(actors_file)), dedup=False)
    return pipeline.run(Article(id="t", text=text, date=date)).events


def _sources(events, etype):
    return [a.code for e in events if e.event_type == etype for a in e.source]


def test_without_a_dictionary_the_group_stays_unknown(tmp_path):
    events = (
        Pipeline.default(dedup=False).run(Article(id="t", text=SENTENCE, date="2024-05-08")).events
    )
    assert _sources(events, "ASSAULT") in ([], [""])


def test_csv_dictionary_adds_an_actor(tmp_path):
    f = tmp_path / "mine.csv"
    f.write_text(
        "name,code,country,sector,start,end\nSahel Liberation Front,MLIREB,,,,\n", encoding="utf-8"
    )
    assert _sources(_code(SENTENCE, "2024-05-08", f), "ASSAULT") == ["MLIREB"]


def test_yaml_dictionary_adds_an_actor_with_aliases(tmp_path):
    f = tmp_path / "mine.yaml"
    f.write_text(
        "- name: Sahel Liberation Front\n  aliases: [SLF]\n  code: MLIREB\n", encoding="utf-8"
    )
    events = _code("The SLF attacked an army convoy in Mali.", "2024-05-08", f)
    assert _sources(events, "ASSAULT") == ["MLIREB"]


PETRARCH = """\
# my curated dictionary
SAHEL_LIBERATION_FRONT_  [MLIREB]  ; armed group
+SLF_
OUSMANE_KEITA_  ; an invented minister
\t[MLIGOV 20180101-20221231]
\t[MLIOPP >20230101]
---STOP---
IGNORED_AFTER_STOP_ [USAGOV]
"""


def test_petrarch_dictionary_codes_by_date(tmp_path):
    f = tmp_path / "mine.actors"
    f.write_text(PETRARCH, encoding="utf-8")
    text = "Ousmane Keita criticised Niger."
    in_office = _code(text, "2020-06-01", f)
    later = _code(text, "2024-06-01", f)
    assert _sources(in_office, "ACCUSE") == ["MLIGOV"]
    assert _sources(later, "ACCUSE") == ["MLIOPP"]
    assert _sources(_code(SENTENCE, "2024-05-08", f), "ASSAULT") == ["MLIREB"]


def test_petrarch_reader_reads_synonyms_and_stops(tmp_path):
    f = tmp_path / "mine.actors"
    f.write_text(PETRARCH, encoding="utf-8")
    pairs = dict(read_petrarch(f))
    assert {"sahel liberation front", "slf", "ousmane keita"} <= set(pairs)
    assert "ignored after stop" not in pairs
    roles = pairs["ousmane keita"].roles
    assert [(r.country, r.sector, r.start, r.end) for r in roles] == [
        ("MLI", "GOV", "2018-01-01", "2022-12-31"),
        ("MLI", "OPP", "2023-01-01", ""),
    ]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bad.csv", "name,code\nX,R1\n", "three-letter"),
        ("bad.yaml", "- name: X\n", "no code"),
        ("bad.actors", "X_\n\t[XYZGOV 2020-2021]\n", "YYYYMMDD"),
        ("bad.json", "{}", "unknown actor dictionary"),
    ],
)
def test_bad_dictionaries_are_named_with_a_reason(tmp_path, name, content, reason):
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_user_actors(f)
    assert reason in str(err.value) and name in str(err.value)
