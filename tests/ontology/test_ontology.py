"""The PLOVER/CAMEO tables and the trigger lexicon that is written against them."""

from __future__ import annotations

import csv
import re
from collections import Counter
from importlib.resources import files

import pytest

from eventwire import ontology
from eventwire.ontology import CameoCode

QUADS = {
    "AGREE": 1,
    "CONSULT": 1,
    "SUPPORT": 1,
    "CONCEDE": 1,
    "COOPERATE": 2,
    "AID": 2,
    "RETREAT": 2,
    "REQUEST": 3,
    "ACCUSE": 3,
    "REJECT": 3,
    "THREATEN": 3,
    "PROTEST": 4,
    "SANCTION": 4,
    "MOBILIZE": 4,
    "COERCE": 4,
    "ASSAULT": 4,
}
TRIGGER_HEADER = ["lemma", "pos", "requires", "event_type", "mode", "context", "cameo", "note"]
CONSTRAINT_KEYS = {
    "obj",
    "prep",
    "prt",
    "xcomp",
    "not_obj",
    "obj_ent",
    "subj",
    "mod",
    "adv",
    "pobj",
    "pp",
}


def root_quad(root: str) -> int:
    n = int(root)
    return 1 if n <= 5 else 2 if n <= 8 else 3 if n <= 13 else 4


def split_contexts(cell: str) -> list[str]:
    return [c.strip() for c in cell.split(";") if c.strip()]


# -- event types ---------------------------------------------------------------
def test_exactly_the_sixteen_plover_2_types_with_their_quad_class():
    types = ontology.event_types()
    assert set(types) == set(QUADS)
    for name, et in types.items():
        assert et.name == name
        assert et.quad_class == QUADS[name], name
        assert et.description and len(et.description) < 400


@pytest.mark.parametrize("name", sorted(QUADS))
def test_default_cameo_exists_and_maps_back_to_the_type(name):
    et = ontology.event_types()[name]
    code = ontology.cameo(et.default_cameo)
    assert ontology.plover_for_cameo(code.code)[0] == name
    # CONCEDE is the verbal half of CAMEO 08 (material cooperation) and so is verbal cooperation.
    assert root_quad(code.root) == et.quad_class or name == "CONCEDE"


@pytest.mark.parametrize(
    ("name", "modes"),
    [
        ("CONSULT", {"visit", "third-party", "multilateral", "phone"}),
        ("RETREAT", {"withdraw", "release", "return", "disarm", "ceasefire", "access", "resign"}),
        ("REQUEST", {"assist", "change", "yield", "meet"}),
        ("REJECT", {"assist", "change", "yield", "meet"}),
        ("ACCUSE", {"disapprove", "investigate", "allege"}),
        ("SANCTION", {"convict", "expel", "withdraw", "discontinue"}),
        ("MOBILIZE", {"troops", "weapons", "police", "militia"}),
        ("AGREE", set()),
        ("AID", set()),
    ],
)
def test_modes_follow_the_manual(name, modes):
    assert set(ontology.event_types()[name].modes) == modes


def test_every_mode_has_a_description():
    for et in ontology.event_types().values():
        assert all(isinstance(d, str) and d for d in et.modes.values()), et.name


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("DEMAND", "REQUEST"),
        ("DISAPPROVE", "ACCUSE"),
        ("INVESTIGATE", "ACCUSE"),
        ("FIGHT", "ASSAULT"),
        ("demand", "REQUEST"),
        (" assault ", "ASSAULT"),
        ("AGREE", "AGREE"),
    ],
)
def test_canonical_type(old, new):
    assert ontology.canonical_type(old) == new


def test_canonical_type_rejects_unknown_names():
    with pytest.raises(ValueError, match="CRIME"):
        ontology.canonical_type("CRIME")


# -- CAMEO table ---------------------------------------------------------------
def test_cameo_lookup():
    code = ontology.cameo("057")
    assert isinstance(code, CameoCode)
    assert code.name == "Sign formal agreement"
    assert (code.root, code.quad_class, code.goldstein) == ("05", 1, 8.0)
    assert ontology.cameo_codes()["057"] is code


def test_unknown_cameo_code_raises_a_clear_key_error():
    with pytest.raises(KeyError, match="unknown CAMEO code '999'"):
        ontology.cameo("999")
    with pytest.raises(KeyError):
        ontology.goldstein("0")


def test_cameo_table_is_complete_and_consistent():
    table = ontology.cameo_codes()
    assert len(table) > 300
    roots = {f"{n:02d}" for n in range(1, 21)}
    assert roots <= set(table)
    types = ontology.event_types()
    contexts = ontology.contexts()
    for code, c in table.items():
        assert re.fullmatch(r"\d{2,4}", code) and code.startswith(c.root) and c.name
        assert c.quad_class == root_quad(c.root), code
        assert -10.0 <= c.goldstein <= 10.0, code
        if c.plover_type:
            assert c.plover_type in types, code
            assert c.plover_mode in types[c.plover_type].modes or not c.plover_mode, code
        else:
            assert not c.plover_mode and not c.plover_context, code
        assert all(x in contexts for x in split_contexts(c.plover_context)), code


@pytest.mark.parametrize("code", ["01", "010", "016", "019", "02", "0233", "028"])
def test_statements_and_appeals_have_no_plover_type(code):
    assert ontology.plover_for_cameo(code) == ("", "", "")


def test_goldstein_and_quad_class():
    assert ontology.goldstein("190") == -10.0
    assert ontology.goldstein("057") > ontology.goldstein("051") > 0 > ontology.goldstein("111")
    # CAMEO.SCALE labels these two differently; they take their root's weight.
    assert ontology.goldstein("016") == ontology.goldstein("018") == ontology.goldstein("01")
    assert [ontology.quad_class(c) for c in ("042", "073", "112", "145")] == [1, 2, 3, 4]


def test_plover_for_cameo():
    assert ontology.plover_for_cameo("0841") == ("RETREAT", "release", "legal")
    assert ontology.plover_for_cameo("042") == ("CONSULT", "visit", "")
    assert ontology.plover_for_cameo("19") == ("ASSAULT", "", "")


def test_plover_for_cameo_falls_back_to_parent_and_root(monkeypatch):
    table = dict(ontology.cameo_codes())
    table["1389"] = CameoCode("1389", "test sub-code", "13", 3, -7.0, "", "", "")
    table["159"] = CameoCode("159", "test sub-code", "15", 4, -7.2, "", "", "")
    monkeypatch.setattr(ontology, "cameo_codes", lambda: table)
    assert ontology.plover_for_cameo("1389") == ontology.plover_for_cameo("138")
    assert ontology.plover_for_cameo("159") == ("MOBILIZE", "", "")


def test_plover_for_cameo_codes_outside_the_table():
    assert ontology.plover_for_cameo("0875") == ontology.plover_for_cameo("087")
    with pytest.raises(KeyError, match="unknown CAMEO code"):
        ontology.plover_for_cameo("99")


# -- contexts, sectors, statuses -------------------------------------------------
def test_contexts_sectors_statuses():
    contexts = ontology.contexts()
    assert {
        "military",
        "diplomatic",
        "economic",
        "humanitarian",
        "legal",
        "rights_freedoms",
        "political_institutions",
        "cbrn",
        "asylum",
        "peacekeeping",
    } <= set(contexts)
    sectors = ontology.sectors()
    assert {
        "GOV",
        "MIL",
        "REB",
        "OPP",
        "JUD",
        "LEG",
        "COP",
        "CVL",
        "BUS",
        "MED",
        "JRN",
        "REL",
        "SPY",
        "EDU",
        "LAB",
        "REF",
        "CRM",
    } <= set(sectors)
    assert all(re.fullmatch(r"[A-Z]{3}", s) for s in sectors)
    assert set(ontology.statuses()) == {
        "asserted",
        "alleged",
        "denied",
        "negated",
        "intended",
        "hypothetical",
        "historical",
        "requested",
    }
    assert ontology.merged_types() == {
        "DEMAND": "REQUEST",
        "DISAPPROVE": "ACCUSE",
        "INVESTIGATE": "ACCUSE",
        "FIGHT": "ASSAULT",
    }
    for table in (contexts, sectors, ontology.statuses()):
        assert all(isinstance(v, str) and v for v in table.values())


# -- trigger lexicon -------------------------------------------------------------
def read_triggers() -> tuple[list[str], list[list[str]]]:
    path = files("eventwire.events") / "data" / "triggers.tsv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[0], rows[1:]


def parse_requires(cell: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in cell.split(";") if cell else []:
        key, sep, values = part.partition("=")
        assert sep and key in CONSTRAINT_KEYS, f"bad constraint {part!r}"
        assert key not in out, f"repeated key in {cell!r}"
        words = values.split("|")
        assert words and all(re.fullmatch(r"[a-z]+|\*", w) for w in words), (
            f"bad values in {part!r}"
        )
        assert len(set(words)) == len(words), f"repeated value in {part!r}"
        out[key] = words
    return out


def test_trigger_header_is_exact():
    header, _ = read_triggers()
    assert header == TRIGGER_HEADER


def test_every_trigger_row_is_valid():
    _, rows = read_triggers()
    types = ontology.event_types()
    contexts = ontology.contexts()
    codes = ontology.cameo_codes()
    for n, row in enumerate(rows, start=2):
        assert len(row) == len(TRIGGER_HEADER), f"line {n}: {row}"
        lemma, pos, requires, etype, mode, context, cameo, note = row
        where = f"line {n} ({lemma} {pos} {requires})"
        assert re.fullmatch(r"[a-z]+", lemma), where
        assert pos in {"VERB", "NOUN", "ADJ"}, where
        assert etype in types, where
        assert not mode or mode in types[etype].modes, where
        assert all(c in contexts for c in split_contexts(context)), where
        assert cameo in codes, where
        assert note, where
        parse_requires(requires)


def test_no_duplicate_trigger_rows():
    _, rows = read_triggers()
    keys = Counter((r[0], r[1], r[2]) for r in rows)
    assert [k for k, n in keys.items() if n > 1] == []


def test_every_type_is_well_covered_by_verbs_and_nouns():
    _, rows = read_triggers()
    per_type = Counter(r[3] for r in rows)
    assert set(per_type) == set(QUADS)
    assert {t: n for t, n in per_type.items() if n < 12} == {}
    for etype in QUADS:
        assert {r[1] for r in rows if r[3] == etype} >= {"VERB", "NOUN"}, etype


def test_plain_statements_are_not_triggers():
    _, rows = read_triggers()
    assert not {r[0] for r in rows} & {"say", "tell", "announce", "state", "be", "have"}
