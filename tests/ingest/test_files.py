"""Finding and dispatching inputs: gzip, directories, globs, endings, stdin, formats."""

import gzip
import io
import json
import sys

import pytest

from eventwire.errors import UsageError
from eventwire.ingest import read_paths

ROW = {"id": "g1", "text": "Envoys met in Arden.", "date": "2024-01-02"}


def test_gzip_is_looked_through(tmp_path, read):
    (tmp_path / "news.jsonl.gz").write_bytes(gzip.compress(json.dumps(ROW).encode()))
    (tmp_path / "note.txt.gz").write_bytes(gzip.compress(b"Title\n\nBody text."))
    (tmp_path / "broken.csv.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (tmp_path / "plain.csv.gz").write_bytes(b"text\nnot gzipped at all\n")
    (tmp_path / "pic.png.gz").write_bytes(gzip.compress(b"x"))
    (tmp_path / "zero.txt.gz").write_bytes(gzip.compress(b""))
    arts, errs = read(tmp_path)
    assert [(a.id, a.title) for a in arts] == [("g1", ""), ("note.txt.gz", "Title")]
    reasons = {e.origin.rsplit("/", 1)[-1]: e.reason for e in errs}
    assert reasons["broken.csv.gz"] == "corrupt gzip file"
    assert reasons["plain.csv.gz"] == "corrupt gzip file"
    assert reasons["pic.png.gz"].startswith("unsupported file type '.png.gz'")
    assert reasons["zero.txt.gz"] == "empty file"


def test_gzip_limit_applies_to_the_unpacked_size(tmp_path, read):
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a " * 50_000))
    _, errs = read(tmp_path / "bomb.txt.gz", max_bytes=10_000)
    assert "10,000-byte limit" in errs[0].reason


def test_directories_are_sorted_skip_hidden_and_filter_by_glob(tmp_path, read):
    for rel in ["b.txt", "a/z.jsonl", "a/y.txt", ".hidden.txt", ".git/HEAD.txt", "a/.cache/c.txt"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(ROW) if rel.endswith(".jsonl") else "Some text.", encoding="utf-8"
        )
    arts, _ = read(tmp_path)
    assert [a.origin.split(str(tmp_path))[1] for a in arts] == [
        "/a/y.txt",
        "/a/z.jsonl:1",
        "/b.txt",
    ]
    arts, _ = read(tmp_path, glob="*.txt")
    assert [a.id for a in arts] == ["a/y.txt", "b.txt"]
    arts, _ = read(tmp_path, glob="a/*")
    assert [a.id for a in arts] == ["a/y.txt", "g1"]
    arts, _ = read(tmp_path / "b.txt", glob="*.jsonl")  # files named explicitly are always read
    assert len(arts) == 1


def test_unsupported_suffix_lists_the_supported_ones(tmp_path, read):
    (tmp_path / "report.xyz").write_text("text", encoding="utf-8")
    (tmp_path / "README").write_text("text", encoding="utf-8")
    _, errs = read(tmp_path)
    reasons = {e.origin.rsplit("/", 1)[-1]: e.reason for e in errs}
    assert reasons["report.xyz"].startswith("unsupported file type '.xyz'; use .txt")
    for ending in (".jsonl", ".csv", ".html", ".rss", ".warc", ".gz"):
        assert ending in reasons["report.xyz"]
    assert reasons["README"].startswith("unsupported file type '(none)'")


def test_input_format_overrides_the_ending(tmp_path, read):
    (tmp_path / "export.dat").write_text("body\nEnvoys met.\n", encoding="utf-8")
    arts, _ = read(tmp_path / "export.dat", input_format="csv")
    assert arts[0].text == "Envoys met."
    with pytest.raises(UsageError, match="unknown input format 'pdf'"):
        list(read_paths([str(tmp_path)], input_format="pdf"))


def _stdin(monkeypatch, data: bytes):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_stdin_text_jsonl_and_empty(monkeypatch, read):
    _stdin(monkeypatch, b"Headline\n\nBody from a pipe.")
    arts, _ = read("-")
    assert (arts[0].id, arts[0].title, arts[0].origin) == ("stdin", "Headline", "<stdin>")
    _stdin(monkeypatch, json.dumps(ROW).encode())
    arts, _ = read("-", input_format="jsonl")
    assert arts[0].id == "g1"
    _stdin(monkeypatch, b"")
    _, errs = read("-", input_format="jsonl")
    assert errs[0].reason == "empty input"


def test_stdin_legacy_encoding_and_html(monkeypatch, read):
    text = "La reunión en Bogotá terminó sin acuerdo y el ministro habló con la prensa local."
    _stdin(monkeypatch, text.encode("cp1252"))
    arts, _ = read("-")
    assert arts[0].text == text
    html = "<html><body><article><p>" + "Envoys met in Arden to talk about the river. " * 3
    _stdin(monkeypatch, (html + "</p></article></body></html>").encode())
    arts, _ = read("-", input_format="html")
    assert arts[0].id == "stdin" and "Arden" in arts[0].text
