"""The knowledge-base matcher: the shipped forms' precomputed tokens are spaCy's, and every
form is found wherever it stands, the end of a text included."""

import eventwire
from eventwire.actors import matching
from eventwire.actors.kb import shipped
from eventwire.nlp import load


def test_shipped_forms_are_split_as_the_tokenizer_splits_them():
    surfaces = sorted(shipped().surfaces)
    tokenizer = load().tokenizer
    live = {
        s: tuple(t.text for t in doc)
        for s, doc in zip(surfaces, tokenizer.pipe(surfaces), strict=True)
    }
    stored = matching._shipped_tokens()
    assert stored == live, "stale kb/forms.tsv.gz: rebuild with python -m eventwire.actors.matching"


def test_a_form_that_begins_a_longer_form_is_found_at_the_very_end():
    # "US" begins "US Congress"; spaCy's PhraseMatcher reported a span past the end here
    for text in ("Beijing accused the US", "Iran has accused the US", "Cuba protested to the US"):
        events = eventwire.code(text, date="2024-06-19")
        assert any(t.country == "USA" for e in events for t in e.target), text


def test_the_matcher_finds_overlapping_forms_and_lower_case_user_forms():
    nlp = load()
    doc = nlp.make_doc("The US Congress met the US envoy")
    m = matching.FormMatcher({("US",): "a", ("US", "Congress"): "b"})
    assert sorted(m(doc)) == [("a", 1, 2), ("a", 5, 6), ("b", 1, 3)]
    lower = matching.FormMatcher({("sahel", "front"): "u"}, lower=True)
    assert lower(nlp.make_doc("The Sahel Front attacked")) == [("u", 1, 3)]
