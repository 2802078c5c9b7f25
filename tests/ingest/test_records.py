"""JSON, JSON Lines and CSV/TSV: records with named fields, one article each."""

import json

import pytest

from eventwire.errors import UsageError
from eventwire.ingest import read_paths

NEWS_PLEASE = {
    "title": "Ports reopen after strike",
    "maintext": "Dock workers in Port Azure ended their strike on Friday.",
    "text": None,
    "date_publish": "2024-06-19 10:00:00",
    "url": "https://news.example.net/ports",
    "source_domain": "news.example.net",
}
TRAFILATURA = {
    "title": "Rail link agreed",
    "text": "Two provinces agreed to build a rail link.",
    "raw_text": "Two provinces agreed to build a rail link.",
    "date": "2024-05-02",
    "url": "https://wire.example.org/rail",
    "sitename": "Example Wire",
}


def test_json_object_and_dumps_from_other_tools(tmp_path, read):
    (tmp_path / "np.json").write_text(json.dumps(NEWS_PLEASE), encoding="utf-8")
    (tmp_path / "tf.json").write_text(json.dumps(TRAFILATURA), encoding="utf-8")
    arts, errs = read(tmp_path)
    assert not errs
    np_art, tf_art = arts
    assert (np_art.id, np_art.text, np_art.date) == (
        "np.json",
        NEWS_PLEASE["maintext"],
        "2024-06-19",
    )
    assert (np_art.title, np_art.url, np_art.source) == (
        "Ports reopen after strike",
        "https://news.example.net/ports",
        "news.example.net",
    )
    assert (tf_art.source, tf_art.date, tf_art.text) == (
        "Example Wire",
        "2024-05-02",
        TRAFILATURA["text"],
    )


def test_json_list_with_bad_items(tmp_path, read):
    items = [
        {"id": "a", "text": "Envoys met.", "source": {"id": None, "name": "Daily Example"}},
        "not an object",
        {"id": "c", "body": ""},
        {"text": "No id here.", "date": "someday 2024"},
    ]
    (tmp_path / "list.json").write_text(json.dumps(items), encoding="utf-8")
    arts, errs = read(tmp_path / "list.json")
    assert [(a.id, a.source) for a in arts] == [("a", "Daily Example")]
    reasons = {e.origin.rsplit("/", 1)[-1]: e.reason for e in errs}
    assert reasons["list.json#2"].startswith("a JSON list item must be an object")
    assert reasons["list.json#3"] == 'missing or empty "text"'
    assert "YYYY-MM-DD" in reasons["list.json#4"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{broken", "malformed JSON"),
        ("[]", "the JSON list is empty"),
        ("42", "JSON must be an object"),
    ],
)
def test_unusable_json_files(tmp_path, read, content, reason):
    (tmp_path / "bad.json").write_text(content, encoding="utf-8")
    _, errs = read(tmp_path / "bad.json")
    assert errs[0].reason.startswith(reason)


def test_jsonl_accepts_aliases_and_hashes_missing_ids(tmp_path, read):
    lines = [json.dumps(NEWS_PLEASE), json.dumps({"text": "Same text."}), "[1, 2]"]
    (tmp_path / "x.jsonl").write_text("\n".join(lines), encoding="utf-8")
    arts, errs = read(tmp_path / "x.jsonl")
    assert arts[0].text == NEWS_PLEASE["maintext"]
    assert len(arts[1].id) == 12 and arts[1].origin.endswith("x.jsonl:2")
    assert errs[0].origin.endswith("x.jsonl:3")


CSV = (
    "article_id,headline,body,published,link,outlet\n"
    'r1,Grain deal,"Freedonia agreed to ship grain, officials said.",2024-06-19,https://e.x/1,Wire\n'
    'r2,Multi-line,"First paragraph.\n\nSecond paragraph.",June 20 2024,,\n'
    ",,,,,\n"
    "r4,Empty body,,2024-06-21,,\n"
    'r5,Bad date,"Talks stalled.",06/07/2024,,\n'
)


def test_csv_with_default_names_and_row_numbers(tmp_path, read):
    (tmp_path / "news.csv").write_text(CSV, encoding="utf-8")
    arts, errs = read(tmp_path / "news.csv", columns={"id": "article_id"})
    assert [(a.id, a.title, a.date, a.url, a.source) for a in arts] == [
        ("r1", "Grain deal", "2024-06-19", "https://e.x/1", "Wire"),
        ("r2", "Multi-line", "2024-06-20", "", ""),
    ]
    assert arts[1].text == "First paragraph.\n\nSecond paragraph."
    assert arts[0].origin.endswith("news.csv:2")
    reasons = {e.origin.rsplit("/", 1)[-1]: e.reason for e in errs}
    assert reasons == {
        "news.csv:5": 'missing or empty "text"',
        "news.csv:6": "date '06/07/2024' is not YYYY-MM-DD",
    }


def test_column_mapping_tsv_and_semicolons(tmp_path, read):
    (tmp_path / "a.tsv").write_text("key\tstory\nk1\tEnvoys met in Arden.\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("key;story\nk2;Envoys met in Borla.\n", encoding="utf-8")
    arts, errs = read(tmp_path, columns={"id": "key", "text": "story"})
    assert not errs
    assert [(a.id, a.text) for a in arts] == [
        ("k1", "Envoys met in Arden."),
        ("k2", "Envoys met in Borla."),
    ]


def test_csv_header_problems_name_the_columns(tmp_path, read):
    (tmp_path / "n.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    _, errs = read(tmp_path / "n.csv")
    assert errs[0].reason.startswith("no text column") and "a, b" in errs[0].reason
    _, errs = read(tmp_path / "n.csv", columns={"text": "story"})
    assert errs[0].reason.startswith("column 'story' (for text) is not in the header")
    (tmp_path / "n.csv").write_text("text\nEmpty after this\n", encoding="utf-8")
    _, errs = read(tmp_path / "n.csv", columns={"text": "story"})
    assert "story" in errs[0].reason


def test_long_csv_fields_are_allowed(tmp_path, read):
    body = "word " * 40_000  # longer than csv's default 128 KiB field limit
    (tmp_path / "long.csv").write_text(f'text\n"{body}"\n', encoding="utf-8")
    arts, errs = read(tmp_path / "long.csv")
    assert not errs and arts[0].text == body


def test_unknown_column_field_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="author"):
        list(read_paths([str(tmp_path)], columns={"author": "byline"}))


def test_text_date_used_when_record_has_none(tmp_path, read):
    rec = {"id": "d", "text": "LIMA, 2 March 2022 - Ministers met."}
    (tmp_path / "d.jsonl").write_text(json.dumps(rec), encoding="utf-8")
    arts, _ = read(tmp_path / "d.jsonl", date="2020-01-01")
    assert arts[0].date == "2022-03-02"
