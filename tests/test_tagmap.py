"""The TagMap stands in for the model's attribute ruler and lemmatizer: same annotations."""

from __future__ import annotations

import spacy

from eventwire import nlp, tagmap
from eventwire.bench_corpus import articles

#: Our own sentences, with the word exceptions the ruler's two-token and regex rules are for.
TEXTS = [
    "Y'all gonna see it, c'mon. Ain't nobody there, nothin' left. Let's go, I gotta leave.",
    "There is a checkpoint. There's a second one and there were more. It is what it is.",
    "He doesn't know whether the talks will resume, but she said they'd have met if asked.",
    "  \n\n  The ministers of Chad and Niger met on Monday.\n\nPolice arrested 12 people.  ",
    "Ukraine's forces shelled positions near the border; Russia denied it, the army said.",
    "",
    "\u200b\u00a0",
    "WASHINGTON (Wire) -- U.S. officials aren't saying much; I'm told it's gotten worse.",
]


def _annotations(doc: spacy.tokens.Doc) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def test_same_annotations_as_the_stock_ruler_and_lemmatizer() -> None:
    stock = spacy.load(nlp.MODEL, exclude=list(nlp.EXCLUDE))
    fast = spacy.load(nlp.MODEL, exclude=list(nlp.EXCLUDE))
    assert tagmap.install(fast)
    assert "eventwire_tagmap" in fast.pipe_names
    assert "attribute_ruler" not in fast.pipe_names and "lemmatizer" not in fast.pipe_names
    texts = TEXTS + [a["text"] for a in articles(6)]
    for a, b in zip(stock.pipe(texts), fast.pipe(texts), strict=True):
        assert _annotations(a) == _annotations(b)
    # every rule of the model was understood: the tag map, word exceptions, two-token rules
    tm = fast.get_pipe("eventwire_tagmap")
    assert len(tm.rules) == len(stock.get_pipe("attribute_ruler").attrs)
    assert any(len(pattern) == 2 for _, pattern in tm.others)


def test_the_project_pipeline_uses_it() -> None:
    names = nlp.load().pipe_names
    assert "eventwire_tagmap" in names and "attribute_ruler" not in names


def test_a_pipeline_without_the_pair_is_left_alone() -> None:
    bare = spacy.blank("en")
    assert not tagmap.install(bare)
    assert bare.pipe_names == []
