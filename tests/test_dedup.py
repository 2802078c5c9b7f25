"""Story deduplication: exact and reworded copies, within a run and across runs."""

import itertools
import json
import re
from pathlib import Path

import duckdb
import pytest

import eventwire
from eventwire import Settings
from eventwire.clean import Clean
from eventwire.dedup import (
    MAX_ANCHOR_CHARS,
    THRESHOLD,
    Anchors,
    Dedup,
    anchors,
    content_hash,
    signature,
)
from eventwire.models import Article
from eventwire.runners.local import ingest

ORIGINAL = (
    "Kenya and Somalia agreed on Tuesday to reopen their shared border after a two-year "
    "closure, officials from both governments said at a joint news conference in Nairobi. "
    "The deal allows traders and families to cross at three points and sets up a joint "
    "security committee to watch for militants. Somali ministers said the reopening would "
    "help farmers sell livestock in Kenyan markets, while Kenyan officials promised more "
    "patrols along the frontier to reassure residents who feared new attacks."
)
REWORDED = (
    "Somalia and Kenya agreed on Tuesday to reopen their shared frontier after a two-year "
    "closure, officials from both governments told a joint news conference in Nairobi. "
    "The agreement lets traders and families cross at three points and sets up a joint "
    "security committee to watch for armed militants. Somali ministers said the reopening "
    "would help herders sell livestock in Kenyan markets, while Kenyan officials pledged more "
    "patrols along the border to reassure residents who feared fresh attacks."
)
OTHER = (
    "Heavy rain flooded the lower districts of the capital on Monday, forcing schools to "
    "close and cutting power to thousands of homes. Forecasters expect the storms to ease by "
    "the weekend, but warned that rivers upstream were still rising after a week of rain "
    "across the highlands, and asked farmers near the banks to move their animals to higher "
    "ground until the water begins to fall again."
)


def test_reworded_copy_joins_the_original_story():
    d = Dedup()
    a = d(Article(id="a", text=ORIGINAL))
    b = d(Article(id="b", text=REWORDED))
    c = d(Article(id="c", text=OTHER))
    assert (a.status, a.story_id) == ("new", "a")
    assert b.status == "duplicate" and b.story_id == "a" and "reworded copy of a" in b.reason
    assert (c.status, c.story_id) == ("new", "c")


def test_exact_copy_with_other_spacing_is_the_same_text():
    assert content_hash("Talks  resumed.\n") == content_hash("talks resumed.")


def test_reworded_copy_in_a_later_run_joins_the_stored_story(tmp_path):
    db = tmp_path / "s.duckdb"
    first = tmp_path / "one.txt"
    first.write_text(ORIGINAL, encoding="utf-8")
    second = tmp_path / "two.txt"
    second.write_text(REWORDED, encoding="utf-8")
    ingest([str(first)], Settings(db=str(db), date="2024-05-07"))
    summary = ingest([str(second)], Settings(db=str(db), date="2024-05-07"))
    assert summary.duplicates == 1
    rows = _stories(db)
    assert {Path(k).name: Path(v).name for k, v in rows.items()} == {
        "one.txt": "one.txt",
        "two.txt": "one.txt",
    }
    assert _events(db, "one.txt") > 0
    assert _events(db, "two.txt") == 0  # the copy is not counted twice


def _stories(db) -> dict[str, str]:
    """Stored article id -> story id."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("SELECT id, story_id FROM articles").fetchall())
    finally:
        con.close()


def _events(db, name: str) -> int:
    """How many events are stored for the article read from the file ``name``."""
    (article_id,) = [k for k in _stories(db) if Path(k).name == name]
    con = duckdb.connect(str(db), read_only=True)
    try:
        sql = "SELECT count(*) FROM events WHERE doc_id = ?"
        return con.execute(sql, [article_id]).fetchone()[0]
    finally:
        con.close()


def test_rerun_over_copies_stores_nothing_new(tmp_path):
    db = tmp_path / "s.duckdb"
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text(ORIGINAL, encoding="utf-8")
    (folder / "b.txt").write_text(ORIGINAL, encoding="utf-8")  # an exact copy
    (folder / "c.txt").write_text(REWORDED, encoding="utf-8")  # a reworded copy
    settings = Settings(db=str(db), date="2024-05-07")
    first = ingest([str(folder)], settings)
    assert (first.stored, first.duplicates) == (3, 2)
    again = ingest([str(folder)], settings)
    assert (again.stored, again.duplicates, again.unchanged) == (0, 0, 3)


# --- anchors: names and numbers tell a copy from another story on the same template ----

#: Short briefs written from one template: they share most word pairs but not their story.
TEMPLATE = (
    "{a} and {b} signed a trade agreement on {day}, the foreign ministry in {capital} said. "
    "The agreement cuts tariffs on {goods} goods, from farm produce to machine parts, and "
    "removes import quotas on textiles over the next {years} years. Officials said trade "
    "between the two countries reached ${value} million last year and could double by {year}. "
    "Business groups in both countries welcomed the deal, while farmers' unions warned that "
    "cheaper imports could hurt small growers. The agreement still needs the approval of both "
    "parliaments, which are expected to vote on it before the end of the year."
)
BRIEFS = [
    TEMPLATE.format(a=a, b=b, day=day, capital=capital, goods=g, years=y, value=v, year=yr)
    for a, b, day, capital, g, y, v, yr in [
        ("Chile", "Peru", "Monday", "Santiago", 40, 5, 850, 2030),
        ("Ghana", "Togo", "Monday", "Accra", 40, 5, 850, 2030),  # other countries
        ("Chile", "Bolivia", "Monday", "Santiago", 40, 5, 850, 2030),  # one other country
        ("Ghana", "Togo", "Monday", "Accra", 65, 3, "1,200", 2028),  # other figures
        ("Vietnam", "Laos", "Tuesday", "Hanoi", 120, 10, "2,400", 2035),
        ("Kenya", "Uganda", "Monday", "Nairobi", 40, 5, 850, 2030),
        ("Norway", "Iceland", "Wednesday", "Oslo", 75, 4, 600, 2029),
        ("Peru", "Chile", "Monday", "Lima", 55, 6, 900, 2031),  # the same two, other figures
        ("Morocco", "Senegal", "Monday", "Rabat", 40, 5, 850, 2030),
        ("Jordan", "Iraq", "Thursday", "Amman", 30, 2, 410, 2027),
    ]
]
#: The first brief reworded: sentences reordered and rephrased, same names and numbers.
BRIEF_REWORDED = (
    "Peru and Chile have signed a trade agreement, the foreign ministry in Santiago said on "
    "Monday. The agreement removes import quotas on textiles over the next 5 years and cuts "
    "tariffs on 40 goods, from farm produce to machine parts. Trade between the two countries "
    "reached $850 million last year and could double by 2030, officials said. Farmers' unions "
    "warned that cheaper imports could hurt small growers, while business groups in both "
    "countries welcomed the deal. Both parliaments still need to approve the agreement and are "
    "expected to vote on it before the end of the year."
)
STRIKE = (
    "Workers at the Portside container terminal in Mombasa ended a nine-day strike on "
    "Thursday after the port authority agreed to raise wages by 12 percent, union leaders "
    "said. The walkout had left more than 40 ships waiting offshore and delayed deliveries of "
    "fuel and grain to Uganda and Rwanda. Under the deal, about 3,500 dockworkers will also "
    "receive a one-off payment of 20,000 shillings, and the authority promised to hire 600 "
    "permanent staff by March. Transport minister Daniel Otieno said the agreement would let "
    "the port clear its backlog within two weeks. Shipping agents welcomed the end of the "
    "strike but warned that freight charges could stay high until the queue of vessels was "
    "cleared."
)
STRIKE_REWORDED = (  # sentences reordered, synonyms, the same names and numbers
    "Dockworkers at Mombasa's Portside container terminal returned to work on Thursday, "
    "ending a nine-day strike, after the port authority agreed to a 12 percent pay rise, "
    "according to union leaders. Transport minister Daniel Otieno said the deal would allow "
    "the port to clear its backlog within two weeks. The stoppage had left more than 40 ships "
    "waiting offshore and held up shipments of fuel and grain to Uganda and Rwanda. About "
    "3,500 dockworkers will also get a one-off payment of 20,000 shillings under the "
    "agreement, and the authority pledged to hire 600 permanent staff by March. Shipping "
    "agents welcomed the end of the strike but cautioned that freight costs could remain high "
    "until the queue of vessels was cleared."
)
STRIKE_OTHER_FIGURES = (  # the same words about another strike: other days, pay and staff
    STRIKE.replace("nine-day", "five-day")
    .replace("12 percent", "8 percent")
    .replace("3,500", "2,000")
    .replace("20,000", "15,000")
    .replace("600", "250")
)
REASON = re.compile(r"^reworded copy of (\S+) \(similarity \d\.\d\d\)$")


def test_word_pairs_alone_would_join_the_template_briefs():
    """The briefs are the hard case: every pair shares far more word pairs than THRESHOLD."""
    sigs = [signature(t) for t in BRIEFS]
    assert all(s is not None for s in sigs)
    assert min(a.jaccard(b) for a, b in itertools.combinations(sigs, 2)) > THRESHOLD


def test_template_briefs_about_other_countries_or_figures_are_not_copies():
    d = Dedup()
    out = [d(Article(id=f"brief-{i}", text=t)) for i, t in enumerate(BRIEFS)]
    assert [(a.status, a.story_id) for a in out] == [("new", a.id) for a in out]


def test_reworded_template_brief_joins_its_own_story_and_no_other():
    d = Dedup()
    for i, t in enumerate(BRIEFS):
        d(Article(id=f"brief-{i}", text=t))
    copy = d(Article(id="copy", text=BRIEF_REWORDED))
    assert (copy.status, copy.story_id) == ("duplicate", "brief-0")
    assert REASON.match(copy.reason).group(1) == "brief-0"


def test_reworded_copy_with_reordered_sentences_and_synonyms_is_a_copy():
    d = Dedup()
    first = d(Article(id="a", text=STRIKE))
    copy = d(Article(id="b", text=STRIKE_REWORDED))
    exact = d(Article(id="c", text=STRIKE + "\n"))
    other = d(Article(id="d", text=STRIKE_OTHER_FIGURES))
    assert (first.status, first.story_id) == ("new", "a")
    assert (copy.status, copy.story_id) == ("duplicate", "a")
    assert REASON.match(copy.reason).group(1) == "a"
    assert (exact.status, exact.story_id, exact.reason) == ("duplicate", "a", "same text as a")
    assert (other.status, other.story_id) == ("new", "d")  # same words, other figures


def test_short_texts_are_only_matched_exactly():
    short = "Chile and Peru signed a trade agreement on Monday, the foreign ministry said."
    d = Dedup()
    a = d(Article(id="a", text=short))
    b = d(Article(id="b", text=short.replace("Monday", "Tuesday")))
    c = d(Article(id="c", text=short))
    assert (a.status, a.minhash, b.status) == ("new", None, "new")
    assert (c.status, c.story_id) == ("duplicate", "a")


def test_anchors_are_names_and_numbers():
    marks = anchors(
        "NAIROBI, Kenya (Example Wire) — The United States and Kenya's government agreed on "
        "Tuesday to lend $1.2 billion, officials said. Heavy rain had cut 12,000 homes off. "
        "American diplomats said the deal, worth 3 percent of the budget, ends in 2026. "
        "President Joe Biden welcomed it; Biden spoke to Kenyan President William Ruto."
    )
    # the lead: the first sentences up to 25 words, after the dateline (not the story's)
    assert marks.lead == ("USA", "KEN", "tuesday", "1.2bn", "12000", "3%", "2026")
    assert marks.rest == ("president_joe_biden", "biden", "president_william_ruto")
    assert "heavy" not in marks.all  # a word opening a sentence is not a name


def test_anchors_round_trip_and_are_capped():
    marks = anchors(STRIKE)
    assert Anchors.loads(marks.dumps()) == marks
    assert Anchors.loads("") is None and Anchors.loads(None) is None  # stored by older versions
    assert Anchors.loads(anchors("no names here at all").dumps()) == Anchors((), ())
    names = ["".join(p).title() for p in itertools.product("bdkmt", "aeiou", "lnr", "aio")]
    many = " ".join(f"Officials met Minister {n} on the way to {n}ville." for n in names)
    text = anchors(many).dumps()
    assert len(many) > 10 * MAX_ANCHOR_CHARS
    assert len(text) <= MAX_ANCHOR_CHARS
    kept = Anchors.loads(text)
    assert kept.lead == (
        "minister_bala",
        "balaville",
        "minister_bali",
        "baliville",
        "minister_balo",
        "baloville",
    )
    assert kept.rest[:2] == ("minister_bana", "banaville")  # the story's end is dropped first
    assert "minister_tuno" not in kept.all


def _stored(text: str, article_id: str = "brief-0") -> tuple[str, str, bytes, str]:
    """What the store keeps of a story after one run: the signature row with anchors."""
    a = Dedup()(Article(id=article_id, text=text))
    assert a.minhash and a.anchors
    return (a.id, a.story_id, a.minhash, a.anchors)


def test_stored_anchors_decide_in_a_later_run():
    row = _stored(BRIEFS[0])
    d = Dedup({content_hash(BRIEFS[0]): "brief-0"}, [row])
    other = d(Article(id="brief-1", text=BRIEFS[1]))
    copy = d(Article(id="copy", text=BRIEF_REWORDED))
    assert (other.status, other.story_id) == ("new", "brief-1")
    assert (copy.status, copy.story_id) == ("duplicate", "brief-0")


@pytest.mark.parametrize("old", ["three-tuple", None, ""])
def test_story_stored_without_anchors_is_judged_on_word_pairs(old):
    article_id, story_id, blob, _ = _stored(BRIEFS[0])
    row = (article_id, story_id, blob) + (() if old == "three-tuple" else (old,))
    d = Dedup(signatures=[row])
    copy = d(Article(id="copy", text=BRIEF_REWORDED))
    assert (copy.status, copy.story_id) == ("duplicate", "brief-0")
    # without its anchors, the stored brief still takes in a brief on the same template, as
    # before anchors existed; briefs of this run are told apart from one another
    other = d(Article(id="brief-1", text=BRIEFS[1]))
    third = d(Article(id="brief-2", text=BRIEFS[5]))
    assert (other.status, other.story_id) == ("duplicate", "brief-0")
    assert (third.status, third.story_id) == ("duplicate", "brief-0")


def test_sample_corpus_has_exactly_its_two_known_copies():
    path = Path(eventwire.__file__).parent / "data" / "sample" / "articles.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    clean, dedup = Clean(), Dedup()
    out = [dedup(clean(Article(id=r["id"], text=r["text"]))) for r in records]
    copies = {a.id: (a.story_id, a.reason) for a in out if a.status == "duplicate"}
    assert set(copies) == {"sample-025", "sample-026"}
    assert copies["sample-025"] == ("sample-008", "same text as sample-008")
    assert copies["sample-026"][0] == "sample-005"
    assert REASON.match(copies["sample-026"][1]).group(1) == "sample-005"


def test_template_briefs_in_a_later_run_are_told_apart_by_stored_anchors(tmp_path):
    db = tmp_path / "s.duckdb"
    settings = Settings(db=str(db), date="2024-05-07")
    (tmp_path / "chile.txt").write_text(BRIEFS[0], encoding="utf-8")
    (tmp_path / "ghana.txt").write_text(BRIEFS[1], encoding="utf-8")
    (tmp_path / "copy.txt").write_text(BRIEF_REWORDED, encoding="utf-8")
    ingest([str(tmp_path / "chile.txt")], settings)
    later = ingest([str(tmp_path / "ghana.txt"), str(tmp_path / "copy.txt")], settings)
    assert later.duplicates == 1
    stories = {Path(k).name: Path(v).name for k, v in _stories(db).items()}
    assert stories == {"chile.txt": "chile.txt", "ghana.txt": "ghana.txt", "copy.txt": "chile.txt"}
    assert _events(db, "ghana.txt") > 0 and _events(db, "copy.txt") == 0


def test_a_stored_signature_judges_as_the_live_one_did():
    """Signatures read back from the store (values only) give the similarity the MinHash
    made in this run gives."""
    live = Dedup()
    live(Article(id="brief-0", text=BRIEFS[0]))
    from_store = Dedup(signatures=[_stored(BRIEFS[0])])
    a = live(Article(id="copy", text=BRIEF_REWORDED))
    b = from_store(Article(id="copy", text=BRIEF_REWORDED))
    assert a.status == b.status == "duplicate"
    assert a.reason == b.reason and REASON.match(a.reason)
    assert from_store.minhashes["brief-0"].jaccard(live.minhashes["brief-0"]) == 1.0
