"""Constructions the lexicon alone cannot code: undergoing an act ("came under fire"),
the one blamed for an act, headlines whose verb the parser reads as a noun."""

import pytest

import eventwire
from eventwire import nlp


def _events(text):
    return eventwire.code(text, date="2024-03-01")


def _triples(events):
    return {
        (s.country, t.country, e.event_type, e.status)
        for e in events
        for s in e.source
        for t in e.target
        if s.country and t.country
    }


def test_came_under_fire_from_an_armed_group_is_an_assault_on_the_subject():
    events = _events("Nigerien soldiers came under fire from Malian militants near the border.")
    assert ("MLI", "NER", "ASSAULT", "asserted") in _triples(events)


def test_came_under_fire_from_politicians_is_criticism():
    events = _events("The Dutch minister came under fire from Turkish lawmakers over the ban.")
    triples = _triples(events)
    assert ("TUR", "NLD", "ACCUSE", "asserted") in triples
    assert not any(t[2] == "ASSAULT" for t in triples)


def test_a_weapon_word_makes_under_fire_gunfire_whoever_the_sides_are():
    events = _events("The Syrian border post came under mortar fire from Turkey.")
    assert ("TUR", "SYR", "ASSAULT", "asserted") in _triples(events)


def test_the_one_blamed_for_an_attack_is_its_alleged_doer():
    events = _events("Baghdad blamed Turkey for the drone strike on a Kurdish town.")
    triples = _triples(events)
    assert ("IRQ", "TUR", "ACCUSE", "asserted") in triples
    doers = {s.country for e in events if e.event_type == "ASSAULT" for s in e.source}
    assert doers == {"TUR"}  # never the one who blamed
    assert all(e.status == "alleged" for e in events if e.event_type == "ASSAULT")


def test_accused_of_names_the_doer_when_of_hangs_on_the_object():
    events = _events("Armenia accused Azerbaijan's army of shelling border villages.")
    doers = {s.country for e in events if e.event_type == "ASSAULT" for s in e.source}
    assert doers == {"AZE"}


@pytest.mark.parametrize(
    ("headline", "verb"),
    [
        ("Somalia severs ties with Kenya", "severs"),
        ("Thousands rally in Jakarta over fuel prices", "rally"),
        ("Coast guard fires water cannon at fishing boats", "fires"),
    ],
)
def test_a_headline_verb_read_as_a_noun_is_parsed_as_the_verb(headline, verb):
    doc = nlp.parse(headline + "\n\nThe story follows here.")
    token = next(t for t in doc if t.text == verb)
    assert token.pos_ == "VERB" and token.dep_ == "ROOT"
    assert doc.text == headline + "\n\nThe story follows here."  # nothing added to the text


def test_headline_with_listed_subjects_codes_every_side():
    events = _events("Chad, Sudan sever diplomatic ties")
    triples = _triples(events)
    assert ("TCD", "SDN", "SANCTION", "asserted") in triples
    assert ("SDN", "TCD", "SANCTION", "asserted") in triples


def test_a_verb_that_raises_an_act_passes_its_subject_and_the_target_on_the_verb():
    events = _events("Ottawa raised tariffs on Chinese steel last week.")
    assert ("CAN", "CHN", "SANCTION", "asserted") in _triples(events)


def test_an_envoy_without_a_country_is_placed_by_the_post_named_after_it():
    events = _events("Chile recalls ambassador to Argentina over border row")
    assert ("CHL", "ARG", "SANCTION", "asserted") in _triples(events)


@pytest.mark.parametrize(
    "text",
    [
        "Washington has been training Kurdish fighters to battle Islamic State militants.",
        "Tehran built a new pier in order to ship rockets to the Houthis.",
    ],
)
def test_what_something_is_prepared_for_is_not_a_deed(text):
    events = _events(text)
    aims = [e for e in events if e.evidence.trigger in {"battle", "ship"}]
    assert aims and all(e.status == "hypothetical" for e in aims)


def test_used_to_attack_is_still_an_attack():
    events = _events("Ukrainian forces used sea drones to attack a Russian warship.")
    attacks = [e for e in events if e.event_type == "ASSAULT"]
    assert attacks and all(e.status == "asserted" for e in attacks)


def test_a_name_joined_to_a_time_unit_is_still_the_object():
    events = _events("Japan's foreign minister visited Manila days after the election.")
    assert ("JPN", "PHL", "CONSULT", "asserted") in _triples(events)


def test_talks_at_which_a_deal_failed_were_still_held():
    events = _events("Armenia and Azerbaijan failed to agree on a border at talks in Almaty.")
    talks = [e for e in events if e.evidence.trigger == "talks"]
    assert talks and all(e.status == "asserted" for e in talks)
    assert ("ARM", "AZE", "CONSULT", "asserted") in _triples(talks)


def test_a_mutual_reopening_acts_both_ways():
    events = _events("Qatar and Bahrain reopened their embassies.")
    triples = _triples(events)
    assert {("QAT", "BHR", "SUPPORT", "asserted"), ("BHR", "QAT", "SUPPORT", "asserted")} <= triples


@pytest.mark.parametrize(
    ("text", "victims"),
    [
        ("Two Malian soldiers killed in ambush by jihadists", "MLI"),
        ("4 protesters killed in clashes near Khartoum\n\nThe story follows.", "SDN"),
        ("Villagers killed in the raid were buried on Friday.", ""),
    ],
)
def test_a_participle_without_an_auxiliary_is_passive(text, victims):
    events = [e for e in _events(text) if e.event_type == "ASSAULT"]
    assert events
    for e in events:
        assert not any(a.sector in {"MIL", "CVL"} and a.country == victims for a in e.source)


def test_killed_in_a_strike_named_by_its_side_names_the_striker():
    events = _events("Five civilians were killed in Turkish strikes on Kobani.")
    assert any({a.country for a in e.source} == {"TUR"} for e in events)


def test_a_question_asserts_nothing():
    events = _events("Will Turkey expel the Swedish ambassador?")
    assert events and all(e.status == "hypothetical" for e in events)


def test_no_request_is_a_negated_request():
    events = _events("There will be no extradition request from Ankara.")
    assert all(e.status != "asserted" for e in events if e.event_type == "REQUEST")


def test_a_date_inside_a_nested_clause_does_not_date_the_trigger():
    events = _events("Norway dropped its investigation into claims made against Danes in 2015.")
    dropped = [e for e in events if e.evidence.trigger == "dropped"]
    assert dropped and dropped[0].status == "asserted" and dropped[0].date == "2024-03-01"


def test_met_with_fire_is_an_assault_on_the_subject_and_no_meeting():
    events = _events(
        "A Kenyan patrol near the border was met with heavy fire from Somali militants."
    )
    assert ("SOM", "KEN", "ASSAULT", "asserted") in _triples(events)
    assert not any(e.event_type == "CONSULT" for e in events)


def test_a_stalled_aid_names_its_giver_and_receiver():
    events = _events("German military aid to Lithuania was stalled for months.")
    assert ("DEU", "LTU", "SANCTION", "asserted") in _triples(events)
    assert not any(e.event_type == "AID" for e in events)


def test_the_white_house_is_no_translated_city_name():
    from eventwire.geo import places

    assert places.lookup("White House") is None  # once Casablanca, by a translated name
    assert places.lookup("St Petersburg").country == "RUS"  # shares a word with its name


def test_agreeing_with_a_view_is_no_agreement_but_agreeing_on_a_plan_is():
    assert not _events("Most economists agree that Brazil has gained from the deal.")
    events = _events("Chile and Peru agreed that talks would resume in May.")
    assert ("CHL", "PER", "AGREE", "asserted") in _triples(events)


def test_unable_to_meet_is_no_meeting():
    events = _events("Ghana and Togo have been unable to hold talks on the border.")
    assert events and all(e.status == "negated" for e in events if e.event_type == "CONSULT")


def test_a_promise_coded_by_its_own_word_is_not_derived_twice():
    events = _events("Kenya is ready to send police officers to Haiti.")
    assert not any(e.event_type == "THREATEN" for e in events)
    assert any(e.event_type == "AGREE" for e in events)


def test_a_city_the_tagger_put_in_a_time_phrase_is_still_a_place():
    events = _events("Russia fired missiles at Odesa overnight, officials said.")
    assert any(e.location is not None and e.location.country == "UKR" for e in events)


def test_a_missile_fired_into_the_sea_is_a_test_and_at_a_country_an_attack():
    test = _events("NORTH KOREA FIRES BALLISTIC MISSILE INTO SEA\n\nThe launch came on Sunday.")
    assert any(e.event_type == "MOBILIZE" for e in test)
    assert not any(e.event_type == "ASSAULT" for e in test)
    attack = _events("Iran fired missiles at Israel overnight.")
    assert ("IRN", "ISR", "ASSAULT", "asserted") in _triples(attack)


def test_the_us_in_lower_case_is_the_country_and_us_alone_the_pronoun():
    from eventwire.actors.truecase import truecase

    assert truecase("they told us that the us would respond.") == (
        "They told us that the US would respond."
    )


def test_troops_sent_to_fight_for_another_state_are_military_aid_to_it():
    events = _events("Belarus sent hundreds of soldiers to fight for Russia.")
    assert ("BLR", "RUS", "AID", "asserted") in _triples(events)
    assert not any(e.event_type == "ASSAULT" and e.target for e in events)


def test_a_flagged_ship_names_its_flag_state_and_a_region_tagged_as_a_person_is_a_place():
    events = _events("Iran seized a Greek-flagged tanker off Oman.")
    assert ("IRN", "GRC", "COERCE", "asserted") in _triples(events)
    events = _events("Russia withdrew its troops from the Kherson region.")
    assert ("RUS", "UKR", "RETREAT", "asserted") in _triples(events)


@pytest.mark.parametrize(
    ("text", "triple"),
    [
        ("Poland will stand by Lithuania in the dispute.", ("POL", "LTU", "SUPPORT")),
        ("Japan handed Kyiv a new tranche of loans.", ("JPN", "UKR", "AID")),
    ],
)
def test_general_phrasings(text, triple):
    assert triple in {t[:3] for t in _triples(_events(text))}


def test_protest_at_an_embassy_targets_its_state_and_happens_where_it_stands():
    events = _events("hundreds of protesters gathered outside the french embassy in dakar.")
    protest = [e for e in events if e.event_type == "PROTEST"]
    assert protest and ("SEN", "FRA", "PROTEST", "asserted") in _triples(protest)
    assert protest[0].location is not None and protest[0].location.country == "SEN"


def test_lower_cased_acronyms_and_possessives_are_restored():
    from eventwire.actors.truecase import truecase

    assert truecase("the eu and the imf met; the who did not. china's envoy left.") == (
        "The EU and the IMF met; the who did not. China's envoy left."
    )


@pytest.mark.parametrize(
    ("headline", "triple"),
    [
        ("Azerbaijan accuses Armenia of border shelling", ("ARM", "ASSAULT", "alleged")),
        ("Houthis claim attack on US warship", ("YEM", "ASSAULT", "alleged")),
        ("Ukraine hits Russian oil refinery with drones", ("UKR", "ASSAULT", "asserted")),
    ],
)
def test_headline_doers(headline, triple):
    doer, etype, status = triple
    events = _events(headline + "\n\nThe story follows here.")
    hits = [e for e in events if e.event_type == etype]
    assert hits and {a.country for a in hits[0].source} == {doer}
    assert hits[0].status == status
    assert not any(a.sector == "MIL" and not a.country for a in hits[0].target)


def test_two_named_leaders_in_a_headline_are_both_sides():
    events = _events("China's Xi and Brazil's Lula sign trade agreement\n\nThe story follows.")
    signed = [e for e in events if e.evidence.trigger == "sign"]
    assert signed
    assert {a.code for a in signed[0].source} == {"CHNGOV", "BRAGOV"}


def test_one_person_named_by_nationality_is_an_actor_of_that_country():
    events = _events("A Canadian was detained by Chinese state security in Beijing.")
    assert ("CHN", "CAN", "COERCE", "asserted") in _triples(events)
    events = _events("The Canadian government protested to Beijing.")
    assert {a.code for e in events for a in e.source} == {"CANGOV"}


def test_charged_by_names_who_brings_the_charges():
    events = _events("The Australian journalist was charged by the United States.")
    assert ("USA", "AUS", "ACCUSE", "asserted") in _triples(events)


def test_a_body_one_is_a_member_in_is_the_target_of_acts_on_membership():
    events = _events("Kazakhstan froze its participation in the CSTO.")
    assert ("KAZ", "IGO", "SANCTION", "asserted") in _triples(events)


def test_the_country_is_a_state_that_acts_not_a_city_named_in_passing():
    text = (
        "Armenia asked for the loans in July. The envoy met an aide at a hotel in Vienna. "
        "Later the country expelled two Azerbaijani diplomats."
    )
    expelled = [e for e in _events(text) if e.evidence.trigger == "expelled"]
    assert expelled and {a.country for a in expelled[0].source} == {"ARM"}


def test_what_one_is_warned_against_is_the_warned_sides_and_not_done():
    events = _events("China warned Japan against sending warships to the strait.")
    sent = [e for e in events if e.evidence.trigger == "sending"]
    assert sent and all(e.status == "hypothetical" for e in sent)
    assert all({a.country for a in e.source} <= {"JPN"} for e in sent)
    assert ("CHN", "JPN", "THREATEN", "asserted") in _triples(events)


def test_the_signer_of_a_law_does_what_the_law_does():
    events = _events("The Russian president signed a law ratifying a defence treaty with Belarus.")
    assert ("RUS", "BLR", "SUPPORT", "asserted") in _triples(events)


def test_a_region_named_like_a_foreign_town_is_not_that_town():
    # "Amur" folds to a town in India; "the Amur region" is not in India
    events = _events("The Chinese delegation travelled to the Amur region by train.")
    assert not any(t.country == "IND" for e in events for t in e.target)
    events = _events("Russian troops shelled the Kherson region on Monday.")
    assert ("RUS", "UKR", "ASSAULT", "asserted") in _triples(events)


def test_where_the_speaker_is_is_not_where_the_event_happened():
    (ev,) = [
        e
        for e in _events("Officials in Ankara said Greek and Turkish envoys met on Tuesday.")
        if e.event_type == "CONSULT"
    ]
    assert ev.location is None or ev.location.text != "Ankara"
    (ev,) = _events("Officials in Kyiv said Russian troops shelled a school in Kharkiv.")
    assert ev.location is not None and ev.location.text == "Kharkiv"
