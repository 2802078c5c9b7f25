"""Every row of the trigger lexicon fires on its own example sentence.

Each row of ``events/data/triggers.tsv`` opens its note with a quoted example. If
the lexicon does not pick that row for some token of the example, either the
example does not show the row, the row's constraint is wrong, or the matcher
has a bug: the test names the row so one can tell which.
"""

from __future__ import annotations

import re

import pytest

from eventwire import nlp
from eventwire.events import triggers
from eventwire.events.triggers import Trigger

_EXAMPLE = re.compile(r'^"([^"]+)"')
ROWS: list[Trigger] = [t for rows in triggers.shipped().by_key.values() for t in rows]


def _example(row: Trigger) -> str:
    m = _EXAMPLE.match(row.note)
    assert m, f"{_row_id(row)}: the note does not open with a quoted example: {row.note!r}"
    return m[1]


def _row_id(row: Trigger) -> str:
    requires = ";".join(f"{k}={'|'.join(sorted(v))}" for k, v in row.requires)[:40]
    return f"{row.lemma}-{row.pos}-{row.event_type}-{row.cameo}" + (
        f"-{requires}" if requires else ""
    )


@pytest.fixture(scope="module")
def parsed() -> dict[str, object]:
    """Every example parsed once, in one ``pipe`` call."""
    texts = sorted({_example(r) for r in ROWS if _EXAMPLE.match(r.note)})
    return dict(zip(texts, nlp.load().pipe(texts), strict=True))


def test_rows_are_read():
    assert len(ROWS) == len(triggers.shipped()) > 700


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_row_fires_on_its_example(row: Trigger, parsed: dict[str, object]) -> None:
    text = _example(row)
    doc = parsed[text]
    lexicon = triggers.shipped()
    fired = [(tok.text, lexicon.match(tok)) for tok in doc]  # type: ignore[attr-defined]
    assert any(hit == row for _, hit in fired), (
        f"{row.lemma} {row.pos} [{';'.join(k for k, _ in row.requires)}] -> "
        f"{row.event_type} {row.cameo} does not fire on its example {text!r}; fired: "
        + ", ".join(f"{w}={h.lemma}/{h.event_type}/{h.cameo}" for w, h in fired if h)
        + "; tokens: "
        + " ".join(
            f"{t.text}/{t.lemma_}/{t.pos_}/{t.dep_}<{t.head.i}"  # type: ignore[attr-defined]
            for t in doc  # type: ignore[attr-defined]
        )
    )
