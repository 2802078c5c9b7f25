"""HTML pages and web archives: main text and metadata via trafilatura, offline."""

import gzip
import io

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PARAGRAPHS = (
    "<p>The water ministers of Freedonia and Sylvania signed an agreement on "
    "Wednesday to share the flow of the Silver River during dry summers.</p>"
    "<p>The accord follows two years of talks hosted by a regional commission, "
    "officials said after the ceremony in the border town.</p>"
)


def page(head: str = "", body: str = PARAGRAPHS) -> str:
    return (
        f"<html><head><title>River pact | Example Wire</title>{head}</head><body>"
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>Ministers agree on river pact</h1>{body}</article>"
        "<footer>Copyright 2021 Example Wire</footer></body></html>"
    )


META = (
    '<meta property="og:site_name" content="Example Wire">'
    '<meta name="author" content="Jane Roe">'
    '<meta property="article:published_time" content="2024-06-19T08:00:00Z">'
    '<link rel="canonical" href="https://example.org/news/river-pact">'
)


def test_html_text_and_metadata(tmp_path, read):
    (tmp_path / "river.html").write_text(page(META), encoding="utf-8")
    arts, errs = read(tmp_path / "river.html")
    assert not errs
    (art,) = arts
    assert art.id == "river.html"
    assert art.title == "Ministers agree on river pact"
    assert (art.date, art.url, art.source) == (
        "2024-06-19",
        "https://example.org/news/river-pact",
        "Example Wire",
    )
    assert "Silver River" in art.text and "Home" not in art.text and "Copyright" not in art.text
    assert "\n\n" in art.text  # paragraphs stay apart for the clean stage


def test_html_without_date_uses_dateline_then_default(tmp_path, read):
    body = "<p>OSLO, May 5, 2023 - " + PARAGRAPHS[3:]
    (tmp_path / "a.htm").write_text(page(body=body), encoding="utf-8")
    (tmp_path / "b.htm").write_text(page(), encoding="utf-8")
    arts, _ = read(tmp_path, date="2020-02-02")
    assert [a.date for a in arts] == ["2023-05-05", "2020-02-02"]


def test_html_without_article_text(tmp_path, read):
    (tmp_path / "menu.html").write_text(
        "<html><body><nav>Menu</nav><p>Page not found</p></body></html>", encoding="utf-8"
    )
    _, errs = read(tmp_path / "menu.html")
    assert errs[0].reason == "no article text found in the HTML"


def test_html_declared_legacy_charset(tmp_path, read):
    html = page('<meta charset="windows-1252">', PARAGRAPHS.replace("Sylvania", "Sylvània"))
    (tmp_path / "old.html").write_bytes(html.encode("cp1252"))
    arts, _ = read(tmp_path / "old.html")
    assert "Sylvània" in arts[0].text


def _warc(path, records, compress=True):
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=compress)
        for url, body, ctype, status in records:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2024-07-01T09:30:00Z"},
            )
            writer.write_record(record)


def test_warc_html_responses_become_articles(tmp_path, read):
    _warc(
        tmp_path / "crawl.warc.gz",
        [
            ("https://example.org/a", page(META).encode(), "text/html; charset=utf-8", "200 OK"),
            ("https://example.org/logo.png", b"\x89PNG\r\n", "image/png", "200 OK"),
            ("https://example.org/old", b"<html>Moved</html>", "text/html", "301 Moved"),
            ("https://example.org/b", page().encode(), "text/html", "200 OK"),
            ("https://example.org/menu", b"<html><p>Menu</p></html>", "text/html", "200 OK"),
        ],
    )
    arts, errs = read(tmp_path / "crawl.warc.gz")
    assert [a.id for a in arts] == ["https://example.org/a", "https://example.org/b"]
    # the page's own date first; the capture date when the page has none
    assert [(a.url, a.date) for a in arts] == [
        ("https://example.org/a", "2024-06-19"),
        ("https://example.org/b", "2024-07-01"),
    ]
    assert all("@" in a.origin for a in arts)
    assert len(errs) == 1 and errs[0].reason.startswith("no article text found in the HTML")
    assert "https://example.org/menu" in errs[0].reason


def test_uncompressed_warc_and_page_size_limit(tmp_path, read):
    big = page(body=PARAGRAPHS * 50).encode()
    _warc(tmp_path / "w.warc", [("https://e.x/big", big, "text/html", "200 OK")], compress=False)
    arts, _ = read(tmp_path / "w.warc")
    assert arts[0].url == "https://e.x/big"
    _, errs = read(tmp_path / "w.warc", max_bytes=1000)
    assert "limit" in errs[0].reason


def test_unreadable_or_empty_archives(tmp_path, read):
    (tmp_path / "junk.warc").write_text("this is not an archive\n", encoding="utf-8")
    (tmp_path / "junk.arc.gz").write_bytes(gzip.compress(b"nonsense"))
    _warc(tmp_path / "images.warc.gz", [("https://e.x/i.png", b"\x89PNG", "image/png", "200 OK")])
    _, errs = read(tmp_path)
    reasons = {e.origin.rsplit("/", 1)[-1]: e.reason for e in errs}
    assert reasons["junk.warc"].startswith("not a WARC or ARC archive")
    assert reasons["junk.arc.gz"].startswith("not a WARC or ARC archive")
    assert reasons["images.warc.gz"].startswith("no HTML pages")


def test_archive_broken_after_good_records(tmp_path, read):
    first = tmp_path / "first.warc"
    _warc(first, [("https://e.x/1", page().encode(), "text/html", "200 OK")], compress=False)
    (tmp_path / "broken.warc").write_bytes(first.read_bytes() + b"not a record\r\n")
    arts, errs = read(tmp_path / "broken.warc")
    assert [a.url for a in arts] == ["https://e.x/1"]
    assert errs[0].reason.startswith("cannot read the web archive after record 1")
