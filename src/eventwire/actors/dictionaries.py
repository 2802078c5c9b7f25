"""Readers for the user's own actor dictionaries: CSV, YAML and PETRARCH/TABARI ``.actors``.

Every reader returns ``(surface form, Entry)`` pairs; a line that cannot be read raises
``InputError`` naming the file, the line and what is wrong with it.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from .kb import Entry, Role

Pairs = list[tuple[str, Entry]]
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def load_user_actors(path: str | Path) -> Pairs:
    """Read a dictionary by its ending: ``.csv``, ``.yaml``/``.yml``, ``.actors``/``.txt``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(str(path), "no such actor dictionary")
    if suffix == ".csv":
        return read_csv(path)
    if suffix in {".yaml", ".yml"}:
        return read_yaml(path)
    if suffix in {".actors", ".txt"}:
        return read_petrarch(path)
    raise InputError(
        str(path), f"unknown actor dictionary type {suffix!r}; use .csv, .yaml or .actors"
    )


def split_code(code: str) -> tuple[str, str]:
    """``RUSGOV`` -> (RUS, GOV); ``IGOUNO`` -> (IGO, UNO); ``AFG`` -> (AFG, "")."""
    code = code.strip().upper()
    return code[:3], code[3:6]


def _role(where: str, country: str, sector: str, start: str, end: str) -> Role:
    for value in (start, end):
        if value and not _ISO.match(value):
            raise InputError(where, f"date {value!r} is not YYYY-MM-DD")
    if not re.fullmatch(r"[A-Z]{3}", country):
        raise InputError(where, f"country {country!r} is not a three-letter code")
    return Role(country, sector, "", start, end)


def read_csv(path: Path) -> Pairs:
    """``name,code,country,sector,start,end``: one surface form (alias) per row."""
    out: Pairs = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "name" not in reader.fieldnames:
            raise InputError(str(path), "a CSV actor dictionary needs a header with 'name'")
        for n, row in enumerate(reader, start=2):
            name = (row.get("name") or "").strip()
            if not name:
                continue
            code = (row.get("code") or "").strip().upper()
            country = (row.get("country") or "").strip().upper()
            sector = (row.get("sector") or "").strip().upper()
            if code and not country:
                country, sector = (*split_code(code)[:1], sector or split_code(code)[1])
            role = _role(
                f"{path}:{n}",
                country,
                sector,
                (row.get("start") or "").strip(),
                (row.get("end") or "").strip(),
            )
            out.append((name, Entry(name, "user", country, sector, [role])))
    return out


def read_yaml(path: Path) -> Pairs:
    """A list of ``{name, aliases?, code? | country + sector?, roles?: [{code, start, end}]}``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(str(path), f"not valid YAML ({exc})") from exc
    if not isinstance(data, list):
        raise InputError(str(path), "a YAML actor dictionary is a list of actors")
    out: Pairs = []
    for n, item in enumerate(data, start=1):
        where = f"{path}: actor {n}"
        if not isinstance(item, dict) or not item.get("name"):
            raise InputError(where, "each actor needs a 'name'")
        out.extend(_yaml_actor(item, where))
    return out


def _yaml_actor(item: dict[str, Any], where: str) -> Pairs:
    name = str(item["name"])
    country, sector = (
        split_code(str(item["code"]))
        if item.get("code")
        else (str(item.get("country", "")).upper(), str(item.get("sector", "")).upper())
    )
    roles = []
    if country:
        roles.append(_role(where, country, sector, "", ""))
    for r in item.get("roles") or []:
        rc, rs = (
            split_code(str(r.get("code", "")))
            if r.get("code")
            else (str(r.get("country", "")).upper(), str(r.get("sector", "")).upper())
        )
        roles.append(_role(where, rc, rs, str(r.get("start") or ""), str(r.get("end") or "")))
    if not roles:
        raise InputError(where, f"{name!r} has no code, country or roles")
    entry = Entry(name, "user", country or roles[-1].country, sector, roles)
    return [(s, entry) for s in [name, *map(str, item.get("aliases") or [])]]


def _petrarch_date(text: str, where: str) -> str:
    """``YYYYMMDD`` or ``YYMMDD`` (00-30 -> 20YY, else 19YY, as TABARI reads them)."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 6:
        year = int(digits[:2])
        digits = f"{2000 + year if year <= 30 else 1900 + year}{digits[2:]}"
    if len(digits) != 8:
        raise InputError(where, f"date {text!r} is not YYYYMMDD or YYMMDD")
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"


def _petrarch_phrase(text: str) -> str:
    """``VLADIMIR_PUTIN_`` -> ``vladimir putin`` (matched without regard to case)."""
    return " ".join(text.replace("_", " ").split()).lower()


def read_petrarch(path: Path) -> Pairs:
    """PETRARCH/TABARI ``.actors``: a primary phrase with an optional ``[CODE]``, synonyms
    on ``+`` lines, and date-restricted codes on indented ``[CODE YYYYMMDD-YYYYMMDD]``,
    ``[CODE <date]``, ``[CODE >date]`` lines. ``;`` and ``#`` start comments."""
    out: Pairs = []
    current: Entry | None = None
    names: list[str] = []

    def flush() -> None:
        if current is not None and current.roles:
            out.extend((s, current) for s in names)

    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    for n, raw in enumerate(lines, start=1):
        where = f"{path}:{n}"
        if "---STOP---" in raw:
            break
        stripped = raw.strip()
        if not stripped or stripped.startswith(("#", "<!")):
            continue
        if raw[0] in " \t" and stripped.startswith("["):
            if current is None:
                raise InputError(where, "a date restriction before any actor")
            current.roles.append(_petrarch_restriction(stripped, where))
            continue
        body = stripped.split(";", 1)[0].split("#", 1)[0].strip()
        if body.startswith("+"):
            if current is None:
                raise InputError(where, "a synonym (+) before any actor")
            names.append(_petrarch_phrase(body[1:].split("[", 1)[0]))
            continue
        flush()
        phrase, _, rest = body.partition("[")
        names = [_petrarch_phrase(phrase)]
        current = Entry(names[0].title(), "user")
        if rest:
            country, sector = split_code(rest.split("]", 1)[0])
            current.roles.append(_role(where, country, sector, "", ""))
            current.country, current.sector = country, sector
    flush()
    return out


def _petrarch_restriction(text: str, where: str) -> Role:
    inner = text[1:].split("]", 1)[0].strip()
    code, _, rest = inner.partition(" ")
    country, sector = split_code(code)
    rest = rest.strip()
    start = end = ""
    if rest.startswith("<"):
        end = _petrarch_date(rest[1:], where)
    elif rest.startswith(">"):
        start = _petrarch_date(rest[1:], where)
    elif "-" in rest:
        a, _, b = rest.partition("-")
        start, end = _petrarch_date(a, where), _petrarch_date(b, where)
        if end < start:
            raise InputError(where, f"end date before start date in {text!r}")
    elif rest:
        raise InputError(where, f"cannot read the date restriction {text!r}")
    return _role(where, country, sector, start, end)
