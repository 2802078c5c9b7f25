"""Cue words (``data/cues.yaml``): the vocabulary the coder's rules name.

One generic loader: every top-level key of the YAML file is either a list of
words (``cues().speech`` is a frozenset of lemmas) or a table of words and what
they mean (``cues().table("status_words")``). A new list is a new key in the
file; the rule that reads it names it. Nothing here lists words itself.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml

from ..ontology import SAFE_LOADER


class Cues:
    """Named word lists and word tables from ``cues.yaml``."""

    __slots__ = ("_lists", "_tables")

    def __init__(self, data: dict[str, Any]) -> None:
        self._lists: dict[str, frozenset[str]] = {}
        self._tables: dict[str, dict[str, dict[str, str]]] = {}
        for key, value in data.items():
            if isinstance(value, dict):
                self._tables[key] = {
                    str(role): {_word(key, w): str(meaning) for w, meaning in words.items()}
                    for role, words in value.items()
                }
            else:
                self._lists[key] = frozenset(_word(key, w) for w in value)

    def __getattr__(self, name: str) -> frozenset[str]:
        try:
            return self._lists[name]
        except KeyError:
            raise AttributeError(
                f"cues.yaml has no word list {name!r}; add it to events/data/cues.yaml"
            ) from None

    def table(self, name: str) -> dict[str, dict[str, str]]:
        """A word table: role -> {word: meaning}, e.g. status_words["aux"]["may"]."""
        return self._tables[name]

    def words(self, table: str, role: str, meaning: str | None = None) -> frozenset[str]:
        """The words of one role in a table, optionally only those with ``meaning``."""
        found = self._tables[table].get(role, {})
        return frozenset(w for w, m in found.items() if meaning is None or m == meaning)

    def meaning(self, table: str, role: str, word: str) -> str | None:
        return self._tables[table].get(role, {}).get(word)


def _word(key: str, word: object) -> str:
    if not isinstance(word, str):
        raise ValueError(f"cues.yaml: {key} has a non-word entry {word!r}; quote it")
    return word


@functools.cache
def cues() -> Cues:
    path = resources.files("eventwire.events") / "data" / "cues.yaml"
    return Cues(yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER))
