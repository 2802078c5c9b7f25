"""The dashboard in a real browser: the bundled sample corpus is ingested into a fresh
database, `eventwire serve` runs on it as a subprocess and Chromium (Debian's
/usr/bin/chromium, driven by Playwright, which downloads no browser) opens the page.

Skipped when /usr/bin/chromium or Playwright is missing (`make chromium` installs the
browser, `pip install -e '.[test]'` Playwright). Screenshots of every view go to
tests/web/artifacts/ (ignored by git). With EVENTWIRE_SCREENSHOT=1 one test also writes
docs/img/dashboard.png, the screenshot in docs/dashboard.md.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "src" / "eventwire" / "data" / "sample" / "articles.jsonl"
ATLAS = ROOT / "src" / "eventwire" / "web" / "static" / "vendor" / "world-atlas"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DOCS_SHOT = ROOT / "docs" / "img" / "dashboard.png"
CHROMIUM = Path("/usr/bin/chromium")
#: Chromium stays offline and quiet: no first-run, sync, update or background requests.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "browser-test-token"
XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '<img src=x onerror="window.__xss=1">'

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="no /usr/bin/chromium for the browser tests (`make chromium` installs it)",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None,
        reason="Playwright is not installed (pip install -e '.[test]')",
    ),
]


@dataclass
class Server:
    url: str
    db: Path
    log: Path

    def get(self, path: str, **params: Any) -> Any:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with urllib.request.urlopen(self.url + path + query, timeout=60) as res:
            return json.load(res)

    def post(self, path: str, body: Any, token: str | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(
            self.url + path, data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        with urllib.request.urlopen(req, timeout=120) as res:
            return json.load(res)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"eventwire serve exited ({proc.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as res:
                if res.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    pytest.fail(f"eventwire serve did not answer /healthz in {seconds}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`eventwire serve` on a fresh database of the sample corpus, on a free port."""
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "sample.duckdb"
    # PYTHONPATH and the rest as inherited, so that the subprocesses run this checkout
    env = {**os.environ, "EVENTWIRE_TOKEN": TOKEN, "EVENTWIRE_WORKERS": "1"}
    subprocess.run(
        [sys.executable, "-m", "eventwire", "-q", "ingest", str(SAMPLE), "--db", str(db)],
        env=env,
        check=True,
        timeout=600,
        stdout=subprocess.DEVNULL,
    )
    port = free_port()
    log = folder / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "eventwire", "serve", "--db", str(db), "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log)
        yield Server(url, db, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watch:
    """What a page did: its script errors and every address it asked for."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    watch = Watch()
    pg.on("pageerror", lambda err: watch.errors.append(str(err)))
    pg.on("request", lambda req: watch.requests.append(req.url))
    yield pg
    context.close()
    assert not watch.errors, f"script errors on the page: {watch.errors}"
    outside = [
        u
        for u in watch.requests
        if u.startswith(("http:", "https:")) and not u.startswith(server.url)
    ]
    assert not outside, f"the dashboard asked for addresses outside the server: {outside}"


def shot(page: Page, name: str, selector: str | None = None) -> Path:
    """A screenshot of the page (or one element) as a test artifact; its path is printed."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if selector:
        page.locator(selector).screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def open_dashboard(page: Page, server: Server, query: str = "") -> None:
    page.goto(server.url + "/" + query)
    page.wait_for_selector("body[data-loaded]", timeout=60_000)


def refreshed(page: Page, action: Any) -> None:
    """Do `action` and wait until every view has been queried again."""
    before = page.get_attribute("body", "data-loaded")
    action()
    page.wait_for_function(
        "before => document.body.dataset.loaded !== before", arg=before, timeout=60_000
    )


def total_shown(page: Page) -> int:
    return int(page.get_attribute("[data-testid=events-total]", "data-total") or -1)


def test_every_view_draws_the_sample_database(page: Page, server: Server) -> None:
    open_dashboard(page, server)
    api_total = server.get("/api/events", limit=1)["total"]
    assert api_total > 0
    assert total_shown(page) == api_total
    assert page.locator("[data-testid=event-row]").count() == min(25, api_total)
    assert page.locator("[data-testid=timeline-bar]").count() > 0
    assert page.locator("[data-testid=network-node]").count() > 0
    assert page.locator("[data-testid=network-edge]").count() > 0
    assert page.locator("[data-testid=map-place]").count() > 0
    health = page.text_content("[data-testid=health]") or ""
    assert f"{server.get('/healthz')['events']:,} events" in health
    if (ATLAS / "countries-110m.json").exists():
        painted = page.locator("[data-testid=map-country]:not([data-events='0'])")
        assert page.locator("[data-testid=map-country]").count() > 100
        assert painted.count() > 0
        assert page.locator("[data-testid=map-country][data-iso3=RUS]").count() == 1
    # one bar segment per period and quad class of the series, of its height
    bars = page.eval_on_selector_all(
        "[data-testid=timeline-bar]", "els => els.map(e => +e.dataset.events)"
    )
    series = server.get("/api/stats", by="week")["series"]
    assert len(bars) == len([row for row in series if row["events"]])
    assert sum(bars) == sum(row["events"] for row in series)
    for name, selector in [
        ("dashboard", None),
        ("timeline", "#timeline-view"),
        ("network", "#network-view"),
        ("map", "#map-view"),
        ("events", "#events-view"),
    ]:
        shot(page, name, selector)


def test_the_map_without_the_atlas_still_shows_places(page: Page, server: Server) -> None:
    page.route("**/vendor/world-atlas/**", lambda route: route.fulfill(status=404))
    open_dashboard(page, server)
    assert page.locator("[data-testid=map-no-atlas]").count() == 1
    assert page.locator("[data-testid=map-country]").count() == 0
    assert page.locator("#map .graticule line").count() > 5
    assert page.locator("[data-testid=map-place]").count() > 0
    shot(page, "map-without-atlas", "#map-view")


def test_a_filter_requeries_every_view_and_goes_into_the_url(page: Page, server: Server) -> None:
    open_dashboard(page, server)
    everything = total_shown(page)
    bars = page.locator("[data-testid=timeline-bar]").count()

    page.fill("#f-actor", "PRK")
    refreshed(page, lambda: page.click("[data-testid=apply]"))
    prk = server.get("/api/events", actor="PRK", limit=1)["total"]
    assert 0 < prk < everything
    assert total_shown(page) == prk
    assert "actor=PRK" in page.url
    assert page.locator("[data-testid=timeline-bar]").count() < bars
    nodes = page.eval_on_selector_all(
        "[data-testid=network-node]", "els => els.map(e => e.dataset.id)"
    )
    assert any(n.startswith("PRK") for n in nodes)

    page.fill("#f-since", "2024-01-01")
    refreshed(page, lambda: page.click("[data-testid=apply]"))
    since = server.get("/api/events", actor="PRK", since="2024-01-01", limit=1)["total"]
    assert total_shown(page) == since < prk
    assert "since=2024-01-01" in page.url
    dates = page.eval_on_selector_all(
        "[data-testid=event-row] td.date", "els => els.map(e => e.textContent)"
    )
    assert dates and all(d >= "2024-01-01" for d in dates)
    shot(page, "filtered", None)

    # the URL is the view: loading it again shows the same filters and the same events
    page.reload()
    page.wait_for_selector("body[data-loaded]")
    assert page.input_value("#f-actor") == "PRK"
    assert page.input_value("#f-since") == "2024-01-01"
    assert total_shown(page) == since

    # a dyad, and the event types
    page.fill("#f-actor", "")
    page.fill("#f-since", "")
    page.fill("#f-dyad", "RUS:PRK")
    refreshed(page, lambda: page.click("[data-testid=apply]"))
    assert "dyad=RUS%3APRK" in page.url
    assert total_shown(page) == server.get("/api/events", dyad="RUS:PRK", limit=1)["total"] > 0

    # back to the start with the browser's back button
    refreshed(page, lambda: page.go_back())
    refreshed(page, lambda: page.go_back())
    refreshed(page, lambda: page.go_back())
    assert total_shown(page) == everything


def test_the_charts_and_pages_answer_clicks(page: Page, server: Server) -> None:
    open_dashboard(page, server)
    page.click("#by-month")  # only the timeline is queried again
    page.wait_for_selector("#timeline[data-by=month]")
    assert "by=month" in page.url
    months = server.get("/api/stats", by="month")["series"]
    assert page.locator("[data-testid=timeline-bar]").count() == len(months)

    # a bar narrows the dates to its month
    bar = page.locator("[data-testid=timeline-bar]").last
    period = bar.get_attribute("data-period") or ""
    refreshed(page, lambda: bar.click())
    assert page.input_value("#f-since") == period
    assert page.input_value("#f-until").startswith(period[:7])
    assert f"since={period}" in page.url

    # an actor of the network becomes the actor filter
    refreshed(page, lambda: page.click("[data-testid=reset]"))
    node = page.locator("[data-testid=network-node]").first
    code = node.get_attribute("data-id") or ""
    refreshed(page, lambda: node.click())
    assert page.input_value("#f-actor") == code
    assert total_shown(page) == server.get("/api/events", actor=code, limit=1)["total"]

    # pages of the table
    refreshed(page, lambda: page.click("[data-testid=reset]"))
    first = page.locator("[data-testid=event-row]").first.get_attribute("data-id")
    refreshed(page, lambda: page.click("[data-testid=next-page]"))
    assert "offset=25" in page.url
    assert page.locator("[data-testid=event-row]").first.get_attribute("data-id") != first
    assert (page.text_content("[data-testid=events-total]") or "").startswith("26–")


def test_a_bad_filter_shows_the_api_message(page: Page, server: Server) -> None:
    open_dashboard(page, server, "?since=notadate")
    message = page.locator("[data-testid=message]")
    assert message.is_visible()
    assert "notadate" in (message.text_content() or "")


def test_the_api_page_lists_every_endpoint_offline(page: Page, server: Server) -> None:
    page.goto(server.url + "/docs")
    page.wait_for_selector("[data-testid=endpoint]", timeout=30_000)
    titles = page.locator("[data-testid=endpoint] h2").all_text_contents()
    assert "GET /api/events" in titles and "POST /api/code" in titles
    assert len(titles) >= 10
    shot(page, "apidocs")


def test_a_row_opens_the_event_with_its_reports_and_their_article(
    page: Page, server: Server
) -> None:
    open_dashboard(page, server, "?sort=mentions")
    row = page.locator("[data-testid=event-row]").first
    event_id = row.get_attribute("data-id")
    row.click()
    page.wait_for_selector("[data-testid=mention]")
    event = server.get(f"/api/events/{event_id}")
    mentions = page.locator("[data-testid=mention]")
    assert mentions.count() == len(event["mentions"]) >= 1
    first = event["mentions"][0]
    evidence = page.locator("[data-testid=mention-evidence]").first
    assert evidence.text_content() == first["evidence"]["text"]
    assert (
        evidence.locator("mark[data-kind=trigger]").first.text_content()
        == (first["evidence"]["trigger"])
    )
    assert (first["source"] or "") in (mentions.first.text_content() or "")
    shot(page, "event", "#event-detail")

    page.locator("[data-testid=open-article]").first.click()
    page.wait_for_selector("[data-testid=article-text]")
    assert urllib.parse.unquote(page.url.split("#article=", 1)[1]) == first["doc_id"]
    assert page.text_content("[data-testid=article-title]") == first["title"]


def test_an_article_shows_its_actor_and_trigger_spans(page: Page, server: Server) -> None:
    listing = server.get("/api/articles", limit=100)["articles"]
    richest = max(listing, key=lambda a: a["events"])
    article = server.get("/api/articles/" + urllib.parse.quote(richest["id"], safe=""))
    page.goto(f"{server.url}/#article={urllib.parse.quote(richest['id'], safe='')}")
    page.wait_for_selector("[data-testid=article-text]")
    text = article["text"]
    shown = page.text_content("[data-testid=article-text]")
    assert shown == text  # the whole text, nothing added or lost around the highlights
    marks = page.eval_on_selector_all(
        "[data-testid=article-text] mark",
        """els => els.map(e => ({kind: e.dataset.kind, start: +e.dataset.start,
            end: +e.dataset.end, text: e.textContent, title: e.title}))""",
    )
    found = {(m["kind"], m["start"], m["end"]): m for m in marks}
    for kind in ("actor", "trigger"):
        spans = [sp for sp in article["spans"] if sp["kind"] == kind]
        assert spans, f"the API gives no {kind} spans for {richest['id']}"
        for sp in spans:
            mark = found.get((kind, sp["start"], sp["end"]))
            assert mark, f"no highlighted {kind} at {sp['start']}:{sp['end']}"
            assert mark["text"] == text[sp["start"] : sp["end"]]
            assert sp["label"] in mark["title"]
    # actors and triggers look different
    styles = page.evaluate(
        """() => ['actor', 'trigger'].map(k => getComputedStyle(
            document.querySelector(`[data-testid=article-text] mark[data-kind=${k}]`)
        ).backgroundColor)"""
    )
    assert styles[0] != styles[1]
    listed = page.locator("[data-testid=article-events-item]")
    assert listed.count() == len(article["events"])
    # choosing an event marks its spans in the text
    listed.first.click()
    active = page.locator("[data-testid=article-text] mark.active")
    assert active.count() > 0
    shot(page, "article", "#article-view")


def test_code_this_text_highlights_the_evidence(page: Page, server: Server) -> None:
    text = (
        "Russia and North Korea signed a defence pact on Wednesday. "
        "Japan condemned the agreement on Thursday."
    )
    expected = server.post("/api/code", {"text": text, "date": "2024-06-19"})
    assert expected["events"]
    open_dashboard(page, server)
    page.fill("[data-testid=code-text]", text)
    page.fill("#code-date", "2024-06-19")
    page.click("[data-testid=code-submit]")
    page.wait_for_selector("[data-testid=code-summary]", timeout=120_000)
    events = page.locator("[data-testid=code-event]")
    assert events.count() == len(expected["events"])
    for i, ev in enumerate(expected["events"]):
        evidence = events.nth(i).locator("[data-testid=code-evidence]")
        assert evidence.text_content() == ev["evidence"]["text"]
        assert (
            evidence.locator("mark[data-kind=trigger]").text_content()
            == (ev["evidence"]["trigger"])
        )
    highlighted = page.locator("[data-testid=code-text-highlighted]")
    assert highlighted.text_content() == text
    actors = highlighted.locator("mark[data-kind=actor]").all_text_contents()
    assert "Russia" in actors and "North Korea" in actors
    assert "signed" in highlighted.locator("mark[data-kind=trigger]").all_text_contents()
    shot(page, "code", "#code-view")


@pytest.mark.skipif(
    os.environ.get("EVENTWIRE_SCREENSHOT") != "1",
    reason="writes docs/img/dashboard.png only with EVENTWIRE_SCREENSHOT=1",
)
def test_screenshot_for_the_docs(browser: Browser, server: Server) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    try:
        open_dashboard(pg, server)
        pg.wait_for_timeout(300)
        DOCS_SHOT.parent.mkdir(exist_ok=True)
        pg.screenshot(
            path=str(DOCS_SHOT),
            clip={"x": 0, "y": 0, "width": 1280, "height": 1240},
            full_page=True,
        )
    finally:
        context.close()
    print(f"screenshot: {DOCS_SHOT} ({DOCS_SHOT.stat().st_size:,} bytes)")
    assert DOCS_SHOT.stat().st_size < 320_000


def test_markup_in_the_data_stays_text(page: Page, server: Server) -> None:
    """Runs last: it adds an article to the shared database."""
    hostile = {
        "id": "xss-1",
        "date": "2024-06-20",
        "source": f"Outlet {XSS_IMG}",
        "title": f"Russia warns Ukraine {XSS_SCRIPT} {XSS_IMG}",
        "url": "javascript:window.__xss=1",
        "text": (
            f"Russia accused Ukraine of shelling Belgorod on Tuesday. {XSS_SCRIPT} "
            f"{XSS_IMG} Ukraine denied the claim on Wednesday."
        ),
    }
    answer = server.post("/api/ingest", {"articles": [hostile]}, token=TOKEN)
    assert answer["stored"] == 1, answer
    stored = [a for a in server.get("/api/articles", limit=500)["articles"] if "xss" in a["id"]]
    assert len(stored) == 1
    doc_id = stored[0]["id"]

    page.goto(f"{server.url}/#article={urllib.parse.quote(doc_id, safe='')}")
    page.wait_for_selector("[data-testid=article-text]")
    page.wait_for_timeout(300)  # time for an injected handler to run, were there one
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert XSS_SCRIPT in (page.text_content("[data-testid=article-title]") or "")
    body = page.text_content("[data-testid=article-text]") or ""
    assert XSS_SCRIPT in body and XSS_IMG in body
    assert XSS_IMG in (page.text_content("[data-testid=article-meta]") or "")
    assert page.locator("#article-view script, #article-view img").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert "javascript:window.__xss=1" in (page.text_content("[data-testid=article-meta]") or "")

    # the same text in the events table, an event's reports and "code this text"
    # ("on Tuesday" before the publication date: the 18th)
    page.fill("#f-since", "2024-06-17")
    page.fill("#f-until", "2024-06-21")
    page.select_option("#f-status", "all")
    refreshed(page, lambda: page.click("[data-testid=apply]"))
    rows = page.locator("[data-testid=event-row]")
    assert rows.count() > 0
    for i in range(rows.count()):
        rows.nth(i).click()
        page.wait_for_selector("[data-testid=mention]")
    page.fill("[data-testid=code-text]", hostile["text"])
    page.click("[data-testid=code-submit]")
    page.wait_for_selector("[data-testid=code-summary]", timeout=120_000)
    assert XSS_SCRIPT in (page.text_content("[data-testid=code-text-highlighted]") or "")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("script:not([src])").count() == 0
    assert page.locator("img").count() == 0
    shot(page, "markup-as-text", "#article-view")
