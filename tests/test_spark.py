"""The Spark runner stores exactly what the local runner stores (``local[2]``).

Skipped, saying why, only where pyspark (``pip install 'eventwire[spark]'``) or a Java
runtime is missing; CI installs both (``.[test]`` and ``make java``).
"""

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.store import Store

needs_spark = pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None,
    reason="pyspark is not installed: pip install 'eventwire[spark]'",
)
needs_java = pytest.mark.skipif(
    shutil.which("java") is None,
    reason="no Java runtime for Spark: apt-get install default-jre-headless",
)

# Short reports written for this test; the first has a dateline, a heading glued to its
# first sentence, odd spaces and a decomposed accent, so that the clean stage's offset
# map matters.
ARTICLES = {
    "ministers.txt": (
        "Talks in Nairobi\n\n"
        "NAIROBI, Kenya (Example Wire) \u2014 Foreign ministers meetHeavy security "
        "surrounded the venue.  Kenya and Ethiopia signed a water-sharing agreement on "
        "Tuesday after two days of talks in the Kenyan capital.\n\n"
        "The Ethiopian minister, Ato Deme\u0301ke, praised Kenya for hosting the meeting."
    ),
    "border.txt": (
        "Sudanese troops attacked rebel positions near the border with Chad on Wednesday, "
        "officials in Khartoum said. Chad condemned the attack and recalled its "
        "ambassador from Sudan."
    ),
    "sanctions.txt": (
        "The European Union imposed new sanctions on Belarus on Monday over the "
        "detention of opposition figures. Belarus rejected the measures and accused the "
        "EU of meddling in its affairs."
    ),
    "visit.txt": (
        "Japanese Prime Minister Fumio Kishida visited Seoul on Sunday and met South "
        "Korean President Yoon Suk Yeol. The two leaders agreed to resume regular "
        "security talks."
    ),
    "aid.txt": (
        "Germany pledged 200 million euros in humanitarian aid to Ukraine on Thursday. "
        "The Ukrainian government thanked Berlin for its support."
    ),
    "protest.txt": (
        "Thousands of demonstrators protested in Caracas on Saturday against the "
        "government of Venezuela. Police arrested dozens of protesters, a rights group "
        "said."
    ),
    "nouvelles.txt": (
        "Le président français a rencontré le chancelier allemand à Paris mardi pour "
        "discuter de la défense européenne et du soutien à l'Ukraine."
    ),
}


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "border-copy.txt").write_text(ARTICLES["border.txt"], encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    return folder


def _stored(db: str) -> tuple[list[tuple], list[dict]]:
    with Store(db, read_only=True) as store:
        articles = sorted(
            (a["id"], a["status"], a["story_id"], a["reason"], a["n_events"], a["place"])
            for a in store.articles()
        )
        events = [e.to_dict() for e in store.events(mentions=True, status="all")]
    return articles, sorted(events, key=lambda e: e["id"])


@needs_spark
@needs_java
def test_spark_runner_stores_what_the_local_runner_stores(tmp_path):
    folder = _corpus(tmp_path)
    runner = CliRunner()
    local_db, spark_db = str(tmp_path / "local.duckdb"), str(tmp_path / "spark.duckdb")
    args = ["ingest", str(folder), "--date", "2024-03-14"]
    local = runner.invoke(main, [*args, "--db", local_db])
    spark = runner.invoke(
        main, [*args, "--db", spark_db, "--engine", "spark", "--master", "local[2]"]
    )
    assert local.exit_code == 1, local.output  # the empty file is a rejected input
    assert spark.exit_code == local.exit_code, spark.output
    assert "empty.txt: empty file" in spark.stderr

    articles, events = _stored(local_db)
    assert _stored(spark_db) == (articles, events)
    statuses = {Path(a[0]).name: a[1] for a in articles}
    # the copy read first (sorted names: "border-copy.txt") is the original
    assert (statuses["border-copy.txt"], statuses["border.txt"]) == ("coded", "duplicate")
    assert statuses["nouvelles.txt"] == "skipped"
    assert sum(s == "coded" for s in statuses.values()) == 6
    assert len(events) >= 6
    # every evidence offset points into the text as given, as the local runner's do
    with Store(spark_db, read_only=True) as store:
        for event in store.events(mentions=True, status="all"):
            text = store.article(event.doc_id).text
            ev = event.evidence
            if ev.part == "text":
                assert text[ev.start : ev.end] == ev.text

    # the Parquet beside the database: events by year and month, readable by DuckDB
    out = Path(spark_db + ".spark") / "events"
    assert (out / "year=2024" / "month=3").is_dir()
    assert all(p.name.startswith("year=") for p in out.iterdir() if p.is_dir())
    con = duckdb.connect()
    rows = con.execute(
        "SELECT count(*), count(DISTINCT id), min(year), max(month) FROM read_parquet(?, "
        "hive_partitioning = true)",
        [str(out / "*" / "*" / "*.parquet")],
    ).fetchone()
    assert rows[0] == rows[1] == len(events)
    ids = con.execute(
        "SELECT id, event FROM read_parquet(?, hive_partitioning = true)",
        [str(out / "**" / "*.parquet")],
    ).fetchall()
    assert sorted(i for i, _ in ids) == [e["id"] for e in events]
    assert {json.loads(e)["doc_id"] for _, e in ids} <= {a[0] for a in articles}


def test_spark_engine_options_need_the_engine(tmp_path):
    result = CliRunner().invoke(
        main, ["ingest", str(tmp_path), "--db", str(tmp_path / "x.duckdb"), "--master", "local"]
    )
    assert result.exit_code == 2
    assert "--engine spark" in result.stderr


def test_spark_engine_without_pyspark_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark fails
    (tmp_path / "a.txt").write_text("Chad recalled its ambassador from Sudan.", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "ingest",
            str(tmp_path / "a.txt"),
            "--db",
            str(tmp_path / "x.duckdb"),
            "--engine",
            "spark",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "pip install 'eventwire[spark]'" in result.stderr
