"""Long texts are parsed and coded piece by piece; a failing article sinks only itself."""

import resource

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from eventwire import Article, Pipeline
from eventwire import nlp as nlp_module
from eventwire import pipeline as pipeline_module
from eventwire.nlp import PIECE_CHARS, Pieces, load
from eventwire.pipeline import Parse

#: The team's own sentences (not news text); most hold an event.
SENTENCES = (
    "Kenya and Ethiopia signed a trade agreement in Nairobi on Monday.",
    "Brazil recalled its ambassador from Argentina over the remarks.",
    "Officials said the weather stayed mild and the markets were calm.",
    "Norway sent humanitarian aid to Sudan after the floods.",
    "Chile accused Peru of violating its airspace near the border.",
    "The harvest was larger than expected, according to the farmers' union.",
    "Vietnam condemned China for blocking fishing boats near the Paracel Islands.",
)
RECALL = SENTENCES[1]


def long_text(chars: int) -> str:
    """Paragraphs of three to six sentences in changing order, up to ``chars``."""
    paras, n, i = [], 0, 0
    while n < chars:
        para = " ".join(SENTENCES[(i + 2 * j) % len(SENTENCES)] for j in range(3 + i % 4))
        paras.append(para)
        n += len(para) + 2
        i += 1
    return "\n\n".join(paras)


def assert_offsets_point_into(text: str, events) -> None:
    for ev in events:
        assert text[ev.evidence.start : ev.evidence.end] == ev.evidence.text
        assert text[ev.evidence.trigger_start : ev.evidence.trigger_end] == ev.evidence.trigger
        actors = ev.source + ev.target + ([ev.attribution] if ev.attribution else [])
        for actor in actors:
            if actor.start != -1:
                assert text[actor.start : actor.end] == actor.text
            else:
                assert actor.end == -1
        assert ev.id == ev.make_id()


@pytest.fixture(scope="module")
def long_article_events():
    text = long_text(4 * PIECE_CHARS + 3_000)
    pipeline = Pipeline.default(dedup=False)
    runs = [pipeline.run(Article(id="long-1", text=text, date="2024-05-06")) for _ in range(2)]
    return text, runs


def test_events_of_later_pieces_point_into_the_whole_text(long_article_events):
    text, (article, _) = long_article_events
    assert len(text) > 4 * PIECE_CHARS and article.status == "coded"
    assert_offsets_point_into(text, article.events)
    late = [e for e in article.events if e.evidence.start > 3 * PIECE_CHARS]
    assert late, "the last piece yields events"
    # every copy of the sentence is coded, with its own offsets
    recalls = [e for e in article.events if e.evidence.text == RECALL]
    assert len(recalls) == text.count(RECALL)
    assert sorted(e.evidence.start for e in recalls) == sorted(_starts(text, RECALL))
    for e in recalls:
        assert e.event_type == "SANCTION"
        assert [a.country for a in e.source] == ["BRA"]
        assert [a.country for a in e.target] == ["ARG"]


def _starts(text: str, needle: str) -> list[int]:
    out, i = [], text.find(needle)
    while i != -1:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def test_event_ids_are_unique_and_stable_across_runs(long_article_events):
    _, (first, second) = long_article_events
    ids = [e.id for e in first.events]
    assert len(ids) == len(set(ids))
    assert ids == [e.id for e in second.events]


def test_a_long_article_is_parsed_in_pieces_a_very_long_one_lazily_a_short_one_whole():
    from eventwire.pipeline import BATCHED_PIECES_CHARS

    long = Article(id="long", text=long_text(PIECE_CHARS + 500))
    longer = Article(id="longer", text=long_text(BATCHED_PIECES_CHARS + 500))
    short = Article(id="short", text=SENTENCES[0])
    Parse().pipe([long, longer, short]).__next__()  # the stage runs when asked for output
    assert isinstance(longer.doc, Pieces) and len(longer.doc) >= 10  # nothing parsed yet
    assert isinstance(short.doc, Doc)
    # pieces parsed in the batch: each Doc the text of its place
    assert isinstance(long.doc, list) and len(long.doc) >= 2
    assert [start for start, _ in long.doc] == [start for start, _ in Pieces("x", long.text)]
    assert "".join(doc.text for _, doc in long.doc) == long.text


def test_text_over_the_models_limit_is_coded(monkeypatch):
    """The >2,000,000-character case made cheap: a low limit and small pieces."""
    monkeypatch.setattr(load(), "max_length", 20_000)
    monkeypatch.setattr(nlp_module, "PIECE_CHARS", 4_000)
    text = long_text(60_000)
    with pytest.raises(ValueError, match="E088"):
        load()(text)  # what the nlp stage used to do with it
    article = Pipeline.default(dedup=False).run(Article(id="big", text=text))
    assert article.status == "coded", article.reason
    assert len(article.events) > 100
    assert_offsets_point_into(text, article.events)


@pytest.mark.slow
def test_a_folder_with_a_text_over_two_million_characters(tmp_path):
    """The issue's folder: two report.txt, two JSONL files with the same ids, a text over
    spaCy's 2,000,000-character limit, an empty file and good files. Every good article
    is stored and coded, the summary's counts are what the store holds, no traceback."""
    import json

    import duckdb
    from click.testing import CliRunner

    from eventwire.cli import main

    folder = tmp_path / "in"
    for sub, sentence in (("north", SENTENCES[0]), ("south", SENTENCES[3])):
        (folder / sub).mkdir(parents=True)
        (folder / sub / "report.txt").write_text(sentence + "\n", encoding="utf-8")
    for name, sentence in (("a.jsonl", SENTENCES[1]), ("b.jsonl", SENTENCES[4])):
        (folder / name).write_text(json.dumps({"id": "1", "text": sentence}) + "\n")
    text = long_text(2_100_000)
    assert len(text) > 2_000_000
    (folder / "long.txt").write_text(text, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    db = tmp_path / "ew.duckdb"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db), "--date", "2024-05-08"])
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert out.exit_code == 1 and "empty.txt: empty file" in out.stderr  # only that one
    assert "Traceback" not in out.output
    summary = dict(
        (k.strip(), int(v.split()[0]))
        for k, _, v in (line.partition(":") for line in out.stderr.splitlines())
        if v.strip()[:1].isdigit()
    )
    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    coded = con.execute("SELECT count(DISTINCT doc_id) FROM events").fetchone()[0]
    events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    (long_id,) = con.execute("SELECT id FROM articles WHERE ref = 'long.txt'").fetchone()
    stored_text = con.execute("SELECT text FROM articles WHERE id = ?", [long_id]).fetchone()[0]
    last = con.execute(
        "SELECT max(evidence_end) FROM events WHERE doc_id = ?", [long_id]
    ).fetchone()[0]
    con.close()
    assert summary["articles stored"] == stored == 5
    assert coded == 5 and summary["events coded"] == events
    assert stored_text == text and last > 2_000_000  # coded to its end, offsets in the file
    assert grown_mb < 1024  # it took 4.9 GB at 1.9 MB before failing


# -- one failing article ------------------------------------------------------
BOOM = "Zebracorn"


@Language.component("test_explode_on_marker")
def _explode(doc: Doc) -> Doc:
    if BOOM in doc.text:
        raise RuntimeError(f"cannot parse {BOOM}")
    return doc


@pytest.fixture
def exploding_parser():
    nlp = load()
    nlp.add_pipe("test_explode_on_marker", last=True)
    try:
        yield
    finally:
        nlp.remove_pipe("test_explode_on_marker")


def _batch(bad_text: str) -> list[Article]:
    return [
        Article(id="ok-1", text=SENTENCES[0]),
        Article(id="bad", text=bad_text),
        Article(id="ok-2", text=SENTENCES[1]),
        Article(id="ok-long", text=long_text(PIECE_CHARS + 2_000)),
        Article(id="ok-3", text=SENTENCES[3]),
    ]


def _only_bad_rejected(done: list[Article], stage: str) -> None:
    by_id = {a.id: a for a in done}
    bad = by_id.pop("bad")
    assert bad.status == "rejected"
    assert bad.reason.startswith(f"stage {stage!r} failed on document 'bad': ")
    assert "Traceback" not in bad.reason and "\n" not in bad.reason
    assert bad.doc is None and bad.events == []
    for a in by_id.values():
        assert a.status == "coded", (a.id, a.reason)
        assert a.events
        assert a.doc is None


def test_an_article_the_parser_fails_on_sinks_only_itself(exploding_parser):
    done = list(Pipeline.default(dedup=False).pipe(_batch(f"{BOOM} said {SENTENCES[4]}")))
    assert [a.id for a in done] == ["ok-1", "bad", "ok-2", "ok-long", "ok-3"]
    _only_bad_rejected(done, "nlp")
    assert f"cannot parse {BOOM}" in done[1].reason


def test_a_long_article_the_parser_fails_on_sinks_only_itself(exploding_parser):
    bad = long_text(2 * PIECE_CHARS) + f"\n\n{BOOM} said the talks went well."
    done = list(Pipeline.default(dedup=False).pipe(_batch(bad)))
    _only_bad_rejected(done, "nlp")
    assert "characters " in done[1].reason


def test_an_article_the_coder_fails_on_sinks_only_itself(monkeypatch):
    real = pipeline_module.code_doc

    def code_doc(doc, actors, lexicon, doc_id, published):
        if doc_id == "bad":
            raise KeyError("no such trigger")
        return real(doc, actors, lexicon, doc_id, published)

    monkeypatch.setattr(pipeline_module, "code_doc", code_doc)
    done = list(Pipeline.default(dedup=False).pipe(_batch(SENTENCES[4])))
    _only_bad_rejected(done, "code")
