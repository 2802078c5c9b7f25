"""``eventwire bench --store``: how fast the store answers at scale (a million mentions).

A temporary database gets the real schema through ``Store(path)`` and is then filled by
SQL alone (``INSERT ... SELECT ... FROM range(N)``) with synthetic but deterministic
mentions: countries skewed towards RUS, UKR, USA, CHN and PRK, PLOVER types with CAMEO
codes, quad classes and Goldstein scores from the ontology tables, dates from 2015 to
2025, one to four mentions per real-world event (1.3 on average) whose representative
row carries the counts exactly as ``grouping.refresh`` computes them, and about one
article per five mentions. The timed reads go through the project's own code
(``Store.count``, ``Store.events``, ``Store.frame``, ``aggregate.series``) on a store
opened read-only, as the CLI opens it; the timed writes are ``Store.save_batch`` of
freshly coded sample articles, with the time spent in ``grouping.stored_candidates``,
``grouping.assign`` and ``grouping.refresh`` measured apart.

Timing lives here, never in unit tests: figures depend on the machine. Every read runs
once untimed (warm-up), then ``runs`` times: "median" and "max" are over those runs, each
opening the file as a CLI command or ``eventwire.open`` does; "session" is the median with
the file held open between runs (``Store.session()``), as a long-lived reader would.
"""

from __future__ import annotations

import contextlib
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import ontology
from .bench_corpus import sample_articles
from .config import Settings
from .geo.countries import countries as country_table
from .geo.places import lookup
from .models import Article
from .pipeline import Pipeline
from .store import Store, aggregate, grouping
from .store.queries import EventFilter
from .store.schema import ACTOR_TEXT_SQL

#: Mention rows of the default benchmark.
DEFAULT_EVENTS = 1_000_000
#: Timed runs of each operation (after one untimed warm-up).
DEFAULT_RUNS = 5
#: Articles per timed ``save_batch`` (the local runner's batch).
WRITE_BATCH = 50
#: Mentions per synthetic article, on average.
MENTIONS_PER_ARTICLE = 5
FIRST_DAY = "2015-01-01"
DAYS = 4018  # 2015-01-01 .. 2025-12-31

#: Countries and how often they appear (relative weights): a skewed news world.
COUNTRY_WEIGHTS: dict[str, int] = {
    "RUS": 14,
    "USA": 13,
    "UKR": 11,
    "CHN": 9,
    "PRK": 6,
    "ISR": 4,
    "IRN": 4,
    "GBR": 3,
    "KOR": 3,
    "JPN": 2,
    "DEU": 2,
    "FRA": 2,
    "TUR": 2,
    "SYR": 2,
    "IND": 2,
    "PSE": 2,
    "BLR": 2,
    "POL": 2,
    "TWN": 2,
    **{
        c: 1
        for c in (
            "PAK AFG IRQ SAU YEM EGY LBN LTU LVA EST FIN SWE NOR ITA ESP CAN MEX BRA ARG VEN "
            "COL CUB NGA ETH SDN SOM KEN ZAF MLI LBY PHL VNM MMR THA IDN AUS GEO ARM AZE KAZ "
            "QAT"
        ).split()
    },
}
#: Dyads that make the news far more often than their countries' weights alone say.
HOT_DYADS = (
    ("RUS", "UKR"),
    ("UKR", "RUS"),
    ("USA", "CHN"),
    ("CHN", "USA"),
    ("RUS", "PRK"),
    ("PRK", "RUS"),
    ("USA", "PRK"),
    ("PRK", "KOR"),
    ("USA", "RUS"),
    ("ISR", "PSE"),
    ("CHN", "TWN"),
    ("USA", "IRN"),
)
#: Named people, so that an actor search ("putin") has something to find.
LEADERS: dict[str, tuple[tuple[str, str], ...]] = {
    "RUS": (("Vladimir Putin", "GOV"), ("Sergei Lavrov", "GOV")),
    "UKR": (("Volodymyr Zelensky", "GOV"),),
    "USA": (("Joe Biden", "GOV"), ("Antony Blinken", "GOV")),
    "CHN": (("Xi Jinping", "GOV"), ("Wang Yi", "GOV")),
    "PRK": (("Kim Jong Un", "GOV"),),
}
#: PLOVER types, how often each occurs, and verbs for the generated evidence sentence.
TYPES: dict[str, tuple[int, tuple[str, ...]]] = {
    "CONSULT": (14, ("met", "held talks with", "hosted", "spoke by phone with")),
    "ACCUSE": (12, ("accused", "condemned", "criticised")),
    "ASSAULT": (12, ("shelled", "fired missiles at", "attacked", "launched drones at")),
    "AGREE": (8, ("agreed to hold talks with", "signed an accord with")),
    "SUPPORT": (7, ("praised", "endorsed", "backed")),
    "COOPERATE": (6, ("signed a trade deal with", "held joint drills with")),
    "THREATEN": (6, ("threatened", "warned of missile strikes on", "threatened sanctions on")),
    "REQUEST": (6, ("urged", "called on", "demanded talks with")),
    "REJECT": (5, ("rejected a proposal from", "refused to meet")),
    "AID": (5, ("sent aid to", "delivered missiles to", "supplied weapons to")),
    "SANCTION": (4, ("imposed sanctions on", "expelled diplomats from", "cut ties with")),
    "PROTEST": (4, ("protested against", "rallied against")),
    "MOBILIZE": (4, ("massed troops near", "put missile units on alert against")),
    "COERCE": (4, ("arrested citizens of", "seized a ship from", "blockaded")),
    "CONCEDE": (2, ("eased restrictions on", "released prisoners to")),
    "RETREAT": (1, ("withdrew troops from", "pulled back from")),
}
#: Mention statuses and how often each occurs (percent).
STATUSES = (
    ("asserted", 85),
    ("alleged", 5),
    ("intended", 3),
    ("denied", 2),
    ("hypothetical", 2),
    ("requested", 1),
    ("negated", 1),
    ("historical", 1),
)
OUTLETS = tuple(
    "Reuters|AP|AFP|BBC News|The Guardian|The New York Times|The Washington Post|Al Jazeera|"
    "Deutsche Welle|France 24|Yonhap|Kyodo|NHK World|TASS|Interfax|Kyiv Independent|"
    "Ukrainska Pravda|Xinhua|South China Morning Post|Korea Herald|Times of Israel|Haaretz|"
    "Hindustan Times|Dawn|Daily Sabah|Politico|Bloomberg|Financial Times|The Economist|"
    "NPR|CNN|Fox News|Le Monde|El Pais|Der Spiegel|Meduza|RFE/RL|Nikkei Asia|ABC News|"
    "Harbor Gazette".split("|")
)


def _pick(weights: dict[str, int] | list[tuple[str, int]]) -> list[str]:
    """A list in which each item appears as often as its weight: index it with a hash."""
    items = weights.items() if isinstance(weights, dict) else weights
    return [name for name, w in items for _ in range(w)]


def _tables() -> dict[str, Any]:
    """The lookup lists the generating SQL indexes (1-based) with hashes of the row."""
    by_iso = {c.iso3: c for c in country_table()}
    isos = list(COUNTRY_WEIGHTS)
    p: dict[str, Any] = {
        "c_iso": isos,
        "c_name": [],
        "c_place": [],
        "c_lat": [],
        "c_lon": [],
        "a_off": [],
        "a_cnt": [],
        "a_text": [],
        "a_name": [],
        "a_sector": [],
    }
    for iso in isos:
        c = by_iso[iso]
        adj = c.adjectives[0] if c.adjectives else c.name
        capital = c.capitals[0] if c.capitals else c.name
        place = lookup(capital, near=[iso])
        p["c_name"].append(c.name)
        p["c_place"].append(place.name if place else c.name)
        p["c_lat"].append(place.lat if place else 0.0)
        p["c_lon"].append(place.lon if place else 0.0)
        actors = [
            (c.name, c.name, "GOV"),
            (capital, c.name, "GOV"),
            (f"{adj} foreign ministry", f"{c.name} Foreign Ministry", "GOV"),
            (f"{adj} troops", c.name, "MIL"),
            (f"{adj} protesters", "Protesters", "CVL"),
        ] + [(person, person, sector) for person, sector in LEADERS.get(iso, ())]
        p["a_off"].append(len(p["a_text"]) + 1)
        p["a_cnt"].append(len(actors))
        for text, name, sector in actors:
            p["a_text"].append(text)
            p["a_name"].append(name)
            p["a_sector"].append(sector)
    index = {iso: i + 1 for i, iso in enumerate(isos)}
    p["c_pick"] = [index[iso] for iso in _pick(COUNTRY_WEIGHTS)]
    p["hot_src"] = [index[a] for a, _ in HOT_DYADS]
    p["hot_tgt"] = [index[b] for _, b in HOT_DYADS]
    # types and the CAMEO codes PLOVER maps to each (quad class, Goldstein, mode, contexts)
    p |= {"t_name": [], "k_off": [], "k_cnt": [], "v_off": [], "v_cnt": [], "verb": []}
    p |= {"k_code": [], "k_quad": [], "k_gold": [], "k_mode": [], "k_ctx": []}
    codes = ontology.cameo_codes()
    for name, (_, verbs) in TYPES.items():
        mine = [c for c in codes if ontology.plover_for_cameo(c)[0] == name and len(c) >= 3]
        p["t_name"].append(name)
        p["k_off"].append(len(p["k_code"]) + 1)
        p["k_cnt"].append(len(mine))
        for code in mine:
            _, mode, ctx = ontology.plover_for_cameo(code)
            p["k_code"].append(code)
            p["k_quad"].append(codes[code].quad_class)
            p["k_gold"].append(codes[code].goldstein)
            p["k_mode"].append(mode)
            p["k_ctx"].append([x for x in ctx.split("; ") if x])
        p["v_off"].append(len(p["verb"]) + 1)
        p["v_cnt"].append(len(verbs))
        p["verb"].extend(verbs)
    p["t_pick"] = [p["t_name"].index(t) + 1 for t in _pick({k: w for k, (w, _) in TYPES.items()})]
    p["s_pick"] = _pick(list(STATUSES))
    p["outlet"] = list(OUTLETS)
    return p


def _len(name: str, p: dict[str, Any]) -> str:
    return str(len(p[name]))


def _actor(side: str, n: int) -> str:
    """A struct of one actor (``a``: index into the actor lists) at offset ``off``."""
    a, off = f"{side}{n}", f"{side}{n}_at"
    return (
        f"{{'text': $a_text[{a}], 'name': $a_name[{a}], "
        f"'code': $c_iso[{side}c{n}] || $a_sector[{a}], 'country': $c_iso[{side}c{n}], "
        f"'sector': $a_sector[{a}], 'start': ev_start + {off}, "
        f"'end': ev_start + {off} + length($a_text[{a}])}}"
    )


def _side_lists(side: str) -> str:
    """source_json, source_countries, source_codes, source_names (or target_...)."""
    two = f"{side}2 IS NOT NULL"
    none = f"{side}1 IS NULL"
    c1, c2 = f"$c_iso[{side}c1]", f"$c_iso[{side}c2]"
    k1, k2 = f"{c1} || $a_sector[{side}1]", f"{c2} || $a_sector[{side}2]"
    n1, n2 = f"$a_name[{side}1]", f"$a_name[{side}2]"

    def unique(x1: str, x2: str) -> str:
        return (
            f"CASE WHEN {none} THEN []::VARCHAR[] WHEN {two} AND {x2} <> {x1} "
            f"THEN [{x1}, {x2}] ELSE [{x1}] END"
        )

    name = "source" if side == "s" else "target"
    return (
        f"to_json(CASE WHEN {none} THEN [] WHEN {two} THEN [{_actor(side, 1)}, "
        f"{_actor(side, 2)}] ELSE [{_actor(side, 1)}] END)::VARCHAR AS {name}_json,\n"
        f"        {unique(c1, c2)} AS {name}_countries, {unique(k1, k2)} AS {name}_codes, "
        f"{unique(n1, n2)} AS {name}_names"
    )


def _fill_sql(p: dict[str, Any]) -> list[str]:
    """The statements that fill ``events`` and ``articles`` (parameters: ``_tables``)."""
    n_cpick, n_tpick, n_hot = _len("c_pick", p), _len("t_pick", p), _len("hot_src", p)
    # one row per real-world event: how many mentions, where its rows start, what it is
    events = f"""
    CREATE TEMP TABLE bench_ev AS
    WITH sized AS (
        SELECT e, CASE WHEN hash(e, 1) % 100 < 78 THEN 1 WHEN hash(e, 1) % 100 < 93 THEN 2
                       WHEN hash(e, 1) % 100 < 98 THEN 3 ELSE 4 END AS k
        FROM range($n) t(e)
    ), placed AS (
        SELECT e, k, sum(k) OVER (ORDER BY e ROWS UNBOUNDED PRECEDING) - k AS first FROM sized
    ), sides AS (
        SELECT e, least(k, $n - first)::INTEGER AS k, first,
               $t_pick[1 + hash(e, 2) % {n_tpick}] AS ti,
               CASE WHEN hash(e, 3) % 100 < 25 THEN $hot_src[1 + hash(e, 4) % {n_hot}]
                    ELSE $c_pick[1 + hash(e, 5) % {n_cpick}] END AS sc1,
               CASE WHEN hash(e, 3) % 100 < 25 THEN $hot_tgt[1 + hash(e, 4) % {n_hot}]
                    WHEN hash(e, 6) % 100 < 4 THEN NULL
                    ELSE $c_pick[1 + hash(e, 7) % {n_cpick}] END AS tc_raw,
               CASE WHEN hash(e, 8) % 100 < 12 THEN $c_pick[1 + hash(e, 9) % {n_cpick}] END
                   AS sc2,
               CASE WHEN hash(e, 10) % 100 < 8 THEN $c_pick[1 + hash(e, 11) % {n_cpick}] END
                   AS tc2,
               (DATE '{FIRST_DAY}' + (hash(e, 12) % {DAYS})::INTEGER) AS day,
               hash(e, 13) % 100 AS where_pick
        FROM placed WHERE first < $n
    ), fixed AS (
        -- a target of the source's own country becomes the next country in the list
        SELECT *, CASE WHEN tc_raw = sc1 THEN tc_raw % {len(p["c_iso"])} + 1 ELSE tc_raw END
                  AS tc1
        FROM sides
    )
    SELECT e, k, first, ti, day, sc1, sc2, tc1, tc2,
           $a_off[sc1] + hash(e, 14) % $a_cnt[sc1] AS s1,
           CASE WHEN sc2 IS NOT NULL THEN $a_off[sc2] + (hash(e, 15) % $a_cnt[sc2]) END AS s2,
           CASE WHEN tc1 IS NOT NULL THEN $a_off[tc1] + hash(e, 16) % $a_cnt[tc1] END AS t1,
           CASE WHEN tc1 IS NOT NULL AND tc2 IS NOT NULL
                THEN $a_off[tc2] + hash(e, 17) % $a_cnt[tc2] END AS t2,
           $k_off[ti] + hash(e, 18) % $k_cnt[ti] AS ki,
           CASE WHEN where_pick < 35 THEN NULL WHEN where_pick < 75 THEN sc1
                ELSE coalesce(tc1, sc1) END AS lc
    FROM fixed
    """
    # one row per mention: its article (a day's slot), outlet, status, date and sentence
    mentions = f"""
    CREATE TEMP TABLE bench_mn AS
    WITH m AS (
        SELECT ev.*, j, first + j AS r, day + j::INTEGER AS published,
               hash(first + j, 20) % $per_day AS slot,
               hash(first + j, 21) % 100 AS prec_pick
        FROM bench_ev ev, unnest(range(k)) u(j)
    ), d AS (
        SELECT *,
            CASE WHEN prec_pick < 80 THEN 'day' WHEN prec_pick < 92 THEN ''
                 WHEN prec_pick < 97 THEN 'month' ELSE 'year' END AS precision,
            $a_text[s1] || CASE WHEN s2 IS NOT NULL THEN ' and ' || $a_text[s2] ELSE '' END
                AS src_phrase,
            CASE WHEN t1 IS NULL THEN 'rivals' ELSE $a_text[t1] END
                || CASE WHEN t2 IS NOT NULL THEN ' and ' || $a_text[t2] ELSE '' END
                AS tgt_phrase,
            $verb[$v_off[ti] + hash(first + j, 22) % $v_cnt[ti]] AS verb
        FROM m
    )
    SELECT *,
        'synthetic/' || strftime(published, '%Y-%m-%d') || '.jsonl#' || slot AS doc_id,
        $outlet[1 + hash(published, slot) % {len(p["outlet"])}] AS outlet,
        'ev_' || substr(md5('bench-' || r), 1, 16) AS id,
        'we_' || substr(md5('bench-' || first), 1, 16) AS event_key,
        $s_pick[1 + hash(r, 23) % 100] AS status,
        round(0.45 + (hash(r, 24) % 50) / 100.0, 2) AS confidence,
        CASE precision WHEN 'day' THEN day WHEN '' THEN published
             WHEN 'month' THEN date_trunc('month', day)::DATE
             ELSE date_trunc('year', day)::DATE END AS date,
        CASE precision WHEN 'month' THEN strftime(day, '%Y-%m')
             WHEN 'year' THEN strftime(day, '%Y') END AS date_raw,
        CASE precision WHEN 'day' THEN 'on ' || dayname(day) WHEN '' THEN ''
             WHEN 'month' THEN 'in ' || monthname(day) ELSE 'in ' || strftime(day, '%Y')
             END AS date_text,
        -- (DuckDB lets a select list use the aliases defined before it)
        src_phrase || ' ' || verb || ' ' || tgt_phrase
            || CASE WHEN date_text = '' THEN '' ELSE ' ' || date_text END || '.' AS sentence
    FROM d
    """
    # each article's text is its sentences in order: offsets point into it
    placed = """
    CREATE TEMP TABLE bench_pl AS
    SELECT *,
        coalesce(sum(length(sentence) + 1) OVER (
            PARTITION BY doc_id ORDER BY r ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ), 0)::INTEGER AS ev_start,
        row_number() OVER (
            PARTITION BY event_key
            ORDER BY (status = 'asserted') DESC, confidence DESC, published NULLS LAST,
                     doc_id, r
        ) = 1 AS rep
    FROM bench_mn
    """
    # what grouping.refresh keeps on each representative, computed the same way
    groups = """
    CREATE TEMP TABLE bench_gr AS
    SELECT a.event_key, a.n, a.na, a.f, a.l, a.st, s.ns, s.gc
    FROM (
        SELECT event_key, count(*) AS n, count(DISTINCT doc_id) AS na,
               min(published) AS f, max(published) AS l,
               to_json(histogram(status))::VARCHAR AS st
        FROM bench_pl GROUP BY event_key
    ) a JOIN (
        SELECT event_key, count(*) AS ns, round(least(0.99, 1 - product(1 - c)), 6) AS gc
        FROM (SELECT event_key, coalesce(nullif(outlet, ''), doc_id) AS o,
                     max(confidence) AS c
              FROM bench_pl GROUP BY event_key, o)
        GROUP BY event_key
    ) s USING (event_key)
    """
    src_at = "0"
    src2_at = "length($a_text[s1]) + 5"
    tgt_at = "length(src_phrase) + length(verb) + 2"
    tgt2_at = f"{tgt_at} + length($a_text[t1]) + 5"
    block = (
        "$t_name[ti] || '|' || substr($k_code[ki], 1, 2) || '|' || "
        "array_to_string(list_sort(source_countries), ',') || '|' || "
        "array_to_string(list_sort(target_countries), ',')"
    )
    insert = f"""
    INSERT INTO events (
        id, doc_id, date, date_raw, date_text, date_precision, event_type, mode, contexts,
        cameo, quad_class, goldstein, status, attribution_json, source_json, target_json,
        source_countries, source_codes, source_names,
        target_countries, target_codes, target_names, location_json,
        evidence_text, evidence_start, evidence_end, trigger, trigger_start, trigger_end,
        confidence, evidence_part, event_key, match_key, outlet, published, story_id, is_rep,
        num_mentions, num_sources, num_articles, first_seen, last_seen, group_confidence,
        statuses_json, actor_text
    )
    SELECT id, doc_id, date, date_raw, date_text, precision, event_type, mode, contexts,
        cameo, quad_class, goldstein, status, attribution_json, source_json, target_json,
        source_countries, source_codes, source_names,
        target_countries, target_codes, target_names, location_json,
        sentence, ev_start, ev_start + length(sentence), trigger, trigger_start,
        trigger_start + length(trigger), confidence, 'text', pl.event_key,
        {block}, outlet, published, doc_id, rep,
        CASE WHEN rep THEN g.n END, CASE WHEN rep THEN g.ns END, CASE WHEN rep THEN g.na END,
        CASE WHEN rep THEN g.f END, CASE WHEN rep THEN g.l END, CASE WHEN rep THEN g.gc END,
        CASE WHEN rep THEN g.st END, {ACTOR_TEXT_SQL}
    FROM (
        SELECT *,
            $t_name[ti] AS event_type, $k_code[ki] AS cameo, $k_mode[ki] AS mode,
            $k_ctx[ki] AS contexts, $k_quad[ki] AS quad_class, $k_gold[ki] AS goldstein,
            CASE WHEN hash(r, 25) % 100 < 15 THEN to_json({{
                'text': 'officials', 'name': '', 'code': '', 'country': '', 'sector': 'GOV',
                'start': -1, 'end': -1}})::VARCHAR END AS attribution_json,
            CASE WHEN lc IS NOT NULL THEN to_json({{
                'text': CASE WHEN hash(e, 26) % 100 < 20 THEN $c_name[lc] ELSE $c_place[lc] END,
                'country': $c_iso[lc], 'lat': $c_lat[lc], 'lon': $c_lon[lc]}})::VARCHAR
                END AS location_json,
            split_part(verb, ' ', 1) AS trigger,
            ev_start + length(src_phrase) + 1 AS trigger_start,
            {_side_lists("s")},
            {_side_lists("t")}
        FROM (
            SELECT *, {src_at} AS s1_at, {src2_at} AS s2_at,
                   {tgt_at} AS t1_at, {tgt2_at} AS t2_at
            FROM bench_pl
        )
    ) pl
    JOIN bench_gr g USING (event_key)
    """
    articles = """
    INSERT INTO articles (id, title, date, date_raw, url, source, origin, status, reason,
        content_hash, story_id, text, n_events, ingested_at, place, agency, ref)
    SELECT doc_id, first(sentence ORDER BY r), published, NULL,
        'https://news.example.com/' || doc_id, first(outlet), 'synthetic', 'coded', '',
        md5(string_agg(sentence, ' ' ORDER BY r)), doc_id, string_agg(sentence, ' ' ORDER BY r),
        count(*)::INTEGER, TIMESTAMP '2026-01-01 00:00:00', '', '', doc_id
    FROM bench_pl GROUP BY doc_id, published
    """
    # hash() is an unsigned 64-bit number; list indexes are signed
    macro = "CREATE OR REPLACE TEMP MACRO bench_h(x, salt) AS CAST(hash(x, salt) >> 1 AS BIGINT)"
    steps = [events, mentions, placed, groups, insert, articles]
    return [macro, *(s.replace("hash(", "bench_h(") for s in steps)]


_COUNTS = """
SELECT (SELECT count(*) FROM bench_pl), (SELECT count(*) FROM bench_gr),
       (SELECT count(*) FROM bench_pl WHERE rep AND status = 'asserted'),
       (SELECT count(DISTINCT doc_id) FROM bench_pl)
"""


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(path: str | os.PathLike[str], n: int = DEFAULT_EVENTS) -> dict[str, Any]:
    """Create the database at ``path`` with ``n`` synthetic mentions; what was generated."""
    if n < 1:
        raise ValueError(f"the store benchmark needs at least one event, not {n}")
    if Path(path).exists():
        raise ValueError(f"{path} exists; the store benchmark builds a new database")
    params = _tables()
    t0 = time.perf_counter()
    store = Store(path)
    with store.session() as con:
        con.execute("SET enable_progress_bar = false")
        statements = _fill_sql(params)
        for sql in statements:
            wanted = {k: v for k, v in params.items() if f"${k}" in sql}
            if "$n" in sql:
                wanted["n"] = n
            if "$per_day" in sql:
                wanted["per_day"] = max(1, round(n / MENTIONS_PER_ARTICLE / DAYS))
            con.execute(sql, wanted)
        counts = con.execute(_COUNTS).fetchone()
        assert counts is not None
        mentions, events, asserted, articles = counts
        for table in ("bench_ev", "bench_mn", "bench_pl", "bench_gr"):
            con.execute(f"DROP TABLE {table}")
        con.execute("DROP MACRO bench_h")
        con.execute("CHECKPOINT")
    store.close()
    return {
        "mentions": int(mentions),
        "events": int(events),
        "asserted_events": int(asserted),
        "articles": int(articles),
        "build_seconds": round(time.perf_counter() - t0, 2),
        "file_mb": round(Path(path).stat().st_size / 2**20, 1),
    }


# ----------------------------------------------------------------------------- reads


@dataclass
class Timing:
    operation: str
    rows: int
    runs: list[float] = field(default_factory=list)
    session: list[float] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "rows": self.rows,
            "median_s": round(statistics.median(self.runs), 4),
            "max_s": round(max(self.runs), 4),
            "session_median_s": round(statistics.median(self.session), 4),
        }


def _size(result: Any) -> int:
    return result if isinstance(result, int) else len(result)


def read_operations() -> list[tuple[str, Callable[[Store], Any]]]:
    """The timed reads: (label, call) through the store's public API."""
    f = EventFilter
    return [
        ('count(country="RUS", event_type="ASSAULT", since="2020")',
         lambda s: s.count(f(country="RUS", event_type="ASSAULT", since="2020"))),
        ("count()", lambda s: s.count()),
        ("count(status=None)", lambda s: s.count(f(status=None))),
        ("count(mentions=True, status=None)", lambda s: s.count(f(mentions=True, status=None))),
        ('series(dyad="RUS:UKR", by="month")',
         lambda s: aggregate.series(s, f(dyad="RUS:UKR"), by="month")),
        ('series(dyad="RUS:UKR", by="month", group="type")',
         lambda s: aggregate.series(s, f(dyad="RUS:UKR"), by="month", group="type")),
        ('events(actor="putin", limit=50)', lambda s: s.events(f(actor="putin"), limit=50)),
        ('events(country="PRK", sort="mentions", limit=50)',
         lambda s: s.events(f(country="PRK", sort="mentions"), limit=50)),
        ('count(text="missile")', lambda s: s.count(f(text="missile"))),
        ('frame(dyad="USA:CHN")', lambda s: s.frame(f(dyad="USA:CHN"))),
    ]  # fmt: skip


def time_reads(path: str | os.PathLike[str], runs: int = DEFAULT_RUNS) -> list[Timing]:
    """Each read: a warm-up, ``runs`` timed calls opening the file each time, then
    ``runs`` more with the file held open."""
    store = Store(path, read_only=True)
    out = []
    try:
        for label, call in read_operations():
            timing = Timing(label, _size(call(store)))  # warm-up, and the row count
            for _ in range(runs):
                t0 = time.perf_counter()
                call(store)
                timing.runs.append(time.perf_counter() - t0)
            with store.session():
                call(store)
                for _ in range(runs):
                    t0 = time.perf_counter()
                    call(store)
                    timing.session.append(time.perf_counter() - t0)
            out.append(timing)
    finally:
        store.close()
    return out


# ---------------------------------------------------------------------------- writes


def coded_articles(count: int) -> list[Article]:
    """``count`` sample articles coded by the default pipeline (cycling the corpus)."""
    base = sample_articles()[:count]
    done = list(Pipeline.default(Settings(), dedup=False).pipe(base))
    return [done[i % len(done)] for i in range(count)]


def _fresh(articles: list[Article], tag: str) -> list[Article]:
    """Copies under new ids, with their events re-identified: a batch never seen before."""
    out = []
    for i, a in enumerate(articles):
        new_id = f"bench-write/{tag}/{i}/{a.id}"
        events = [replace(ev, doc_id=new_id, id="", group=None) for ev in a.events]
        out.append(replace(a, id=new_id, ref=a.id, events=events))
    return out


@contextlib.contextmanager
def _timed(parts: dict[str, float], counts: dict[str, int]) -> Iterator[None]:
    """Time the grouping steps ``save_batch`` calls (they are looked up on the module)."""
    originals = {
        name: getattr(grouping, name)
        for name in ("stored_candidates", "assign", "refresh", "keys_of_docs")
    }

    def wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                result = fn(*args, **kwargs)
            finally:
                parts[name] = parts.get(name, 0.0) + time.perf_counter() - t0
            if name == "stored_candidates":
                counts["candidates"] = counts.get("candidates", 0) + len(result)
            return result

        return timed

    for name, fn in originals.items():
        setattr(grouping, name, wrap(name, fn))
    try:
        yield
    finally:
        for name, fn in originals.items():
            setattr(grouping, name, fn)


def time_writes(
    path: str | os.PathLike[str],
    runs: int = DEFAULT_RUNS,
    batch: int = WRITE_BATCH,
    articles: list[Article] | None = None,
) -> dict[str, Any]:
    """``Store.save_batch`` of ``batch`` freshly coded articles: a warm-up batch, then
    ``runs`` timed ones (each new articles), then ``runs`` re-saves of the last batch
    (its articles replaced: the path a re-ingest takes)."""
    coded = articles if articles is not None else coded_articles(batch)
    store = Store(path)
    new: list[dict[str, Any]] = []
    again: list[dict[str, Any]] = []
    try:
        store.save_batch(_fresh(coded, "warm-up"))
        last: list[Article] = []
        for run in range(runs * 2):
            if run < runs:
                last = _fresh(coded, f"run-{run}")
            parts: dict[str, float] = {}
            counts: dict[str, int] = {}
            with _timed(parts, counts):
                t0 = time.perf_counter()
                store.save_batch(last)
                total = time.perf_counter() - t0
            (new if run < runs else again).append({"total": total, **parts, **counts})
    finally:
        store.close()
    n_events = sum(len(a.events) for a in coded)

    def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
        med = {
            k: round(statistics.median(r.get(k, 0.0) for r in rows), 4)
            for k in ("total", "stored_candidates", "assign", "refresh", "keys_of_docs")
        }
        return {
            "median_s": med["total"],
            "max_s": round(max(r["total"] for r in rows), 4),
            "per_article_median_s": round(med["total"] / max(1, len(coded)), 5),
            "stored_candidates_median_s": med["stored_candidates"],
            "assign_median_s": med["assign"],
            "refresh_median_s": med["refresh"],
            "keys_of_docs_median_s": med["keys_of_docs"],
            "candidates": int(statistics.median(r.get("candidates", 0) for r in rows)),
        }

    return {
        "articles_per_batch": len(coded),
        "events_per_batch": n_events,
        "new": summary(new),
        "replace": summary(again),
    }


# ------------------------------------------------------------------------------ all


def run_store_bench(
    n: int = DEFAULT_EVENTS,
    runs: int = DEFAULT_RUNS,
    batch: int = WRITE_BATCH,
    path: str | os.PathLike[str] | None = None,
    articles: list[Article] | None = None,
) -> dict[str, Any]:
    """Build a store of ``n`` mentions (in a temporary folder unless ``path`` is given),
    time the reads and the writes on it; the figures as one dictionary."""
    with tempfile.TemporaryDirectory(prefix="eventwire-store-bench-") as tmp:
        db = os.fspath(path) if path is not None else os.path.join(tmp, "bench.duckdb")
        built = build(db, n)
        build_peak = _peak_mb()
        reads = time_reads(db, runs)
        writes = time_writes(db, runs, batch, articles) if batch else None
        return {
            "requested": n,
            **built,
            "runs": runs,
            "reads": [t.to_dict() for t in reads],
            "writes": writes,
            "build_peak_rss_mb": round(build_peak, 1),
            "peak_rss_mb": round(_peak_mb(), 1),
        }


def format_store_bench(result: dict[str, Any]) -> str:
    runs = result["runs"]
    lines = [
        f"store: {result['mentions']:,} mentions, {result['events']:,} events "
        f"({result['asserted_events']:,} asserted), {result['articles']:,} articles, "
        f"{result['file_mb']} MB; built in {result['build_seconds']} s",
        f"reads: median and max of {runs} warm runs, each opening the file read-only "
        "(as the CLI does); session: median with the file held open",
        "",
        f"{'operation':52} {'rows':>8} {'median s':>9} {'max s':>8} {'session s':>10}",
    ]
    for t in result["reads"]:
        lines.append(
            f"{t['operation']:52} {t['rows']:>8} {t['median_s']:>9.3f} {t['max_s']:>8.3f} "
            f"{t['session_median_s']:>10.3f}"
        )
    w = result.get("writes")
    if w:
        for kind in ("new", "replace"):
            s = w[kind]
            label = f"save_batch({w['articles_per_batch']} articles, {kind})"
            lines.append(
                f"{label:52} {w['events_per_batch']:>8} {s['median_s']:>9.3f} "
                f"{s['max_s']:>8.3f} {'':>10}"
            )
        lines.append("")
        for kind in ("new", "replace"):
            s = w[kind]
            lines.append(
                f"save_batch {kind}: {s['per_article_median_s']:.4f} s per article; "
                f"stored_candidates {s['stored_candidates_median_s']:.3f} s "
                f"({s['candidates']} candidates), assign {s['assign_median_s']:.3f} s, "
                f"refresh {s['refresh_median_s']:.3f} s, "
                f"keys_of_docs {s['keys_of_docs_median_s']:.3f} s (medians)"
            )
    lines.append(
        f"peak memory: {result['build_peak_rss_mb']} MB after the build, "
        f"{result['peak_rss_mb']} MB in all"
    )
    return "\n".join(lines)
