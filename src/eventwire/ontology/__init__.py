"""PLOVER 2.0 and CAMEO tables: event types, modes, contexts, sectors and the CAMEO crosswalk.

The data lives in ``data/plover.yaml`` and ``data/cameo.tsv`` inside this package and is read
once per process: ``ontology.cameo("057").name == "Sign formal agreement"``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

__all__ = [
    "CameoCode",
    "EventType",
    "cameo",
    "cameo_codes",
    "canonical_type",
    "contexts",
    "event_types",
    "goldstein",
    "merged_types",
    "plover_for_cameo",
    "quad_class",
    "sectors",
    "statuses",
]

CAMEO_COLUMNS = tuple(
    "code name root quad_class goldstein plover_type plover_mode plover_context".split()
)


@dataclass(frozen=True, slots=True)
class CameoCode:
    """One CAMEO event code with its weights and PLOVER's mapping for it.

    ``plover_context`` may hold several contexts separated by ``"; "``; empty PLOVER fields mean
    PLOVER gives the code no type (CAMEO 01 and 02) or no mode/context.
    """

    code: str
    name: str
    root: str
    quad_class: int
    goldstein: float
    plover_type: str
    plover_mode: str
    plover_context: str


@dataclass(frozen=True, slots=True)
class EventType:
    """A PLOVER event type; ``modes`` maps mode name to description (empty if it has none)."""

    name: str
    description: str
    quad_class: int
    default_cameo: str
    modes: dict[str, str]
    plover_score: float = 0.0


def _read_text(name: str) -> str:
    return (files("eventwire.ontology") / "data" / name).read_text(encoding="utf-8")


#: PyYAML's safe loader in C (libyaml) when the wheel has it: the shipped tables load
#: about eight times as fast; the same documents either way.
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _plover() -> dict[str, Any]:
    data = yaml.load(_read_text("plover.yaml"), Loader=SAFE_LOADER)
    if not isinstance(data, dict):
        raise ValueError("eventwire/ontology/data/plover.yaml must hold a mapping at top level")
    return data


@cache
def cameo_codes() -> dict[str, CameoCode]:
    """Every CAMEO code in the table, keyed by code string ("01", "057", "1384")."""
    reader = csv.DictReader(io.StringIO(_read_text("cameo.tsv")), delimiter="\t")
    if tuple(reader.fieldnames or ()) != CAMEO_COLUMNS:
        raise ValueError(f"cameo.tsv header must be {CAMEO_COLUMNS}, got {reader.fieldnames}")
    table: dict[str, CameoCode] = {}
    for row in reader:
        table[row["code"]] = CameoCode(
            code=row["code"],
            name=row["name"],
            root=row["root"],
            quad_class=int(row["quad_class"]),
            goldstein=float(row["goldstein"]),
            plover_type=row["plover_type"],
            plover_mode=row["plover_mode"],
            plover_context=row["plover_context"],
        )
    return table


def cameo(code: str) -> CameoCode:
    """The CAMEO code ``code``; raises KeyError naming the code if the table lacks it."""
    try:
        return cameo_codes()[code]
    except KeyError:
        raise KeyError(
            f"unknown CAMEO code {code!r}: codes are 2-4 digit strings such as '04', '057' "
            f"or '1384' (see eventwire/ontology/data/cameo.tsv)"
        ) from None


def goldstein(code: str) -> float:
    """The Goldstein conflict-cooperation weight (-10..+10) of a CAMEO code."""
    return cameo(code).goldstein


def quad_class(code: str) -> int:
    """Quad class of a CAMEO code: 1/2 verbal/material cooperation, 3/4 verbal/material conflict."""
    return cameo(code).quad_class


def plover_for_cameo(code: str) -> tuple[str, str, str]:
    """PLOVER (type, mode, context) for a CAMEO code.

    A code that has no PLOVER type of its own takes its parent's mapping (four digits to three)
    and then its root's; codes missing from the table are looked up the same way through their
    nearest listed ancestor. CAMEO 01 and 02 have no PLOVER type and give ``("", "", "")``.
    """
    table = cameo_codes()
    if code not in table and not any(code[:n] in table for n in range(len(code) - 1, 1, -1)):
        cameo(code)  # raises the KeyError with its message
    for n in range(len(code), 1, -1):
        entry = table.get(code[:n])
        if entry is not None and entry.plover_type:
            return entry.plover_type, entry.plover_mode, entry.plover_context
    return "", "", ""


@cache
def event_types() -> dict[str, EventType]:
    """The 16 PLOVER 2.0 event types, keyed by upper-case name."""
    types: dict[str, EventType] = {}
    for name, spec in _plover()["event_types"].items():
        types[name] = EventType(
            name=name,
            description=" ".join(str(spec["description"]).split()),
            quad_class=int(spec["quad_class"]),
            default_cameo=str(spec["default_cameo"]),
            modes={str(k): str(v) for k, v in (spec.get("modes") or {}).items()},
            plover_score=float(spec.get("plover_score", 0.0)),
        )
    return types


def _str_map(key: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in (_plover().get(key) or {}).items()}


@cache
def contexts() -> dict[str, str]:
    """PLOVER context names and what each covers."""
    return _str_map("contexts")


@cache
def sectors() -> dict[str, str]:
    """PLOVER actor sector codes (GOV, MIL, REB, ...) and what each covers."""
    return _str_map("sectors")


@cache
def statuses() -> dict[str, str]:
    """Event statuses (asserted, alleged, denied, ...) and what each means."""
    return _str_map("statuses")


def cooperative(event_type: str) -> bool:
    """Verbal or material cooperation (quad class 1 or 2): AGREE ... RETREAT."""
    known = event_types().get(event_type)
    return known is not None and known.quad_class <= 2


@cache
def intentions() -> dict[str, tuple[str, str]]:
    """PLOVER type -> (type, CAMEO code) of a stated intention to do it: AID -> AGREE 033."""
    return {str(k): (str(v["type"]), str(v["cameo"])) for k, v in _plover()["intentions"].items()}


@cache
def merged_types() -> dict[str, str]:
    """Older PLOVER type names and the PLOVER 2.0 type each was merged into."""
    return _str_map("merged_types")


def canonical_type(name: str) -> str:
    """The PLOVER 2.0 type for ``name`` (any case); maps merged old names such as DEMAND.

    Raises ValueError for a name that is neither a PLOVER 2.0 type nor a merged old one.
    """
    key = name.strip().upper()
    if key in event_types():
        return key
    merged = merged_types()
    if key in merged:
        return merged[key]
    known = ", ".join(list(event_types()) + list(merged))
    raise ValueError(f"unknown PLOVER event type {name!r}; expected one of: {known}")
