"""The REST API on a real database (tests/web/conftest.py), through FastAPI's test client."""

from __future__ import annotations

import re
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from starlette.routing import Mount

from eventwire.cli import main
from eventwire.errors import UsageError
from eventwire.store import Store
from eventwire.store.core import StoreBusy
from eventwire.store.queries import EventFilter
from eventwire.web import app as web_app
from eventwire.web import create_app
from eventwire.web.access import Gate

API_DOC = (Path(__file__).parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
TOKEN = "t0ken-for-tests"
SENTENCE = "Russia's foreign minister met his Chinese counterpart in Beijing on Monday."


@pytest.fixture(scope="module")
def client(web_db: Path) -> TestClient:
    return TestClient(create_app(web_db, token=TOKEN), raise_server_exceptions=False)


@pytest.fixture
def writable(web_db: Path, tmp_path: Path) -> Path:
    """A copy of the module's database, for a test that writes."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(web_db, copy)
    return copy


def count(db: Path, **fields: object) -> int:
    with Store(db, read_only=True) as store:
        return store.count(EventFilter(**fields))  # type: ignore[arg-type]


def assert_error(response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]["message"]


def article_id(client: TestClient, ref: str) -> str:
    listed = client.get("/api/articles", params={"limit": 500}).json()["articles"]
    return next(a["id"] for a in listed if a["id"].endswith("#" + ref))


def get_article(client: TestClient, ident: str):
    return client.get("/api/articles/" + quote(ident, safe=""))


# ---------------------------------------------------------------------------- reads


def test_health_counts_what_is_stored(client, web_db):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["version"] == "0.1.0"
    assert body["articles"] == 5
    assert body["events"] == count(web_db, status="all") > 0


def test_events_page_through_everything_with_the_total(client, web_db):
    everything = client.get("/api/events", params={"status": "all", "limit": 500}).json()
    total = everything["total"]
    assert total == count(web_db, status="all") == len(everything["events"]) >= 8
    pages, offset = [], 0
    while offset < total:
        page = client.get(
            "/api/events", params={"status": "all", "limit": 3, "offset": offset}
        ).json()
        assert (page["total"], page["limit"], page["offset"]) == (total, 3, offset)
        assert 0 < len(page["events"]) <= 3
        pages += page["events"]
        offset += 3
    assert [e["id"] for e in pages] == [e["id"] for e in everything["events"]]
    past = client.get("/api/events", params={"status": "all", "offset": total}).json()
    assert past["events"] == [] and past["total"] == total


@pytest.mark.parametrize(
    ("params", "holds"),
    [
        ({"country": "KEN"}, lambda e: "KEN" in _countries(e)),
        ({"dyad": "UKR:RUS"}, lambda e: {"UKR", "RUS"} <= _countries(e)),
        ({"since": "2024-05", "until": "2024-05-31"}, lambda e: e["date"].startswith("2024-05")),
        ({"until": "2024-03"}, lambda e: e["date"] <= "2024-03-31"),
        ({"event_type": "SUPPORT"}, lambda e: e["event_type"] == "SUPPORT"),
        ({"quad_class": "4", "status": "all"}, lambda e: e["quad_class"] == 4),
        ({"status": "alleged"}, lambda e: e["status"] == "alleged"),
        ({"place": "Nairobi"}, lambda e: e["location"]["text"] == "Nairobi"),
        ({"source": "SOMGOV"}, lambda e: "SOMGOV" in [a["code"] for a in e["source"]]),
    ],
)
def test_filters_narrow_the_events(client, web_db, params, holds):
    body = client.get("/api/events", params=params).json()
    everything = count(web_db, status="all")
    assert 0 < body["total"] < everything
    assert body["total"] == count(web_db, **params) == len(body["events"])
    assert all(holds(e) for e in body["events"])


def _countries(event: dict) -> set[str]:
    return {a["country"] for a in event["source"] + event["target"]}


def test_mentions_give_one_row_per_report(client, web_db):
    body = client.get("/api/events", params={"mentions": "true", "status": "all"}).json()
    assert body["total"] == count(web_db, mentions=True, status=None)
    assert all("event_id" not in e for e in body["events"])


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"since": "notadate"}, "not a date"),
        ({"quad_class": "9"}, "1-4"),
        ({"event_type": "NOPE"}, "NOPE"),
        ({"country": "Russia"}, "three-letter"),
        ({"dyad": "RUS"}, "SOURCE:TARGET"),
        ({"sort": "sideways"}, "sort"),
        ({"status": "maybe"}, "status"),
        ({"since": "2024-05", "until": "2024-03"}, "swap"),
        ({"limit": "501"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"min_confidence": "2"}, "min_confidence"),
        ({"directed": "perhaps"}, "directed"),
    ],
)
def test_a_bad_filter_is_a_400_that_says_why(client, params, says):
    message = assert_error(client.get("/api/events", params=params), 400, "bad_request")
    assert says in message


@pytest.mark.parametrize("path", ["/api/actors", "/api/stats", "/api/network", "/api/map"])
def test_aggregates_take_the_same_filters(client, path):
    assert_error(client.get(path, params={"since": "notadate"}), 400, "bad_request")
    assert client.get(path, params={"country": "KEN"}).status_code == 200


def test_one_event_with_its_mentions(client, web_db):
    listed = client.get("/api/events", params={"country": "UKR"}).json()["events"]
    assert listed
    first = listed[0]
    body = client.get(f"/api/events/{first['event_id']}").json()
    assert body["event_id"] == first["event_id"] and body["event_type"] == first["event_type"]
    assert len(body["mentions"]) == body["num_mentions"] >= 1
    mention = body["mentions"][0]
    article = get_article(client, mention["doc_id"]).json()
    evidence = mention["evidence"]
    assert article["text"][evidence["start"] : evidence["end"]] == evidence["text"]
    # the id of any of its mentions finds the same event
    again = client.get(f"/api/events/{mention['event_id']}").json()
    assert again["event_id"] == first["event_id"]


def test_unknown_things_are_404(client):
    assert "we_nope" in assert_error(client.get("/api/events/we_nope"), 404, "not_found")
    assert_error(get_article(client, "/no/such.jsonl#1"), 404, "not_found")
    assert_error(client.get("/api/nothing-here"), 404, "not_found")
    assert_error(client.delete("/api/events"), 405, "method_not_allowed")


def test_articles_newest_first_with_pages(client):
    body = client.get("/api/articles").json()
    assert body["total"] == 5 and [a["id"].split("#")[-1] for a in body["articles"]] == [
        "w-5",
        "w-4",
        "w-3",
        "w-2",
        "w-1",
    ]
    first = body["articles"][-1]
    assert first["title"] == "Ministers meet in Beijing" and first["source"] == "Test Wire"
    assert first["url"].startswith("https://wire.example.org/")
    assert first["published"] == "2024-03-04" and first["events"] >= 2
    page = client.get("/api/articles", params={"limit": 2, "offset": 3}).json()
    assert [a["id"] for a in page["articles"]] == [a["id"] for a in body["articles"][3:5]]
    assert client.get("/api/articles", params={"status": "duplicate"}).json()["total"] == 0
    assert_error(client.get("/api/articles", params={"status": "lost"}), 400, "bad_request")


def test_article_spans_point_at_their_words(client):
    body = get_article(client, article_id(client, "w-1")).json()
    text = body["text"]
    events = {e["id"]: e for e in body["events"]}
    kinds = {s["kind"] for s in body["spans"]}
    assert kinds == {"actor", "trigger", "evidence"}
    assert [s["start"] for s in body["spans"]] == sorted(s["start"] for s in body["spans"])
    for span in body["spans"]:
        words = text[span["start"] : span["end"]]
        assert span["event_ids"] and all(i in events for i in span["event_ids"])
        for ev in (events[i] for i in span["event_ids"]):
            if span["kind"] == "evidence":
                assert words == ev["evidence"]["text"] and ev["event_type"] in span["label"]
            elif span["kind"] == "trigger":
                assert words == ev["evidence"]["trigger"]
            else:
                sides = [(a["start"], a["end"]) for a in ev["source"] + ev["target"]]
                assert (span["start"], span["end"]) in sides
                actor = next(a for a in ev["source"] + ev["target"] if a["start"] == span["start"])
                assert words == actor["text"] and actor["code"] in span["label"]
    # the title's event points into the title, so it marks nothing in the text
    titled = [e["id"] for e in body["events"] if e["evidence"]["part"] == "title"]
    assert titled
    assert not any(set(titled) & set(s["event_ids"]) for s in body["spans"])
    # one span per place and kind, however many events mark it
    keys = [(s["start"], s["end"], s["kind"]) for s in body["spans"]]
    assert len(keys) == len(set(keys))


def test_markup_comes_back_as_plain_text(client):
    response = get_article(client, article_id(client, "w-4"))
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert "<script>alert('x')</script> <b>More</b>" in body["text"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_actors_count_both_sides(client, web_db):
    actors = client.get("/api/actors", params={"status": "all"}).json()["actors"]
    by_code = {a["code"]: a for a in actors}
    assert by_code["SOMGOV"]["name"] == "Somalia" and by_code["SOMGOV"]["sector"] == "GOV"
    assert "Somali officials" in by_code["SOMGOV"]["names"]
    assert [a["events"] for a in actors] == sorted((a["events"] for a in actors), reverse=True)
    for actor in actors:
        if len(actor["code"]) > 3:  # a country alone would also match its sectors
            assert actor["as_source"] == count(web_db, source=actor["code"], status="all")
            assert actor["as_target"] == count(web_db, target=actor["code"], status="all")
    few = client.get("/api/actors", params={"limit": 2, "country": "KEN"}).json()["actors"]
    assert len(few) == 2 and {"KEN", "SOM"} <= {a["code"] for a in actors}


def test_stats_by_period_and_quad_class(client, web_db):
    body = client.get("/api/stats", params={"by": "month"}).json()
    assert body["by"] == "month"
    series = body["series"]
    assert {r["period"] for r in series} == {"2024-03-01", "2024-04-01", "2024-05-01"}
    assert series == sorted(series, key=lambda r: (r["period"], r["quad_class"]))
    totals = body["totals"]
    assert totals["events"] == count(web_db) == sum(r["events"] for r in series)
    assert sum(totals["by_quad_class"].values()) == totals["events"]
    assert set(totals["by_quad_class"]) == {"1", "2", "3", "4"}
    assert sum(totals["by_type"].values()) == totals["events"]
    assert totals["by_type"]["SUPPORT"] == count(web_db, event_type="SUPPORT")
    weeks = client.get("/api/stats", params={"by": "week", "country": "KEN"}).json()
    assert weeks["series"] and all(r["period"] == "2024-04-15" for r in weeks["series"])
    assert_error(client.get("/api/stats", params={"by": "fortnight"}), 400, "bad_request")
    assert_error(client.get("/api/stats", params={"mentions": "true"}), 400, "bad_request")


def test_network_edges_and_nodes(client, web_db):
    body = client.get("/api/network", params={"status": "all"}).json()
    edges, nodes = body["edges"], {n["id"]: n for n in body["nodes"]}
    assert edges and all(e["source"] != e["target"] for e in edges)
    assert {e["source"] for e in edges} | {e["target"] for e in edges} == set(nodes)
    assert [e["events"] for e in edges] == sorted((e["events"] for e in edges), reverse=True)
    accuse = next(e for e in edges if (e["source"], e["target"]) == ("UKR", "RUS"))
    assert accuse["goldstein"] < 0 and nodes["UKR"]["name"] == "Ukraine"
    assert len(client.get("/api/network", params={"limit": 1}).json()["edges"]) == 1
    assert_error(client.get("/api/network", params={"limit": 501}), 400, "bad_request")


def test_map_places_and_countries(client):
    body = client.get("/api/map").json()
    places = {p["name"]: p for p in body["places"]}
    assert places["Nairobi"]["country"] == "KEN" and places["Beijing"]["country"] == "CHN"
    assert -2 < places["Nairobi"]["lat"] < 0 and 36 < places["Nairobi"]["lon"] < 38
    countries = {c["country"]: c["events"] for c in body["countries"]}
    assert countries["CHN"] == places["Beijing"]["events"]
    only = client.get("/api/map", params={"country": "KEN"}).json()
    assert [p["name"] for p in only["places"]] == ["Nairobi"]


# ---------------------------------------------------------------------------- coding


def test_code_returns_events_and_spans_and_stores_nothing(client):
    before = client.get("/healthz").json()
    body = client.post("/api/code", json={"text": SENTENCE, "date": "2024-06-19"}).json()
    assert body["text"] == SENTENCE and body["status"] == "coded"
    assert body["events"]
    meeting = body["events"][0]
    assert meeting["event_type"] == "CONSULT" and meeting["date"] == "2024-06-17"
    assert meeting["source"][0]["code"] == "RUSGOV"
    for span in body["spans"]:
        words = SENTENCE[span["start"] : span["end"]]
        if span["kind"] == "trigger":
            assert words == "met"
        elif span["kind"] == "actor":
            assert words == "Russia's foreign minister"
        else:
            assert words == SENTENCE
    assert client.get("/healthz").json() == before


def test_code_keeps_markup_as_text(client):
    text = "<b>Kenya</b> and Somalia signed a pact on Friday. <img src=x onerror=alert(1)>"
    response = client.post("/api/code", json={"text": text, "date": "2024-04-20"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["text"] == text


def test_code_refuses_what_it_cannot_code(client):
    assert_error(client.post("/api/code", json={"date": "2024-01-01"}), 422, "unprocessable")
    assert_error(client.post("/api/code", json={"text": "  "}), 422, "unprocessable")
    message = assert_error(
        client.post("/api/code", json={"text": SENTENCE, "date": "last week"}), 422, "unprocessable"
    )
    assert "last week" in message
    assert_error(
        client.post(
            "/api/code", content=b"{not json", headers={"content-type": "application/json"}
        ),
        422,
        "unprocessable",
    )
    long = client.post("/api/code", json={"text": "a" * 200_001})
    assert "200,000" in assert_error(long, 413, "too_large")


def test_a_body_over_the_limit_is_413(client):
    big = b'{"text": "' + b"a" * 2_000_000 + b'"}'
    message = assert_error(
        client.post("/api/code", content=big, headers={"content-type": "application/json"}),
        413,
        "too_large",
    )
    assert "2,000,000" in message

    def chunks():  # no Content-Length: counted while reading
        for _ in range(30):
            yield b"a" * 100_000

    assert_error(client.post("/api/code", content=chunks()), 413, "too_large")


# ---------------------------------------------------------------------------- writes


def _send(client: TestClient, articles: list[dict], token: str | None = TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post("/api/ingest", json={"articles": articles}, headers=headers)


NEW = {
    "id": "n-1",
    "date": "2024-06-07",
    "title": "Envoy recalled",
    "source": "Test Wire",
    "text": "Chad recalled its ambassador from Sudan on Friday.",
}


def test_ingest_needs_the_token(writable):
    client = TestClient(create_app(writable, token=TOKEN))
    no_header = _send(client, [NEW], token=None)
    assert_error(no_header, 401, "unauthorized")
    assert no_header.headers["www-authenticate"] == "Bearer"
    assert_error(_send(client, [NEW], token="wrong"), 401, "unauthorized")
    assert_error(
        client.post("/api/ingest", json={"articles": [NEW]}, headers={"Authorization": TOKEN}),
        401,
        "unauthorized",
    )
    closed = TestClient(create_app(writable))
    assert "EVENTWIRE_TOKEN" in assert_error(_send(closed, [NEW]), 403, "forbidden")
    assert client.get("/healthz").json()["articles"] == 5  # nothing was stored


def test_ingest_stores_like_the_cli(writable):
    client = TestClient(create_app(writable, token=TOKEN))
    before = client.get("/healthz").json()
    bad = {"id": "n-2", "text": "Chad and Sudan met.", "date": "soon"}
    body = _send(client, [NEW, {"text": ""}, bad]).json()
    assert body["stored"] == 1 and body["events"] >= 1 and body["skipped"] == 0
    assert body["ids"] == ["api#n-1", None, None]
    reasons = {r["origin"]: r["reason"] for r in body["rejected"]}
    assert reasons == {
        "api:2": 'missing or empty "text"',
        "api#n-2": "date 'soon' is not YYYY-MM-DD",
    }
    # the new article is readable, with its events and spans
    article = get_article(client, "api#n-1").json()
    assert article["text"] == NEW["text"] and article["title"] == "Envoy recalled"
    assert article["published"] == "2024-06-07" and article["events"] and article["spans"]
    after = client.get("/healthz").json()
    assert after["articles"] == before["articles"] + 1 and after["events"] > before["events"]
    # the rejects are quarantined, as `eventwire ingest` does
    with Store(writable, read_only=True) as store:
        quarantined = {r["origin"]: r["reason"] for r in store.rejected()}
    assert quarantined["api#n-2"] == reasons["api#n-2"]
    # the same again adds nothing; the same id with other text is refused, not overwritten
    again = _send(client, [NEW]).json()
    assert (again["stored"], again["skipped"], again["ids"]) == (0, 1, ["api#n-1"])
    changed = _send(client, [dict(NEW, text="Chad closed its border with Sudan on Friday.")])
    assert (
        changed.json()["stored"] == 0
        and "already stored" in changed.json()["rejected"][0]["reason"]
    )
    assert get_article(client, "api#n-1").json()["text"] == NEW["text"]


def test_ingest_limits(writable):
    client = TestClient(create_app(writable, token=TOKEN))
    assert_error(_send(client, []), 422, "unprocessable")
    assert_error(_send(client, [{"text": f"Text {i}."} for i in range(101)]), 422, "unprocessable")
    assert_error(_send(client, [{"title": "no text"}]), 422, "unprocessable")


def test_reads_go_on_while_the_server_ingests(writable):
    client = TestClient(create_app(writable, token=TOKEN))
    seen: list[int] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.append(client.get("/api/events", params={"limit": 5}).status_code)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for r in readers:
        r.start()
    try:
        texts = [
            "Chad recalled its ambassador from Sudan on Friday.",
            "Peru and Chile signed a fishing agreement in Lima on Monday.",
            "Egypt hosted talks between Israeli and Palestinian officials in Cairo.",
        ]
        response = _send(client, [{"id": f"c-{i}", "text": t} for i, t in enumerate(texts)])
    finally:
        done.set()
        for r in readers:
            r.join()
    assert response.status_code == 200 and response.json()["stored"] == 3
    assert seen and set(seen) == {200}


def test_a_waiting_writer_goes_before_new_readers():
    gate = Gate()
    order: list[str] = []
    with gate.reading(1):
        writer = threading.Thread(target=lambda: _write(gate, order))
        writer.start()
        while not gate._waiting:  # the writer waits for this reader
            time.sleep(0.01)
        with pytest.raises(StoreBusy):  # a new reader does not overtake it
            with gate.reading(0.05):
                pass
        order.append("read")
    writer.join()
    assert order == ["read", "write"]
    with gate.writing(1), gate.writing(1):  # the writer may enter again; readers wait
        assert isinstance(_in_thread(lambda: gate.reading(0.05).__enter__()), StoreBusy)
    with gate.reading(0.05):  # and it leaves the gate open
        pass


def _write(gate: Gate, order: list[str]) -> None:
    with gate.writing(5):
        order.append("write")


def _in_thread(fn) -> BaseException:
    """What ``fn`` raised in another thread."""
    caught: list[BaseException] = []

    def run() -> None:
        try:
            fn()
        except BaseException as exc:
            caught.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert caught, "expected an exception"
    return caught[0]


# ---------------------------------------------------------------------------- service


def test_failures_keep_the_error_shape_and_no_traceback(web_db, monkeypatch):
    client = TestClient(create_app(web_db), raise_server_exceptions=False)

    def broken(store):
        raise RuntimeError("secret detail of /home/someone")

    monkeypatch.setattr(web_app.reads, "health", broken)
    response = client.get("/healthz")
    assert_error(response, 500, "internal")
    assert "secret" not in response.text and "Traceback" not in response.text

    def busy(store):
        raise StoreBusy("held by pid 1234")

    monkeypatch.setattr(web_app.reads, "health", busy)
    response = client.get("/healthz")
    assert_error(response, 503, "unavailable")
    assert response.headers["retry-after"] and "1234" not in response.text


def test_dashboard_at_the_root(client, tmp_path, monkeypatch):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    monkeypatch.setattr(web_app, "STATIC", tmp_path)  # no dashboard installed
    bare = client.get("/")
    assert bare.status_code == 200 and 'href="/docs"' in bare.text


def test_api_page_needs_no_network(client):
    page = client.get("/docs")
    assert page.status_code == 200 and "/static/apidocs.js" in page.text
    assert "cdn" not in page.text.lower() and "http" not in page.text.replace("http-equiv", "")
    script = client.get("/static/apidocs.js").text
    assert "/openapi.json" in script and "innerHTML" not in script
    assert client.get("/redoc").status_code == 404


def test_missing_database_is_refused(tmp_path):
    with pytest.raises(UsageError, match="no database"):
        create_app(tmp_path / "none.duckdb")


def _routes(app) -> list[tuple[str, str]]:
    out = []
    for route in app.routes:
        if isinstance(route, Mount) or route.path == "/docs":
            continue
        path = re.sub(r":\w+}", "}", route.path)
        out += [(method, path) for method in sorted(route.methods - {"HEAD"})]
    return out


def test_every_endpoint_is_documented(client):
    routes = _routes(client.app)
    assert ("GET", "/api/events") in routes and ("POST", "/api/ingest") in routes
    missing = [f"{m} {p}" for m, p in routes if f"`{m} {p}`" not in API_DOC]
    assert not missing, f"docs/api.md does not document {missing}"


def test_openapi_lists_every_api_route(client):
    paths = client.get("/openapi.json").json()["paths"]
    for method, path in _routes(client.app):
        if path.startswith("/api/"):
            assert method.lower() in paths.get(path, {}), f"{method} {path} not in /openapi.json"
    assert "bad_request" in API_DOC and "EVENTWIRE_TOKEN" in API_DOC


# ---------------------------------------------------------------------------- the command


def test_serve_refuses_a_missing_database(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "no database" in result.stderr


def test_serve_runs_uvicorn_on_loopback_with_the_token(web_db, monkeypatch):
    import uvicorn

    ran = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: ran.update(app=app, **kw))
    monkeypatch.setenv("EVENTWIRE_TOKEN", TOKEN)
    result = CliRunner().invoke(main, ["serve", "--db", str(web_db), "--port", "8799"])
    assert result.exit_code == 0, result.output
    assert (ran["host"], ran["port"]) == ("127.0.0.1", 8799)
    assert "http://127.0.0.1:8799/" in result.stderr
    client = TestClient(ran["app"])
    assert_error(_send(client, [NEW], token="wrong"), 401, "unauthorized")  # token is set
