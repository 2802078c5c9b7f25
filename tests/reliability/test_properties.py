"""Property-based tests (Hypothesis): the readers, the cleaner and the coder on hostile input.

What is generated: arbitrary Unicode (control characters, right-to-left Arabic and Hebrew
with RLO/LRO/isolate marks, combining marks, zero-width and soft-hyphen characters, astral
characters), news-like English fragments mixed with those, enormous tokens and sentences,
empty and whitespace-only input, deeply nested or broken HTML, broken JSON and JSON Lines,
CSV with odd quoting, hand-made WARC records, random bytes under every text file ending,
and gzip files whole or truncated.

What must hold:

1. A reader yields articles and ``InputError`` items only (each naming its input and a
   reason); nothing else escapes. A folder of good and bad files gives every good article
   and names every bad file.
2. ``clean()`` never raises, and its ``OffsetMap`` sends every span of the cleaned text
   into the text as given: each cleaned word is its original characters, normalised.
3. The coder (``Pipeline.default``) never lets an exception out and rejects nothing by a
   crash; every offset it gives points into the user's text (or title); the same input
   gives the same output twice.

Every test is deterministic (``derandomize=True``, no example database) and bounded: the
file runs in well under a minute. For a heavier run, set ``EVENTWIRE_HYPOTHESIS_EXAMPLES``
to a multiplier of every ``max_examples`` (``EVENTWIRE_HYPOTHESIS_EXAMPLES=10 pytest
tests/reliability/test_properties.py``); the examples stay deterministic.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from eventwire.clean import _chars, _normalise_char, _rewrite, clean
from eventwire.config import Settings
from eventwire.errors import InputError
from eventwire.ingest import read_paths, read_stream
from eventwire.ingest.base import Options
from eventwire.ingest.compressed import gunzip
from eventwire.ingest.decode import decode_bytes
from eventwire.ingest.feeds import read_feed
from eventwire.ingest.html import html_to_text, read_html
from eventwire.ingest.records import read_json, read_jsonl
from eventwire.ingest.tabular import read_table
from eventwire.ingest.text import read_text
from eventwire.ingest.warc import read_warc
from eventwire.models import Actor, Article, Event

#: Multiplies every test's ``max_examples`` (a heavier, still deterministic run).
SCALE = max(1, int(os.environ.get("EVENTWIRE_HYPOTHESIS_EXAMPLES", "1") or 1))


def bounded(examples: int) -> Callable[[Any], Any]:
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --------------------------------------------------------------------------- strategies

#: News-like English, written for these tests: actors, triggers, datelines, furniture.
FRAGMENTS = (
    "Kenya and Ethiopia signed a trade pact in Nairobi on Monday.",
    "Police arrested 12 protesters outside the parliament in Kampala",
    "The foreign minister of France accused Russia of violating the ceasefire.",
    "Rebels attacked a convoy near Goma, killing three soldiers.",
    "President Joe Biden met Chinese leader Xi Jinping in Bali",
    "Israel and Hamas agreed to a truce brokered by Egypt.",
    "Protesters in Tehran demanded the release of political prisoners",
    "The United Nations condemned the air strikes on Aleppo.",
    "Turkey threatened to expel the Swedish ambassador,",
    "Japan will provide $5 billion in aid to Ukraine, officials said.",
    "NAIROBI, Kenya (AP) — ",
    "GENEVA (Reuters) - ",
    "Share this article",
    "Leave a Reply",
    "Border pact signedThe agreement was signed by Chile and Peru.",
    "on Wednesday The talks resumed",
    'Mr. Okafor, 45, said: "We will not negotiate with them."',
    "North Korea fired a missile over Japan, South Korean officials said",
    "the army denied that it had shelled the village",
    "India and Pakistan exchanged fire along the border",
)
#: Characters and runs that cleaning, tokenising or offsets tend to get wrong.
HOSTILE = (
    "\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x1c", "\x1e", "\x7f", "\x85", "\x9f",
    "\u2028", "\u2029", "\r", "\r\n", "\n\n", "\t", "\u00a0", "\u2009", "\u202f", "\u3000",
    "\u202e", "\u202d", "\u202c", "\u200f", "\u200e", "\u2066", "\u2067", "\u2069",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\ufffd", "\ufffe",
    "\u0301", "e\u0301", "A\u030a", "\u0308\u0308\u0308", "\u0338", " \u0301", "\u00a0\u0301",
    "مرحبا بالعالم", "قالت الحكومة", "שלום עולם", "\u202eKenya\u202c", "\u202dRussia\u202c",
    "\U0001f600", "\U0001f1f0\U0001f1ea", "\U0001d400\U0001d401", "\U00020000", "\U0010fffd",
    "\u212b", "\u2126", "\ufb01", "\u0130", "ß", "ǅ", "\u0345", "…", "——", "''", '"',
    "Ⅻ", "①", "½", "٣", "\u0f0b", "ﷺ", "\u1160", "\u115f",
)  # fmt: skip
ANY_CHAR = st.characters(exclude_categories=("Cs",))  # every code point but surrogates


def texts(max_parts: int = 20) -> st.SearchStrategy[str]:
    """English fragments, hostile characters and arbitrary Unicode, glued or spaced."""
    part = st.one_of(
        st.sampled_from(FRAGMENTS),
        st.sampled_from(HOSTILE),
        st.text(ANY_CHAR, max_size=12),
        st.sampled_from((" ", "  ", "\n", "\n\n", ". ", ", ")),
    )
    return st.lists(part, max_size=max_parts).map("".join)


@st.composite
def spoiled(draw: st.DrawFn) -> str:
    """A fragment with hostile characters put inside its words ("Ken\u200bya")."""
    text = draw(st.sampled_from(FRAGMENTS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(HOSTILE)) + text[at:]
    return text


def news(max_parts: int = 12) -> st.SearchStrategy[str]:
    """Mostly news sentences (some spoiled from inside), with hostile runs between them."""
    part = st.one_of(
        st.sampled_from(FRAGMENTS),
        spoiled(),
        spoiled(),
        st.sampled_from(HOSTILE),
        st.text(ANY_CHAR, max_size=6),
        st.sampled_from((" ", "\n", "\n\n", ". ")),
    )
    return st.lists(part, max_size=max_parts).map("".join)


def huge(n_min: int, n_max: int) -> st.SearchStrategy[str]:
    """One enormous token, or one enormous sentence with no full stop (cheap to build)."""
    unit = st.sampled_from(("x", "é", "\U0001d400", "ab\u200b", "Kenya", "Kenya ", "word, "))
    return st.builds(lambda u, n: u * (n // len(u)), unit, st.integers(n_min, n_max))


WHITESPACE = st.text(st.sampled_from(" \t\n\r\x0b\x0c\u00a0\u2028\u3000\u200b\ufeff"), max_size=8)


def nested_html(depth: int, body: str, tag: str = "div", close: bool = True) -> str:
    inner = f"<{tag}>" * depth + body + (f"</{tag}>" * depth if close else "")
    return f"<html><head><title>t</title></head><body>{inner}</body></html>"


@st.composite
def html_docs(draw: st.DrawFn) -> str:
    body = draw(texts())
    kind = draw(st.sampled_from(("plain", "nested", "broken", "article", "script")))
    if kind == "nested":
        return nested_html(draw(st.integers(1, 300)), body, draw(st.sampled_from("pdivbspan")))
    if kind == "broken":
        junk = draw(
            st.sampled_from(("<", "</", "<p", "<!--", "<![CDATA[", "&#", "&amp", "<a href='"))
        )
        return f"<html><body><p>{body}{junk}{draw(texts(5))}"
    if kind == "article":
        paragraphs = "".join(f"<p>{draw(texts(6))}</p>" for _ in range(draw(st.integers(0, 6))))
        return f"<html><body><article><h1>{draw(texts(3))}</h1>{paragraphs}</article></body></html>"
    if kind == "script":
        return f"<html><script>{body}</script><style>{body}</style><p>{body}</p></html>"
    return body


JSON_ATOM = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    texts(6),
)
JSON_VALUE = st.recursive(
    JSON_ATOM,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(ANY_CHAR, max_size=6), inner, max_size=3),
    ),
    max_leaves=8,
)
KEYS = st.sampled_from(
    ("text", "TEXT ", "maintext", "body", "id", "title", "date", "url", "source")
)


@st.composite
def json_records(draw: st.DrawFn) -> str:
    """A record, often broken: odd values for the usual keys, long numbers, escapes, cuts."""
    record = draw(st.dictionaries(KEYS, st.one_of(texts(8), JSON_VALUE), max_size=5))
    if draw(st.booleans()):
        record["text"] = draw(texts())
    line = json.dumps(record, ensure_ascii=draw(st.booleans()), allow_nan=True)
    trick = draw(st.sampled_from(("", "cut", "deep", "long int", "surrogate", "junk")))
    if trick == "cut":
        line = line[: draw(st.integers(0, len(line)))]
    elif trick == "deep":
        n = draw(st.integers(500, 5000))
        line = line[:-1] + (", " if record else "") + '"x": ' + "[" * n + "]" * n + "}"
    elif trick == "long int":
        line = (
            line[:-1]
            + (", " if record else "")
            + '"n": '
            + "9" * draw(st.integers(4000, 6000))
            + "}"
        )
    elif trick == "surrogate":
        line = line[:-1] + (", " if record else "") + '"text": "a \\udc80 b \\ud83d"}'
    elif trick == "junk":
        line = draw(st.text(ANY_CHAR, max_size=30))
    return line


@st.composite
def jsonl_docs(draw: st.DrawFn) -> str:
    sep = draw(st.sampled_from(("\n", "\r\n")))
    return sep.join(draw(st.lists(json_records(), max_size=5)))


@st.composite
def json_docs(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(json_records())
    items = draw(st.lists(json_records(), max_size=4))
    return "[" + ", ".join(items) + "]"


@st.composite
def csv_docs(draw: st.DrawFn) -> str:
    """Headers and rows with a guessed or odd delimiter, stray quotes, embedded line ends."""
    delim = draw(st.sampled_from(",;\t|"))
    header = draw(st.lists(st.one_of(KEYS, st.text(ANY_CHAR, max_size=5)), min_size=1, max_size=4))
    cell = st.one_of(texts(5), st.sampled_from(('"', '""', '"a"b', 'a"b"', "\n", "\r", delim)))
    rows = [header] + draw(st.lists(st.lists(cell, max_size=5), max_size=5))
    if draw(st.booleans()):  # written properly, then maybe cut
        out = io.StringIO()
        csv.writer(out, delimiter=delim).writerows(rows)
        doc = out.getvalue()
        return doc[: draw(st.integers(0, len(doc)))] if draw(st.booleans()) else doc
    return "\n".join(delim.join(row) for row in rows)  # no quoting at all


@st.composite
def feed_docs(draw: st.DrawFn) -> str:
    ref = st.sampled_from(
        (
            "&#xD800;",
            "&#55296;",
            "&#99999999;",
            "&#x110000;",
            "&#0;",
            "&#x1F600;",
            "&bogus;",
            "&amp;lt;p&amp;gt;",
        )
    )
    entry = (
        f"<item><title>{draw(texts(3))}{draw(ref)}</title>"
        f"<description>{draw(st.sampled_from(('', '<![CDATA[')))}{draw(texts())}{draw(ref)}"
        f"</description><pubDate>{draw(texts(2))}</pubDate></item>"
    )
    kind = draw(st.sampled_from(("rss", "atom", "cut", "plain")))
    if kind == "rss":
        entries = entry * draw(st.integers(0, 3))
        title = draw(texts(2))
        return f'<rss version="2.0"><channel><title>{title}</title>{entries}</channel></rss>'
    if kind == "atom":
        return (
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>x</title>'
            f'<content type="html">{draw(texts())}{draw(ref)}</content></entry></feed>'
        )
    if kind == "cut":
        doc = f'<rss version="2.0"><channel>{entry}</channel></rss>'
        return doc[: draw(st.integers(0, len(doc)))]
    return draw(texts())


def warc_record(body: bytes, ctype: str, status: str, uri: str, length_delta: int = 0) -> bytes:
    http = (
        f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n".encode(
            "utf-8", "replace"
        )
        + body
    )
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Target-URI: {uri}\r\nWARC-Date: 2024-05-08T10:00:00Z\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000000>\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {max(0, len(http) + length_delta)}\r\n\r\n"
    ).encode("utf-8", "replace")
    return head + http + b"\r\n\r\n"


@st.composite
def warc_docs(draw: st.DrawFn) -> bytes:
    records = []
    for _ in range(draw(st.integers(0, 3))):
        body = draw(
            st.one_of(html_docs().map(lambda s: s.encode("utf-8")), st.binary(max_size=200))
        )
        ctype = draw(
            st.sampled_from(
                (
                    "text/html",
                    "text/html; charset=utf-7",
                    "text/html; charset=undefined",
                    "image/png",
                    "",
                )
            )
        )
        status = draw(st.sampled_from(("200 OK", "404 Not Found", "xyz", "")))
        uri = draw(st.one_of(st.just("https://example.org/a"), st.text(ANY_CHAR, max_size=10)))
        rec = warc_record(body, ctype, status, uri, draw(st.sampled_from((0, 0, -5, 7))))
        if draw(st.booleans()):
            rec = gzip.compress(rec)
        records.append(rec)
    data = b"".join(records)
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


def encodings(text_strategy: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    """Text as UTF-8 (mostly), or in a legacy or wide encoding, or with a BOM."""

    def encode(text: str, how: str) -> bytes:
        if how == "utf-8":
            return text.encode("utf-8")
        if how == "bom":
            return b"\xef\xbb\xbf" + text.encode("utf-8")
        return text.encode(how, "replace")

    return st.builds(
        encode,
        text_strategy,
        st.sampled_from(("utf-8", "utf-8", "bom", "utf-16", "cp1252", "koi8_r")),
    )


SUFFIX_CONTENT: dict[str, st.SearchStrategy[str]] = {
    ".txt": texts(),
    ".html": html_docs(),
    ".json": json_docs(),
    ".jsonl": jsonl_docs(),
    ".csv": csv_docs(),
    ".xml": feed_docs(),
}
SUFFIXES = (*SUFFIX_CONTENT, ".warc")


@st.composite
def files(draw: st.DrawFn) -> tuple[str, bytes]:
    """``(file name, bytes)``: shaped for its ending, random, empty, or (truncated) gzip."""
    suffix = draw(st.sampled_from(SUFFIXES))
    if suffix == ".warc":
        shaped = warc_docs()
    else:
        shaped = encodings(SUFFIX_CONTENT[suffix])
    data = draw(
        st.one_of(
            shaped,
            shaped,
            st.binary(max_size=300),
            WHITESPACE.map(lambda s: s.encode("utf-8")),
            encodings(texts()),
        )
    )
    if draw(st.integers(0, 3)) == 0:  # gzipped, maybe cut short
        packed = gzip.compress(data)
        if draw(st.booleans()):
            packed = packed[: draw(st.integers(0, len(packed) - 1))]
        return f"input{suffix}.gz", packed
    return f"input{suffix}", data


# ------------------------------------------------------------------------ reader checks


def utf8_ok(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_items(items: Iterable[object], origin: str) -> tuple[list[Article], list[InputError]]:
    """Every item is an article with text, or an error naming ``origin`` with a reason."""
    articles, errors = [], []
    for item in items:
        if isinstance(item, InputError):
            assert item.origin.startswith(origin), (item.origin, origin)
            assert isinstance(item.reason, str) and item.reason.strip(), item
            assert item.origin in str(item) and item.reason in str(item)
            errors.append(item)
            continue
        assert isinstance(item, Article), f"a reader yielded {type(item).__name__}: {item!r}"
        assert item.origin.startswith(origin), (item.origin, origin)
        assert isinstance(item.text, str) and item.text.strip(), item
        for name in ("id", "text", "title", "url", "source", "origin"):
            value = getattr(item, name)
            assert isinstance(value, str), (name, value)
            assert utf8_ok(value), f"{name} cannot be written as UTF-8: {value!r}"
        assert item.id, item
        assert item.date is None or (len(item.date) == 10 and item.date[4] == "-"), item.date
        articles.append(item)
    return articles, errors


@bounded(160)
@given(files())
@example(("deep.html", nested_html(5000, "Kenya and Ethiopia signed a pact. " * 5).encode()))
@example(("open.html", nested_html(5000, "Kenya signed a pact.", "b", close=False).encode()))
@example(("deep.json", ("[" * 100_000 + "]" * 100_000).encode()))
@example(("digits.jsonl", b'{"text": "Kenya signed a pact.", "n": ' + b"7" * 5000 + b"}\n"))
@example(("lone.jsonl", b'{"text": "Kenya \\ud800 signed a pact."}\n'))
@example(
    (
        "refs.xml",
        b'<rss version="2.0"><channel><item><title>a&#xd800;b</title></item></channel></rss>',
    )
)
@example(
    (
        "huge.xml",
        b'<rss version="2.0"><channel><item><description>&#99999999999;x</description>'
        b"</item></channel></rss>",
    )
)
@example(("declared.html", b'<meta charset="undefined"><p>caf\xe9 au lait</p>'))
@example(("escape.html", b'<meta charset="unicode_escape"><p>\\ud800 caf\xe9</p>'))
@example(("cut.txt.gz", gzip.compress(b"Kenya signed a pact. " * 50)[:40]))
@example(("empty.csv", b""))
@example(("blank.jsonl", b" \n\t\n"))
def test_a_reader_yields_articles_or_named_errors(case: tuple[str, bytes]) -> None:
    name, data = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        items = list(read_paths([str(path)]))
        assert items, "an input gave nothing at all: neither an article nor a reason"
        check_items(items, str(path))


@bounded(120)
@given(st.sampled_from(("text", "html", "jsonl", "json", "csv", "tsv", "feed")), texts(30))
@example("json", '{"text": "x", "n": ' + "1" * 4400 + "}")
@example("jsonl", '{"text": "a", "n": [' + "[" * 3000 + "]" * 3000 + "]}")
@example(
    "feed", '<rss version="2.0"><channel><item><title>&#x110000;</title></item></channel></rss>'
)
@example("csv", "text\n" + "a" * 9000 + '\n"b\x00c"\n')
@example("html", "<p>" + "Kenya signed\x00 a pact with Ethiopia in Nairobi. " * 3 + "</p>")
@example("text", "\udcff Kenya signed a pact with Ethiopia")  # undecodable byte read by Python
@example("text", "\ud800 a lone surrogate")
def test_a_stream_yields_articles_or_named_errors(fmt: str, text: str) -> None:
    """``read_stream`` (and so every reader behind it) on any string, as a pipe gives it."""
    check_items(read_stream(io.StringIO(text), "<stdin>", None, fmt), "<stdin>")


@bounded(60)
@given(texts(30), st.booleans())
@example("\u202eAL-HUDAYDAH\u202c, Yemen (AP) — " + "x" * 200_000, False)
def test_each_reader_on_any_text(text: str, gz: bool) -> None:
    """Every reader called directly, as the package calls it, on the same string."""
    opts = Options()
    one = [read_text(text, "o", "n", opts), read_html(text, "o", "n", opts)]
    check_items(one, "o")
    check_items(read_jsonl(text, "o", opts), "o")
    check_items(read_json(text, "o", "n", opts), "o")
    check_items(read_table(text, "o", opts), "o")
    check_items(read_table(text, "o", opts, delimiter="\t"), "o")
    data = text.encode("utf-8")
    check_items(read_feed(data, "o", opts), "o")
    check_items(read_warc(io.BytesIO(gzip.compress(data) if gz else data), "o", opts), "o")
    assert isinstance(html_to_text(text), str)
    decoded, reason = decode_bytes(data, "utf-8")
    if "\x00" in text[:8192] and not text.startswith("\ufeff"):
        assert decoded is None and "binary" in reason
    else:
        assert decoded == text.removeprefix("\ufeff") and not reason
    content, reason = gunzip(data, 10_000_000)
    assert (content is None) == bool(reason)


@bounded(100)
@given(
    st.binary(max_size=400),
    st.sampled_from(
        (None, "utf-8", "utf-7", "undefined", "unicode_escape", "idna", "rot13", "bogus", "utf-16")
    ),
)
@example(b"\\ud800 caf\xe9", "unicode_escape")
@example(b"\xe9", "undefined")
@example(b"+2AA- caf\xe9", "utf-7")
def test_decoding_gives_unicode_text_or_a_reason(data: bytes, declared: str | None) -> None:
    text, reason = decode_bytes(data, declared)
    if text is None:
        assert reason
    else:
        assert not reason and utf8_ok(text)


# -------------------------------------------------------------- a folder: nothing lost

GOOD_TEXT = texts(12).map(lambda s: "Kenya and Ethiopia signed a pact. " + s.replace("\x00", ""))
BAD_FILES: dict[str, bytes] = {
    "binary.txt": b"Kenya\x00\x01\x02 signed",
    "binary.html": b"<p>\x00\x00</p>",
    "broken.json": b'{"text": "Kenya signed',
    "list.json": b"[1, 2, 3]",
    "cut.txt.gz": gzip.compress(b"Kenya signed a pact. " * 40)[:30],
    "empty.csv": b"",
    "noheader.csv": b"body2,x\nKenya signed,1\n",
    "notwarc.warc": b"GET / HTTP/1.1\r\n\r\n",
    "nothing.xml": b"<html><p>not a feed</p></html>",
    "deep.json": b"[" * 50_000 + b"]" * 50_000,
    "unknown.bin": b"abc",
}


@bounded(25)
@given(
    st.lists(GOOD_TEXT, min_size=1, max_size=3),  # .txt files
    st.lists(GOOD_TEXT, min_size=1, max_size=4),  # lines of one .jsonl with broken lines
    st.lists(GOOD_TEXT, min_size=1, max_size=3),  # rows of one .csv
    st.lists(GOOD_TEXT, max_size=3),  # one .json list
    st.sets(st.sampled_from(sorted(BAD_FILES)), min_size=1),
)
@example(
    ["x"], ["Kenya signed.\u2028Ethiopia too.", "a\x85b", "c\u2029d\x1ce"], ["y"], [], {"deep.json"}
)
def test_a_folder_of_good_and_bad_files_loses_nothing(
    txts: list[str], lines: list[str], rows: list[str], listed: list[str], bad: set[str]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        expected: Counter[tuple[str, str]] = Counter()  # (file, text)
        for n, text in enumerate(txts):
            (root / f"t{n}.txt").write_text(text, encoding="utf-8", newline="")
            expected[f"t{n}.txt", text] += 1
        jsonl = []
        for n, text in enumerate(lines):
            jsonl.append(json.dumps({"text": text, "id": f"l{n}"}, ensure_ascii=n % 2 == 0))
            jsonl.append('{"text": "a broken line')
        (root / "lines.jsonl").write_text("\n".join(jsonl), encoding="utf-8", newline="")
        expected.update(("lines.jsonl", text) for text in lines)
        with (root / "rows.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["id", "text"])
            writer.writerows([f"r{n}", text] for n, text in enumerate(rows))
        expected.update(("rows.csv", text) for text in rows)
        if listed:
            (root / "list.json").write_text(json.dumps([{"text": t} for t in listed]), "utf-8")
            expected.update(("list.json", text) for text in listed)
        for name in bad:
            (root / "bad" / name).parent.mkdir(exist_ok=True)
            (root / "bad" / name).write_bytes(BAD_FILES[name])

        articles, errors = check_items(read_paths([str(root)]), str(root))
        found = Counter((Path(a.origin.split(":")[0].split("#")[0]).name, a.text) for a in articles)
        assert found == expected
        for name in bad:  # each bad file named by an error
            assert any(e.origin.startswith(str(root / "bad" / name)) for e in errors), name
        broken = [e for e in errors if e.origin.startswith(str(root / "lines.jsonl"))]
        assert len(broken) == len(lines)  # each broken line, by its number
        assert all("malformed JSON" in e.reason for e in broken)


# ------------------------------------------------------------------------------ cleaner


def normalised(text: str) -> str:
    """The cleaner's character pass alone (line ends, odd spaces, invisible characters,
    composed accents), on a piece of the original text."""
    return _rewrite(_chars(), _normalise_char, text)[0]


def words(text: str) -> list[tuple[int, int]]:
    """Spans of runs without the separators the cleaner writes (space, line break)."""
    spans, start = [], None
    for i, c in enumerate(text + " "):
        if c in " \n":
            if start is not None:
                spans.append((start, i))
            start = None
        elif start is None:
            start = i
    return spans


@bounded(300)
@given(
    st.one_of(texts(40), st.text(st.characters(exclude_categories=()), max_size=200), WHITESPACE)
)
@example("")
@example(" \t\r\n\u00a0\u200b\ufeff ")
@example("e\u0301\u0301 caf\u0065\u0301\r\n\r\nShare this article\r\n\r\nTalks in ParisThe  talks")
@example("\u00a0\u0301x \t\u0301 \r\u0301 \u200b\u0301")
@example("x" * 200_000)
@example(("word " * 40_000).strip())
def test_the_cleaner_maps_every_cleaned_offset_into_the_text(text: str) -> None:
    cleaned, offsets = clean(text)
    assert isinstance(cleaned, str)
    n = len(text)
    step = max(1, len(cleaned) // 2000)  # every offset of a normal text; a sample of a huge one
    last_start = last_end = 0
    for p in [*range(0, len(cleaned), step), len(cleaned)]:
        s, e = offsets.start(p), offsets.end(p)
        assert 0 <= s <= n and 0 <= e <= n, (p, s, e, n)
        assert s >= last_start and e >= last_end, "the map goes backwards"
        last_start, last_end = s, e
    whole = offsets.span(0, len(cleaned))
    assert 0 <= whole[0] <= whole[1] <= n
    for i, j in words(cleaned)[:: max(1, len(cleaned) // 20_000)]:
        s, e = offsets.span(i, j)
        assert 0 <= s <= e <= n
        # a cleaned word is its original characters, normalised; nothing else
        assert normalised(text[s:e]) == cleaned[i:j], (cleaned[i:j], text[s:e])
    assert clean(text)[0] == cleaned  # deterministic


# -------------------------------------------------------------------------------- coder


@pytest.fixture(scope="module")
def pipeline() -> Any:
    from eventwire.pipeline import Pipeline

    return Pipeline.default(Settings(workers=1), dedup=False)


def check_offsets(article: Article) -> None:
    text, title = article.text, article.title

    def actor_ok(actor: Actor, base: str) -> None:
        if actor.start >= 0:
            assert 0 <= actor.start <= actor.end <= len(base), actor
            assert base[actor.start : actor.end] == actor.text, actor

    for ev in article.events:
        e = ev.evidence
        base = text if e.part == "text" else title
        assert e.part in ("text", "title"), e.part
        assert 0 <= e.start <= e.end <= len(base), e
        assert base[e.start : e.end] == e.text, e
        assert e.start <= e.trigger_start <= e.trigger_end <= e.end, e
        assert base[e.trigger_start : e.trigger_end] == e.trigger, e
        for actor in (*ev.source, *ev.target):
            actor_ok(actor, base)
        if ev.attribution is not None:
            actor_ok(ev.attribution, base)
    for m in article.mentions:
        assert text[m.start : m.end] == m.text, m


def outcome(article: Article) -> tuple[Any, ...]:
    return (
        article.to_dict(),
        [ev.to_dict() for ev in article.events],
        [(m.start, m.end, m.text, m.country, m.name) for m in article.mentions],
    )


def coded(pipeline: Any, text: str, title: str, date: str | None) -> Article:
    article = pipeline.run(Article(id="a", text=text, title=title, date=date))
    assert article.status in ("coded", "skipped", "rejected"), article.status
    if article.status != "coded":
        assert article.reason, article
    # a stage that raised is a crash the pipeline caught, not a reason about the text
    assert not article.reason.startswith("stage "), article.reason
    return article


@bounded(25)
@given(
    st.one_of(news(), news(), texts(10), WHITESPACE),
    st.one_of(st.just(""), st.sampled_from(FRAGMENTS), spoiled(), texts(4)),
    st.sampled_from((None, "2024-05-08")),
)
@example("", "", None)
@example(
    "\u202eKENYA\u202c, Kenya (AP) — Kenya\u200b and Ethiop\u00ad\u0301ia signed a pact.\r\n"
    "\r\nשלום Police arrested 12 protesters\u2028in Kampala.",
    "Israel and Hamas agreed to a truce",
    "2024-05-08",
)
@example(FRAGMENTS[2] + " " + "x" * 200_000, "", None)
@example("Kenya \udc80 and Ethiopia signed a pact.", "", None)  # rejected, with a reason
@example(FRAGMENTS[0], "Chile accused Peru \ud800", None)
@example("Kenya accused Russia of lying, " * 700, "", None)
def test_the_coder_codes_or_rejects_with_offsets_in_the_text(
    pipeline: Any, text: str, title: str, date: str | None
) -> None:
    first = coded(pipeline, text, title, date)
    check_offsets(first)
    second = coded(pipeline, text, title, date)
    assert outcome(first) == outcome(second), "the same input gave another output"


@bounded(3)
@given(
    st.lists(news(10), min_size=1, max_size=6),
    st.integers(10_200, 11_000),  # past nlp.PIECE_CHARS: parsed and coded piece by piece
    st.sampled_from(("\n\n", " ", "", "\u2029", "\r\n\r\n")),
)
def test_a_long_text_is_coded_in_pieces_with_offsets_in_the_text(
    pipeline: Any, parts: list[str], size: int, sep: str
) -> None:
    text = sep.join(parts)
    while len(text) < size:
        text += sep + sep.join(parts) + "x"
    first = coded(pipeline, text, "", "2024-05-08")
    check_offsets(first)
    assert outcome(first) == outcome(coded(pipeline, text, "", "2024-05-08"))


def test_the_coder_finds_events_in_the_fragments(pipeline: Any) -> None:
    """The properties above are not vacuous: the fragments do give events."""
    article = coded(pipeline, " ".join(FRAGMENTS), "", "2024-05-08")
    assert article.status == "coded" and len(article.events) >= 5
    check_offsets(article)
    assert all(isinstance(ev, Event) for ev in article.events)


# ------------------------------------------------------------- regressions, one by one
# Each was found by the properties above; the input is the smallest that showed it.


def _read(tmp_path: Path, name: str, data: bytes) -> tuple[list[Article], list[InputError]]:
    path = tmp_path / name
    path.write_bytes(data)
    return check_items(read_paths([str(path)]), str(path))


def test_a_jsonl_string_may_hold_line_separators(tmp_path: Path) -> None:
    """str.splitlines() cut records at U+2028/U+2029/U+0085 (legal unescaped in JSON)."""
    texts = ["Kenya signed.\u2028Ethiopia too.", "a\x85b", "c\u2029d"]
    lines = "\r\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in texts)
    articles, errors = _read(tmp_path, "u2028.jsonl", lines.encode("utf-8") + b"\rnot json\n")
    assert [a.text for a in articles] == texts
    assert [(e.origin.rsplit(":", 1)[1], "malformed JSON" in e.reason) for e in errors] == [
        ("4", True)
    ]


def test_a_number_too_long_for_python_does_not_cost_the_record(tmp_path: Path) -> None:
    digits = "7" * 5000  # json.loads raised ValueError (int max str digits), not JSONDecodeError
    record = '{"text": "Kenya signed a pact.", "id": ' + digits + ', "n": ' + digits + "}"
    for name in ("long.json", "long.jsonl"):
        articles, errors = _read(tmp_path, name, record.encode())
        assert not errors and [a.id for a in articles] == [digits]


def test_json_nested_too_deeply_is_a_reason(tmp_path: Path) -> None:
    deep = '{"text": "Kenya signed a pact.", "x": ' + "[" * 5000 + "]" * 5000 + "}"
    for name in ("deep.json", "deep.jsonl"):  # RecursionError escaped the reader
        articles, errors = _read(tmp_path, name, deep.encode())
        assert not articles and len(errors) == 1 and "nested too deeply" in errors[0].reason


def test_lone_surrogate_escapes_in_json_become_u_fffd(tmp_path: Path) -> None:
    """ "\\ud800" decodes to a lone surrogate: text_id() raised UnicodeEncodeError, and the
    store could not have written it."""
    record = b'{"text": "Kenya \\ud800 signed.", "title": "t \\udfff", "source": "\\ud83d"}'
    articles, errors = _read(tmp_path, "lone.jsonl", record)
    assert not errors
    (a,) = articles
    assert (a.text, a.title, a.source) == ("Kenya \ufffd signed.", "t \ufffd", "\ufffd")
    pair = b'{"text": "smile \\ud83d\\ude00"}'  # a proper pair stays one character
    assert _read(tmp_path, "pair.json", pair)[0][0].text == "smile \U0001f600"


def test_a_feed_with_references_to_no_character(tmp_path: Path) -> None:
    """feedparser raised UnicodeEncodeError on &#xD800; and ValueError on &#99999999;."""
    for ref in ("&#xD800;", "&#55296;", "&#99999999;", "&#x110000;", "&#99999999999999999999;"):
        feed = (
            '<rss version="2.0"><channel><item><title>a' + ref + "b</title>"
            "<description>Kenya signed a pact" + ref + "</description></item></channel></rss>"
        )
        articles, errors = _read(tmp_path, "refs.xml", feed.encode())
        assert not errors, errors
        assert articles[0].title == "a\ufffdb" and articles[0].text == "Kenya signed a pact\ufffd"
    ok = '<rss version="2.0"><channel><item><description>&#x1F600;&#233;</description>'
    articles, _ = _read(tmp_path, "fine.xml", (ok + "</item></channel></rss>").encode())
    assert articles[0].text == "\U0001f600\u00e9"  # real characters are left alone


def test_a_page_declaring_a_codec_that_is_no_charset(tmp_path: Path) -> None:
    """charset=undefined raised UnicodeError; unicode_escape made lone surrogates."""
    page = b"<p>caf\xe9 " + b"Kenya signed a pact with Ethiopia in Nairobi. " * 3 + b"</p>"
    for charset in (b"undefined", b"unicode_escape", b"raw-unicode-escape"):
        data = b'<meta charset="' + charset + b'">\\ud800 ' + page
        articles, errors = _read(tmp_path, "page.html", data)
        assert len(articles) + len(errors) == 1
        if articles:  # read in another way (windows-1252), never with the escapes
            assert "caf\u00e9 Kenya" in articles[0].text
    assert decode_bytes(b"\\ud800 caf\xe9", "unicode_escape") == (None, decode_bytes(b"\xe9")[1])
    assert decode_bytes(b"+2AA- caf\xe9", "utf-7")[0] is None


def test_a_csv_with_a_header_and_no_rows_says_so(tmp_path: Path) -> None:
    for data in (b"text", b"id,text\n", b"id;text\n;\n \n"):
        articles, errors = _read(tmp_path, "header.csv", data)  # used to yield nothing at all
        assert not articles and [e.reason for e in errors] == ["no rows under the header"]
    articles, errors = _read(tmp_path, "blank.jsonl", "\u3000\n \u2028 \n".encode())
    assert not articles and [e.reason for e in errors] == ["no records, only blank lines"]


def test_a_stream_with_undecodable_bytes_is_read_not_raised() -> None:
    """read_stream encoded the text back with strict UTF-8: surrogateescape'd stdin raised."""
    byte = b"\xe9".decode("utf-8", "surrogateescape")  # how Python reads a stray byte
    stream = io.StringIO("Kenya signed a pact in Nairobi. caf" + byte)
    (error,) = check_items(read_stream(stream, "<stdin>", None, "text"), "<stdin>")[1]
    assert "cannot tell the text encoding" in error.reason  # the bytes, judged as any file's
    (item,) = check_items(
        read_stream(io.StringIO("a \ud800 b c"), "<stdin>", None, "text"), "<stdin>"
    )[0]
    assert item.text == "a \ufffd b c"


def test_the_coder_rejects_lone_surrogates_by_name(pipeline: Any) -> None:
    """They used to fail inside the nlp, dedup or code stage ("stage 'nlp' failed ...")."""
    for text, title, part in (
        ("Kenya \udc80 signed.", "", "text"),
        (FRAGMENTS[0], "t\ud800", "title"),
    ):
        article = coded(pipeline, text, title, None)
        assert article.status == "rejected"
        assert article.reason.startswith(f"the {part} is not valid Unicode: a lone surrogate")
