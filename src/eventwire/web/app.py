"""The REST API and the dashboard's server: ``create_app(db_path)`` builds the FastAPI app.

Reads open the database read-only for one request at a time (an ``eventwire ingest``
or ``watch`` in another process can keep writing between its batches); only
``POST /api/ingest`` writes, with a bearer token, through the same runner as
``eventwire ingest``. Every error is ``{"error": {"status", "code", "message"}}``, and
no traceback ever reaches a client. ``docs/api.md`` documents every endpoint.
"""

import hmac
import logging
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eventwire import __version__
from eventwire.config import DEFAULT_WAIT, Settings
from eventwire.errors import InputError, StoreError, UsageError
from eventwire.ingest import identity
from eventwire.ingest.base import Item, Options, text_id
from eventwire.ingest.records import to_article
from eventwire.models import Article
from eventwire.pipeline import Pipeline
from eventwire.runners.local import Summary, ingest_items
from eventwire.store import Store
from eventwire.store.core import StoreBusy
from eventwire.store.queries import SORTS, EventFilter
from eventwire.web import reads
from eventwire.web.access import Gate, WritingStore
from eventwire.web.spans import spans

log = logging.getLogger("eventwire.web")

#: Request body limit (bytes), checked from Content-Length and while reading.
MAX_BODY = 2_000_000
#: Characters of text ``POST /api/code`` codes at once.
MAX_TEXT = 200_000
#: Articles per ``POST /api/ingest`` request.
MAX_ARTICLES = 100
#: Page size: default and most.
PAGE, MAX_PAGE = 50, 500
#: Rows a page may skip at most (DuckDB's OFFSET is a 64-bit integer).
MAX_OFFSET = 1_000_000_000
#: Bytes of a request's path and of its query string (percent-encoded, as sent).
MAX_PATH, MAX_QUERY = 2_048, 8_192
#: What articles sent to ``POST /api/ingest`` are named by in the store ("api#<id>").
API_INPUT = "api"
STATIC = Path(__file__).parent / "static"

#: The ``code`` of each HTTP status in error bodies.
ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    414: "uri_too_long",
    422: "unprocessable",
    500: "internal",
    503: "unavailable",
}

_NO_INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>eventwire</title></head>
<body><h1>eventwire</h1><p>The dashboard is not installed.
See the API at <a href="/docs">/docs</a> (<a href="/openapi.json">/openapi.json</a>).</p>
</body></html>
"""


class ErrorDetail(BaseModel):
    status: int = Field(description="The HTTP status again")
    code: str = Field(description="One word for the status: " + ", ".join(ERROR_CODES.values()))
    message: str = Field(description="What was wrong, for a person")


class ErrorBody(BaseModel):
    """The one shape of every error."""

    error: ErrorDetail


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses, all in the one error shape."""
    said = {
        400: "A bad query or path value",
        401: "No token, or not the server's",
        403: "The server takes no writes (started without a token)",
        404: "No such thing",
        413: "The request body (or text) is over the limit",
        414: "The path or query string is over the limit",
        422: "A body that is not the JSON described, or a text that cannot be coded",
        500: "A bug: see the server's log",
        503: "Another process held the database too long",
    }
    return {s: {"model": ErrorBody, "description": said[s]} for s in statuses}


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    """The one error shape: ``{"error": {"status": 404, "code": "not_found", "message"}}``."""
    body = {
        "error": {"status": status, "code": ERROR_CODES.get(status, "error"), "message": message}
    }
    return JSONResponse(body, status_code=status, headers=headers)


class BodyLimit:
    """Refuse request bodies over ``max_body`` bytes (413), by their Content-Length and,
    for bodies sent without one (chunked), while reading them. The body is read here,
    at most ``max_body`` bytes, and handed on whole."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = error_response(
            413, f"the request body is over the {self.max_body:,}-byte limit"
        )
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await error_response(400, "Content-Length is not a number")(scope, receive, send)
                return
            if declared > self.max_body:
                await too_large(scope, receive, send)
                return
        if scope["method"] not in ("POST", "PUT", "PATCH", "DELETE"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        handed = False

        async def replay() -> Message:
            nonlocal handed
            if not handed:
                handed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class UrlLimit:
    """Refuse paths over ``MAX_PATH`` bytes and query strings over ``MAX_QUERY`` bytes
    (414) before any route or filter sees them: no filter needs more."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
            query = scope.get("query_string", b"")
            problem = ""
            if len(path) > MAX_PATH:
                problem = f"the path is {len(path):,} bytes, over the {MAX_PATH:,}-byte limit"
            elif len(query) > MAX_QUERY:
                problem = (
                    f"the query string is {len(query):,} bytes, over the {MAX_QUERY:,}-byte limit"
                )
            if problem:
                await error_response(414, problem)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SafetyHeaders:
    """Headers that keep browsers from sniffing types or framing the dashboard."""

    HEADERS = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


class Coder:
    """The coding pipeline, loaded on first use and shared by every request. One text
    (or one ingest) is coded at a time: spaCy's model is not made for concurrent use,
    and coding is CPU-bound anyway."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock = threading.Lock()
        self._pipeline: Pipeline | None = None

    def run(self, article: Article) -> Article:
        with self.lock:
            if self._pipeline is None:
                self._pipeline = Pipeline.default(self.settings, dedup=False)
            return self._pipeline.run(article)


# ------------------------------------------------------------------------ parameters


def event_filter(
    country: Annotated[
        str | None, Query(description="ISO3 or international code(s) on either side: PRK,RUS")
    ] = None,
    actor: Annotated[str | None, Query(description="Text in an actor's name or code")] = None,
    source: Annotated[
        str | None, Query(description="Country (RUS) or actor code (RUSGOV) on the source side")
    ] = None,
    target: Annotated[
        str | None, Query(description="Country (PRK) or actor code (PRKGOV) on the target side")
    ] = None,
    dyad: Annotated[
        str | None, Query(description="SOURCE:TARGET, e.g. RUS:PRK (either way unless directed)")
    ] = None,
    directed: Annotated[bool, Query(description="dyad A:B means A acts on B only")] = False,
    event_type: Annotated[
        str | None, Query(description="PLOVER type(s), comma-separated: AGREE,CONSULT")
    ] = None,
    cameo: Annotated[str | None, Query(description="CAMEO code(s) or root(s): 057 or 19")] = None,
    quad_class: Annotated[str | None, Query(description="Quad class(es) 1-4: 3,4")] = None,
    since: Annotated[
        str | None, Query(description="On or after: YYYY-MM-DD, YYYY-MM, YYYY")
    ] = None,
    until: Annotated[
        str | None, Query(description="On or before: YYYY-MM-DD, YYYY-MM, YYYY")
    ] = None,
    status: Annotated[str, Query(description="Status(es), comma-separated, or all")] = "asserted",
    place: Annotated[
        str | None, Query(description="Text in the place's name, or its country's ISO3")
    ] = None,
    text: Annotated[str | None, Query(description="Words all in the evidence sentence")] = None,
    doc_id: Annotated[str | None, Query(description="Events reported in this article")] = None,
    story: Annotated[str | None, Query(description="Events reported in this story")] = None,
    min_confidence: Annotated[
        float | None, Query(ge=0, le=1, description="Only events at least this confident")
    ] = None,
    mentions: Annotated[
        bool, Query(description="One row per report instead of one per real-world event")
    ] = False,
    sort: Annotated[str, Query(description="Order: " + ", ".join(SORTS))] = "date",
) -> EventFilter:
    """The query parameters of every event endpoint, as the one ``EventFilter``; a bad
    value raises ``UsageError`` (400) naming the valid ones."""
    return EventFilter(
        country=country,
        actor=actor,
        source=source,
        target=target,
        dyad=dyad,
        directed=directed,
        event_type=event_type,
        cameo=cameo,
        quad_class=quad_class,
        since=since,
        until=until,
        status=status,
        place=place,
        text=text,
        doc_id=doc_id,
        story=story,
        min_confidence=min_confidence,
        mentions=mentions,
        sort=sort,
    )


Filter = Annotated[EventFilter, Depends(event_filter)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page size, at most {MAX_PAGE}")]
Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description=f"Rows to skip, at most {MAX_OFFSET:,}")
]


class CodeRequest(BaseModel):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {"text": "Chad recalled its ambassador from Sudan on Friday.", "date": "2024-06-07"}
            ]
        }
    }

    text: str = Field(description=f"The text to code, at most {MAX_TEXT:,} characters")
    date: str | None = Field(None, description="Publication date, YYYY-MM-DD")
    title: str | None = Field(None, description="A headline given apart from the text")


class IngestArticle(BaseModel):
    text: str
    title: str | None = None
    url: str | None = None
    date: str | None = Field(None, description="Publication date, YYYY-MM-DD")
    source: str | None = Field(None, description="The outlet")
    id: str | None = Field(None, description="Your id; default: a hash of the text")


class IngestRequest(BaseModel):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "articles": [
                        {
                            "id": "n-1",
                            "date": "2024-06-07",
                            "title": "Envoy recalled",
                            "source": "Test Wire",
                            "text": "Chad recalled its ambassador from Sudan on Friday.",
                        }
                    ]
                }
            ]
        }
    }

    articles: list[IngestArticle] = Field(min_length=1, max_length=MAX_ARTICLES)


def _api_item(record: IngestArticle, n: int) -> Item:
    """An article sent to the API, named in the store "api#<id>" (its id, or a hash of
    its text), or an ``InputError`` saying why it cannot be used (quarantined)."""
    fields = record.model_dump(exclude_none=True)
    ref = record.id or (text_id(record.text) if record.text.strip() else "")
    where = f"{API_INPUT}#{ref}" if ref else f"{API_INPUT}:{n}"  # no text: its place
    item = to_article(fields, where, Options())
    if isinstance(item, Article):
        item.ref = item.id
        item.id = identity(API_INPUT, item.id, whole=False)
    return item


# ------------------------------------------------------------------------- HTML pages

#: For pages without a policy of their own: nothing but this server, no scripts inline.
DEFAULT_CSP = "default-src 'self'; object-src 'none'; base-uri 'none'"
_CSP_META = re.compile(
    r"""<meta\s+http-equiv=["']Content-Security-Policy["']\s+content=(["'])(.+?)\1""",
    re.IGNORECASE,
)


def csp(html: str) -> str:
    """The Content-Security-Policy header for a page: the policy of its own ``<meta>``
    tag (or ``DEFAULT_CSP``), plus ``frame-ancestors 'none'``, which only a header can
    say."""
    found = _CSP_META.search(html)
    policy = found.group(2).strip().rstrip(";") if found else DEFAULT_CSP
    return f"{policy}; frame-ancestors 'none'"


def html_page(page: Path) -> Response:
    """A page of ``static/`` with its policy as an HTTP header too."""
    return FileResponse(
        page,
        media_type="text/html",
        headers={"Content-Security-Policy": csp(page.read_text(encoding="utf-8"))},
    )


# ------------------------------------------------------------------------------- app


def create_app(
    db_path: str | Path,
    *,
    token: str | None = None,
    max_body: int = MAX_BODY,
    wait: float = DEFAULT_WAIT,
) -> FastAPI:
    """The API over the database at ``db_path`` (which must exist). ``token`` enables
    ``POST /api/ingest`` (``Authorization: Bearer <token>``); without one every write is
    refused (403). ``wait``: seconds a request waits for another process's write."""
    db = str(db_path)
    if not Path(db).is_file():
        raise UsageError(f"no database at {db}; run `eventwire ingest PATH` first or pass --db")
    # open it once now: a damaged or foreign file is refused at start (StoreDamaged names
    # it), not with a 500 on every request while /healthz still answers
    Store(db, read_only=True, wait=wait).close()
    settings = Settings.from_env(db=db, workers=1, wait=wait)
    coder = Coder(settings)
    gate = Gate()
    bearer = HTTPBearer(auto_error=False, description="The server's EVENTWIRE_TOKEN")

    app = FastAPI(
        # every route may answer these, in the one error shape (not FastAPI's own 422)
        responses=_errors(400, 404, 413, 414, 422, 500, 503),
        # FastAPI's /docs and /redoc load their scripts from a CDN: /docs is our own page
        docs_url=None,
        redoc_url=None,
        title="eventwire",
        version=__version__,
        description="Events coded from news articles (PLOVER/CAMEO), with their evidence. "
        "See docs/api.md.",
        telemetry={
            "tracing": False,
            "metrics": False,
            "logs": False,
            "operation_spans": False,
            "auto_configure": False,
        },
    )
    app.state.db_path = db
    app.state.coder = coder
    app.add_middleware(BodyLimit, max_body=max_body)
    app.add_middleware(UrlLimit)
    app.add_middleware(SafetyHeaders)  # outermost: on every response, errors included

    # -- errors: one shape, no traceback -------------------------------------------------
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}; see /docs for the endpoints"
        return error_response(exc.status_code, message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        in_body = False
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ())]
            in_body = in_body or (bool(loc) and loc[0] == "body")
            where = (
                f"{loc[0]} parameter {'.'.join(loc[1:])}"
                if loc and loc[0] in ("query", "path", "header") and len(loc) > 1
                else ".".join(loc)
            )
            problems.append(f"{where}: {err.get('msg', 'invalid')}")
        # a bad query or path value is a bad request; a body that does not fit is 422
        return error_response(422 if in_body else 400, "; ".join(problems) or "invalid request")

    @app.exception_handler(UsageError)
    async def usage(request: Request, exc: UsageError) -> Response:
        return error_response(400, str(exc))

    @app.exception_handler(InputError)
    async def unusable(request: Request, exc: InputError) -> Response:
        return error_response(422, exc.reason)

    @app.exception_handler(StoreBusy)
    async def busy(request: Request, exc: StoreBusy) -> Response:
        log.warning("%s %s: %s", request.method, request.url.path, exc)
        return error_response(
            503,
            "the database is busy (another eventwire process is writing to it); try again",
            {"Retry-After": "5"},
        )

    @app.exception_handler(StoreError)
    async def store_failed(request: Request, exc: StoreError) -> Response:
        log.error("%s %s: %s", request.method, request.url.path, exc)
        return error_response(500, "the database could not be read; see the server's log")

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        # the traceback goes to the server's log (the ASGI server logs what is re-raised).
        # Starlette answers this outside every middleware: the safety headers go on here.
        headers = {k.decode(): v.decode() for k, v in SafetyHeaders.HEADERS}
        return error_response(500, "internal error; see the server's log", headers)

    @contextmanager
    def reading() -> Iterator[Store]:
        """The database read-only, held for this request's queries only (and not while
        an ingest of this server stores a batch: see ``access``)."""
        with gate.reading(wait):
            store = Store(db, read_only=True, wait=wait)
            try:
                with store.session():
                    yield store
            finally:
                store.close()

    # -- reads ----------------------------------------------------------------------------
    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, Any]:
        """Liveness, version, and how many real-world events and articles are stored."""
        with reading() as store:
            counts = reads.health(store)
        return {"status": "ok", "version": __version__, **counts}

    @app.get("/api/events", tags=["events"])
    def list_events(wanted: Filter, limit: Limit = PAGE, offset: Offset = 0) -> dict[str, Any]:
        """Stored events matching the filters (one per real-world event, or per report with
        mentions=true), a page at a time, with the total that match."""
        with reading() as store:
            total = store.count(wanted)
            found = store.events(wanted, limit=limit, offset=offset)
        return {
            "total": total,
            "limit": limit,
            "offset": offset,
            "events": [ev.to_dict() for ev in found],
        }

    @app.get("/api/events/{event_id}", tags=["events"])
    def get_event(event_id: str) -> dict[str, Any]:
        """One real-world event (by its we_ id or the ev_ id of any mention) with every
        report of it: article, outlet, URL, dates, status, confidence, evidence."""
        with reading() as store:
            found = store.event(event_id)
        if found is None:
            raise HTTPException(404, f"no event {event_id!r}")
        record = found.to_dict()
        record.setdefault("mentions", [])
        return record

    @app.get("/api/actors", tags=["aggregates"])
    def list_actors(wanted: Filter, limit: Limit = PAGE) -> dict[str, Any]:
        """Actor codes in the matching events, most events first."""
        with reading() as store:
            return {"actors": reads.actors(store, wanted, limit)}

    @app.get("/api/stats", tags=["aggregates"])
    def get_stats(
        wanted: Filter,
        by: Annotated[str, Query(description="day, week, month or year")] = "week",
    ) -> dict[str, Any]:
        """Events per period and quad class, and totals by quad class and type."""
        with reading() as store:
            return reads.stats(store, wanted, by)

    @app.get("/api/network", tags=["aggregates"])
    def get_network(
        wanted: Filter,
        limit: Annotated[
            int, Query(ge=1, le=MAX_PAGE, description=f"Edges, at most {MAX_PAGE}")
        ] = 100,
    ) -> dict[str, Any]:
        """Who acts on whom: directed edges between actor codes, with their nodes."""
        with reading() as store:
            return reads.network(store, wanted, limit)

    @app.get("/api/map", tags=["aggregates"])
    def get_map(wanted: Filter) -> dict[str, Any]:
        """Where: places with coordinates, and events per country of the place."""
        with reading() as store:
            return reads.places(store, wanted)

    @app.get("/api/articles", tags=["articles"])
    def list_articles(
        limit: Limit = PAGE,
        offset: Offset = 0,
        status: Annotated[
            str | None, Query(description="coded, duplicate or skipped (default: all)")
        ] = None,
    ) -> dict[str, Any]:
        """Stored articles, newest first, with their number of events."""
        with reading() as store:
            return reads.article_list(store, limit, offset, status)

    @app.get("/api/articles/{article_id:path}", tags=["articles"])
    def get_article(article_id: str) -> dict[str, Any]:
        """One article with its text, its events (every report, any status) and the spans
        of their actors, triggers and sentences in the text. Percent-encode the id."""
        with reading() as store:
            article = store.article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return {
            "id": article.id,
            "title": article.title,
            "url": article.url,
            "source": article.source,
            "published": article.date,
            "status": article.status,
            "story_id": article.story_id,
            "text": article.text,
            "spans": spans(article.events, article.text),
            "events": [ev.to_dict() for ev in article.events],
        }

    # -- coding ---------------------------------------------------------------------------
    @app.post("/api/code", tags=["coding"])
    def code_text(body: CodeRequest) -> dict[str, Any]:
        """Code a text with the full pipeline and return its events and spans; nothing is
        stored."""
        if len(body.text) > MAX_TEXT:
            raise HTTPException(
                413, f"text is {len(body.text):,} characters, over the {MAX_TEXT:,} limit"
            )
        record = body.model_dump(exclude_none=True)
        item = to_article(record, "request", Options())
        if isinstance(item, InputError):
            raise item
        article = coder.run(item)
        if article.status == "rejected":
            raise InputError("request", article.reason)
        return {
            "text": body.text,
            "title": body.title or "",
            "date": article.date,
            "status": article.status,
            "reason": article.reason,
            "events": [ev.to_dict() for ev in article.events],
            "spans": spans(article.events, body.text),
        }

    def authorised(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        if token is None:
            raise HTTPException(
                403, "this server takes no writes: start it with EVENTWIRE_TOKEN set"
            )
        given = credentials.credentials if credentials is not None else ""
        if not given or not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(
                401,
                "send the server's token as 'Authorization: Bearer <token>'",
                headers={"WWW-Authenticate": "Bearer"},
            )

    @app.post(
        "/api/ingest",
        tags=["coding"],
        dependencies=[Depends(authorised)],
        responses=_errors(401, 403),
    )
    def ingest(body: IngestRequest) -> dict[str, Any]:
        """Code and store articles as `eventwire ingest` does: copies of stored stories
        join them, an id already stored with the same text adds nothing, and what cannot
        be used is quarantined with its reason."""
        items = [_api_item(record, n) for n, record in enumerate(body.articles, start=1)]
        summary = Summary()
        with coder.lock:
            ingest_items(items, settings, summary=summary, store=WritingStore(db, gate, wait))
        failed = {err.origin for err in summary.rejected}
        return {
            "stored": summary.stored,
            "skipped": summary.unchanged,
            "duplicates": summary.duplicates,
            "not_english": summary.skipped,
            "events": summary.events,
            "rejected": [{"origin": e.origin, "reason": e.reason} for e in summary.rejected],
            "ids": [
                item.id if isinstance(item, Article) and item.origin not in failed else None
                for item in items
            ],
        }

    # -- the dashboard ----------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def index() -> Response:
        page = STATIC / "index.html"
        if page.is_file():
            return html_page(page)
        return HTMLResponse(_NO_INDEX, headers={"Content-Security-Policy": csp(_NO_INDEX)})

    @app.get("/docs", include_in_schema=False)
    def api_page() -> Response:
        """Every endpoint of ``/openapi.json`` on a page that needs no network."""
        page = STATIC / "apidocs.html"
        if page.is_file():
            return html_page(page)
        return RedirectResponse("/openapi.json")

    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
