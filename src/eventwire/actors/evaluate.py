"""Score actor resolution on gold mentions: country accuracy and sector accuracy.

Gold items are ``{"id", "text", "date", "mentions": [{"start", "end", "head", "country",
"sector"}]}``. Each gold mention is resolved from its head word in context; an actor that
cannot be placed must come out with an empty country to count as right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Token

from ..clean import dateline
from ..nlp import load as load_nlp
from .kb import KnowledgeBase, shipped
from .resolve import DocActors

INTERNATIONAL_ALIASES = {"UNO": "IGO", "EUR": "IGO"}


@dataclass
class ActorReport:
    mentions: int = 0
    country_ok: int = 0
    sector_ok: int = 0
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, text, want, got

    @property
    def country_accuracy(self) -> float:
        return self.country_ok / self.mentions if self.mentions else 0.0

    @property
    def sector_accuracy(self) -> float:
        return self.sector_ok / self.mentions if self.mentions else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "mentions": self.mentions,
            "country_accuracy": round(self.country_accuracy, 4),
            "sector_accuracy": round(self.sector_accuracy, 4),
        }


def is_actor_gold(item: dict[str, Any]) -> bool:
    return "mentions" in item


def evaluate_actors(gold: list[dict[str, Any]], kb: KnowledgeBase | None = None) -> ActorReport:
    kb = kb or shipped()
    report = ActorReport()
    docs = load_nlp().pipe((g["text"] for g in gold), batch_size=16)
    for g, doc in zip(gold, docs, strict=True):
        actors = DocActors(doc, kb, g.get("date"), dateline=dateline(g["text"])[0])
        # several gold mentions over one span ("US and South Korean officials") share a head
        by_span: dict[tuple[int, int], list[dict[str, Any]]] = {}
        for m in g["mentions"]:
            by_span.setdefault((m["start"], m["end"]), []).append(m)
        for (start, end), wanted in by_span.items():
            head = _head(doc, start, end, wanted[0].get("head", ""))
            got = actors.resolve_group(head, agent=True) if head is not None else []
            got_pairs = [(_norm(a.country), a.sector) for a in got] or [("", "")]
            for w in wanted:
                report.mentions += 1
                want_country = _norm(w.get("country", ""))
                match = next((p for p in got_pairs if p[0] == want_country), None)
                country_ok = match is not None
                sector = match[1] if match else got_pairs[0][1]
                sector_ok = sector == (w.get("sector") or "")
                report.country_ok += country_ok
                report.sector_ok += sector_ok
                if not (country_ok and sector_ok):
                    report.errors.append(
                        (
                            g["id"],
                            g["text"][start:end],
                            f"{w.get('country', '')}{w.get('sector', '')}",
                            ",".join(f"{c}{s}" for c, s in got_pairs),
                        )
                    )
    return report


def _norm(country: str | None) -> str:
    country = (country or "").upper()
    return INTERNATIONAL_ALIASES.get(country, country)


def _head(doc: Doc, start: int, end: int, head: str) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    named = [t for t in span if t.text == head]
    if named:
        return named[-1]
    return span.root


def format_actor_report(report: ActorReport, errors: bool = False) -> str:
    lines = [
        f"actor mentions:    {report.mentions}",
        f"country accuracy:  {report.country_accuracy:.3f}",
        f"sector accuracy:   {report.sector_accuracy:.3f}",
    ]
    if errors:
        lines.append("")
        lines.extend(
            f"{i}: {text!r} want {want or '-'} got {got or '-'}"
            for i, text, want, got in report.errors
        )
    return "\n".join(lines)
