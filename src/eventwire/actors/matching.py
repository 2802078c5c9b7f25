"""Knowledge-base forms in a document: which words name which entry.

A token-sequence matcher finds the shipped forms (case-sensitive: "US" is not "us") and
the user's own (case-insensitive); overlapping matches keep the longest. Each form is
split into tokens as spaCy's tokenizer splits it; for the shipped forms that split is
precomputed (``kb/forms.tsv.gz``, rebuilt by ``python -m eventwire.actors.matching``), so
that a run does not spend half a second tokenizing 8,000 names before its first text. A
form that means several things is settled by the story ("Congo" in a story naming Goma is
the DRC) or left out, and so are forms in the dateline and country words inside an
organisation's name.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy
from spacy.attrs import DEP, POS
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..geo.places import place_country
from ..nlp import load as load_nlp
from .kb import Entry, KnowledgeBase, word_lists

_WORDS = word_lists()
#: Prepositions before a place name: "near Goma", "in Brazzaville".
PLACE_PREPS = _WORDS["place_preps"]
#: Words after which a country word is part of an organisation's name.
OPAQUE_PREPS = _WORDS["opaque_preps"]
#: Entity labels whose inner words must not give a country ("Center for European Policy").
_OPAQUE_ENTS = frozenset({"ORG", "FAC", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT"})
_DASHES = "—–-"
_PROPN, _POBJ = POS_IDS["PROPN"], get_string_id("pobj")


@dataclass(slots=True)
class KbSpan:
    start: int  # token indices
    end: int
    entry: Entry


Chosen = list[tuple[Span, list[Entry], Entry | None]]


#: The shipped forms split into tokens, precomputed.
FORMS_FILE = "forms.tsv.gz"


class FormMatcher:
    """Every occurrence of known token sequences in a Doc, as ``(label, start, end)``,
    like spaCy's PhraseMatcher on ORTH (or LOWER with ``lower``), without building
    lexemes for every form."""

    def __init__(self, forms: dict[tuple[str, ...], str], lower: bool = False) -> None:
        self.forms = forms
        self.lower = lower
        lengths: dict[str, set[int]] = {}
        for tokens in forms:
            lengths.setdefault(tokens[0], set()).add(len(tokens))
        self.lengths = {w: tuple(sorted(n)) for w, n in lengths.items()}

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        words = [t.lower_ if self.lower else t.text for t in doc]
        out = []
        for i, word in enumerate(words):
            for n in self.lengths.get(word, ()):
                if i + n > len(words):
                    break  # lengths are sorted: no longer form fits before the end
                label = self.forms.get(tuple(words[i : i + n]))
                if label is not None:
                    out.append((label, i, i + n))
        return out


@functools.cache
def _shipped_tokens() -> dict[str, tuple[str, ...]]:
    """Shipped form -> its tokens, from the precomputed file."""
    import gzip

    data = resources.files("eventwire.actors") / "kb" / FORMS_FILE
    out = {}
    for line in gzip.decompress(data.read_bytes()).decode("utf-8").splitlines():
        surface, *tokens = line.split("\t")
        out[surface] = tuple(tokens)
    return out


def tokens_of(surfaces: list[str]) -> dict[str, tuple[str, ...]]:
    """Each form's tokens: precomputed when shipped, else from spaCy's tokenizer."""
    known = _shipped_tokens()
    out = {s: known[s] for s in surfaces if s in known}
    missing = [s for s in surfaces if s not in out]
    if missing:
        tokenizer: Any = load_nlp().tokenizer  # spaCy's Tokenizer; typed as a plain callable
        for surface, doc in zip(missing, tokenizer.pipe(missing), strict=True):
            out[surface] = tuple(t.text for t in doc)
    return out


def write_forms(kb: KnowledgeBase | None = None, path: str | None = None) -> str:
    """Split the shipped forms with spaCy's tokenizer and write them (by default into the
    package); return the path."""
    import gzip
    from pathlib import Path

    from .kb import shipped

    surfaces = sorted((kb or shipped()).surfaces)
    tokenizer: Any = load_nlp().tokenizer
    lines = [
        "\t".join([s, *(t.text for t in doc)])
        for s, doc in zip(surfaces, tokenizer.pipe(surfaces), strict=True)
    ]
    target = Path(path) if path else Path(__file__).parent / "kb" / FORMS_FILE
    with gzip.GzipFile(target, "wb", mtime=0) as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))
    return str(target)


@functools.cache
def _matchers(kb_id: int, kb: KnowledgeBase) -> tuple[FormMatcher, FormMatcher]:
    """Matchers for the shipped forms (case-sensitive) and for the user's (by lower case);
    labels are ("kb" | "user", form)."""
    out = []
    for kind, surfaces, lower in (("kb", list(kb.surfaces), False), ("user", list(kb.user), True)):
        split = tokens_of(surfaces)
        forms = {split[s]: f"{kind}\t{s}" for s in reversed(surfaces) if split[s]}
        out.append(FormMatcher(forms, lower))
    return out[0], out[1]


def match(
    doc: Doc, kb: KnowledgeBase, date: str | None, skip: tuple[int, int] = (-1, -1)
) -> dict[int, KbSpan]:
    """Token index -> the knowledge-base span it is part of. Matches that start inside the
    character offsets ``skip`` (the dateline) are left out."""
    shipped_matcher, user_matcher = _matchers(id(kb), kb)
    found: dict[tuple[int, int], tuple[str, str]] = {}
    for label, start, end in shipped_matcher(doc):
        kind, surface = label.split("\t", 1)
        found[(start, end)] = (kind, surface)
    if kb.user:
        for label, start, end in user_matcher(doc):
            kind, surface = label.split("\t", 1)
            found[(start, end)] = (kind, surface)  # the user's entry wins on the same words
    spans = [Span(doc, start, end) for start, end in found]
    chosen: Chosen = []
    for span in filter_spans(spans):
        if skip[0] <= span.start_char < skip[1]:
            continue  # the dateline names where the story was filed, not an actor
        kind, surface = found[(span.start, span.end)]
        entries = [kb.user[surface]] if kind == "user" else kb.lookup(surface)
        chosen.append((span, entries, choose(entries, date)))
    ents = list(doc.ents)  # rebuilt by spaCy on every access: once here
    named = _countries_named(doc, chosen, date, ents)
    out: dict[int, KbSpan] = {}
    for span, entries, entry in chosen:
        if entry is None and len(entries) > 1:
            entry = _choose_in_context(entries, named, date)
        if entry is None or entry.kind == "none" or _opaque(span, ents):
            continue  # "Latin American", "Indian Ocean": no actor
        for i in range(span.start, span.end):
            out[i] = KbSpan(span.start, span.end, entry)
    return out


def choose(entries: list[Entry], date: str | None) -> Entry | None:
    """The one entry a form means on a date, or None when it could be several."""
    if not entries:
        return None
    if len(entries) == 1:
        return entries[0]
    dated = [e for e in entries if e.at(date)[0]]
    if len({e.at(date)[0] for e in dated}) == 1:
        return dated[0]
    return None  # ambiguous: better unknown than a guess


def _countries_named(doc: Doc, chosen: Chosen, date: str | None, ents: list[Span]) -> set[str]:
    """Countries the document names without doubt: by a KB name or by a city."""
    named = {e.at(date)[0] for _, _, e in chosen if e is not None}
    for ent in ents:
        if ent.label_ in {"GPE", "LOC", "FAC"}:
            named.add(place_country(ent.text))
    tags = doc.to_array([POS, DEP])  # the proper nouns that are objects, found without Tokens
    for i in numpy.flatnonzero((tags[:, 0] == _PROPN) & (tags[:, 1] == _POBJ)).tolist():
        tok = doc[i]
        if tok.head.lower_ in PLACE_PREPS:
            named.add(place_country(tok.text))  # "fighting around Goma", tagged a person
    named.discard("")
    return named


def _choose_in_context(entries: list[Entry], named: set[str], date: str | None) -> Entry | None:
    """ "Congo" in a story that also names Kinshasa or Goma is the DRC; with no such
    evidence, or evidence for both, it stays unknown."""
    fitting = [e for e in entries if e.at(date)[0] in named]
    if len({e.at(date)[0] for e in fitting}) == 1:
        return fitting[0]
    return None


def _opaque(span: Span, ents: list[Span]) -> bool:
    """True for a country word inside an organisation's name after "for"/"of"."""
    if span[0].ent_type_ not in _OPAQUE_ENTS:
        return False
    ent = next((e for e in ents if e.start <= span.start < e.end), None)
    if ent is None:
        return False
    return any(t.lower_ in OPAQUE_PREPS for t in ent[: span.start - ent.start])


def dateline_end(text: str, place: str) -> int:
    """Character offset where the dateline ends, or -1 (see ``dateline_span``)."""
    return dateline_span(text, place)[1]


def dateline_span(text: str, place: str) -> tuple[int, int]:
    """Character offsets of the dateline, or (-1, -1): ``place`` is the dateline's place as
    the cleaner read it ("Seoul, South Korea" for "SEOUL, South Korea (AP) — ..."), found
    at the start of a line near the top; the dateline runs on through the agency in
    brackets to the dash. A headline or byline above it stays text."""
    if not place.strip():
        return -1, -1
    head = text[:3000]
    for start in (0, *(i + 1 for i, c in enumerate(head) if c == "\n")):
        while start < len(head) and head[start] in " \t":
            start += 1
        end = _match_place(head, start, place)
        if end >= 0:
            return start, _through_dash(head, end)
    return -1, -1


def _match_place(text: str, i: int, place: str) -> int:
    """The end of ``place`` at ``text[i:]``, compared without case and spaces, or -1."""
    want = "".join(place.lower().split())
    j = 0
    while j < len(want):
        if i >= len(text):
            return -1
        c = text[i]
        i += 1
        if c.isspace():
            continue
        low = c.lower()
        if not want.startswith(low, j):
            return -1
        j += len(low)
    return i


def _through_dash(text: str, i: int) -> int:
    """Past an agency in brackets and the dash that close a dateline (at most 60 characters
    on); where there is no dash, the place alone is the dateline."""
    j = i
    limit = min(len(text), i + 60)
    while j < limit and text[j].isspace():
        j += 1
    if j < limit and text[j] == "(":
        close = text.find(")", j, limit)
        if close < 0:
            return i
        j = close + 1
        while j < limit and text[j].isspace():
            j += 1
    if j < limit and text[j] in _DASHES:
        while j < limit and text[j] in _DASHES:
            j += 1
        return j
    return i


if __name__ == "__main__":  # python -m eventwire.actors.matching: rebuild the shipped forms
    print(write_forms())
