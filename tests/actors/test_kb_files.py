"""Sanity checks for the actor knowledge-base TSV files (stdlib only)."""

from pathlib import Path

import pytest

KB = Path(__file__).parents[2] / "src/eventwire/actors/kb"
GEO = KB.parents[1] / "geo" / "data"  # the country table sits below the actors

IGO_SECTORS = {
    "GOV",
    "MIL",
    "REB",
    "OPP",
    "JUD",
    "LEG",
    "COP",
    "BUS",
    "CVL",
    "MED",
    "JRN",
    "HRI",
    "AID",
    "SPY",
    "EDU",
    "REL",
    "LAB",
}
SECTORS = IGO_SECTORS | {"CRM", "REF", "ELI"}
INTL = {"UNO", "EUR", "IGO", "NGO", "IMG"}


def _read(name):
    raw = (KB / name if (KB / name).exists() else GEO / name).read_bytes()
    assert b"\r" not in raw, f"{name}: CR line endings"
    text = raw.decode("utf-8")
    assert text.endswith("\n")
    lines = text.split("\n")[:-1]
    header = lines[0].split("\t")
    rows = []
    for i, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        assert len(cells) == len(header), f"{name}:{i}: {len(cells)} cells"
        assert all(c == c.strip() for c in cells), f"{name}:{i}: stray whitespace"
        rows.append(dict(zip(header, cells, strict=False)))
    return header, rows


def _split(cell):
    items = cell.split("|") if cell else []
    assert all(items), f"empty list item in {cell!r}"
    return items


@pytest.fixture(scope="module")
def countries():
    return _read("countries.tsv")


@pytest.fixture(scope="module")
def igos():
    return _read("igos.tsv")


@pytest.fixture(scope="module")
def sectors():
    return _read("sectors.tsv")


def test_countries_header(countries):
    assert countries[0] == ["iso3", "name", "aliases", "adjectives", "capitals", "seats"]


def test_countries_iso3(countries):
    isos = [r["iso3"] for r in countries[1]]
    assert len(isos) >= 200
    assert len(isos) == len(set(isos))
    for iso in isos:
        assert len(iso) == 3 and iso.isalpha() and iso.isupper(), iso
    for must in ("USA", "RUS", "CHN", "PRK", "KOR", "PSE", "TWN", "XKX"):
        assert must in isos


def test_countries_surface_forms_unique(countries):
    owner = {}
    clashes = []
    for r in countries[1]:
        assert r["name"], r
        forms = [r["name"]]
        for col in ("aliases", "adjectives", "capitals", "seats"):
            forms += _split(r[col])
        for form in forms:
            assert not form.lower().startswith("the "), form
            if owner.setdefault(form, r["iso3"]) != r["iso3"] and form not in SHARED_FORMS:
                clashes.append((form, owner[form], r["iso3"]))
    assert not clashes


#: Names two countries really share; the resolver places them only by other evidence in
#: the story ("Congo" near "Goma" is the DRC) and otherwise leaves them unknown.
SHARED_FORMS = frozenset({"Congo", "Congolese"})


@pytest.mark.parametrize(
    "form", ["Korean", "Congolese", "Guinean", "Dominican", "Arab", "Kurdish", "Macedonian"]
)
def test_ambiguous_adjectives_never_given_to_one_country(countries, form):
    owners = {r["iso3"] for r in countries[1] if form in _split(r["adjectives"])}
    assert len(owners) != 1, (form, owners)  # absent, or shared and placed by context
    assert not owners or form in SHARED_FORMS


def test_igos(igos, countries):
    header, rows = igos
    assert header == ["code", "country", "sector", "name", "aliases"]
    isos = {r["iso3"] for r in countries[1]}
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    for r in rows:
        assert r["code"] and r["name"], r
        assert r["country"] in INTL or r["country"] in isos, r
        assert r["sector"] in IGO_SECTORS, r
        for alias in _split(r["aliases"]):
            assert alias not in {"IS", "US"}, r


def test_igo_surface_forms_unique(igos):
    owner = {}
    for r in igos[1]:
        for form in [r["name"]] + _split(r["aliases"]):
            assert owner.setdefault(form, r["code"]) == r["code"], form


def test_sectors(sectors):
    header, rows = sectors
    assert header == ["term", "sector", "kind"]
    terms = [r["term"] for r in rows]
    assert len(terms) == len(set(terms))
    for r in rows:
        assert r["term"] and r["term"] == r["term"].lower(), r
        assert r["sector"] in SECTORS, r
        assert r["kind"] in {"title", "noun"}, r
