"""Table definitions, the schema version, and the migrations between versions.

The column lists live here (and only here) so that the insert statements, the
row converters and the DDL can never disagree about column order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventwire.errors import StoreError
from eventwire.store.grouping import regroup

#: Bump this and add an entry to ``MIGRATIONS`` whenever a table changes.
SCHEMA_VERSION = 7

#: Article columns in insert order (``ingested_at`` is filled by the database).
ARTICLE_COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "date",
    "date_raw",
    "url",
    "source",
    "origin",
    "status",
    "reason",
    "content_hash",
    "story_id",
    "text",
    "n_events",
    "place",
    "agency",
    "ref",
)

#: Event columns in insert order.
EVENT_COLUMNS: tuple[str, ...] = (
    "id",
    "doc_id",
    "date",
    "date_raw",
    "date_text",
    "date_precision",
    "event_type",
    "mode",
    "contexts",
    "cameo",
    "quad_class",
    "goldstein",
    "status",
    "attribution_json",
    "source_json",
    "target_json",
    "source_countries",
    "target_countries",
    "source_codes",
    "target_codes",
    "source_names",
    "target_names",
    "location_json",
    "evidence_text",
    "evidence_start",
    "evidence_end",
    "trigger",
    "trigger_start",
    "trigger_end",
    "confidence",
    "evidence_part",
    "event_key",
    "match_key",
    "outlet",
    "published",
    "story_id",
    "actor_text",
)

#: Columns only a real-world event's representative mention fills (``is_rep``): what all
#: its mentions say, kept up to date on every save so that queries need no GROUP BY.
GROUP_COLUMNS: tuple[str, ...] = (
    "num_mentions",
    "num_sources",
    "num_articles",
    "first_seen",
    "last_seen",
    "group_confidence",
    "statuses_json",
)

# ``date`` is a real DATE so that ranges and sorting are SQL; ``date_raw`` keeps the
# original string only when it is not a plain YYYY-MM-DD (e.g. "2024-03" for a
# month-precision date), so that records round-trip exactly.
_DDL_V1: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS meta (
        key VARCHAR PRIMARY KEY,
        value VARCHAR
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS articles (
        id VARCHAR PRIMARY KEY,
        title VARCHAR,
        date DATE,
        date_raw VARCHAR,
        url VARCHAR,
        source VARCHAR,
        origin VARCHAR,
        status VARCHAR,
        reason VARCHAR,
        content_hash VARCHAR,
        story_id VARCHAR,
        text VARCHAR,
        n_events INTEGER,
        ingested_at TIMESTAMP
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS events (
        id VARCHAR PRIMARY KEY,
        doc_id VARCHAR NOT NULL,
        date DATE,
        date_raw VARCHAR,
        date_text VARCHAR,
        date_precision VARCHAR,
        event_type VARCHAR,
        mode VARCHAR,
        contexts VARCHAR[],
        cameo VARCHAR,
        quad_class INTEGER,
        goldstein DOUBLE,
        status VARCHAR,
        attribution_json VARCHAR,
        source_json VARCHAR,
        target_json VARCHAR,
        source_countries VARCHAR[],
        target_countries VARCHAR[],
        source_codes VARCHAR[],
        target_codes VARCHAR[],
        source_names VARCHAR[],
        target_names VARCHAR[],
        location_json VARCHAR,
        evidence_text VARCHAR,
        evidence_start INTEGER,
        evidence_end INTEGER,
        trigger VARCHAR,
        trigger_start INTEGER,
        trigger_end INTEGER,
        confidence DOUBLE
    )
    """,
    # Not unique: many events per document; the index keeps "delete this doc's
    # events" and doc_id lookups cheap as the table grows.
    "CREATE INDEX IF NOT EXISTS events_doc_id ON events (doc_id)",
    """
    CREATE TABLE IF NOT EXISTS rejected (
        origin VARCHAR PRIMARY KEY,
        reason VARCHAR,
        excerpt VARCHAR,
        seen_at TIMESTAMP
    )
    """,
)

#: ``MIGRATIONS[v]`` turns a version ``v - 1`` database into version ``v``.
#: Version 1 is the initial schema (from an empty file).
_DDL_V2: tuple[str, ...] = (
    # MinHash signatures of stored stories, so that a reworded copy read in a later run
    # still joins its original's story without re-reading every stored text.
    """
    CREATE TABLE IF NOT EXISTS signatures (
        article_id VARCHAR PRIMARY KEY,
        story_id VARCHAR,
        minhash BLOB
    )
    """,
)

# The dateline's place and news agency ("SEOUL, South Korea (AP) —").
_DDL_V3: tuple[str, ...] = (
    "ALTER TABLE articles ADD COLUMN IF NOT EXISTS place VARCHAR",
    "ALTER TABLE articles ADD COLUMN IF NOT EXISTS agency VARCHAR",
)

# Identity (issue: two `report.txt` in different folders, or two JSONL files that both
# use id "1", are different articles). From v4 an article's id names the input it came
# from ("/news/a/report.txt", "/news/feed.jsonl#1"); ``ref`` keeps the id the article
# has within that input. Older rows keep their ids (still unique) and get ref = id.
# ``anchors`` are the names and numbers of a stored story, so that a later run can
# tell a reworded copy from a different story written from the same template.
_DDL_V4: tuple[str, ...] = (
    "ALTER TABLE articles ADD COLUMN IF NOT EXISTS ref VARCHAR",
    "UPDATE articles SET ref = id WHERE ref IS NULL",
    "ALTER TABLE signatures ADD COLUMN IF NOT EXISTS anchors VARCHAR",
)

# Titles are coded too: an event's evidence may be in the title ("title") rather than the
# text ("text"); its offsets then point into the title.
_DDL_V5: tuple[str, ...] = (
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS evidence_part VARCHAR DEFAULT 'text'",
    "UPDATE events SET evidence_part = 'text' WHERE evidence_part IS NULL",
)

# One real-world event from many reports (``store/grouping.py``): each mention row names
# its event (``event_key``) and the key candidates share (``match_key``); the outlet,
# publication date and story are copied from the article so that counts need no join;
# the representative mention of each event (``is_rep``) carries the event's counts.
# Older rows get their outlet and story and are grouped by ``grouping.regroup`` right
# after these statements.
_DDL_V6: tuple[str, ...] = (
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS event_key VARCHAR",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS match_key VARCHAR",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS outlet VARCHAR",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS published DATE",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS story_id VARCHAR",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS is_rep BOOLEAN DEFAULT false",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS num_mentions INTEGER",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS num_sources INTEGER",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS num_articles INTEGER",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS first_seen DATE",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS last_seen DATE",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS group_confidence DOUBLE",
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS statuses_json VARCHAR",
)

#: Every actor's name, code and text as written, lower-cased and joined, so that the
#: actor filter is one substring test instead of parsing two JSON columns per row (a
#: million rows: 1.6 s -> 0.1 s). ``rows.actor_text`` computes the same for new rows.
ACTOR_TEXT_SQL = (
    "lower(array_to_string(source_names || target_names || source_codes || target_codes"
    " || coalesce(json_extract_string(source_json, '$[*].text'), [])"
    " || coalesce(json_extract_string(target_json, '$[*].text'), []), chr(31)))"
)

_DDL_V7: tuple[str, ...] = (
    "ALTER TABLE events ADD COLUMN IF NOT EXISTS actor_text VARCHAR",
    f"UPDATE events SET actor_text = {ACTOR_TEXT_SQL}",
)

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: _DDL_V1,
    2: _DDL_V2,
    3: _DDL_V3,
    4: _DDL_V4,
    5: _DDL_V5,
    6: _DDL_V6,
    7: _DDL_V7,
}

#: Python steps run after a version's statements, in the same transaction.
AFTER: dict[int, Callable[[Any], None]] = {6: regroup}


def read_version(con: Any) -> int | None:
    """Schema version recorded in ``meta``; None for a file with no eventwire tables."""
    tables = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    }
    if "meta" not in tables:
        if tables & {"articles", "events", "rejected"}:
            # Tables without a version row: not something we wrote; refuse to guess.
            raise StoreError(
                "the database has eventwire-like tables but no schema version; "
                "it was not created by eventwire, use --db to pick another file"
            )
        return None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def ensure_schema(con: Any, path: str, read_only: bool) -> int:
    """Create or migrate the schema to ``SCHEMA_VERSION``; return the version found.

    Each migration step runs in its own transaction together with the version
    bump, so an interrupted upgrade leaves the file at a consistent older version.
    """
    found = read_version(con)
    current = found or 0
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"{path} uses database schema version {current}, newer than this eventwire "
            f"understands ({SCHEMA_VERSION}); upgrade eventwire or use --db to pick another file"
        )
    if current == SCHEMA_VERSION:
        return current
    if read_only:
        what = "is not an eventwire database" if found is None else "needs a schema upgrade"
        raise StoreError(
            f"{path} {what}; open it once without read-only mode (for example with "
            "`eventwire ingest`) or use --db to pick another file"
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        con.begin()
        try:
            for statement in MIGRATIONS[version]:
                con.execute(statement)
            if version in AFTER:
                AFTER[version](con)
            con.execute(
                "INSERT INTO meta VALUES ('schema_version', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [str(version)],
            )
            con.commit()
        except Exception:
            con.rollback()
            raise
    return current
