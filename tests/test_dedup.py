"""Story deduplication: exact and reworded copies, within a run and across runs."""

import duckdb

from eventwire import Settings
from eventwire.dedup import Dedup, content_hash
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
    con = duckdb.connect(str(db), read_only=True)
    rows = dict(con.execute("SELECT id, story_id FROM articles").fetchall())
    events = con.execute("SELECT count(*) FROM events WHERE doc_id = 'two.txt'").fetchone()[0]
    con.close()
    assert rows == {"one.txt": "one.txt", "two.txt": "one.txt"}
    assert events == 0  # the copy is not counted twice


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
