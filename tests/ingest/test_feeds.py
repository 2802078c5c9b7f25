"""RSS and Atom feed files: one article per entry, markup stripped, read offline."""

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Example Wire</title><link>https://wire.example.org/</link>
  <item>
    <guid>urn:example:1</guid>
    <title>Envoys meet in Arden</title>
    <link>https://wire.example.org/1</link>
    <pubDate>Wed, 19 Jun 2024 23:30:00 -0500</pubDate>
    <description><![CDATA[<p>Envoys from <b>Freedonia</b>
      met in Arden.</p><p>Talks go on.</p>]]></description>
  </item>
  <item>
    <title>No guid here</title>
    <link>https://wire.example.org/2</link>
    <description>Plain summary about a strike.</description>
  </item>
  <item><title>Nothing but a title</title><link>https://wire.example.org/3</link></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Daily</title>
  <entry>
    <id>tag:atom.example,2024:7</id>
    <title type="html">Ports &amp;amp; harbours reopen</title>
    <link href="https://atom.example/7"/>
    <updated>2024-05-02T08:00:00Z</updated>
    <summary>Short summary.</summary>
    <content type="html">&lt;p&gt;Dock workers ended their strike.&lt;/p&gt;
      &lt;script&gt;track()&lt;/script&gt;</content>
  </entry>
</feed>
"""


def test_rss_entries(tmp_path, read):
    (tmp_path / "wire.rss").write_text(RSS, encoding="utf-8")
    arts, errs = read(tmp_path / "wire.rss", date="2020-01-01")
    first, second = arts
    assert (first.id, first.title, first.url, first.source) == (
        "urn:example:1",
        "Envoys meet in Arden",
        "https://wire.example.org/1",
        "Example Wire",
    )
    assert first.date == "2024-06-19"  # the publisher's day, not UTC's
    assert first.text == "Envoys from Freedonia met in Arden.\n\nTalks go on."
    assert (second.id, second.date, second.text) == (
        "https://wire.example.org/2",
        "2020-01-01",
        "Plain summary about a strike.",
    )
    assert first.origin.endswith("wire.rss#1")
    assert errs[0].origin.endswith("wire.rss#3") and "no content or summary" in errs[0].reason


def test_atom_content_preferred_over_summary(tmp_path, read):
    (tmp_path / "daily.atom").write_text(ATOM, encoding="utf-8")
    arts, errs = read(tmp_path / "daily.atom")
    assert not errs
    (art,) = arts
    assert (art.id, art.title, art.date, art.url) == (
        "tag:atom.example,2024:7",
        "Ports & harbours reopen",
        "2024-05-02",
        "https://atom.example/7",
    )
    assert art.text == "Dock workers ended their strike."


def test_xml_files_that_are_not_feeds(tmp_path, read):
    (tmp_path / "feed.xml").write_text(ATOM, encoding="utf-8")
    (tmp_path / "config.xml").write_text("<config><item>1</item></config>", encoding="utf-8")
    (tmp_path / "empty.rss").write_text(
        "<rss version='2.0'><channel><title>T</title></channel></rss>", encoding="utf-8"
    )
    arts, errs = read(tmp_path)
    assert [a.source for a in arts] == ["Atom Daily"]
    reasons = {e.origin.rsplit("/", 1)[-1]: e.reason for e in errs}
    assert reasons["config.xml"].startswith("not an RSS or Atom feed")
    assert reasons["empty.rss"] == "the feed has no entries"


def test_feed_in_a_legacy_encoding(tmp_path, read):
    rss = RSS.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace("Arden", "Ardèn")
    (tmp_path / "latin.rss").write_bytes(rss.encode("latin-1"))
    arts, _ = read(tmp_path / "latin.rss")
    assert arts[0].title == "Envoys meet in Ardèn"


def _wire(items: str) -> bytes:
    head = "<?xml version='1.0'?><rss version='2.0'><channel><title>Test Wire</title>"
    return (head + items + "</channel></rss>").encode()


def _item(i: int, text: str) -> str:
    return (
        f"<item><guid>n-{i}</guid><title>Story {i}</title><description>{text}</description></item>"
    )


def test_a_malformed_feed_whose_entries_may_be_mixed_gives_none():
    """A broken closing tag makes feedparser's lenient parser give one entry another's
    text and drop the other: nothing is taken from such a copy of the feed."""
    from eventwire.errors import InputError
    from eventwire.ingest.base import Options
    from eventwire.ingest.feeds import read_feed

    good = _wire(
        _item(1, "Kenya and Somalia signed a border deal.")
        + _item(2, "Chad accused Sudan of shelling villages.")
        + _item(3, "Peru recalled its envoy.")
    )
    read = list(read_feed(good, "w.rss", Options()))
    assert len(read) == 3 and not any(isinstance(a, InputError) for a in read)
    broken = good.replace(b"</description></item>", b"</descr>&&", 1)
    out = list(read_feed(broken, "w.rss", Options()))
    assert len(out) == 1 and isinstance(out[0], InputError)
    assert "opens 3 entries but 2 could be read" in out[0].reason


def test_a_bare_ampersand_inside_entries_still_reads_every_entry():
    from eventwire.errors import InputError
    from eventwire.ingest.base import Options
    from eventwire.ingest.feeds import read_feed

    data = _wire(_item(1, "Kenya & Somalia signed a deal.") + _item(2, "Chad accused Sudan."))
    out = list(read_feed(data, "w.rss", Options()))
    assert [type(a) for a in out] == [type(out[0])] * 2 and not isinstance(out[0], InputError)
    assert out[0].text.startswith("Kenya & Somalia")
