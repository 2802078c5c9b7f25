"""nlp.py: splitting long texts into pieces, the lazy piece parser, line breaks."""

import random

import pytest

import eventwire
from eventwire.nlp import PIECE_CHARS, Pieces, load, split_text


def _check(text, size):
    pieces = split_text(text, size)
    assert "".join(text[s:e] for s, e in pieces) == text
    assert all(0 < e - s <= size for s, e in pieces)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:], strict=False))
    if pieces:
        assert (pieces[0][0], pieces[-1][1]) == (0, len(text))
    return pieces


def test_short_text_is_one_piece():
    text = "Kenya and Ethiopia signed a trade agreement in Nairobi on Monday.\n\nMore."
    assert split_text(text) == [(0, len(text))]
    assert split_text("") == []
    assert PIECE_CHARS >= 10_000  # articles of ordinary length stay one Doc


def test_pieces_never_exceed_the_size_and_map_back_exactly():
    rng = random.Random(7)
    alphabet = ["a", "b", " ", ".", "\n\n", "\n", "A", "?", '"', "”", "  ", "\t"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        _check(text, rng.randint(1, 60))


def test_cuts_prefer_paragraphs_then_sentences_then_spaces_then_a_hard_cut():
    para = "Chile accused Peru. Brazil recalled its envoy.\n\nNorway sent aid."
    assert split_text(para, 55) == [(0, para.index("Norway")), (para.index("Norway"), len(para))]
    sent = "Chile accused Peru. Brazil recalled its envoy. Norway sent aid."
    cut = split_text(sent, 50)[0][1]
    assert sent[:cut] == "Chile accused Peru. Brazil recalled its envoy. "
    words = "chile accused peru brazil recalled its envoy norway sent aid"
    cut = split_text(words, 30)[0][1]
    assert words[:cut] == "chile accused peru brazil "
    assert split_text("x" * 25, 10) == [(0, 10), (10, 20), (20, 25)]


def test_a_3_million_character_paragraph_without_breaks_is_split():
    text = ("Kenya and Ethiopia signed a trade agreement in Nairobi on Monday " * 46_200)[
        :3_000_000
    ]
    assert "." not in text and "\n" not in text and len(text) == 3_000_000
    pieces = _check(text, PIECE_CHARS)
    assert len(pieces) >= 300
    assert all(text[e - 1] == " " for _, e in pieces[:-1])  # cut at whitespace, not in words


def test_a_3_million_character_text_without_spaces_is_split():
    text = "KenyaEthiopiaTrade" * 166_667
    assert len(text) > 3_000_000
    pieces = _check(text, PIECE_CHARS)
    assert len(pieces) == -(-len(text) // PIECE_CHARS)


def test_pieces_parse_lazily_one_piece_at_a_time():
    calls = []

    def fake_nlp(text):
        calls.append(text)
        return text

    text = "Chile accused Peru. " * 200
    pieces = Pieces("doc", text, 300, fake_nlp)
    assert calls == []  # nothing is parsed before it is asked for
    it = iter(pieces)
    offset, doc = next(it)
    assert (offset, len(calls)) == (0, 1)
    rest = list(it)
    assert [o for o, _ in [(offset, doc), *rest]] == [s for s, _ in split_text(text, 300)]
    assert "".join([doc] + [d for _, d in rest]) == text


def test_a_piece_the_parser_fails_on_names_the_stage_and_where():
    def broken(text):
        raise ValueError("bad piece")

    with pytest.raises(eventwire.StageError, match=r"'nlp'.*'doc-9'.*characters 0-280: bad piece"):
        list(Pieces("doc-9", "Chile accused Peru. " * 40, 300, broken))


# -- line breaks end sentences -------------------------------------------------
HEADING_BODY = "Russia and North Korea signed a defence pact on Wednesday."


@pytest.mark.parametrize("sep", ["\n\n", "\n"])
def test_a_heading_is_its_own_sentence_and_keeps_the_next_subject(sep):
    doc = load()(f"Pact signed{sep}{HEADING_BODY}")
    assert [s.text for s in doc.sents] == [f"Pact signed{sep}", HEADING_BODY]


@pytest.mark.parametrize("sep", ["\n\n", "\n"])
def test_heading_does_not_lose_a_side(sep):
    events = eventwire.code(f"Pact signed{sep}{HEADING_BODY}", date="2024-06-20")
    pact = [e for e in events if e.event_type == "SUPPORT"]
    assert pact, events
    assert {a.country for a in pact[0].source} == {"RUS", "PRK"}
    assert pact[0].evidence.text == HEADING_BODY


def test_sentences_still_end_inside_a_line_and_after_a_paragraph_without_full_stop():
    doc = load()(
        "Kenya signed a deal. Ethiopia agreed to it.\n\nTalks end\n"
        'Chile accused Peru. "We will respond," Lima said.'
    )
    sents = [s.text.strip() for s in doc.sents]
    assert sents == [
        "Kenya signed a deal.",
        "Ethiopia agreed to it.",
        "Talks end",
        "Chile accused Peru.",
        '"We will respond," Lima said.',
    ]


# -- matrix products through numpy's BLAS (nlp.numpy_products) -------------------------


def _annotations(doc):
    return [
        (t.tag_, t.pos_, t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.is_sent_start)
        for t in doc
    ]


def test_the_model_multiplies_with_numpy_on_one_blas_thread():
    from threadpoolctl import threadpool_info

    nlp = load()
    layers = [
        layer
        for _, component in nlp.pipeline
        if hasattr(getattr(component, "model", None), "walk")
        for layer in component.model.walk()
    ]
    assert len(layers) > 50
    assert all(layer.ops.use_blis is False for layer in layers)
    # numpy's own BLAS (scipy, when something loaded it later, brings another that the
    # model's products never use)
    blas = [
        pool
        for pool in threadpool_info()
        if pool["user_api"] == "blas" and "numpy" in pool["filepath"].replace("\\", "/")
    ]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)


def test_numpy_products_give_the_annotations_of_blis():
    """The team's gold texts and generated articles parsed both ways: every tag, lemma,
    arc, entity and sentence start the same (a product that flipped a decision would show)."""
    import json
    from pathlib import Path

    from thinc.api import NumpyOps

    from eventwire import bench_corpus
    from eventwire.nlp import use_ops

    gold = Path(__file__).parent / "gold"
    texts = [
        json.loads(line)["text"]
        for name in ("articles.jsonl", "sentences.jsonl")
        for line in (gold / name).open(encoding="utf-8")
    ]
    texts += [r["text"] for r in bench_corpus.articles(10)]
    nlp = load()
    fast = [_annotations(d) for d in nlp.pipe(texts)]
    use_ops(nlp, NumpyOps())  # thinc's default: blis
    try:
        slow = [_annotations(d) for d in nlp.pipe(texts)]
    finally:
        use_ops(nlp, NumpyOps(use_blis=False))
    assert sum(map(len, fast)) > 10_000
    assert fast == slow


def test_eventwire_gemm_blis_keeps_thinc_s_products(monkeypatch):
    import spacy
    from thinc.api import NumpyOps

    from eventwire.nlp import EXCLUDE, MODEL, numpy_products

    nlp = spacy.load(MODEL, exclude=[*EXCLUDE, "ner", "parser", "lemmatizer"])
    monkeypatch.setenv("EVENTWIRE_GEMM", "blis")
    assert numpy_products(nlp) is False
    layers = list(nlp.get_pipe("tok2vec").model.walk())
    assert all(not isinstance(layer.ops, NumpyOps) or layer.ops.use_blis for layer in layers)
    monkeypatch.setenv("EVENTWIRE_GEMM", "numpy")
    assert numpy_products(nlp) is True
    assert all(layer.ops.use_blis is False for layer in nlp.get_pipe("tok2vec").model.walk())
