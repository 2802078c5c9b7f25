"""A known leader's name the tagger reads as a common noun is still the leader."""

from eventwire import nlp
from eventwire.actors.kb import shipped
from eventwire.actors.resolve import DocActors


def test_a_leader_tagged_as_a_common_noun_is_resolved():
    doc = nlp.parse("Trump has injected drama into trade talks with other partners.")
    assert doc[0].pos_ == "NOUN"  # the tagger's reading this test is about
    found = DocActors(doc, shipped(), "2019-11-18").resolve_all(doc[0], agent=True)
    assert [a.code for a in found] == ["USAGOV"]


def test_a_capitalised_common_noun_is_no_person():
    doc = nlp.parse("Police have detained two men.")
    found = DocActors(doc, shipped(), "2019-11-18").resolve_all(doc[0], agent=True)
    assert all(a.sector == "COP" for a in found)
