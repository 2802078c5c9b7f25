"""Only English is coded: other languages are stored as skipped, with the language named."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.language import Language, language
from eventwire.models import Article
from eventwire.pipeline import Pipeline

GOLD = Path(__file__).parent / "gold"

#: The team's own sentences in other languages (each says roughly: "the two ministers
#: signed a border agreement in the capital on Monday, the government said").
FOREIGN = {
    "fr": "Les deux ministres ont signé lundi un accord sur la frontière dans la capitale, "
    "a indiqué le gouvernement dans un communiqué.",
    "de": "Die beiden Minister haben am Montag in der Hauptstadt ein Grenzabkommen "
    "unterzeichnet, teilte die Regierung mit.",
    "es": "Los dos ministros firmaron el lunes un acuerdo fronterizo en la capital, según "
    "informó el gobierno en un comunicado.",
    "pt": "Os dois ministros assinaram na segunda-feira um acordo de fronteira na capital, "
    "informou o governo em comunicado.",
}


@pytest.mark.parametrize("code", sorted(FOREIGN))
def test_a_text_in_another_language_is_skipped_and_named(code):
    article = Pipeline.default(dedup=False).run(Article(id=code, text=FOREIGN[code]))
    assert article.status == "skipped"
    assert f"'{code}'" in article.reason and "only English is coded" in article.reason
    assert article.events == []


def test_english_gold_is_never_skipped():
    texts = [
        json.loads(line)["text"]
        for name in ("sentences.jsonl", "articles.jsonl")
        for line in (GOLD / name).read_text(encoding="utf-8").splitlines()
    ]
    stage = Language()
    skipped = [t for t in texts if stage(Article(id="x", text=t, clean=t)).status == "skipped"]
    assert skipped == []


@pytest.mark.parametrize(
    "text", ["Somalia severs ties with Kenya", "police in lagos arrested 30 students on tuesday"]
)
def test_short_and_lower_cased_english_stays_english(text):
    assert language(text)[0] == "en"
    assert Language()(Article(id="x", text=text, clean=text)).status == "new"


def test_ingest_stores_a_foreign_article_as_skipped(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "fr.txt").write_text(FOREIGN["fr"], encoding="utf-8")
    (tmp_path / "in" / "en.txt").write_text(
        "Kenya and Ethiopia signed a border agreement in Nairobi on Monday.", encoding="utf-8"
    )
    db = tmp_path / "ew.duckdb"
    out = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--db", str(db)])
    assert out.exit_code == 0, out.output
    assert "skipped:            1" in out.stderr
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT ref, status, n_events FROM articles ORDER BY ref").fetchall()
    con.close()
    assert rows[0][:2] == ("en.txt", "coded") and rows[0][2] > 0
    assert rows[1] == ("fr.txt", "skipped", 0)
    listed = CliRunner().invoke(main, ["articles", "--db", str(db), "--status", "skipped"])
    assert "fr.txt" in listed.stdout and "'fr'" in listed.stdout
    again = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--db", str(db)])
    assert "already stored:     2" in again.stderr
