"""One command over a folder of every supported kind plus broken files: the broken ones
are named with their reason and quarantined, everything else is stored and coded."""

import gzip
import io
import json

from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventwire.cli import main

STORIES = {
    1: "Kenya and Uganda signed a railway agreement in Kampala on Tuesday.",
    2: "Ghana accused Togo of blocking fuel trucks at the Aflao crossing on Monday.",
    3: "Peru recalled its ambassador from Chile after a row over fishing boats.",
    4: "Vietnam and Laos held talks in Hanoi about the shared Mekong dams.",
    5: "Nepal protested to India over a new road built near the disputed Kalapani area.",
    6: "Oman hosted envoys from Yemen and Saudi Arabia for a second round of talks.",
    7: "Fiji sent relief supplies to Tonga after the cyclone damaged the main port.",
}


def _story(n, *_):
    return STORIES[n] + " Officials said more meetings would follow next month."


def _html(title, text):
    return (
        f"<html><head><title>{title}</title>"
        f'<meta property="article:published_time" content="2024-05-07"></head>'
        f"<body><article><h1>{title}</h1><p>{text}</p></article></body></html>"
    )


def _build(folder):
    folder.mkdir()
    (folder / "a.txt").write_text(_story(1, "Kenya", "Uganda", "Kampala"), encoding="utf-8")
    (folder / "b.html").write_text(
        _html("Ghana deal", _story(2, "Ghana", "Togo", "Lome")), encoding="utf-8"
    )
    (folder / "c.jsonl").write_text(
        json.dumps({"id": "c1", "date": "2024-05-07", "text": _story(3, "Peru", "Chile", "Lima")})
        + "\n",
        encoding="utf-8",
    )
    (folder / "d.csv").write_text(
        f'article_id,body,published\nd1,"{_story(4, "Vietnam", "Laos", "Hanoi")}",2024-05-07\n',
        encoding="utf-8",
    )
    with open(folder / "e.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        html = _html("Nepal deal", _story(5, "Nepal", "Bhutan", "Kathmandu")).encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://news.example.org/e",
                "response",
                payload=io.BytesIO(html),
                http_headers=headers,
            )
        )
    (folder / "f.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item>'
        f"<guid>f1</guid><title>Oman deal</title><description>{_story(6)}"
        "</description><pubDate>Tue, 07 May 2024 08:00:00 GMT</pubDate></item></channel></rss>",
        encoding="utf-8",
    )
    (folder / "g.jsonl.gz").write_bytes(
        gzip.compress(
            (
                json.dumps(
                    {"id": "g1", "date": "2024-05-07", "text": _story(7, "Fiji", "Tonga", "Suva")}
                )
                + "\n"
            ).encode()
        )
    )
    # broken inputs
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "blob.txt").write_bytes(b"\x00\x01binary")
    (folder / "bad.jsonl").write_text("{nope\n", encoding="utf-8")
    (folder / "broken.jsonl.gz").write_bytes(b"not gzip at all")
    (folder / "menu.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n")


def test_one_command_reads_every_kind_and_names_the_broken(tmp_path):
    folder = tmp_path / "news"
    _build(folder)
    db = str(tmp_path / "mix.duckdb")
    out = CliRunner().invoke(
        main,
        [
            "ingest",
            str(folder),
            "--db",
            db,
            "--date",
            "2024-05-08",
            "--columns",
            "id=article_id,text=body,date=published",
        ],
    )
    assert out.exit_code == 1
    for name, reason in [
        ("empty.txt", "empty"),
        ("blob.txt", "binary"),
        ("bad.jsonl:1", "malformed JSON"),
        ("broken.jsonl.gz", "gzip"),
        ("menu.html", "no article text"),
        ("photo.png", "unsupported"),
    ]:
        assert any(name in line and reason in line for line in out.stderr.splitlines()), name
    rows = [
        json.loads(x)
        for x in CliRunner()
        .invoke(main, ["articles", "--db", db, "--format", "jsonl"])
        .stdout.splitlines()
    ]
    coded = {r["ref"] for r in rows if r["status"] == "coded"}
    assert coded == {"a.txt", "b.html", "c1", "d1", "https://news.example.org/e", "f1", "g1"}
    assert len([r for r in rows if r["status"] == "rejected"]) == 6
    events = CliRunner().invoke(main, ["events", "--db", db, "--format", "jsonl"]).stdout
    assert len({json.loads(x)["doc_id"] for x in events.splitlines()}) == 7
