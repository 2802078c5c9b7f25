"""The trigger lexicon (``data/triggers.tsv``): which words are events, and of what type.

A row fires on a token with its lemma and coarse POS when all of its
``requires`` constraints hold on the token's dependency children; among the
rows that fire, the most specific (most constraints) wins.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from spacy.tokens import Token

from .cues import cues

_OBJ_DEPS = frozenset({"dobj", "obj", "nsubjpass", "attr", "oprd"})
_CLAUSE_DEPS = frozenset({"xcomp", "ccomp", "acl"})  # "its demand that Israel ease"
_NAMED = frozenset(
    {
        "DATE",
        "TIME",
        "PERSON",
        "GPE",
        "ORG",
        "NORP",
        "LOC",
        "FAC",
        "EVENT",
        "LAW",
        "WORK_OF_ART",
        "PRODUCT",
        "CARDINAL",
        "ORDINAL",
        "MONEY",
        "QUANTITY",
    }
)
CONSTRAINT_KEYS = frozenset(
    {"obj", "prep", "prt", "xcomp", "not_obj", "obj_ent", "subj", "mod", "adv", "pobj", "pp"}
)


@dataclass(slots=True, frozen=True)
class Trigger:
    lemma: str
    pos: str
    requires: tuple[tuple[str, frozenset[str]], ...]
    event_type: str
    mode: str
    context: str
    cameo: str
    note: str = ""

    @property
    def specificity(self) -> int:
        return len(self.requires)

    def matches(self, token: Token) -> bool:
        return all(_holds(token, key, values) for key, values in self.requires)


def _objects(token: Token) -> list[Token]:
    objs = [c for c in token.children if c.dep_ in _OBJ_DEPS]
    if token.dep_ == "relcl" and token.head.pos_ in {"NOUN", "PROPN"}:
        objs.append(token.head)  # "the deal that they signed"
    if token.dep_ in {"acl"} and token.head.pos_ in {"NOUN", "PROPN"}:
        objs.append(token.head)  # "sanctions imposed on X"
    out = []
    for o in objs:
        out.append(o)
        out.extend(c for c in o.children if c.dep_ == "conj")
    return out


#: spaCy coarse tags -> lexicon POS ("willing to send" is an ADJ trigger).
_POS = {"VERB": "VERB", "NOUN": "NOUN", "PROPN": "NOUN", "ADJ": "ADJ"}
#: Parts of speech a trigger can have: ``Lexicon.match`` is None for any other word.
TRIGGER_POS = frozenset(_POS)


def _object_words(token: Token) -> set[str]:
    """Lemmas an object constraint may match: the object, its compound modifiers ("aid
    deliveries"), and what a quantity word counts ("part of a military aid program")."""
    words: set[str] = set()
    quantity = cues().quantity_words
    for o in _objects(token):
        heads = [o]
        if o.lemma_.lower() in quantity or o.lower_ in quantity:
            for prep in (c for c in o.children if c.dep_ == "prep" and c.lower_ == "of"):
                heads.extend(c for c in prep.children if c.dep_ == "pobj")
        for h in heads:
            words.update({h.lemma_.lower(), h.lower_})
            words.update(c.lemma_.lower() for c in h.children if c.dep_ == "compound")
    return words


def _with_compounds(token: Token) -> set[str]:
    return {token.lemma_.lower()} | {
        c.lemma_.lower() for c in token.children if c.dep_ == "compound"
    }


def _names_a_time(prep: Token) -> bool:
    """The phrase's object is a date or time ("on Friday"). A date entity that runs out of
    the phrase does not count: in "launched missiles at Kyiv overnight" the tagger reads
    "Kyiv overnight" as one TIME, but "overnight" hangs on the verb and Kyiv is the target."""
    return any(
        c.dep_ == "pobj" and c.ent_type_ in {"DATE", "TIME"} and _entity_within(c, prep)
        for c in prep.children
    )


def _entity_within(token: Token, phrase: Token) -> bool:
    doc, start, end = token.doc, token.i, token.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return phrase.left_edge.i <= start and end - 1 <= phrase.right_edge.i


def _holds(token: Token, key: str, values: frozenset[str]) -> bool:
    if "*" in values:  # "xcomp=*": any such child will do
        if key == "obj":
            return bool(_objects(token))
        if key == "xcomp":
            return any(c.dep_ in _CLAUSE_DEPS for c in token.children)
        if key == "prep":
            return any(c.dep_ in {"prep", "agent", "dative"} for c in token.children)
    if key == "obj":
        return bool(_object_words(token) & values)
    if key == "not_obj":
        return not any(o.lemma_.lower() in values for o in _objects(token))
    if key == "prep":  # "called on Friday" is no "call on": a date is not what is called on
        return any(
            c.dep_ in {"prep", "agent", "dative"} and c.lower_ in values and not _names_a_time(c)
            for c in token.children
        )
    if key == "obj_ent":  # "received President Milei": the object is a named person or state
        return any(o.ent_type_.lower() in values for o in _objects(token))
    if key == "subj":  # "a bomb went off", "a car bomb exploded": what the subject is
        return any(
            c.dep_ in {"nsubj", "nsubjpass"} and _with_compounds(c) & values for c in token.children
        )
    if key == "mod":  # "an air strike", "drone strikes": a modifier of a noun trigger
        return any(
            c.dep_ in {"compound", "amod"} and c.lemma_.lower() in values for c in token.children
        )
    if key == "pobj":  # "took to the streets", "placed under house arrest"
        return any(
            g.dep_ == "pobj" and g.lemma_.lower() in values
            for c in token.children
            if c.dep_ == "prep"
            for g in c.children
        )
    if key == "pp":  # "came under fire": the noun is the object of one of these prepositions
        return token.dep_ == "pobj" and token.head.lower_ in values
    if key == "adv":  # "was set ablaze"
        return any(
            c.dep_ in {"advmod", "acomp", "oprd"} and c.lower_ in values for c in token.children
        )
    if key == "prt":
        return any(c.dep_ == "prt" and c.lower_ in values for c in token.children)
    if key == "xcomp":
        return any(c.dep_ in _CLAUSE_DEPS and c.lemma_.lower() in values for c in token.children)
    raise ValueError(f"unknown trigger constraint {key!r}")


def _parse_requires(cell: str, where: str) -> tuple[tuple[str, frozenset[str]], ...]:
    out = []
    for part in filter(None, (p.strip() for p in (cell or "").split(";"))):
        key, sep, values = part.partition("=")
        key = key.strip()
        if not sep or key not in CONSTRAINT_KEYS:
            raise ValueError(
                f"{where}: bad constraint {part!r} (use obj=, prep=, prt=, xcomp=, not_obj=, "
                "obj_ent=, subj=, mod=, adv=, pobj=, pp=)"
            )
        out.append((key, frozenset(v.strip().lower() for v in values.split("|") if v.strip())))
    return tuple(out)


class Lexicon:
    """Triggers indexed by (lemma, pos), and the statements that are events by name."""

    def __init__(self, triggers: list[Trigger], statements: Iterable[Trigger] = ()) -> None:
        self.statements = {t.lemma: t for t in statements}
        self.by_key: dict[tuple[str, str], list[Trigger]] = {}
        for t in triggers:
            self.by_key.setdefault((t.lemma, t.pos), []).append(t)
        for rows in self.by_key.values():
            rows.sort(key=lambda t: -t.specificity)

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_key.values())

    def statement(self, name: str) -> Trigger:
        """A row of ``statements.tsv``: "must" (X said Y must ...), "say" (a criticism) ..."""
        return self.statements[name]

    def match(self, token: Token) -> Trigger | None:
        pos = _POS.get(token.pos_, "")
        if not pos or token.ent_type_ in _NAMED:
            return None  # "in March", "Operation Storm": names, not events
        rows = self.by_key.get((token.lemma_.lower(), pos)) or self.by_key.get((token.lower_, pos))
        if not rows:
            return None
        for row in rows:
            if row.matches(token):
                return row
        return None


def _read_rows(source: Path | Traversable) -> list[Trigger]:
    triggers = []
    with source.open(encoding="utf-8") as fh:
        for n, row in enumerate(
            csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE), start=2
        ):
            where = f"{source}:{n}"
            triggers.append(
                Trigger(
                    lemma=row["lemma"].strip().lower(),
                    pos=row["pos"].strip().upper(),
                    requires=_parse_requires(row.get("requires", ""), where),
                    event_type=row["event_type"].strip(),
                    mode=(row.get("mode") or "").strip(),
                    context=(row.get("context") or "").strip(),
                    cameo=(row.get("cameo") or "").strip(),
                    note=(row.get("note") or "").strip(),
                )
            )
    return triggers


def read_lexicon(path: str | Path | None = None) -> Lexicon:
    """The trigger rows of ``path`` (default: the shipped ``triggers.tsv``), with the
    shipped ``statements.tsv``: statements that are events in themselves."""
    data = resources.files("eventwire.events") / "data"
    source = data / "triggers.tsv" if path is None else Path(path)
    return Lexicon(_read_rows(source), _read_rows(data / "statements.tsv"))


@functools.cache
def shipped() -> Lexicon:
    return read_lexicon()
