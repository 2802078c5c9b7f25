"""Sanity checks for the curated people knowledge base (kb/people.tsv).

Plain stdlib + pytest; does not import eventwire.
"""

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import pytest

PEOPLE = Path(__file__).resolve().parents[2] / "src" / "eventwire" / "actors" / "kb" / "people.tsv"
HEADER = ["name", "aliases", "country", "sector", "role", "start", "end"]
SECTORS = {"GOV", "MIL", "REB", "OPP", "JUD", "LEG"}
COUNTRY_RE = re.compile(r"^[A-Z]{3}$")


def _lines():
    raw = PEOPLE.read_bytes()
    text = raw.decode("utf-8")
    assert "\r" not in text, "file must use LF line endings"
    return text.split("\n")


def _rows():
    lines = _lines()
    out = []
    for lineno, line in enumerate(lines[1:], start=2):
        if line == "":
            continue
        out.append((lineno, line.split("\t")))
    return out


def _date(s):
    return dt.date.fromisoformat(s)


def test_file_exists_and_header_exact():
    assert PEOPLE.is_file()
    lines = _lines()
    assert lines[0] == "\t".join(HEADER)
    assert lines[-1] == "", "file must end with a newline"
    assert all(line != "" for line in lines[1:-1]), "no blank lines inside"


def test_rows_have_seven_cells_and_no_quoting():
    for lineno, cells in _rows():
        assert len(cells) == len(HEADER), f"line {lineno}: {cells!r}"
        for c in cells:
            assert c == c.strip(), f"line {lineno}: stray whitespace in {c!r}"
            assert '"' not in c, f"line {lineno}: quote in {c!r}"


def test_name_and_role_present():
    for lineno, cells in _rows():
        name, aliases, _, _, role, _, _ = cells
        assert name, f"line {lineno}: empty name"
        assert role and role == role.lower(), f"line {lineno}: bad role {role!r}"
        if aliases:
            parts = aliases.split("|")
            assert all(p.strip() == p and p for p in parts), f"line {lineno}"


def test_country_codes():
    for lineno, cells in _rows():
        assert COUNTRY_RE.match(cells[2]), f"line {lineno}: country {cells[2]!r}"


def test_sectors():
    for lineno, cells in _rows():
        assert cells[3] in SECTORS, f"line {lineno}: sector {cells[3]!r}"


def test_dates_parse_and_ordered():
    for lineno, cells in _rows():
        start, end = cells[5], cells[6]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", start), f"line {lineno}: start {start!r}"
        s = _date(start)
        if end:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", end), f"line {lineno}: end {end!r}"
            e = _date(end)
            assert s <= e, f"line {lineno}: start {start} after end {end}"


def test_no_duplicate_rows():
    seen = {}
    for lineno, cells in _rows():
        key = tuple(cells)
        assert key not in seen, f"line {lineno} duplicates line {seen[key]}"
        seen[key] = lineno


def test_no_overlapping_terms_for_same_role():
    far = dt.date.max
    terms = defaultdict(list)
    for lineno, cells in _rows():
        name, _, _, _, role, start, end = cells
        terms[(name, role)].append((_date(start), _date(end) if end else far, lineno))
    problems = []
    for key, spans in terms.items():
        spans.sort()
        for (_s1, e1, l1), (s2, _e2, l2) in zip(spans, spans[1:], strict=False):
            # touching (end == next start) is fine; a real overlap is not
            if s2 < e1:
                problems.append(f"{key}: lines {l1} and {l2} overlap")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "name,country,role",
    [
        ("Vladimir Putin", "RUS", "president"),
        ("Xi Jinping", "CHN", "president"),
        ("Volodymyr Zelensky", "UKR", "president"),
        ("Kim Jong Un", "PRK", "supreme leader"),
        ("Antonio Guterres", "UNO", "secretary-general"),
    ],
)
def test_some_known_people_present(name, country, role):
    assert any(c[0] == name and c[2] == country and c[4] == role for _, c in _rows())
