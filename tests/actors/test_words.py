"""The actor rules' word lists (``actors/kb/words.yaml``) and their one loader."""

import ast
from pathlib import Path

import pytest

from eventwire.actors.kb import read_word_lists, word_lists

ACTORS = Path(__file__).parents[2] / "src/eventwire/actors"


def test_every_list_is_plain_words():
    words = word_lists()
    assert words.lists and words.tables
    for name, items in words.lists.items():
        assert items, name
        assert all(w == w.strip() and w for w in items), name


def test_every_list_is_named_by_a_rule():
    code = "\n".join(p.read_text(encoding="utf-8") for p in ACTORS.glob("*.py"))
    words = word_lists()
    unused = [n for n in [*words.lists, *words.tables] if f'"{n}"' not in code]
    assert not unused, f"lists no rule names: {unused}"


def test_a_new_list_needs_no_code(tmp_path):
    path = tmp_path / "words.yaml"
    path.write_text("titles_of_respect: [sheikh, mullah]\nranks: {colonel: MIL}\n")
    words = read_word_lists(path)
    assert words["titles_of_respect"] == frozenset({"sheikh", "mullah"})
    assert words.table("ranks") == {"colonel": "MIL"}
    with pytest.raises(KeyError, match="no word list 'missing'"):
        words["missing"]


@pytest.mark.parametrize("bad", ["preps: [of, on, off]", "preps: [of, 3]", "preps: of"])
def test_yaml_keywords_and_non_words_are_refused(tmp_path, bad):
    path = tmp_path / "words.yaml"
    path.write_text(bad + "\n")
    with pytest.raises(ValueError, match="'preps'"):
        read_word_lists(path)


#: Strings in code that are grammar or codes, not English vocabulary: spaCy labels,
#: the knowledge base's entry kinds and coref's mention kinds.
GRAMMAR = {
    *"nsubj nsubjpass dobj obj pobj poss agent amod compound nmod npadvmod appos det predet "
    "nummod punct cc prep conj".split(),
    *"NOUN PROPN NNS NNPS PERSON ORG NORP GPE LOC FAC EVENT DATE TIME MONEY QUANTITY PERCENT "
    "LAW WORK_OF_ART LANGUAGE PRODUCT".split(),
    *"country adjective capital seat igo org person user none state body group".split(),
    *"IGO UNO EUR NGO IMG".split(),
}


def _literal_words(node):
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"frozenset", "set"}:
        return _literal_words(node.args[0]) if node.args else []
    if isinstance(node, (ast.Set, ast.Tuple, ast.List)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant)]
    if isinstance(node, ast.Dict):
        return [k.value for k in node.keys if isinstance(k, ast.Constant)]
    if (  # "he she him".split()
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "split"
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
    ):
        return node.func.value.value.split()
    return []


def test_no_word_list_is_left_in_code():
    """Rules name lists in words.yaml: a set of three or more words in code is a list that
    should move there (labels and codes aside)."""
    found = []
    for path in ACTORS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            words = [w for w in _literal_words(node) if isinstance(w, str) and w.isalpha()]
            vocabulary = [w for w in words if w not in GRAMMAR]
            if len(vocabulary) >= 3:
                found.append((path.name, node.lineno, vocabulary))
    assert not found
