"""Standoff gold: items that point at a page in a pages folder instead of carrying text.

The pages folder here is made up in tmp_path (own sentences); the suite never reads
../shared.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.evaluate import date_from_url, evaluate, find_pages

TEXT = (
    "France recalled its ambassador from Italy on Monday. "
    "Italian police arrested two Spanish activists in Rome."
)
PAGE_ID = "abc123"
S1 = (0, TEXT.index(" Italian"))
S2 = (TEXT.index("Italian"), len(TEXT))

EVENTS = [
    {
        "event_type": "SANCTION",
        "source": [{"country": "FRA", "sector": "GOV"}],
        "target": [{"country": "ITA", "sector": "GOV"}],
        "joint": False,
        "trigger": "recalled",
        "status": "asserted",
        "start": S1[0],
        "end": S1[1],
    },
    {
        "event_type": "COERCE",
        "source": [{"country": "ITA", "sector": "COP"}],
        "target": [{"country": "ESP", "sector": "CVL"}],
        "joint": False,
        "trigger": "arrested",
        "status": "asserted",
        "start": S2[0],
        "end": S2[1],
    },
    {  # a made-up gold event the coder cannot find, to see it in --errors
        "event_type": "AID",
        "source": [{"country": "DEU", "sector": "GOV"}],
        "target": [{"country": "ITA", "sector": "GOV"}],
        "joint": False,
        "trigger": "arrested",
        "status": "asserted",
        "start": S2[0],
        "end": S2[1],
    },
]


def make_pages(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    row = {
        "id": PAGE_ID,
        "url": "https://example.org/news/2021/03/15/france-italy",
        "file": f"html/{PAGE_ID}.html.gz",
        "article_body": TEXT,
    }
    (folder / "ground-truth.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    return folder


def write_gold(path: Path, items: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


def standoff_item() -> dict:
    return {"id": "RN-T1", "page": PAGE_ID, "date": "2021-03-15", "events": EVENTS}


def test_offsets_are_the_sentences() -> None:
    assert TEXT[S1[0] : S1[1]] == "France recalled its ambassador from Italy on Monday."
    assert TEXT[S2[0] : S2[1]].startswith("Italian police")


def test_standoff_item_scores_like_inline_text(tmp_path: Path) -> None:
    pages = make_pages(tmp_path / "pages")
    inline = {"id": "RN-T1", "text": TEXT, "date": "2021-03-15", "events": EVENTS}
    want = evaluate([inline]).to_dict()
    got = evaluate([standoff_item()], pages=pages).to_dict()
    assert got == want
    assert got["overall"]["fn"] >= 1  # the made-up AID event


def test_env_variable_and_page_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = make_pages(tmp_path / "elsewhere")
    monkeypatch.setenv("EVENTWIRE_PAGES", str(pages))
    monkeypatch.chdir(tmp_path)
    assert find_pages(None, tmp_path / "gold.jsonl") == pages
    assert date_from_url("https://example.org/news/2021/03/15/x") == "2021-03-15"
    assert date_from_url("https://example.org/stories/2019/nov/19/x/") == "2019-11-19"


def test_cli_pages_option_and_errors_show_sentence(tmp_path: Path) -> None:
    pages = make_pages(tmp_path / "pages")
    gold = write_gold(tmp_path / "gold.jsonl", [standoff_item()])
    out = CliRunner().invoke(main, ["eval", str(gold), "--pages", str(pages), "--errors"])
    assert out.exit_code == 0, out.output
    assert "missed DEU->ITA AID" in out.output
    # the evidence sentence, not the whole page
    assert "| Italian police arrested two Spanish activists in Rome." in out.output
    assert "France recalled its ambassador from Italy on Monday. Italian" not in out.output


def test_missing_pages_folder_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVENTWIRE_PAGES", raising=False)
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    gold = write_gold(tmp_path / "x" / "y" / "gold.jsonl", [standoff_item()])
    out = CliRunner().invoke(main, ["eval", str(gold)])
    assert out.exit_code == 2
    assert isinstance(out.exception, SystemExit)  # no traceback
    lines = [ln for ln in out.output.splitlines() if ln.strip()]
    assert len(lines) == 1
    assert "no pages folder" in lines[0]
    assert "ground-truth.jsonl" in lines[0] and "EVENTWIRE_PAGES" in lines[0]
    assert "shared" in lines[0] and "realnews" in lines[0]


def test_check_standoff_finds_bad_spans() -> None:
    from eventwire.evaluate import check_standoff

    pages = {PAGE_ID: {"id": PAGE_ID, "article_body": TEXT}}
    assert check_standoff([standoff_item()], pages) == []
    bad = dict(EVENTS[0], start=3, end=S1[1])  # starts inside "France"
    wrong_trigger = dict(EVENTS[1], trigger="bombed")
    item = {"id": "RN-T2", "page": PAGE_ID, "events": [bad, wrong_trigger]}
    problems = check_standoff([item], pages)
    assert {(p[0], p[1]) for p in problems} == {("RN-T2", 0), ("RN-T2", 1)}


REALNEWS_GOLD = Path(__file__).parent / "gold" / "realnews.jsonl"


def test_realnews_gold_spans_are_trigger_sentences() -> None:
    """The shipped standoff gold: checked only where the pages folder is present."""
    from eventwire.evaluate import PagesNotFound, check_standoff, load_gold, load_pages

    gold = load_gold(REALNEWS_GOLD)
    assert len(gold) >= 15 and all("text" not in g and "page" in g for g in gold)
    try:
        folder = find_pages(None, REALNEWS_GOLD)
    except PagesNotFound:
        pytest.skip("no pages folder (../shared/eval/realnews) here")
    assert check_standoff(gold, load_pages(folder)) == []
