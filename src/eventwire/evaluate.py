"""Score the coder on gold data: (source country, target country, type) triples.

The rule is the one in the PLOVER gold-standard README: every event becomes
one triple per source x target pair, pairs with an unknown side or the same
country on both sides are dropped, and per-sentence sets are compared
(micro-averaged). International bodies all count as ``IGO``; old CAMEO
country spellings are read as ISO3.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from . import ontology
from .actors.kb import INTERNATIONAL
from .models import Article, Event
from .pipeline import Pipeline

#: Old CAMEO country codes still found in gold data -> ISO3.
OLD_CODES = {
    "JAP": "JPN",
    "ITL": "ITA",
    "VTN": "VNM",
    "ROM": "ROU",
    "GMY": "DEU",
    "UKG": "GBR",
    "RUM": "ROU",
    "SER": "SRB",
    "BOS": "BIH",
    "ZAR": "COD",
    "TMP": "TLS",
    "EAS": "TLS",
    "MAC": "MKD",
    "HAI": "HTI",
}
#: Statuses that count as the text stating the event. A hypothetical ("if X attacks"), a
#: negated ("did not attack"), a denied or a merely intended act is not scored: the promise
#: or threat itself is (AGREE, THREATEN). Gold events that carry a status are filtered alike.
SCORED_STATUSES = frozenset({"asserted", "alleged", "historical"})

Triple = tuple[str, str, str]


def norm_country(code: str | None) -> str:
    code = (code or "").strip().upper()
    if code in INTERNATIONAL:
        return "IGO"
    return OLD_CODES.get(code, code)


def triples(events: Iterable[dict[str, Any]], strict: bool = False) -> set[Triple]:
    """Gold or system events (as dicts) -> the set of scored triples."""
    out: set[Triple] = set()
    for ev in events:
        etype = ontology.canonical_type(ev["event_type"])
        sources = ev.get("source") or []
        targets = ev.get("target") or []
        if ev.get("joint") and not targets:
            targets = sources
        for s in sources:
            for t in targets:
                sc, tc = norm_country(s.get("country")), norm_country(t.get("country"))
                if not sc or not tc or sc == tc:
                    continue
                if strict:
                    sc, tc = f"{sc}{s.get('sector', '')}", f"{tc}{t.get('sector', '')}"
                out.add((sc, tc, etype))
    return out


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Mistake:
    id: str
    text: str
    missed: set[Triple]
    false: set[Triple]
    #: For standoff items (text read from a pages folder): the evidence sentence of each
    #: missed (gold) and false (system) triple, printed instead of the whole page.
    evidence: dict[Triple, str] = field(default_factory=dict)


@dataclass
class Report:
    overall: Counts = field(default_factory=Counts)
    by_type: dict[str, Counts] = field(default_factory=dict)
    by_status: dict[str, Counts] = field(default_factory=dict)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    mistakes: list[Mistake] = field(default_factory=list)
    n_items: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (id, reason): coder errors

    def to_dict(self) -> dict[str, Any]:
        def c(x: Counts) -> dict[str, Any]:
            return {
                "tp": x.tp,
                "fp": x.fp,
                "fn": x.fn,
                "precision": round(x.precision, 4),
                "recall": round(x.recall, 4),
                "f1": round(x.f1, 4),
            }

        return {
            "items": self.n_items,
            "failed": len(self.failed),
            "overall": c(self.overall),
            "by_type": {k: c(v) for k, v in sorted(self.by_type.items())},
            "by_status": {k: c(v) for k, v in sorted(self.by_status.items())},
        }


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


#: The environment variable naming the pages folder when ``--pages`` is not given.
PAGES_ENV = "EVENTWIRE_PAGES"
PAGES_INDEX = "ground-truth.jsonl"


class PagesNotFound(click.ClickException):
    """No pages folder for standoff gold: a one-line message and exit status 2."""

    exit_code = 2


def pages_candidates(pages: str | Path | None, gold_path: str | Path | None) -> list[Path]:
    """Where to look for the pages folder, in order: --pages, $EVENTWIRE_PAGES,
    ../shared/eval/realnews from the current directory, and the same beside the checkout
    a gold file under ``tests/gold/`` belongs to (so ``eval`` works from any folder)."""
    if pages:
        return [Path(pages)]
    out = []
    if os.environ.get(PAGES_ENV):
        out.append(Path(os.environ[PAGES_ENV]))
    out.append(Path("..") / "shared" / "eval" / "realnews")
    if gold_path is not None:
        checkout = Path(gold_path).resolve().parent.parent.parent
        out.append(checkout.parent / "shared" / "eval" / "realnews")
    return out


def find_pages(pages: str | Path | None = None, gold_path: str | Path | None = None) -> Path:
    """The first candidate folder holding ``ground-truth.jsonl``, or PagesNotFound."""
    tried = pages_candidates(pages, gold_path)
    for folder in tried:
        if (folder / PAGES_INDEX).is_file():
            return folder
    raise PagesNotFound(
        f"no pages folder with {PAGES_INDEX} for standoff gold items; looked in "
        + ", ".join(str(f) for f in tried)
        + f" (give --pages DIR or set {PAGES_ENV})"
    )


def load_pages(folder: str | Path) -> dict[str, dict[str, Any]]:
    """Page id -> {"id", "url", "article_body", ...} from the folder's ground-truth.jsonl."""
    with (Path(folder) / PAGES_INDEX).open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return {r["id"]: r for r in rows}


_MONTHS = {
    m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)
}


def date_from_url(url: str) -> str | None:
    """A publication date written in a URL path (/2019/11/19/, /2019-11-19, /2019/nov/19/)."""
    m = re.search(r"/((?:19|20)\d\d)[/-](\d\d)[/-](\d\d)(?:[/-]|\b)", url)
    if m:
        return f"{m[1]}-{m[2]}-{m[3]}"
    m = re.search(r"/((?:19|20)\d\d)/([a-z]{3})[a-z]*/(\d\d?)/", url.lower())
    if m and m[2] in _MONTHS:
        return f"{m[1]}-{_MONTHS[m[2]]:02d}-{int(m[3]):02d}"
    return None


def is_standoff(item: dict[str, Any]) -> bool:
    return "page" in item and "text" not in item


def attach_pages(
    gold: list[dict[str, Any]],
    pages: str | Path | None = None,
    gold_path: str | Path | None = None,
) -> list[dict[str, Any]]:
    """Give standoff items (``"page"``, no ``"text"``) their page's text and date.

    The item's own ``date`` wins over one read from the page's URL. Items with text are
    returned unchanged; the pages folder is only looked for when some item needs it.
    """
    if not any(is_standoff(g) for g in gold):
        return gold
    found = load_pages(find_pages(pages, gold_path))
    out = []
    for g in gold:
        if is_standoff(g):
            page = found.get(g["page"])
            if page is None:
                raise PagesNotFound(f"{g['id']}: page {g['page']} is not in the pages folder")
            g = {**g, "text": page["article_body"]}
            g.setdefault("date", date_from_url(page.get("url", "")))
        out.append(g)
    return out


def evaluate(
    gold: list[dict[str, Any]],
    pipeline: Pipeline | None = None,
    strict: bool = False,
    min_confidence: float = 0.0,
    pages: str | Path | None = None,
    gold_path: str | Path | None = None,
) -> Report:
    """Code every gold item's text and compare triples item by item.

    Standoff items (``"page"`` and no ``"text"``) take their text from a pages folder: see
    :func:`attach_pages` and :func:`find_pages`.
    """
    gold = attach_pages(gold, pages, gold_path)
    pipeline = pipeline or Pipeline.default(dedup=False)
    articles = [Article(id=g["id"], text=g["text"], date=g.get("date")) for g in gold]
    report = Report(n_items=len(gold))
    for g, art in zip(gold, pipeline.pipe(articles), strict=True):
        if art.status == "rejected":
            report.failed.append((g["id"], art.reason))
        system = [e.to_dict() for e in art.events if _scored(e, min_confidence)]
        gold_events = [
            e for e in g.get("events", []) if e.get("status", "asserted") in SCORED_STATUSES
        ]
        got, want = triples(system, strict), triples(gold_events, strict)
        counts = Counts(len(got & want), len(got - want), len(want - got))
        report.overall.add(counts)
        _tally(report.by_type, got, want, key=lambda t: t[2])
        if any("status" in e for e in g.get("events", [])):
            # gold that states statuses: (dyad, type) must also carry the right status
            all_events = [e.to_dict() for e in art.events if e.confidence >= min_confidence]
            _tally(
                report.by_status,
                _with_status(all_events, strict),
                _with_status(g.get("events", []), strict),
                key=lambda t: t[3],
            )
        _confuse(report.confusion, got, want)
        if got != want:
            if "page" in g:  # standoff: the evidence sentences, not the whole page
                mistake = Mistake(
                    g["id"],
                    f"(page {g['page']})",
                    want - got,
                    got - want,
                    _evidence(g, art.events, want - got, got - want, strict),
                )
            else:
                mistake = Mistake(g["id"], g["text"], want - got, got - want)
            report.mistakes.append(mistake)
    return report


def _evidence(
    g: dict[str, Any],
    system: list[Event],
    missed: set[Triple],
    false: set[Triple],
    strict: bool,
) -> dict[Triple, str]:
    """Evidence sentence of each missed triple (gold start/end) and false one (system)."""
    out: dict[Triple, str] = {}
    text = g["text"]
    for ev in g.get("events", []):
        if "start" not in ev or "end" not in ev:
            continue
        if ev.get("status", "asserted") not in SCORED_STATUSES:
            continue
        for t in triples([ev], strict) & missed:
            out.setdefault(t, " ".join(text[ev["start"] : ev["end"]].split()))
    for e in system:
        for t in triples([e.to_dict()], strict) & false:
            out.setdefault(t, " ".join(e.evidence.text.split()))
    return out


def _with_status(events: list[dict[str, Any]], strict: bool) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    for ev in events:
        status = ev.get("status") or "asserted"
        out.update((*t, status) for t in triples([ev], strict))
    return out


def _tally(table: dict[str, Counts], got: set, want: set, key: Any) -> None:
    for t in got | want:
        table.setdefault(key(t), Counts()).add(
            Counts(
                int(t in got and t in want),
                int(t in got and t not in want),
                int(t in want and t not in got),
            )
        )


def _scored(event: Event, min_confidence: float) -> bool:
    return event.status in SCORED_STATUSES and event.confidence >= min_confidence


def _confuse(confusion: Counter[tuple[str, str]], got: set[Triple], want: set[Triple]) -> None:
    """Gold type -> system type for the same dyad ("-" when the dyad was missed or invented)."""
    # sorted: with two types for one dyad, the same one is kept on every run
    got_by_dyad = {(s, t): ty for s, t, ty in sorted(got)}
    want_by_dyad = {(s, t): ty for s, t, ty in sorted(want)}
    for dyad, ty in want_by_dyad.items():
        confusion[(ty, got_by_dyad.get(dyad, "-"))] += 1
    for dyad, ty in got_by_dyad.items():
        if dyad not in want_by_dyad:
            confusion[("-", ty)] += 1


def format_report(report: Report, errors: bool = False) -> str:
    lines = [
        f"items: {report.n_items}",
        f"{'':14} {'tp':>5} {'fp':>5} {'fn':>5} {'precision':>9} {'recall':>7} {'f1':>6}",
    ]

    def row(name: str, c: Counts) -> str:
        return (
            f"{name:14} {c.tp:5d} {c.fp:5d} {c.fn:5d} {c.precision:9.3f} "
            f"{c.recall:7.3f} {c.f1:6.3f}"
        )

    lines.append(row("overall", report.overall))
    if report.failed:
        first_id, reason = report.failed[0]
        lines.append(f"FAILED to code {len(report.failed)} items (first: {first_id}: {reason})")
    lines.append("")
    for name in sorted(report.by_type):
        lines.append(row(name, report.by_type[name]))
    if report.by_status:
        lines.append("")
        lines.append("by status (dyad, type and status must all match; every status coded):")
        for name in sorted(report.by_status):
            lines.append(row(name, report.by_status[name]))
    lines.append("")
    lines.append("confusion (gold -> system, same dyad; '-' = none):")
    ranked = sorted(report.confusion.items(), key=lambda kv: (-kv[1], kv[0]))
    for (gold, sys), n in ranked[:25]:
        if gold != sys:
            lines.append(f"  {gold:10} -> {sys:10} {n}")
    if errors:
        lines.append("")
        for m in report.mistakes:
            lines.append(f"{m.id}: {m.text}")
            for t in sorted(m.missed):
                lines.append(f"    missed {t[0]}->{t[1]} {t[2]}")
                if t in m.evidence:
                    lines.append(f"           | {m.evidence[t]}")
            for t in sorted(m.false):
                lines.append(f"    false  {t[0]}->{t[1]} {t[2]}")
                if t in m.evidence:
                    lines.append(f"           | {m.evidence[t]}")
    return "\n".join(lines)


def check_standoff(
    gold: list[dict[str, Any]], pages: dict[str, dict[str, Any]]
) -> list[tuple[str, int, str]]:
    """Problems in standoff gold: (item id, event index, what is wrong).

    Every event's ``article_body[start:end]`` must be one sentence (no surrounding space,
    starts with a capital, digit or quote, ends the sentence or its line, does not run on
    over a line break) and hold each word of the event's trigger.
    """
    problems: list[tuple[str, int, str]] = []
    for g in gold:
        page = pages.get(g.get("page", ""))
        if page is None:
            problems.append((g["id"], -1, f"unknown page {g.get('page')!r}"))
            continue
        text = page["article_body"]
        for i, ev in enumerate(g.get("events", [])):
            start, end = ev.get("start"), ev.get("end")
            if not isinstance(start, int) or not isinstance(end, int):
                problems.append((g["id"], i, "no start/end"))
                continue
            if not 0 <= start < end <= len(text):
                problems.append((g["id"], i, f"offsets {start}:{end} outside the page"))
                continue
            sent = text[start:end]
            if sent != sent.strip() or "\n" in sent:
                problems.append((g["id"], i, "span has outer space or a line break"))
            if not re.match(r"[\"'(\u201c\u2018\w]", sent) or sent[0].islower():
                problems.append((g["id"], i, f"span does not start a sentence: {sent[:30]!r}"))
            ends_line = end == len(text) or text[end] in "\n"
            if not (re.search(r"[.!?:][\"'\u201d\u2019)]*$", sent) or ends_line):
                problems.append((g["id"], i, f"span does not end a sentence: {sent[-30:]!r}"))
            if start > 0 and text[start - 1].isalnum():
                problems.append((g["id"], i, "span starts inside a word"))
            words = [w for w in re.findall(r"[\w'-]+", ev.get("trigger", "").lower())]
            missing = [w for w in words if w not in sent.lower()]
            if not words or missing:
                problems.append((g["id"], i, f"trigger {ev.get('trigger')!r} not in sentence"))
    return problems
