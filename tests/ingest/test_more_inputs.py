"""More inputs and clearer failures: compressed web-archive pages, JSON Feed, relative
dates, the CSV hint, unfollowable paths, and third-party log lines named by input."""

import datetime as dt
import gzip
import io
import json
import logging
import os
import zlib

import brotli
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventwire.errors import InputError
from eventwire.ingest import walk
from eventwire.ingest.dates import date_from_text, normalize_date
from eventwire.ingest.logs import attributed, attributed_logs

# Made-up news about made-up places, long enough for trafilatura to keep it.
STORY = (
    "<p>The harbour board of Westmarch approved a new ferry timetable on Tuesday "
    "after months of talks with the crews of the Eastholm line.</p>"
    "<p>Board members said the changes would add two crossings a day during the "
    "summer season and keep the night service running through the winter.</p>"
)


def page(body: str = STORY) -> str:
    return (
        "<html><head><title>Ferry timetable | Lantern Post</title></head><body>"
        "<nav><a href='/'>Home</a></nav>"
        f"<article><h1>Westmarch ferries get new timetable</h1>{body}</article>"
        "</body></html>"
    )


# 1. compressed pages in web archives ------------------------------------------------


def _warc(path, pages, compress=True):
    """A WARC of HTML responses: ``(url, body bytes, extra HTTP headers)``."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=compress)
        for url, body, extra in pages:
            headers = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), *extra],
                protocol="HTTP/1.1",
            )
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=headers
                )
            )


def _deflate(data: bytes) -> bytes:
    return zlib.compress(data)


def _raw_deflate(data: bytes) -> bytes:  # what some servers send for "deflate"
    c = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


@pytest.mark.parametrize("compress", [True, False])
def test_warc_pages_with_content_encoding_are_decoded(tmp_path, read, compress):
    html = page().encode("utf-8")
    _warc(
        tmp_path / "crawl.warc",
        [
            ("https://lantern.example/br", brotli.compress(html), [("Content-Encoding", "br")]),
            ("https://lantern.example/gz", gzip.compress(html), [("Content-Encoding", "gzip")]),
            ("https://lantern.example/df", _deflate(html), [("Content-Encoding", "deflate")]),
            ("https://lantern.example/rd", _raw_deflate(html), [("Content-Encoding", "deflate")]),
            ("https://lantern.example/BR", brotli.compress(html), [("Content-Encoding", "BR")]),
            ("https://lantern.example/xg", gzip.compress(html), [("Content-Encoding", "x-gzip")]),
        ],
        compress=compress,
    )
    arts, errs = read(tmp_path / "crawl.warc")
    assert not errs
    assert [a.url.rsplit("/", 1)[1] for a in arts] == ["br", "gz", "df", "rd", "BR", "xg"]
    assert all("Westmarch" in a.text for a in arts)


def test_warc_read_from_bytes_is_not_called_binary(tmp_path):
    """A WARC that is not read from a file (a download) goes through the shared checks;
    its gzip members and compressed bodies contain NUL bytes and are no reason to stop."""
    from eventwire.ingest import _read_data
    from eventwire.ingest.base import Options

    body = brotli.compress(page().encode())
    pages = [("https://lantern.example/br", body, [("Content-Encoding", "br")])]
    _warc(tmp_path / "c.warc.gz", pages)
    items = list(_read_data((tmp_path / "c.warc.gz").read_bytes(), "warc", "dl", "dl", Options()))
    assert [type(i).__name__ for i in items] == ["Article"], items


def test_warc_page_with_an_unknown_content_encoding_says_so(tmp_path, read):
    body = b"\x28\xb5\x2f\xfd\x00garbled"  # looks like zstd
    _warc(
        tmp_path / "z.warc",
        [("https://lantern.example/z", body, [("Content-Encoding", "zstd")])],
        compress=False,
    )
    _, errs = read(tmp_path / "z.warc")
    (err,) = errs
    assert err.reason == (
        "cannot read the page https://lantern.example/z: it is compressed as 'zstd'"
        " (Content-Encoding), which eventwire cannot undo"
    )


# 2. JSON Feed -------------------------------------------------------------------------


def _json_feed(items, version="https://jsonfeed.org/version/1.1"):
    return json.dumps(
        {
            "version": version,
            "title": "Lantern Post",
            "home_page_url": "https://lantern.example/",
            "items": items,
        }
    )


FEED_ITEMS = [
    {
        "id": "lp-1",
        "url": "https://lantern.example/ferries",
        "title": "Ferry timetable changes",
        "content_html": STORY,
        "date_published": "2024-06-18T22:30:00-04:00",
    },
    {
        "id": 2,
        "url": "https://lantern.example/bridge",
        "title": "Bridge repairs",
        "content_text": "Engineers closed the old Westmarch bridge for repairs on Monday.",
        "summary": "Bridge closed.",
    },
    {"id": "lp-3", "title": "Photo gallery", "url": "https://lantern.example/photos"},
    {
        "id": "lp-4",
        "summary": "Crews of the Eastholm line ended their strike.",
        "date_published": "2024-06-20T08:00:00Z",
    },
]


@pytest.mark.parametrize(
    "version", ["https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1"]
)
def test_json_feed_items_become_articles(tmp_path, read, version):
    (tmp_path / "feed.json").write_text(_json_feed(FEED_ITEMS, version), encoding="utf-8")
    arts, errs = read(tmp_path / "feed.json", date="2024-01-01")
    origin = str(tmp_path / "feed.json")
    assert [(a.id, a.origin) for a in arts] == [
        ("lp-1", f"{origin}#1"),
        ("2", f"{origin}#2"),
        ("lp-4", f"{origin}#4"),
    ]
    first, second, fourth = arts
    assert first.title == "Ferry timetable changes" and first.url.endswith("/ferries")
    assert first.date == "2024-06-18"  # the publisher's own day
    assert "<p>" not in first.text and "\n\n" in first.text and "Westmarch" in first.text
    assert all(a.source == "Lantern Post" for a in arts)
    assert second.text.startswith("Engineers closed") and second.date == "2024-01-01"
    assert fourth.text.startswith("Crews") and fourth.date == "2024-06-20"
    (err,) = errs
    assert err.origin == f"{origin}#3"
    assert "lp-3" in err.reason and "content_text" in err.reason


def test_json_feed_without_items(tmp_path, read):
    (tmp_path / "a.json").write_text(_json_feed([]), encoding="utf-8")
    (tmp_path / "b.json").write_text(
        json.dumps({"version": "https://jsonfeed.org/version/1", "title": "X", "items": "no"}),
        encoding="utf-8",
    )
    _, errs = read(tmp_path)
    assert [e.reason for e in errs] == ["the JSON Feed has no items"] * 2


def test_plain_json_object_is_still_one_article(tmp_path, read):
    (tmp_path / "one.json").write_text(
        json.dumps({"version": "2", "text": "Ferries ran late in Westmarch on Friday."}),
        encoding="utf-8",
    )
    arts, errs = read(tmp_path / "one.json")
    assert not errs and arts[0].id == "one.json"


# 3. relative words are not publication dates ----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Now, at the 2019 show, the ferry crews were honoured.",
        "Today in 2019 the harbour board met.",
        "Yesterday 2019 was remembered as a hard year.",
        "This week the 2019 figures were revised.",
        "Two days ago 2019 records were broken.",
        "now 2019",
        "Last week, as in 2019, the ferries ran late.",
    ],
)
def test_relative_words_never_give_a_date(text):
    assert date_from_text(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WESTMARCH, June 19, 2024 - The harbour board met.", "2024-06-19"),
        ("Posted 3 hours ago. Updated June 3rd 2024. The board met.", "2024-06-03"),
        ("Wed 19 Jun 2024 10:00 BST. The board met.", "2024-06-19"),
        ("2024-06-19: the board met in Westmarch.", "2024-06-19"),
    ],
)
def test_genuine_datelines_still_give_a_date(text, expected):
    assert date_from_text(text) == expected


def test_relative_metadata_dates_are_not_today():
    today = dt.date.today().isoformat()
    for value in ("now 2019", "today, 2019", "yesterday 2020"):
        assert normalize_date(value) in (None,), value
    assert normalize_date("19 juin 2024") == "2024-06-19"
    assert today not in {normalize_date("now 2019")}


# 4. the CSV hint speaks to command-line and Python users -----------------------------


def test_csv_without_text_column_explains_both_ways(tmp_path, read):
    (tmp_path / "n.csv").write_text("headline,story_body\nA,B\n", encoding="utf-8")
    _, errs = read(tmp_path / "n.csv")
    reason = errs[0].reason
    assert reason.startswith("no text column")
    assert "headline, story_body" in reason
    assert "--columns text=NAME" in reason
    assert 'columns={"text": NAME}' in reason


# 5. paths the walk cannot follow are named -------------------------------------------


needs_symlinks = pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")


@needs_symlinks
def test_walk_names_loops_broken_links_and_unlistable_folders(tmp_path):
    root = tmp_path / "news"
    (root / "a").mkdir(parents=True)
    (root / "a" / "one.txt").write_text("One.", encoding="utf-8")
    (root / "b").mkdir()
    (root / "b" / "two.txt").write_text("Two.", encoding="utf-8")
    (root / "a" / "up").symlink_to(root, target_is_directory=True)  # a folder loop
    (root / "self.txt").symlink_to(root / "self.txt")  # a link to itself
    (root / "gone.txt").symlink_to(root / "missing.txt")  # a broken link
    (root / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "three.txt").write_text("Three.", encoding="utf-8")
    locked = root / "locked"
    locked.mkdir()
    (locked / "secret.txt").write_text("Four.", encoding="utf-8")
    locked.chmod(0)
    try:
        problems: list[InputError] = []
        files = walk(root, problems=problems)
        can_list_anyway = os.access(locked, os.R_OK)  # running as root
    finally:
        locked.chmod(0o755)
    rel = [f.relative_to(root).as_posix() for f in files]
    expected = ["a/one.txt", "b/two.txt", "linked/three.txt"]
    assert rel == expected + (["locked/secret.txt"] if can_list_anyway else [])
    reasons = {e.origin: e.reason for e in problems}
    assert "loop" in reasons[str(root / "a" / "up")]
    assert "loop" in reasons[str(root / "self.txt")]
    assert "broken" in reasons[str(root / "gone.txt")]
    assert "missing.txt" in reasons[str(root / "gone.txt")]
    if not can_list_anyway:
        assert "cannot list" in reasons[str(locked)]
    assert [e.origin for e in problems] == sorted(e.origin for e in problems)
    # the old call still works and gives the same files
    assert walk(root) == files


def test_walk_names_a_folder_it_cannot_list(tmp_path, monkeypatch):
    """As root, chmod 0 does not stop listing; make listing fail the way it does for others."""
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text("B.", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    problems: list[InputError] = []
    assert walk(tmp_path, problems=problems) == [tmp_path / "ok" / "a.txt"]
    assert [(e.origin, e.reason) for e in problems] == [
        (str(tmp_path / "locked"), "cannot list the folder (Permission denied)")
    ]


@needs_symlinks
def test_walk_glob_and_hidden_apply_to_problems(tmp_path):
    (tmp_path / "gone.png").symlink_to(tmp_path / "nothing.png")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "gone.txt").symlink_to(tmp_path / "nothing.txt")
    (tmp_path / "ok.txt").write_text("Fine.", encoding="utf-8")
    (tmp_path / "news.duckdb").write_bytes(b"")
    problems: list[InputError] = []
    assert walk(tmp_path, "*.txt", problems=problems) == [tmp_path / "ok.txt"]
    assert problems == []
    walk(tmp_path, problems=problems)
    assert [e.origin for e in problems] == [str(tmp_path / "gone.png")]


@needs_symlinks
def test_walk_reads_a_folder_reached_twice_only_once(tmp_path):
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "a.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "latest").symlink_to(tmp_path / "2024", target_is_directory=True)
    problems: list[InputError] = []
    assert walk(tmp_path, problems=problems) == [tmp_path / "2024" / "a.txt"]
    assert problems == []  # not a loop: nothing is lost


# 6. third-party log lines carry the input's name -------------------------------------


def _root_records(caplog, name):
    return [r for r in caplog.records if r.name.split(".")[0] == name]


def test_trafilatura_warnings_are_attributed_to_the_input(tmp_path, read, caplog):
    caplog.set_level(logging.DEBUG, logger="eventwire.ingest")
    (tmp_path / "empty.html").write_text("   <   ", encoding="utf-8")
    _, errs = read(tmp_path / "empty.html")
    assert errs[0].reason == "no article text found in the HTML"
    assert not [r for r in _root_records(caplog, "trafilatura") if r.levelno >= logging.WARNING]
    ours = [r.getMessage() for r in caplog.records if r.name == "eventwire.ingest"]
    origin = str(tmp_path / "empty.html")
    assert f"{origin}: trafilatura: empty HTML tree: None" in ours
    assert all(r.levelno == logging.DEBUG for r in caplog.records if r.name == "eventwire.ingest")


def test_a_page_read_on_its_own_names_itself(caplog):
    """A fetched page is read with ``read_html`` directly; its lines carry its address."""
    from eventwire.ingest.base import Options
    from eventwire.ingest.html import read_html

    caplog.set_level(logging.DEBUG, logger="eventwire.ingest")
    item = read_html("   <   ", "https://lantern.example/x", "x", Options())
    assert isinstance(item, InputError)
    ours = [r.getMessage() for r in caplog.records if r.name == "eventwire.ingest"]
    assert any(m.startswith("https://lantern.example/x: trafilatura: ") for m in ours), ours
    assert not _root_records(caplog, "trafilatura")


def test_attributed_logs_restore_the_loggers_and_nest():
    lib = logging.getLogger("trafilatura")
    before = (lib.propagate, list(lib.handlers))
    seen = []

    class Catch(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    catch = Catch(level=logging.DEBUG)
    ours = logging.getLogger("eventwire.ingest")
    old_level = ours.level
    ours.addHandler(catch)
    ours.setLevel(logging.DEBUG)
    try:
        with attributed_logs("outer.warc"):
            logging.getLogger("trafilatura.core").warning("first")
            with attributed_logs("outer.warc@120"):
                logging.getLogger("htmldate.core").error("second")
            logging.getLogger("courlan").warning("third")
    finally:
        ours.removeHandler(catch)
        ours.setLevel(old_level)
    assert seen == [
        "outer.warc: trafilatura: first",
        "outer.warc@120: htmldate: second",
        "outer.warc: courlan: third",
    ]
    assert (lib.propagate, list(lib.handlers)) == before


def test_attribution_ends_between_items(caplog):
    """Between two items the consumer runs; its own log lines are not the reader's."""

    def reader():
        logging.getLogger("justext").warning("inside")
        yield 1
        yield 2

    caplog.set_level(logging.DEBUG)
    for _ in attributed("in.html", reader()):
        logging.getLogger("justext").warning("outside")
    names = [(r.name, r.getMessage()) for r in caplog.records]
    assert ("eventwire.ingest", "in.html: justext: inside") in names
    assert names.count(("justext", "outside")) == 2


def test_warcio_stderr_is_attributed(tmp_path, read, caplog, capfd):
    caplog.set_level(logging.DEBUG, logger="eventwire.ingest")
    first = tmp_path / "one.warc"
    _warc(first, [("https://lantern.example/1", page().encode(), [])], compress=False)
    record = first.read_bytes()
    assert record.endswith(b"\r\n\r\n")
    # a record followed by more than its Content-Length says: warcio warns on sys.stderr
    (tmp_path / "two.warc").write_bytes(record[:-4] + b"stray\r\n\r\n" + record)
    arts, errs = read(tmp_path / "two.warc")
    assert len(arts) == 2 and not errs
    assert "Record not followed by newline" not in capfd.readouterr().err
    ours = [r.getMessage() for r in caplog.records if r.name == "eventwire.ingest"]
    assert any(
        m.startswith(str(tmp_path / "two.warc")) and "warcio: " in m and "not followed" in m
        for m in ours
    ), ours
