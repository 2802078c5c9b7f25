"""Score the coder on gold data: (source country, target country, type) triples.

The rule is the one in the PLOVER gold-standard README: every event becomes
one triple per source x target pair, pairs with an unknown side or the same
country on both sides are dropped, and per-sentence sets are compared
(micro-averaged). International bodies all count as ``IGO``; old CAMEO
country spellings are read as ISO3.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def evaluate(
    gold: list[dict[str, Any]],
    pipeline: Pipeline | None = None,
    strict: bool = False,
    min_confidence: float = 0.0,
) -> Report:
    """Code every gold item's text and compare triples item by item."""
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
            report.mistakes.append(Mistake(g["id"], g["text"], want - got, got - want))
    return report


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
    got_by_dyad = {(s, t): ty for s, t, ty in got}
    want_by_dyad = {(s, t): ty for s, t, ty in want}
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
    for (gold, sys), n in report.confusion.most_common(25):
        if gold != sys:
            lines.append(f"  {gold:10} -> {sys:10} {n}")
    if errors:
        lines.append("")
        for m in report.mistakes:
            lines.append(f"{m.id}: {m.text}")
            for t in sorted(m.missed):
                lines.append(f"    missed {t[0]}->{t[1]} {t[2]}")
            for t in sorted(m.false):
                lines.append(f"    false  {t[0]}->{t[1]} {t[2]}")
    return "\n".join(lines)
