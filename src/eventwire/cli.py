"""The command line: a thin layer over the library. Data to stdout, messages to stderr."""

from __future__ import annotations

import csv
import functools
import json
import logging
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .config import DEFAULT_DB, DEFAULT_WAIT, Settings
from .errors import EventwireError, InputError, StoreError, UsageError
from .models import Event

if TYPE_CHECKING:
    from .store.queries import EventFilter

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERRUPT = 0, 1, 2, 130
#: The reader of the output went away (``eventwire code … | head``): 128 + SIGPIPE, as a
#: shell reports a tool the closed pipe stopped.
EXIT_PIPE = 141
_INPUT_FORMATS = ["text", "jsonl", "json", "csv", "tsv", "html", "feed", "warc"]
DATE = click.DateTime(formats=["%Y-%m-%d"])


class _Period(click.ParamType):
    """A filter bound: YYYY-MM-DD, or YYYY-MM / YYYY for the whole month or year."""

    name = "YYYY[-MM[-DD]]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}(-\d{1,2}(-\d{1,2})?)?", text):
            self.fail(f"{value!r} is not a date; use YYYY-MM-DD, YYYY-MM or YYYY", param, ctx)
        return text


PERIOD = _Period()

_db = click.option(
    "--db",
    envvar="EVENTWIRE_DB",
    default=DEFAULT_DB,
    show_default=True,
    help="DuckDB file (or set EVENTWIRE_DB).",
)
_wait = click.option(
    "--wait",
    type=click.FloatRange(0),
    default=DEFAULT_WAIT,
    show_default=True,
    help="Seconds to wait while another eventwire process holds the database.",
)


F = TypeVar("F", bound=Callable[..., Any])


def db_option(f: F) -> F:
    """--db and --wait, for every command that opens the database."""
    return _db(_wait(f))


# -- options shared by several commands: each declared once ------------------------------
workers_option = click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes that parse and code (default: every core, or EVENTWIRE_WORKERS).",
)
actors_option = click.option(
    "--actors",
    type=click.Path(exists=True, dir_okay=False),
    help="Your own actors: CSV (name,code,country,sector,start,end), YAML or a PETRARCH "
    ".actors dictionary.",
)
date_option = click.option(
    "--date", type=DATE, help="Publication date (YYYY-MM-DD) for inputs that carry none."
)
input_format_option = click.option(
    "--input-format",
    type=click.Choice(_INPUT_FORMATS),
    default=None,
    help="Default: by file ending (and .gz), or by the server's content type; else text.",
)
json_option = click.option(
    "--json", "as_json", is_flag=True, help="Machine-readable output (JSON)."
)


def format_option(*choices: str, default: str | None = None) -> Callable[[F], F]:
    """--format with this command's choices; without a default the option is required."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        required=default is None,
        show_default=default is not None,
        help="Output format.",
    )


def limit_option(what: str) -> Callable[[F], F]:
    return click.option(
        "--limit", type=click.IntRange(1), default=None, help=f"At most this many {what}."
    )


_SETTINGS_FIELDS = frozenset(f.name for f in fields(Settings))


def pass_settings(f: F) -> F:
    """Build the command's one ``Settings`` from its options named like a Settings field
    (--db, --wait, --workers, --actors, --date, --replace) over the EVENTWIRE_*
    environment, and hand it to the command as ``settings``."""

    @functools.wraps(f)
    def command(*args: Any, **kwargs: Any) -> Any:
        knobs = {k: kwargs.pop(k) for k in list(kwargs) if k in _SETTINGS_FIELDS}
        if "date" in knobs:
            knobs["date"] = _iso(knobs["date"])
        return f(*args, settings=Settings.from_env(**knobs), **kwargs)

    return command  # type: ignore[return-value]


#: One option per ``EventFilter`` field (store/queries.py, which checks the values), in
#: the order --help lists them.
_FILTER_OPTIONS = [
    click.option("--country", help="ISO3 or international code on either side, e.g. PRK."),
    click.option("--actor", help="Text in an actor's name or code, e.g. Putin or RUSGOV."),
    click.option("--source", help="Country (RUS) or actor code (RUSGOV) on the source side."),
    click.option("--target", help="Country (PRK) or actor code (PRKGOV) on the target side."),
    click.option(
        "--dyad", help="SOURCE:TARGET, e.g. RUS:PRK (either direction unless --directed)."
    ),
    click.option("--directed", is_flag=True, help="--dyad A:B means A acts on B only."),
    click.option(
        "--type", "event_type", help="PLOVER type(s), comma-separated, e.g. AGREE,CONSULT."
    ),
    click.option("--cameo", help="CAMEO code(s) or root(s), comma-separated, e.g. 057 or 19."),
    click.option(
        "--quad",
        "quad_class",
        help="Quad class(es) 1-4 (verbal/material cooperation, verbal/material conflict).",
    ),
    click.option(
        "--since", type=PERIOD, help="Events on or after this date (YYYY-MM: that month on)."
    ),
    click.option(
        "--until", type=PERIOD, help="Events on or before this date (YYYY-MM: to its end)."
    ),
    click.option(
        "--status",
        default="asserted",
        show_default=True,
        help="Status(es), comma-separated, or 'all'.",
    ),
    click.option("--place", help="Text in the place's name, or its country's ISO3 (e.g. UKR)."),
    click.option("--text", help="Words that must all be in the evidence sentence."),
    click.option(
        "--doc-id",
        help="Only events reported in this article (its id, as `eventwire articles` shows).",
    ),
    click.option("--story", help="Only events reported in this story (its story id)."),
    click.option(
        "--min-confidence",
        type=click.FloatRange(0, 1),
        default=None,
        help="Only events at least this confident (an event's sources combined).",
    ),
    click.option(
        "--mentions",
        is_flag=True,
        help="One row per report (mention) instead of one per real-world event.",
    ),
    click.option(
        "--sort",
        type=click.Choice(["date", "-date", "confidence", "mentions", "goldstein", "-goldstein"]),
        default="date",
        show_default=True,
        help="Order of the rows.",
    ),
]


def filter_options(f: F) -> F:
    """The event filter's options, handed to the command as one ``EventFilter``
    (``filters``): `events` and `export` select alike."""

    @functools.wraps(f)
    def command(*args: Any, **kwargs: Any) -> Any:
        from .store.queries import EventFilter

        given = {field.name: kwargs.pop(field.name) for field in fields(EventFilter)}
        return f(*args, filters=EventFilter(**given), **kwargs)

    for option in reversed(_FILTER_OPTIONS):
        command = option(command)
    return command  # type: ignore[return-value]


def _set_verbosity(ctx: click.Context, param: click.Parameter, value: object) -> object:
    """-v/-q given after the command name mean the same as before it."""
    if value:
        root = ctx.find_root()
        if param.name == "quiet":
            root.meta["eventwire.quiet"] = True
        else:
            root.meta["eventwire.verbose"] = root.meta.get("eventwire.verbose", 0) + int(str(value))
        _configure_logging(root)
    return value


def _verbosity_params() -> list[click.Option]:
    return [
        click.Option(
            ["-v", "--verbose"],
            count=True,
            expose_value=False,
            callback=_set_verbosity,
            help="More messages on stderr (-vv: debugging detail).",
        ),
        click.Option(
            ["-q", "--quiet"],
            is_flag=True,
            expose_value=False,
            callback=_set_verbosity,
            help="Only errors on stderr.",
        ),
    ]


class _Command(click.Command):
    """Every command takes -v/-q, so `eventwire ingest -v` works as `eventwire -v ingest`."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.params.extend(_verbosity_params())


def _configure_logging(root: click.Context) -> None:
    verbose = root.meta.get("eventwire.verbose", 0)
    level = (
        logging.ERROR
        if root.meta.get("eventwire.quiet")
        else logging.DEBUG
        if verbose > 1
        else (logging.INFO if verbose else logging.WARNING)
    )
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger().setLevel(level)


class _Main(click.Group):
    """Exit codes as documented: 0 fine, 1 some inputs failed, 2 usage, 130 interrupted,
    141 the output's reader went away.

    No traceback reaches a user: an eventwire error is one line on stderr, and an
    unexpected one names itself and asks for a report (``-vv`` shows the trace).
    """

    command_class = _Command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, click.Abort):
            click.echo("interrupted", err=True)
            ctx.exit(EXIT_INTERRUPT)
        except UsageError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_USAGE)
        except EventwireError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_INPUT)
        except (click.ClickException, click.exceptions.Exit, SystemExit):
            raise
        except Exception as exc:
            if isinstance(exc, BrokenPipeError) and _stdout_closed():
                # `| head` had enough: stop quietly, as Unix tools do (what is stored stays)
                _discard_stdout()
                ctx.exit(EXIT_PIPE)
            logging.getLogger("eventwire").debug("unexpected error", exc_info=True)
            click.echo(
                f"error: unexpected {type(exc).__name__}: {exc}\n"
                "This is a bug in eventwire; please report it with the command you ran "
                "(add -vv to see where it happened).",
                err=True,
            )
            ctx.exit(EXIT_INPUT)


def _stdout_closed() -> bool:
    """Whether nobody reads standard output any more (the read end of its pipe closed)."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):  # no poll(), or stdout is no file
        return False


def _discard_stdout() -> None:
    """What is still buffered for a closed pipe goes nowhere instead of failing again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _iso(value: object) -> str | None:
    return value.strftime("%Y-%m-%d") if value is not None else None  # type: ignore[attr-defined]


def _fail(message: str, code: int = EXIT_INPUT) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group(
    cls=_Main,
    params=_verbosity_params(),
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="eventwire")
@click.pass_context
def main(ctx: click.Context) -> None:
    """eventwire: news articles in, PLOVER/CAMEO event data out.

    \b
    Example:
      eventwire code story.txt --date 2024-06-19 --format table
      eventwire ingest news/ && eventwire events --country PRK
    """
    _configure_logging(ctx.find_root())


# -- code --------------------------------------------------------------------
@main.command()
@click.argument("file", default="-", type=click.Path(allow_dash=True))
@date_option
@input_format_option
@format_option("jsonl", "table", default="jsonl")
@actors_option
@workers_option
@click.option(
    "--all-statuses/--asserted-only",
    default=True,
    show_default=True,
    help="Include alleged, denied, negated, intended, hypothetical and historical events.",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Show, for each event, which step of the coder set which field and why.",
)
@pass_settings
def code(
    file: str,
    input_format: str | None,
    fmt: str,
    all_statuses: bool,
    explain: bool,
    settings: Settings,
) -> None:
    """Code text into events without storing anything.

    \b
    Examples:
      eventwire code story.txt --date 2024-06-19 --format table
      eventwire code story.txt --date 2024-06-19 --explain
      echo '{"id": "a1", "text": "Russia and China signed a treaty.", "date": "2024-01-02"}' \\
        | eventwire code - --input-format jsonl
    """
    from .ingest import read_paths
    from .models import Article
    from .pipeline import Pipeline

    pipeline = Pipeline.default(settings, dedup=False)
    failed = 0
    items = list(read_paths([file], settings.date, settings.max_bytes, input_format))
    articles: list[Article] = []
    for item in items:
        if isinstance(item, InputError):
            click.echo(f"rejected {item.origin}: {item.reason}", err=True)
            failed += 1
        else:
            articles.append(item)
    undated = [a.origin or a.id for a in articles if a.date is None]
    if undated:
        click.echo(
            f"warning: {len(undated)} text(s) carry no publication date (first: {undated[0]}); "
            "events stay undated and 'on Tuesday' cannot be resolved; pass --date YYYY-MM-DD",
            err=True,
        )
    try:
        for article in pipeline.pipe(articles):
            if article.status == "skipped":
                click.echo(f"skipped {article.origin or article.id}: {article.reason}", err=True)
                continue
            if article.status == "rejected":
                click.echo(f"rejected {article.origin or article.id}: {article.reason}", err=True)
                failed += 1
                continue
            events = [e for e in article.events if all_statuses or e.status == "asserted"]
            _print_events(events, fmt, explain)
    finally:
        pipeline.close()
    sys.exit(EXIT_INPUT if failed else EXIT_OK)


def _print_events(events: Iterable[Event], fmt: str, explain: bool = False) -> None:
    if fmt == "table":
        click.echo(format_table(events, explain))
    else:
        for e in events:
            click.echo(json.dumps(e.to_dict(explain=explain), ensure_ascii=False))


def _side(actors: list) -> str:
    return ", ".join(a.code or f"?({a.text[:20]})" for a in actors) or "-"


def format_table(events: Iterable[Event], explain: bool = False) -> str:
    """One line per event; real-world events (read from the store) also show how many
    reports (mentions) and outlets (sources) carry them."""
    events = list(events)
    grouped = any(e.group is not None for e in events)
    rows: list[tuple[str, ...]] = [
        ("date", "type", "cameo", "status", "source", "target", "conf", "evidence")
    ]
    if grouped:
        rows[0] = (*rows[0][:7], "reports", "evidence")
    notes: dict[int, list[str]] = {}  # row -> the decisions behind it
    for e in events:
        if explain:
            notes[len(rows)] = [
                f"    {d['step']:<12} {d['field']:<11} {d['value']:<16} {d['why']}"
                for d in e.explain
            ]
        ev = e.evidence.text.replace("\n", " ")
        row: tuple[str, ...] = (
            e.date or "?",
            e.event_type,
            e.cameo,
            e.status,
            _side(e.source),
            _side(e.target),
            f"{e.confidence:.2f}",
        )
        if grouped:
            g = e.group
            row = (*row, f"{g.num_mentions}/{g.num_sources}" if g else "1/1")
        rows.append((*row, ev[:70] + ("…" if len(ev) > 70 else "")))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    out = []
    for n, r in enumerate(rows):
        out.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1])
        out.extend(notes.get(n, []))
    return "\n".join(out)


# -- ingest ------------------------------------------------------------------
def _input_options(f: F) -> F:  # shared by ingest and watch
    f = click.option(
        "--glob",
        default=None,
        help="Only files matching this pattern when reading folders, e.g. '*.html'.",
    )(f)
    f = click.option(
        "--columns",
        default=None,
        help="Your column or key names: 'text=body,id=article_id,date=published'.",
    )(f)
    f = input_format_option(actors_option(workers_option(f)))
    f = date_option(f)
    f = click.option(
        "--allow-private",
        is_flag=True,
        help="Also fetch addresses on this machine and private networks (for feeds on "
        "your own network; also EVENTWIRE_ALLOW_PRIVATE=1). By default they are refused, "
        "redirects to them too.",
    )(f)
    f = click.option(
        "--replace",
        is_flag=True,
        help="An id already stored from the same input with other text: store the new "
        "text in its place (default: keep the stored one and quarantine the new).",
    )(f)
    return db_option(f)


def _columns(value: str | None) -> dict[str, str] | None:
    if not value:
        return None
    pairs = [p.split("=", 1) for p in value.split(",") if p.strip()]
    if any(len(p) != 2 for p in pairs):
        _fail("--columns takes field=column pairs, e.g. 'text=body,id=article_id'", EXIT_USAGE)
    return {k.strip(): v.strip() for k, v in pairs}


def progress_line(done: int, total: int | None, seconds: float, width: int = 24) -> str:
    """ "[#########-----] 120/500 articles  12.3/s  ETA 0:31" (without a bar and ETA when
    the total is unknown)."""
    rate = done / max(seconds, 1e-6)
    if not total or done > total:
        return f"stored {done} articles  {rate:.1f}/s"
    filled = int(width * done / total)
    left = (total - done) / rate if rate > 0 else 0.0
    eta = f"{int(left // 3600)}:{int(left % 3600 // 60):02d}:{int(left % 60):02d}"
    return (
        f"[{'#' * filled}{'-' * (width - filled)}] {done}/{total} articles  {rate:.1f}/s  ETA {eta}"
    )


def _estimate_articles(paths: list[str], glob: str | None) -> int | None:
    """About how many articles the inputs hold, for the progress bar: a line per JSON
    Lines record, a file per other file; None when an input cannot be counted (stdin, a
    web address, an archive)."""
    import fnmatch

    total = 0
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if raw == "-" or "://" in raw or not path.exists():
            return None
        if path.is_dir():
            files += [
                f
                for f in path.rglob("*")
                if f.is_file() and (not glob or fnmatch.fnmatch(f.name, glob))
            ]
        else:
            files.append(path)
    for f in files:
        name = f.name.lower()
        if name.endswith((".jsonl", ".ndjson")):
            with f.open("rb") as fh:
                total += sum(1 for line in fh if line.strip())
        elif name.endswith(
            (".gz", ".bz2", ".xz", ".zip", ".warc", ".arc", ".csv", ".tsv", ".json")
        ):
            return None  # many records per file, not counted cheaply
        else:
            total += 1
    return total or None


def _run_ingest(
    paths: list[str],
    settings: Settings,
    input_format: str | None,
    columns: str | None,
    glob: str | None,
    engine: str = "local",
    master: str | None = None,
    spark_output: str | None = None,
    allow_private: bool = False,
):
    import contextlib
    import time

    from .fetch import private_allowed
    from .runners.local import Summary
    from .runners.local import ingest as run_ingest

    if engine == "spark":
        from .runners.spark import ingest_spark

        run_ingest = functools.partial(ingest_spark, master=master, output=spark_output)
    elif master or spark_output:
        _fail("--master and --spark-output go with --engine spark", EXIT_USAGE)

    shown = [0]
    started = time.monotonic()
    total = _estimate_articles(paths, glob) if sys.stderr.isatty() else None

    def progress(n: int) -> None:  # on a terminal only: logs and pipes stay clean
        shown[0] += n
        if sys.stderr.isatty():
            click.echo(
                "\r" + progress_line(shown[0], total, time.monotonic() - started),
                err=True,
                nl=False,
            )

    summary = Summary()
    try:
        with private_allowed() if allow_private else contextlib.nullcontext():
            run_ingest(
                paths,
                settings,
                progress=progress,
                input_format=input_format,
                columns=_columns(columns),
                glob=glob,
                summary=summary,
            )
    except KeyboardInterrupt:
        summary.interrupted = True
    except StoreError:
        # the database failed midway (a full disk, a damaged file): say what was kept
        # before the error itself is printed
        if sys.stderr.isatty() and shown[0]:
            click.echo("", err=True)
        if summary.read:
            click.echo(
                f"stopped: {summary.stored} of the {summary.read} articles read were stored "
                "before the database failed; once the cause is fixed, run the same command "
                "again to continue (nothing is stored twice)",
                err=True,
            )
        raise
    if sys.stderr.isatty() and shown[0]:
        click.echo("", err=True)
    for err in summary.rejected:
        click.echo(f"rejected {err.origin}: {err.reason}", err=True)
    for line in summary.lines():
        click.echo(line, err=True)
    for line in summary.warnings():
        click.echo(line, err=True)
    if summary.interrupted:
        sys.exit(EXIT_INTERRUPT)
    return summary


@main.command()
@click.argument("paths", nargs=-1, required=True)
@_input_options
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="Where the articles are coded: here, or on Apache Spark "
    "(pip install 'eventwire[spark]'; see docs/spark.md).",
)
@click.option(
    "--master",
    default=None,
    help="With --engine spark: local[N], spark://HOST:7077, yarn, or sc://HOST:15002 for "
    "Spark Connect (default: what spark-submit says, else local[*]).",
)
@click.option(
    "--spark-output",
    default=None,
    metavar="DIR",
    help="With --engine spark: folder for the run's events as Parquet by year and month "
    "(default: DB.spark beside the database; on a cluster a folder every node can "
    "reach: hdfs://, s3a://, dbfs:/).",
)
@pass_settings
def ingest(
    paths: tuple[str, ...],
    input_format: str | None,
    columns: str | None,
    glob: str | None,
    engine: str,
    master: str | None,
    spark_output: str | None,
    allow_private: bool,
    settings: Settings,
) -> None:
    """Read articles into the database and code them.

    PATHS are files, folders (read recursively), `-` for stdin, or http(s) addresses of
    pages and feeds (fetched with a timeout and retries; robots.txt is respected; only
    public addresses unless --allow-private). Files
    may be text, JSON Lines, JSON (news-please/trafilatura dumps), CSV/TSV, HTML,
    RSS/Atom, WARC/ARC, or any of these gzipped. Inputs that cannot be used are named
    with their reason on stderr, kept in the quarantine table (`eventwire articles
    --status rejected`), and the exit code is 1; everything else is still stored.
    Ingesting the same input again adds nothing; copies of a stored story join it.

    \b
    Example:
      eventwire ingest src/eventwire/data/sample/articles.jsonl news/ --date 2024-06-19
      eventwire ingest export.csv --columns text=body,date=published
      eventwire ingest news/ --engine spark --master local[2]
    """
    summary = _run_ingest(
        list(paths),
        settings,
        input_format,
        columns,
        glob,
        engine,
        master,
        spark_output,
        allow_private=allow_private,
    )
    sys.exit(EXIT_INPUT if summary.rejected else EXIT_OK)


def _interval(value: str) -> float:
    unit = {"s": 1, "m": 60, "h": 3600}.get(value[-1:].lower())
    try:
        seconds = float(value[:-1]) * unit if unit else float(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an interval like 30s, 15m or 1h") from None
    if not seconds >= 0 or seconds == float("inf"):
        raise click.BadParameter(f"{value!r} is not an interval like 30s, 15m or 1h")
    return seconds


#: A feed that failed k rounds in a row sits out min(2**(k-1), WATCH_MAX_SKIP) rounds.
WATCH_MAX_SKIP = 16


class FeedBackoff:
    """Which of watch's feeds to read this round: one that failed (could not be fetched
    or read: an error named by the feed itself) sits out 1, 2, 4 ... rounds, at most
    ``WATCH_MAX_SKIP``, and is read every round again once it works."""

    def __init__(self, feeds: Iterable[str], max_skip: int = WATCH_MAX_SKIP) -> None:
        self.feeds = list(dict.fromkeys(feeds))
        self.max_skip = max_skip
        self.failures = dict.fromkeys(self.feeds, 0)  # failed rounds in a row
        self.waiting = dict.fromkeys(self.feeds, 0)  # rounds still to sit out

    def due(self) -> list[str]:
        """The feeds to read this round (the others' wait goes down by one)."""
        out = []
        for feed in self.feeds:
            if self.waiting[feed]:
                self.waiting[feed] -= 1
            else:
                out.append(feed)
        return out

    def record(self, feed: str, problem: str | None) -> str | None:
        """The round's outcome for ``feed``; a line for the log when something changed."""
        if problem is None:
            failed, self.failures[feed] = self.failures[feed], 0
            return f"watch: {feed} works again after {failed} failed round(s)" if failed else None
        self.failures[feed] += 1
        n = self.failures[feed]
        skip = min(2 ** (n - 1), self.max_skip)
        self.waiting[feed] = skip
        return (
            f"watch: {feed} failed {n} round(s) in a row ({problem}); sitting out {skip} round(s)"
        )


@main.command()
@click.argument("feeds", nargs=-1, required=True)
@click.option(
    "--every", default="15m", show_default=True, help="How often to read the feeds: 30s, 15m, 1h."
)
@click.option(
    "--runs",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Stop after this many rounds (0: until interrupted).",
)
@_input_options
@pass_settings
def watch(
    feeds: tuple[str, ...],
    every: str,
    runs: int,
    input_format: str | None,
    columns: str | None,
    glob: str | None,
    allow_private: bool,
    settings: Settings,
) -> None:
    """Read feeds (or pages) again and again, storing and coding what is new.

    Each round fetches every FEED (RSS/Atom address, page address or file) and ingests
    its entries; entries already stored are skipped. A feed that cannot be fetched or
    read is named with its reason and sits out 1, 2, 4 ... rounds (at most 16) before
    it is tried again; once it works it is read every round. Stop with Ctrl-C.

    \b
    Example:
      eventwire watch https://news.example.org/world.rss --every 15m
    """
    import time

    pause = _interval(every)
    backoff = FeedBackoff(feeds)
    done = 0
    failed = False
    apart = _rounds_apart()
    if apart:
        _warm_up(settings)

    def round_of(due: list[str]) -> dict[str, str]:
        """One round's ingest: each feed that failed, with its reason."""
        summary = _run_ingest(
            due, settings, input_format, columns, glob, allow_private=allow_private
        )
        problems: dict[str, str] = {}
        for err in summary.rejected:
            problems.setdefault(err.origin, err.reason)
        return problems

    try:
        while True:
            due = backoff.due()
            if due:
                problems, rejected = _in_child(round_of, due) if apart else _here(round_of, due)
                failed = failed or rejected
                for feed in due:
                    line = backoff.record(feed, problems.get(feed))
                    if line:
                        click.echo(line, err=True)
            else:
                click.echo(f"watch: round {done + 1}: every feed is sitting out", err=True)
            done += 1
            if runs and done >= runs:
                break
            time.sleep(pause)
    except KeyboardInterrupt:
        click.echo(f"stopped after {done} round(s); what was read is stored", err=True)
        sys.exit(EXIT_INTERRUPT)
    sys.exit(EXIT_INPUT if failed else EXIT_OK)


#: ``EVENTWIRE_WATCH_FORK=0``: watch's rounds run in its own process.
WATCH_FORK_ENV = "EVENTWIRE_WATCH_FORK"


def _rounds_apart() -> bool:
    """Whether watch runs each round in a child process forked from itself.

    A round's peak (the parse, the stories already stored loaded for deduplication) is
    a few hundred MB above what watch keeps between rounds; freed, much of it stays with
    the process as fragments of the heap, so a process that runs every round itself
    grows with the articles it has coded (about 25 KB each). A child forked from the
    loaded parent starts warm, shares the model's pages, and gives everything back when
    it ends. Not where processes cannot be forked, nor when the output is not a file
    (an embedding program's streams would not see the child's lines).
    """
    import multiprocessing
    import os

    if os.environ.get(WATCH_FORK_ENV, "1").strip() == "0":
        return False
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        sys.stdout.fileno()
        sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    return True


def _warm_up(settings: Settings) -> None:
    """Load the model, the knowledge base, the lexicon and the gazetteer once, in the
    process every round is forked from."""
    from dataclasses import replace

    from .pipeline import Pipeline

    Pipeline.default(replace(settings, workers=1), dedup=False).warm()


def _here(
    round_of: Callable[[list[str]], dict[str, str]], due: list[str]
) -> tuple[dict[str, str], bool]:
    problems = round_of(due)
    return problems, bool(problems)


def _in_child(
    round_of: Callable[[list[str]], dict[str, str]], due: list[str]
) -> tuple[dict[str, str], bool]:
    """``round_of(due)`` in a child process forked from this one; its failed feeds and
    whether anything was rejected. The child prints its own lines; an error or Ctrl-C
    there ends this process the way it would have ended the round run here."""
    import multiprocessing

    from .pipeline import _orphan_guard

    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)

    def child() -> None:
        _orphan_guard()  # a round does not outlive watch
        reader.close()
        try:
            problems = round_of(due)
            writer.send(("done", problems, 0))
        except SystemExit as exc:  # _run_ingest ends an interrupted round so
            writer.send(("exit", {}, exc.code if isinstance(exc.code, int) else EXIT_INPUT))
        except KeyboardInterrupt:
            writer.send(("exit", {}, EXIT_INTERRUPT))
        except UsageError as exc:
            writer.send(("error", {}, (EXIT_USAGE, str(exc))))
        except EventwireError as exc:
            writer.send(("error", {}, (EXIT_INPUT, str(exc))))
        except Exception as exc:
            writer.send(("bug", {}, f"{type(exc).__name__}: {exc}"))
        finally:
            writer.close()

    proc = context.Process(target=child, name="eventwire-watch-round", daemon=False)
    proc.start()
    writer.close()
    try:
        try:
            kind, problems, detail = reader.recv()
        except EOFError:  # killed, out of memory
            kind, problems, detail = "bug", {}, f"the round's process ended ({proc.exitcode})"
        proc.join()
    except KeyboardInterrupt:
        proc.join()  # Ctrl-C reached the round too: it keeps what it finished
        raise
    finally:
        reader.close()
    if kind == "done":
        return problems, bool(problems)
    if kind == "exit":
        if detail == EXIT_INTERRUPT:
            raise KeyboardInterrupt
        sys.exit(detail)
    if kind == "error":
        code, message = detail
        click.echo(f"error: {message}", err=True)
        sys.exit(code)
    raise RuntimeError(detail)


# -- queries -----------------------------------------------------------------
def _need_db(settings: Settings) -> None:
    """A command that reads the database stops (usage error) when there is none."""
    if not Path(settings.db).exists():
        _fail(
            f"no database at {settings.db}; run `eventwire ingest PATH` first or pass --db",
            EXIT_USAGE,
        )


def _open_store(settings: Settings):
    from .store import Store

    _need_db(settings)
    return Store(settings.db, read_only=True, wait=settings.wait)


@main.command()
@db_option
@filter_options
@limit_option("events")
@format_option("table", "json", "jsonl", "csv", default="table")
@pass_settings
def events(filters: EventFilter, limit: int | None, fmt: str, settings: Settings) -> None:
    """List stored events, filtered.

    \b
    Examples:
      eventwire events --country PRK --type AGREE,CONSULT
      eventwire events --actor Putin --since 2024-06-01 --format csv > putin.csv
    """
    from .store import write_events

    with _open_store(settings) as store:
        found = store.events(filters, limit=limit)
    if fmt == "table":
        click.echo(format_table(found))
    else:
        write_events(found, fmt, sys.stdout)


@main.command("event")
@db_option
@click.argument("event_id")
@format_option("table", "json", default="table")
@pass_settings
def event_cmd(event_id: str, fmt: str, settings: Settings) -> None:
    """Show one real-world event with every report of it (article, outlet, URL, date,
    status, confidence, evidence sentence).

    EVENT_ID is the event's id (we_..., as `eventwire events --format jsonl` gives it)
    or the id of any of its mentions (ev_...).

    \b
    Example:
      eventwire event we_652472ace66b2e0c --format json
    """
    with _open_store(settings) as store:
        found = store.event(event_id)
    if found is None:
        _fail(f"no event {event_id!r} in {settings.db}", EXIT_USAGE)
    if fmt == "json":
        click.echo(json.dumps(found.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(format_table([found]))
    g = found.group
    assert g is not None
    click.echo(
        f"\n{g.id}: {g.num_mentions} mention(s) in {g.num_articles} article(s) from "
        f"{g.num_sources} source(s), seen {g.first_seen or '?'} .. {g.last_seen or '?'}; "
        + ", ".join(f"{k} {v}" for k, v in sorted(g.statuses.items()))
    )
    for m in g.mentions:
        text = m.evidence.text.replace("\n", " ")
        click.echo(
            f"  {m.published or '?'}  {m.source or '?':<20} {m.status:<9} {m.confidence:.2f}  "
            f"{text[:80]}{'…' if len(text) > 80 else ''}"
        )
        click.echo(f"      {m.url or m.doc_id}")


@main.command()
@db_option
@click.option(
    "--status",
    type=click.Choice(["coded", "duplicate", "skipped", "rejected"]),
    default=None,
    help="Only articles with this status.",
)
@limit_option("rows")
@format_option("table", "jsonl", default="table")
@pass_settings
def articles(status: str | None, limit: int | None, fmt: str, settings: Settings) -> None:
    """List stored articles (id, title, date, status, reason) and rejected inputs.

    \b
    Example:
      eventwire articles --status rejected
    """
    with _open_store(settings) as store:
        rows = store.articles(status=status, limit=limit)
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False, default=str))
        return
    head = ("id", "date", "status", "events", "story", "title / reason")
    table = [head] + [
        (
            _short(str(r["id"])),
            str(r.get("date") or "?"),
            r["status"],
            str(r.get("n_events") or 0),
            _short(str(r.get("story_id") or ""), 24),
            (r.get("title") or r.get("reason") or "")[:70]
            if r["status"] != "rejected"
            else (r.get("reason") or "")[:90],
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(head) - 1)]
    for row in table:
        click.echo(
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[-1]
        )


def _short(text: str, width: int = 48) -> str:
    """The end of a long id: ids begin with the input's path, and its end tells them apart."""
    return text if len(text) <= width else "…" + text[-(width - 1) :]


@main.command()
@db_option
@json_option
@click.option(
    "--by",
    type=click.Choice(["day", "week", "month", "year"]),
    default=None,
    help="Count events per period: a time series instead of the summary.",
)
@click.option(
    "--group",
    type=click.Choice(["type", "quad", "cameo", "dyad", "source", "target", "actor"]),
    default=None,
    help="With --by: one series per event type, quad class, CAMEO root, dyad or actor.",
)
@format_option("table", "csv", "json", default="table")
@click.option("--wide", is_flag=True, help="With --by: one row per period, one column per series.")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False),
    default=None,
    help="With --by: also draw the series to this PNG file.",
)
@filter_options
@pass_settings
def stats(
    as_json: bool,
    by: str | None,
    group: str | None,
    fmt: str,
    wide: bool,
    plot: str | None,
    filters: EventFilter,
    settings: Settings,
) -> None:
    """Summarise the database (articles, events by type and status, top countries), or
    with --by count events over time: per period (and group) the number of real-world
    events, their mentions, Goldstein sum and mean, and each quad class. The event
    filters (--dyad, --actor, --type ...) select the events counted with --by.

    \b
    Examples:
      eventwire stats --db news.duckdb
      eventwire stats --by month --dyad RUS:PRK --format csv
      eventwire stats --by week --group type --wide --plot weekly.png
    """
    from .store import aggregate

    if by is None:
        if group or wide or plot:
            _fail("--group, --wide and --plot need --by day|week|month|year", EXIT_USAGE)
        with _open_store(settings) as store:
            data = store.stats()
        if as_json or fmt == "json":
            click.echo(json.dumps(data, indent=2, default=str))
        elif fmt == "csv":
            _fail(
                "the summary has no CSV form; use --format json, or --by for a series", EXIT_USAGE
            )
        else:
            click.echo(format_stats(data))
        return
    with _open_store(settings) as store:
        rows = aggregate.series(store, filters, by=by, group=group)
    if plot:
        aggregate.plot(rows, by, plot, title=_series_title(by, group, filters))
        click.echo(f"drew {len(rows)} row(s) to {plot}", err=True)
    fmt = "json" if as_json else fmt
    if wide:
        header, table = aggregate.wide(rows, by)
        records = [dict(zip(header, r, strict=True)) for r in table]
    else:
        header, records = list(rows[0]) if rows else list(aggregate.COLUMNS), rows
    if fmt == "json":
        click.echo(json.dumps(records, indent=2))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    else:
        click.echo(_plain_table(header, records))


def _series_title(by: str, group: str | None, filters: EventFilter) -> str:
    what = [f"events per {by}"]
    if filters.dyad:
        what.append(filters.dyad + (" (directed)" if filters.directed else ""))
    if filters.actor:
        what.append(filters.actor)
    if group:
        what.append(f"by {group}")
    return ", ".join(what)


def _plain_table(header: list[str], records: list[dict]) -> str:
    rows = [header] + [[str(r.get(h, "")) for h in header] for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows
    )


def format_stats(data: dict) -> str:
    lines = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            for k, v in value.items():
                lines.append(f"  {k:<22} {v}")
        elif isinstance(value, list):
            lines.append(f"{key}:")
            for item in value:
                lines.append(
                    "  " + "  ".join(str(x) for x in item)
                    if isinstance(item, (list, tuple))
                    else f"  {item}"
                )
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines)


@main.command()
@db_option
@format_option("jsonl", "json", "csv", "parquet", "gdelt", "gdelt-mentions", "polecat", "plover")
@click.option(
    "--output",
    "-o",
    type=click.Path(),
    default=None,
    help="File to write (default stdout). Parquet needs one: a .parquet file, or a folder "
    "partitioned by year and month.",
)
@limit_option("events")
@filter_options
@pass_settings
def export(
    fmt: str, output: str | None, limit: int | None, filters: EventFilter, settings: Settings
) -> None:
    """Export stored events: JSON lines, JSON, CSV, Parquet, GDELT 2.0 (events and
    mentions tables), POLECAT-style or PLOVER JSON lines.

    One record per real-world event (with its mention counts) unless --mentions.
    gdelt writes GDELT 2.0's 61 tab-separated event columns, gdelt-mentions its
    16-column Mentions table (one line per report); both without a header, as GDELT's
    own files. polecat and plover validate against the JSON Schemas in
    eventwire/store/schemas/.

    \b
    Examples:
      eventwire export --format csv --output events.csv
      eventwire export --format parquet --output events/ --status all
      eventwire export --format gdelt -o events.tsv
      eventwire export --format gdelt-mentions -o mentions.tsv
      eventwire export --format polecat --dyad RUS:PRK -o rus-prk.jsonl
    """
    from .store import export as run_export

    if fmt == "parquet" and not output:
        _fail("--format parquet needs --output FILE.parquet or --output FOLDER", EXIT_USAGE)
    with _open_store(settings) as store:
        n = run_export(store, fmt, output or sys.stdout, filter=filters, limit=limit)
    what = "mention lines" if fmt == "gdelt-mentions" else "events"
    click.echo(f"exported {n} {what}", err=True)


# -- serve -------------------------------------------------------------------
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@main.command()
@db_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 makes the API reachable from other machines.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8765,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--token-env",
    default="EVENTWIRE_TOKEN",
    show_default=True,
    help="Environment variable holding the token that POST /api/ingest requires "
    "(unset: the server takes no writes).",
)
@pass_settings
def serve(host: str, port: int, token_env: str, settings: Settings) -> None:
    """Serve the REST API and the dashboard over a database (read-only; writes only
    through POST /api/ingest with the token). See docs/api.md.

    \b
    Example:
      eventwire serve --db eventwire.duckdb --port 8765
      EVENTWIRE_TOKEN=$(openssl rand -hex 16) eventwire serve --host 0.0.0.0
    """
    import os

    _need_db(settings)
    import uvicorn

    from .web import create_app

    token = os.environ.get(token_env) or None
    app = create_app(settings.db, token=token, wait=settings.wait)
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        f"eventwire: serving {settings.db} at http://{shown}:{port}/ (Ctrl-C stops)", err=True
    )
    writes = f"needs the token in ${token_env}" if token else f"is off (${token_env} is not set)"
    click.echo(f"POST /api/ingest {writes}", err=True)
    if host not in _LOOPBACK:
        click.echo(
            f"warning: listening on {host}: anyone who can reach this machine can read the "
            "database; the token travels in clear text unless a TLS proxy is in front",
            err=True,
        )
    uvicorn.run(app, host=host, port=port, log_level="info")


# -- evaluation --------------------------------------------------------------
@main.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--errors", is_flag=True, help="List every missed and false triple with its sentence."
)
@click.option("--strict", is_flag=True, help="Also compare sectors (USAGOV, not USA).")
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Score only events at least this confident.",
)
@click.option(
    "--pages",
    type=click.Path(file_okay=False),
    default=None,
    help='Folder with ground-truth.jsonl for standoff items ({"page"}, no "text"). '
    "Default: $EVENTWIRE_PAGES, else ../shared/eval/realnews, else the shared folder "
    "beside the checkout the gold file is in.",
)
@json_option
def eval_cmd(
    gold: str, errors: bool, strict: bool, min_confidence: float, pages: str | None, as_json: bool
) -> None:
    """Score the coder on gold events: precision, recall and F1, overall and per type.

    GOLD is JSONL, one item per line: {"id", "text", "date"?, "events": [...]} with
    events as {"event_type", "source": [{"country"}], "target": [...], "joint"?}.
    Items with "mentions" ([{"start", "end", "head", "country", "sector"}]) instead score
    actor resolution: country accuracy and sector accuracy.

    \b
    Example:
      eventwire eval tests/gold/sentences.jsonl --errors
    """
    from .actors.evaluate import evaluate_actors, format_actor_report, is_actor_gold
    from .evaluate import evaluate, format_report, load_gold

    items = load_gold(gold)
    if items and is_actor_gold(items[0]):
        actor_report = evaluate_actors(items)
        if as_json:
            click.echo(json.dumps(actor_report.to_dict(), indent=2))
        else:
            click.echo(format_actor_report(actor_report, errors=errors))
        return
    report = evaluate(
        items, strict=strict, min_confidence=min_confidence, pages=pages, gold_path=gold
    )
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo(format_report(report, errors=errors))


@main.command()
@json_option
@click.option(
    "--corpus",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help='JSON Lines articles to measure on (each with a "text"); default: a generated '
    "corpus (see --articles).",
)
@click.option(
    "--articles",
    "n_articles",
    type=click.IntRange(1),
    default=500,
    show_default=True,
    help="Articles in the generated corpus (without --corpus).",
)
@click.option(
    "--store",
    "store_bench",
    is_flag=True,
    help="Measure the store instead: queries and saves on a temporary database of "
    "synthetic events (see --events).",
)
@click.option(
    "--events",
    "n_events",
    type=click.IntRange(1),
    default=1_000_000,
    show_default=True,
    help="With --store: mention rows in the synthetic database.",
)
@click.option(
    "--runs",
    type=click.IntRange(1),
    default=5,
    show_default=True,
    help="With --store: timed runs of each operation (after one warm-up).",
)
@workers_option
@pass_settings
def bench(
    as_json: bool,
    corpus: str | None,
    n_articles: int,
    store_bench: bool,
    n_events: int,
    runs: int,
    settings: Settings,
) -> None:
    """Measure speed and memory of spaCy alone, `eventwire code` and `eventwire ingest`
    on the same corpus, or of the store.

    Each runs as a fresh process with --workers processes, start-up included and also
    given apart (the same command on one article): articles/s, words/s, peak RSS of all
    its processes, and the ratio to bare spaCy (`nlp.pipe` with the project's model);
    `eventwire code` is also timed by article length. Takes a few minutes.

    \b
    Examples:
      eventwire bench --workers 2
      eventwire bench --corpus news.jsonl --json
      eventwire bench --store --events 1000000
    """
    if store_bench:
        from .store_bench import format_store_bench, run_store_bench

        result = run_store_bench(n=n_events, runs=runs)
        click.echo(json.dumps(result, indent=2) if as_json else format_store_bench(result))
        return
    from .bench import format_bench, run_bench

    result = run_bench(corpus=corpus, workers=settings.workers, articles=n_articles)
    click.echo(json.dumps(result, indent=2) if as_json else format_bench(result))


def run() -> None:  # pragma: no cover - console entry used by __main__
    try:
        main(standalone_mode=True)
    except SystemExit as done:
        if sys.getprofile() is not None or sys.gettrace() is not None:
            raise  # a profiler or coverage writes its data as the interpreter ends
        _exit_now(done.code)


def _exit_now(code: object) -> None:
    """End the process once the command is done, without tearing down the interpreter:
    freeing the model, the gazetteer and the lexicon object by object takes 0.1-0.2 s,
    more than a one-sentence ``eventwire code`` spends coding. Every command has closed
    its database and stopped its workers by now (a pool left over ends with this
    process); logs and output are flushed first."""
    import os

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # a message, as sys.exit("...") gives
        print(code, file=sys.stderr)
        status = 1
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe ("| head"): nothing more to say
            status = status or 1
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
