"""The model's attribute ruler and lemmatizer as one component: the same annotations,
several times faster.

``en_core_web_sm`` ends its tagging with an ``attribute_ruler`` (179 rules: the tag map
from fine tags to POS and morphology, plus word exceptions) and a rule ``lemmatizer``.
The ruler runs spaCy's general ``Matcher`` over every token for every rule, and both
walk the document one Python ``Token`` at a time; on the benchmark corpus the two took
about a fifth of the bare parse (``eventwire bench``). Here the rules that test one token
for plain values (a tag; a tag and a word; a dependency and a word; ...) are looked up in
dictionaries keyed by those values, only the dozen others (two-token rules, ``IN`` and
``REGEX`` tests) go through a ``Matcher``, the attributes are written back as arrays, and
lemmas come from the lemmatizer's own cache by (word, POS, morphology), asking the
lemmatizer only for keys it has not seen. The result is the stock pair's, token for token
(``tests/test_tagmap.py`` compares them on varied text): later rules override earlier
ones, each rule sets its token at its ``index``, and a lemma set by a rule is kept.
"""

from __future__ import annotations

import re
from typing import Any

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc

#: Token attributes a plain one-token rule may test, and how ``Doc.to_array`` gives them.
_TESTED = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "IS_SPACE": IS_SPACE}

Rule = tuple[tuple[int, int], ...]  # (column in the written array, value) pairs


class TagMap:
    """Stands in for the pipeline's ``attribute_ruler`` and ``lemmatizer`` (see the module).

    Made from the loaded components with ``from_components``; called on a Doc like them.
    """

    name = "eventwire_tagmap"

    def __init__(self, ruler: Any, lemmatizer: Any) -> None:
        self.vocab = ruler.vocab
        self.lemmatizer = lemmatizer
        #: the attributes any rule sets, as columns of the array written back
        self.columns: list[int | str] = sorted({a for attrs in ruler.attrs for a in attrs})
        col = {int(a): j for j, a in enumerate(self.columns)}
        self.rules: list[Rule] = [
            tuple((col[a], int(v)) for a, v in attrs.items()) for attrs in ruler.attrs
        ]
        self.indices: list[int] = list(ruler.indices)
        #: the token attributes the rules test, as columns of the array read
        self.read: list[int | str] = list(_TESTED.values())
        #: plain one-token rules: tested columns -> their values -> rule numbers
        plain: dict[tuple[int, ...], dict[tuple[int, ...], list[int]]] = {}
        #: every other pattern: (rule, one test per token of the pattern)
        self.others: list[tuple[int, list[list[_Test]]]] = []
        for r, patterns in enumerate(_patterns_by_rule(ruler)):
            for pattern in patterns:
                if len(pattern) == 1 and all(_is_plain(v) for v in pattern[0].values()):
                    names = sorted(pattern[0])
                    cols = tuple(self.read.index(_TESTED[n]) for n in names)
                    key = tuple(_id(pattern[0][n]) for n in names)
                    plain.setdefault(cols, {}).setdefault(key, []).append(r)
                else:
                    self.others.append((r, [_tests(token) for token in pattern]))
        self.plain = [
            (cols, lookup, *_most_telling(cols, lookup)) for cols, lookup in plain.items()
        ]
        self._regex: dict[tuple[str, int], bool] = {}

    @classmethod
    def from_components(cls, ruler: Any, lemmatizer: Any) -> TagMap:
        if lemmatizer.mode != "rule" or lemmatizer.overwrite:
            raise ValueError("TagMap stands in only for a rule lemmatizer that keeps set lemmas")
        return cls(ruler, lemmatizer)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        table = doc.to_array(self.read)
        found = self._plain(table) + self._others(table)
        found.sort(key=lambda hit: hit[0])  # later rules win, as in the ruler
        out: Any = doc.to_array(self.columns).reshape(len(doc), len(self.columns))
        for r, where in found:
            for j, value in self.rules[r]:
                out[where, j] = value
        doc.from_array(self.columns, out)
        self._lemmatize(doc)
        return doc

    def _plain(self, table: numpy.ndarray) -> list[tuple[int, numpy.ndarray]]:
        """(rule, token indices) for the plain rules: one dictionary look-up per distinct
        value of a one-attribute test; for a test of several, only at the tokens whose
        most telling attribute (the word, say) is one the rules name."""
        found: list[tuple[int, numpy.ndarray]] = []
        for cols, lookup, first, wanted in self.plain:
            if len(cols) == 1:
                keys, inverse = numpy.unique(table[:, cols[0]], return_inverse=True)
                for u, key in enumerate(keys.tolist()):
                    rules = lookup.get((key,))
                    if rules:
                        where = numpy.flatnonzero(inverse == u)
                        found.extend((r, where) for r in rules)
                continue
            near = numpy.flatnonzero(numpy.isin(table[:, first], wanted))
            hits: dict[int, list[int]] = {}
            for i, key in zip(near.tolist(), table[near][:, cols].tolist(), strict=True):
                for r in lookup.get(tuple(key), ()):
                    hits.setdefault(r, []).append(i)
            found.extend((r, numpy.array(where)) for r, where in hits.items())
        return found

    def _others(self, table: numpy.ndarray) -> list[tuple[int, numpy.ndarray]]:
        """(rule, token indices) for the other patterns: a mask per pattern token, joined
        along the text (a two-token pattern starts where the first mask holds and the
        second holds one token on)."""
        n = len(table)
        found = []
        for r, pattern in self.others:
            size = len(pattern)
            if size > n:
                continue
            starts = numpy.ones(n - size + 1, dtype=bool)
            for k, tests in enumerate(pattern):
                mask = self._mask(table, tests)
                starts &= mask[k : n - size + 1 + k]
            begin = numpy.flatnonzero(starts)
            if len(begin):
                index = self.indices[r]
                found.append((r, begin + (index if index >= 0 else size + index)))
        return found

    def _mask(self, table: numpy.ndarray, tests: list[_Test]) -> numpy.ndarray:
        mask = numpy.ones(len(table), dtype=bool)
        for attr, op, value in tests:
            column = table[:, self.read.index(attr)]
            if op == "==":
                mask &= column == value
            elif op == "IN":
                mask &= numpy.isin(column, value)
            elif op == "NOT_IN":
                mask &= ~numpy.isin(column, value)
            else:  # REGEX, searched in the attribute's text, once per distinct value
                mask &= numpy.isin(column, self._matching(str(value), column))
        return mask

    def _matching(self, regex: str, column: numpy.ndarray) -> list[int]:
        strings = self.vocab.strings
        out = []
        for v in numpy.unique(column).tolist():
            hit = self._regex.get((regex, v))
            if hit is None:
                hit = self._regex[(regex, v)] = bool(re.search(regex, strings[v]))
            if hit:
                out.append(v)
        return out

    def _lemmatize(self, doc: Doc) -> None:
        """The lemmatizer's ``rule_lemmatize`` through its own cache, as arrays: lemmas
        only for tokens a rule left without one."""
        keys: Any = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = keys[:, 3].copy()
        todo = numpy.flatnonzero(lemmas == 0)
        if not len(todo):
            return
        cache = self.lemmatizer.cache
        strings = self.vocab.strings
        for i, key in zip(todo.tolist(), map(tuple, keys[todo, :3].tolist()), strict=True):
            found = cache.get(key)
            if found is None:
                found = cache[key] = self.lemmatizer.rule_lemmatize(doc[i])
            lemmas[i] = strings.add(found[0])
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))


#: One test of a pattern token: (attribute, "==" | "IN" | "NOT_IN" | "REGEX", value(s)).
_Test = tuple[int, str, Any]


def _patterns_by_rule(ruler: Any) -> list[list[list[dict[str, Any]]]]:
    """The patterns of each rule, in rule order (the ruler keys them by rule number)."""
    return [[list(p) for p in ruler.matcher.get(str(r))[1]] for r in range(len(ruler.attrs))]


def _most_telling(
    cols: tuple[int, ...], lookup: dict[tuple[int, ...], list[int]]
) -> tuple[int, numpy.ndarray]:
    """The tested column with the most distinct values among the rules' keys, and those
    values (tokens without one of them cannot match)."""
    k = max(range(len(cols)), key=lambda j: len({key[j] for key in lookup}))
    return cols[k], numpy.array(sorted({key[k] for key in lookup}), dtype=numpy.uint64)


def _is_plain(value: Any) -> bool:
    return isinstance(value, str | bool)


def _id(value: str | bool) -> int:
    return int(value) if isinstance(value, bool) else int(get_string_id(value))


def _tests(token: dict[str, Any]) -> list[_Test]:
    """A pattern token's tests; anything this module does not know is refused, so that
    ``install`` leaves the stock components in place."""
    out: list[_Test] = []
    for name, value in token.items():
        if name not in _TESTED:
            raise ValueError(f"attribute rules test {name}, which TagMap does not read")
        attr = _TESTED[name]
        if _is_plain(value):
            out.append((attr, "==", _id(value)))
            continue
        if not isinstance(value, dict) or len(value) != 1:
            raise ValueError(f"attribute rule test {value!r} is not one TagMap knows")
        ((op, arg),) = value.items()
        if op in ("IN", "NOT_IN") and all(isinstance(v, str) for v in arg):
            out.append((attr, op, numpy.array([_id(v) for v in arg], dtype=numpy.uint64)))
        elif op == "REGEX" and isinstance(arg, str):
            out.append((attr, op, arg))
        else:
            raise ValueError(f"attribute rule test {value!r} is not one TagMap knows")
    return out


@Language.factory("eventwire_tagmap")
def _make_tagmap(nlp: Language, name: str) -> TagMap:
    return TagMap.from_components(nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer"))


def install(nlp: Language) -> bool:
    """Put a ``TagMap`` in place of the pipeline's ``attribute_ruler`` and ``lemmatizer``
    when both are there and the lemmatizer is a rule one that keeps set lemmas; says
    whether it did."""
    if "attribute_ruler" not in nlp.pipe_names or "lemmatizer" not in nlp.pipe_names:
        return False
    lemmatizer = nlp.get_pipe("lemmatizer")
    if getattr(lemmatizer, "mode", "") != "rule" or getattr(lemmatizer, "overwrite", True):
        return False
    try:
        nlp.add_pipe("eventwire_tagmap", after="lemmatizer")
    except ValueError:  # rules of a kind TagMap does not know: keep the stock pair
        return False
    nlp.remove_pipe("attribute_ruler")
    nlp.remove_pipe("lemmatizer")
    return True
