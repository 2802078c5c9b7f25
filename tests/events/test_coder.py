"""The coder on the team's own sentences: types, sides, status, dates, evidence."""

import pytest

import eventwire


def dyads(events, etype=None, status=None):
    out = set()
    for e in events:
        if etype and e.event_type != etype:
            continue
        if status and e.status != status:
            continue
        for s in e.source:
            for t in e.target:
                if s.country and t.country and s.country != t.country:
                    out.add((s.country, t.country, e.event_type))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The European Union imposed new sanctions on Iran over its drone exports.",
            ("EUR", "IRN", "SANCTION"),
        ),
        ("Egypt accused Ethiopia of endangering its water supply.", ("EGY", "ETH", "ACCUSE")),
        (
            "Israeli troops were attacked by Hezbollah fighters near the border.",
            ("LBN", "ISR", "ASSAULT"),
        ),
        (
            "Indian Prime Minister Narendra Modi visited Japan on Saturday.",
            ("IND", "JPN", "CONSULT"),
        ),
        ("The Kremlin rejected the proposal from Kyiv.", ("RUS", "UKR", "REJECT")),
        ("Germany sent military aid to Ukraine.", ("DEU", "UKR", "AID")),
        ("Pakistan urged India to withdraw its troops.", ("PAK", "IND", "REQUEST")),
    ],
)
def test_simple_dyads(text, expected):
    assert expected in dyads(eventwire.code(text, date="2024-03-06"))


def test_joint_agreement_names_both_sides_and_date():
    events = eventwire.code(
        "Chinese President Xi Jinping and Brazilian President Luiz Inacio Lula da Silva "
        "signed a trade agreement in Beijing on Tuesday.",
        date="2024-03-06",
    )
    agree = [e for e in events if e.event_type == "SUPPORT"]  # PLOVER: signing is SUPPORT (057)
    assert agree, events
    assert {("CHN", "BRA", "SUPPORT"), ("BRA", "CHN", "SUPPORT")} <= dyads(agree)
    assert agree[0].date == "2024-03-05"
    assert agree[0].cameo.startswith("05")


def test_allegation_codes_accusation_and_alleged_act():
    events = eventwire.code(
        "Washington accused Tehran of supplying drones to Russia.", date="2024-03-06"
    )
    assert ("USA", "IRN", "ACCUSE") in dyads(events, status="asserted")
    aid = [e for e in events if e.event_type == "AID"]
    assert aid and aid[0].status == "alleged"
    assert ("IRN", "RUS", "AID") in dyads(aid)
    assert aid[0].attribution is not None and aid[0].attribution.country == "USA"


def test_negated_and_intended_events():
    neg = eventwire.code("Japan did not attack China.", date="2024-03-06")
    assert [e.status for e in neg if e.event_type == "ASSAULT"] == ["negated"]
    # PLOVER codes the promise of force as a THREATEN that happened (CAMEO 138); the attack
    # itself is kept as an ASSAULT with status "intended"
    vow = eventwire.code("Turkey vowed to attack Syrian Kurdish militias.", date="2024-03-06")
    threat = [e for e in vow if e.event_type == "THREATEN"]
    assert threat and threat[0].cameo == "138" and threat[0].status == "asserted"
    assert ("TUR", "SYR", "THREATEN") in dyads(threat)
    assert [e.status for e in vow if e.event_type == "ASSAULT"] == ["intended"]


def test_historical_event_keeps_its_own_date():
    events = eventwire.code(
        "Vietnam and the United States signed a trade deal in 2000.", date="2024-03-06"
    )
    agree = [e for e in events if e.event_type == "SUPPORT"]
    assert agree and agree[0].status == "historical" and agree[0].date == "2000-01-01"


def test_unplaceable_person_stays_unknown():
    events = eventwire.code(
        "Lena Marsh of the Institute for African Security Studies criticised Nigeria.",
        date="2024-03-06",
    )
    acc = [e for e in events if e.event_type == "ACCUSE"]
    assert acc, events
    assert acc[0].source and acc[0].source[0].country == ""
    assert acc[0].target[0].country == "NGA"
    assert acc[0].confidence < 0.8


def test_surname_inherits_code_from_first_mention():
    text = (
        "German Chancellor Olaf Scholz met Polish Prime Minister Donald Tusk on Monday. "
        "Later Scholz praised Poland for its support."
    )
    events = eventwire.code(text, date="2024-03-06")
    praise = [e for e in events if e.event_type == "SUPPORT"]
    assert praise and praise[0].source[0].country == "DEU"
    assert praise[0].source[0].sector == "GOV"


def test_evidence_offsets_reproduce_sentence_and_trigger():
    text = "Heavy rain fell.\n\nRwanda accused Congo's army of shelling its territory on Friday."
    events = eventwire.code(text, date="2024-03-06")
    assert events
    for e in events:
        ev = e.evidence
        assert text[ev.start : ev.end] == ev.text
        assert text[ev.trigger_start : ev.trigger_end] == ev.trigger


def test_no_event_in_a_sports_report():
    text = "The home side won the cup final 2-1 after a late goal in front of 40,000 fans."
    assert eventwire.code(text, date="2024-03-06") == []


def test_event_ids_are_stable():
    text = "Senegal hosted talks with Mali on Thursday."
    a = [e.id for e in eventwire.code(text, date="2024-03-06")]
    b = [e.id for e in eventwire.code(text, date="2024-03-06")]
    assert a and a == b


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia has massed troops near Ukraine's border.", ("RUS", "UKR", "MOBILIZE")),
        (
            "Poland is sending 10,000 soldiers to its border with Belarus.",
            ("POL", "BLR", "MOBILIZE"),
        ),
        ("Venezuela deployed troops along its border with Guyana.", ("VEN", "GUY", "MOBILIZE")),
    ],
)
def test_forces_face_the_place_not_themselves(text, expected):
    assert expected in dyads(eventwire.code(text, date="2024-01-10"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the host of a visit is the source of CAMEO 043, not the guest
        (
            "Pope Francis received the Ecuadorian president at the Vatican.",
            ("VAT", "ECU", "CONSULT"),
        ),
        # "to" parsed as a dative still names the receiver
        ("Chile refused to send rifles to Peru.", ("CHL", "PER", "REJECT")),
        # the place left is the target of a withdrawal
        ("France completed the withdrawal of its troops from Chad.", ("FRA", "TCD", "RETREAT")),
        # "during a visit to X" belongs to the clause's subject, even under a speech verb
        (
            "The Kenyan president said during a visit to Ghana that trade would grow.",
            ("KEN", "GHA", "CONSULT"),
        ),
        # the owner of a ship is the side attacked
        (
            "Somali pirates fired at a Japanese-owned freighter in the Gulf of Aden.",
            ("SOM", "JPN", "ASSAULT"),
        ),
        # "an attack claimed by X", "a raid carried out by X": X is the attacker
        (
            "Three Kenyan soldiers were killed near Mandera in an attack claimed by"
            " al-Shabaab militants from Somalia.",
            ("SOM", "KEN", "ASSAULT"),
        ),
        (
            "A raid carried out by Hezbollah fighters wounded two Israeli soldiers.",
            ("LBN", "ISR", "ASSAULT"),
        ),
        # "after meeting Y" is done by the clause's subject, not by the owner of a "bid"
        (
            "The Indonesian president agreed to support Timor-Leste's bid to join ASEAN"
            " after meeting the Philippine president in Jakarta.",
            ("IDN", "PHL", "CONSULT"),
        ),
    ],
)
def test_hosts_datives_withdrawals_and_visits(text, expected):
    assert expected in dyads(eventwire.code(text, date="2024-05-02"), status="asserted")


def test_visit_in_a_during_phrase_is_not_a_plan():
    text = (
        "Laos and Cambodia agreed to expand trade during the Cambodian premier's visit"
        " to Vientiane."
    )
    events = eventwire.code(text, date="2024-05-02")
    visits = [e for e in events if e.event_type == "CONSULT"]
    assert visits and all(e.status == "asserted" for e in visits)
    assert ("KHM", "LAO", "CONSULT") in dyads(visits)


def test_a_bid_to_join_is_its_owners_plan():
    text = "Ireland backed Ukraine's bid to join the European Union."
    joins = [e for e in eventwire.code(text, date="2024-05-02") if e.evidence.trigger == "join"]
    assert joins and all(e.status == "intended" for e in joins)
    assert all(a.country == "UKR" for e in joins for a in e.source)


def test_mediator_meets_both_sides_of_their_own_country():
    events = eventwire.code("Angola mediated between Chad and the rebels.", date="2024-05-02")
    mediation = [e for e in events if e.event_type == "CONSULT"]
    assert mediation and [a.country for a in mediation[0].source] == ["AGO"]
    sides = {(a.country, a.sector) for a in mediation[0].target}
    assert ("TCD", "REB") in sides  # the rebels of the country named with them, not Angola's
    assert all(country != "AGO" for country, _ in sides)


def test_talks_in_an_adjunct_belong_to_the_joint_subject():
    text = "After three rounds of talks, Peru and Ecuador agreed to reopen the border."
    talks = [e for e in eventwire.code(text, date="2024-05-02") if e.event_type == "CONSULT"]
    assert talks and talks[0].status == "asserted"
    assert sorted(a.country for a in talks[0].source) == ["ECU", "PER"]
    assert sorted(a.country for a in talks[0].target) == ["ECU", "PER"]  # each met the other


def test_unplaced_victims_take_the_country_where_it_happened():
    text = "Police documented killings of civilians by Russian soldiers in Irpin."
    events = [e for e in eventwire.code(text, date="2024-05-02") if e.event_type == "ASSAULT"]
    assert events
    assert [a.country for a in events[0].source] == ["RUS"]
    assert [(a.country, a.sector) for a in events[0].target] == [("UKR", "CVL")]
    assert events[0].location is not None and events[0].location.country == "UKR"


def test_victims_with_no_place_stay_unknown():
    events = eventwire.code("Gunmen killed twelve villagers overnight.", date="2024-05-02")
    assert all(not a.country for e in events for a in e.target)


def test_a_rejected_demand_was_still_made():
    text = "Caracas rejected demands from Washington to release the detained Americans."
    events = eventwire.code(text, date="2024-05-02")
    assert ("VEN", "USA", "REJECT") in dyads(events)
    demands = [e for e in events if e.event_type == "REQUEST"]
    assert demands and demands[0].status == "asserted"
    assert ("USA", "VEN", "REQUEST") in dyads(demands)
