"""Status, attribution, answers and dates on the team's own examples."""

import pytest

import eventwire


def by_type(events, etype):
    return [e for e in events if e.event_type == etype]


def countries(actors):
    return sorted(a.country for a in actors if a.country)


def test_double_negative_intention_is_a_commitment():
    events = eventwire.code(
        "Tokyo said Japan would not refuse to expand defence cooperation with Manila.",
        date="2024-07-09",
    )
    agree = by_type(events, "AGREE")
    assert agree and agree[0].status == "asserted"
    assert countries(agree[0].target) == ["PHL"]
    assert [e.status for e in by_type(events, "COOPERATE")] == ["intended"]


def test_statement_is_dated_by_its_own_day():
    text = (
        "On Monday, a Chilean foreign ministry spokesperson said that Bolivian troops had "
        "attacked a Chilean border post."
    )
    events = eventwire.code(text, date="2024-07-10")  # a Wednesday
    crossing = [e for e in events if e.source and e.source[0].country == "BOL"]
    assert crossing and crossing[0].date != "2024-07-08"  # Monday dates the saying
    (charge,) = by_type(events, "ACCUSE")  # Chile's charge is the Monday event
    assert countries(charge.source) == ["CHL"] and countries(charge.target) == ["BOL"]
    assert charge.date == "2024-07-08"
    assert crossing[0].status == "alleged"
    assert crossing[0].attribution is not None and crossing[0].attribution.country == "CHL"


def test_naming_a_move_illegal_is_criticism():
    text = (
        "Britain and France imposed new sanctions on Iran on Tuesday. "
        "Iran's foreign minister called the move illegal."
    )
    events = eventwire.code(text, date="2024-07-10")
    accuse = by_type(events, "ACCUSE")
    assert accuse and countries(accuse[0].source) == ["IRN"]
    assert countries(accuse[0].target) == ["FRA", "GBR"]  # the makers of the move


def test_a_denial_answers_the_accuser():
    text = "India accused Pakistan of sheltering militants. Islamabad denied any involvement."
    events = eventwire.code(text, date="2024-07-10")
    reject = by_type(events, "REJECT")
    assert reject and countries(reject[0].source) == ["PAK"]
    assert countries(reject[0].target) == ["IND"]
    assert reject[0].confidence < 0.9  # inferred across sentences


def test_a_past_war_is_history_not_news():
    text = "The president praised Soviet troops who fought Japanese forces during World War II."
    events = eventwire.code(text, date="2024-07-10")
    fight = by_type(events, "ASSAULT")
    assert fight and fight[0].status == "historical" and fight[0].date is None


def test_threat_aimed_at_the_condition():
    events = eventwire.code(
        "Turkey threatened to close its airspace if Greece continued the exercises.",
        date="2024-07-10",
    )
    threat = by_type(events, "THREATEN")
    assert threat and countries(threat[0].target) == ["GRC"]


def test_the_own_object_is_no_target():
    events = eventwire.code(
        "Mali and Niger recalled their ambassadors from Algeria.", date="2024-07-10"
    )
    recall = by_type(events, "SANCTION")
    assert recall and countries(recall[0].target) == ["DZA"]


def test_would_not_is_a_refusal_that_was_made():
    events = eventwire.code(
        "Seoul said it would not release the detained fishermen to North Korea.", date="2024-07-10"
    )
    assert [e.status for e in by_type(events, "REJECT")] == ["asserted"]
    assert all(e.status == "negated" for e in events if e.event_type != "REJECT")


def test_what_is_demanded_has_not_happened():
    events = eventwire.code(
        "The agency repeated its demand that Israel ease restrictions on Palestinian workers.",
        date="2024-07-10",
    )
    assert by_type(events, "REQUEST") and countries(by_type(events, "REQUEST")[0].target) == ["ISR"]
    assert all(e.status == "requested" for e in events if e.event_type == "CONCEDE")


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("The UN called on Russia to withdraw its troops from Ukraine.", "RETREAT"),
        ("Brazil asked Argentina to extradite the two suspects.", "COOPERATE"),
        ("Chile demanded that Peru return the seized fishing boats.", "RETREAT"),
    ],
)
def test_an_act_asked_of_someone_is_requested_never_asserted(text, asked):
    events = eventwire.code(text, date="2024-07-10")
    assert [e.status for e in by_type(events, "REQUEST")] == ["asserted"]
    acts = by_type(events, asked)
    assert acts and all(e.status == "requested" for e in acts)


def test_third_party_report_is_alleged_but_the_receiver_confirms():
    claimed = eventwire.code(
        "Syria is sending Hezbollah rockets, according to Israeli military officials.",
        date="2024-07-10",
    )
    aid = by_type(claimed, "AID")
    assert aid and aid[0].status == "alleged"
    assert aid[0].attribution is not None and aid[0].attribution.country == "ISR"
    assert all(a.country for a in aid[0].target)  # the rockets are goods, not a side

    confirmed = eventwire.code(
        "Japan has provided Vietnam with patrol boats, Vietnamese officials said.",
        date="2024-07-10",
    )
    aid = by_type(confirmed, "AID")
    assert aid and aid[0].status == "asserted"
    assert countries(aid[0].target) == ["VNM"]


def test_a_report_keeps_its_date_for_the_saying_and_accuses_the_one_who_armed():
    events = eventwire.code(
        "On Tuesday, a US State Department spokesperson said that North Korea has shipped "
        "weapons to Russia in recent months.",
        date="2024-06-19",
    )
    aid = by_type(events, "AID")
    assert aid and aid[0].status == "alleged"
    assert aid[0].date != "2024-06-18"  # Tuesday dates the saying, not the shipping
    accuse = by_type(events, "ACCUSE")
    assert accuse and countries(accuse[0].target) == ["PRK"]
    assert accuse[0].date == "2024-06-18" and accuse[0].evidence.trigger == "said"


def test_a_report_of_fighting_between_others_accuses_no_one():
    events = eventwire.code(
        "Burmese troops captured a Karen rebel camp near the border, Thai police said.",
        date="2024-06-19",
    )
    assert not by_type(events, "ACCUSE")
