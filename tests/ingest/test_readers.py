import gzip
import json

from eventwire.errors import InputError
from eventwire.ingest import read_paths
from eventwire.models import Article


def _split(items):
    arts = [i for i in items if isinstance(i, Article)]
    errs = [i for i in items if isinstance(i, InputError)]
    return arts, errs


def test_directory_with_good_and_bad_files(tmp_path):
    (tmp_path / "a.txt").write_text("Kenya and Uganda signed a border accord.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.jsonl").write_text(
        json.dumps({"id": "b1", "text": "Chad closed its border.", "date": "2023-02-01"})
        + "\n"
        + "{not json\n"
        + json.dumps({"id": "b3", "text": ""})
        + "\n"
        + json.dumps({"id": "b4", "text": "Peru recalled its envoy.", "date": "March"})
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Bogot\xe1 talks".encode("latin-1"))
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "photo.png").write_bytes(gzip.compress(b"x"))

    arts, errs = _split(list(read_paths([str(tmp_path)])))
    assert sorted(a.id for a in arts) == ["a.txt", "b1"]
    reasons = {e.origin.rsplit("/", 1)[-1]: e.reason for e in errs}
    assert reasons["b.jsonl:2"].startswith("malformed JSON")
    assert "text" in reasons["b.jsonl:3"]
    assert "YYYY-MM-DD" in reasons["b.jsonl:4"]
    assert reasons["empty.txt"] == "empty file"
    assert "UTF-8" in reasons["latin1.txt"]
    assert "binary" in reasons["blob.txt"]
    assert "unsupported" in reasons["photo.png"]


def test_missing_path_is_named(tmp_path):
    _, errs = _split(list(read_paths([str(tmp_path / "nope.txt")])))
    assert errs and "no such file" in errs[0].reason


def test_oversized_file_is_rejected_with_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000, encoding="utf-8")
    _, errs = _split(list(read_paths([str(big)], max_bytes=100)))
    assert "limit" in errs[0].reason


def test_default_date_applies_only_when_input_has_none(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text(
        json.dumps({"id": "1", "text": "t"})
        + "\n"
        + json.dumps({"id": "2", "text": "t", "date": "2020-05-05"}),
        encoding="utf-8",
    )
    arts, _ = _split(list(read_paths([str(f)], date="2021-01-01")))
    assert [a.date for a in arts] == ["2021-01-01", "2020-05-05"]
