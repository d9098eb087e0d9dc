"""Analyst layer of the database: full-text search, views, export and the Datasette command.

``install(db)`` is idempotent and cheap once done, so it can run after every migration
(``citynews.storage.store.POST_MIGRATION_HOOKS``). It adds:

- ``documents_fts``: FTS5 over documents.title and documents.text with
  ``unicode61 remove_diacritics 2`` ("Mobilitat" finds "Mobilität"), kept current by triggers.
  ``search`` also folds "ae/oe/ue" spellings, so "Mobilitaet" finds it too.
- ``states``: the 16 German states by AGS prefix.
- ``topic_month`` and ``place_counts``: documents per topic and month, and per place, small
  tables because the aggregations are too slow for interactive views on large databases;
  ``refresh_counts(db)`` recounts them after each crawl (``POST_CRAWL_HOOKS``).
- views ``v_documents``, ``v_events_upcoming``, ``v_topic_month``, ``v_place_counts``.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

import sqlite_utils

from citynews.errors import InputError
from citynews.model import utc_key

# AGS prefix → (name, slug): the first two digits of every Amtlicher Gemeindeschlüssel.
STATES: dict[str, tuple[str, str]] = {
    "01": ("Schleswig-Holstein", "schleswig-holstein"),
    "02": ("Hamburg", "hamburg"),
    "03": ("Niedersachsen", "niedersachsen"),
    "04": ("Bremen", "bremen"),
    "05": ("Nordrhein-Westfalen", "nordrhein-westfalen"),
    "06": ("Hessen", "hessen"),
    "07": ("Rheinland-Pfalz", "rheinland-pfalz"),
    "08": ("Baden-Württemberg", "baden-wuerttemberg"),
    "09": ("Bayern", "bayern"),
    "10": ("Saarland", "saarland"),
    "11": ("Berlin", "berlin"),
    "12": ("Brandenburg", "brandenburg"),
    "13": ("Mecklenburg-Vorpommern", "mecklenburg-vorpommern"),
    "14": ("Sachsen", "sachsen"),
    "15": ("Sachsen-Anhalt", "sachsen-anhalt"),
    "16": ("Thüringen", "thueringen"),
}

FTS_TOKENIZE = "unicode61 remove_diacritics 2"
NOW_UTC = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
# "+d.duplicate_of" below: almost every row has NULL there, and letting SQLite pick the
# duplicate_of index over the start/order indexes made the views 10-100x slower.

INDEXES = {
    # Feed order (feeds.build.ORDER_KEY): newest first without sorting all documents.
    "idx_documents_feed_order": "documents(coalesce(published_utc, first_seen), id)",
    "idx_documents_source_feed_order": "documents(source, coalesce(published_utc, first_seen), id)",
}

VIEWS = {
    "v_documents": """
select
  d.id, d.url, d.source, s.title as source_title, d.title, d.kind, d.published,
  d.published_utc, d.modified, d.summary, d.word_count, d.language, d.duplicate_of,
  d.first_seen, d.last_seen,
  (select group_concat(t.name, '; ') from document_topics dt
     join topics t on t.slug = dt.topic where dt.document_id = d.id) as topics,
  (select group_concat(coalesce(p.name, dp.name), '; ') from document_places dp
     left join places p on p.ags = dp.ags where dp.document_id = d.id) as places,
  (select count(*) from events e where e.document_id = d.id) as events,
  (select json_group_array(dt.topic) from document_topics dt
     where dt.document_id = d.id) as topic_list,
  (select json_group_array(distinct st.name) from document_places dp
     join states st on st.code = substr(dp.ags, 1, 2) where dp.document_id = d.id) as state_list
from documents d
left join sources s on s.name = d.source""",
    "v_events_upcoming": f"""
select
  e.id, e.title, e.start, e."end", e.all_day, e.venue, e.address,
  coalesce(p.name, e.place_name) as place, e.place_ags as ags,
  substr(e.place_ags, 1, 2) as state_code, st.name as state,
  e.online, e.registration_url, e.sequence, d.id as document_id, d.url as document_url,
  d.title as document_title, d.source, e.start_utc
from events e
join documents d on d.id = e.document_id
left join places p on p.ags = e.place_ags
left join states st on st.code = substr(e.place_ags, 1, 2)
where +d.duplicate_of is null
  and e.start_utc >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 day')
  and (e.start_utc >= {NOW_UTC} or (e.all_day = 1 and substr(e.start, 1, 10) >= date('now')))
order by e.start_utc, e.id""",
    "v_topic_month": """
select tm.topic, t.name as topic_name, tm.month, tm.documents
from topic_month tm
left join topics t on t.slug = tm.topic
order by tm.topic, tm.month""",
    "v_place_counts": """
select
  p.ags, p.name, p.kind, substr(p.ags, 1, 2) as state_code, st.name as state, p.district,
  p.population, pc.documents
from place_counts pc
join places p on p.ags = pc.ags
left join states st on st.code = substr(p.ags, 1, 2)
order by pc.documents desc, p.ags""",
}

# Whole-table aggregations take ~0.4 s on 100,000 documents whatever the indexes; these small
# tables answer in about a millisecond and are recounted after each crawl (refresh_counts).
COUNT_TABLES: dict[str, tuple[dict[str, type], tuple[str, ...], str]] = {
    "topic_month": (
        {"topic": str, "month": str, "documents": int},
        ("topic", "month"),
        """
select dt.topic, substr(coalesce(d.published, d.first_seen), 1, 7), count(*)
from document_topics dt
join documents d on d.id = dt.document_id
where +d.duplicate_of is null and coalesce(d.published, d.first_seen) is not null
group by 1, 2""",
    ),
    "place_counts": (
        {"ags": str, "documents": int},
        ("ags",),
        """
select dp.ags, count(distinct dp.document_id)
from document_places dp
join documents d on d.id = dp.document_id
where +d.duplicate_of is null
group by dp.ags""",
    ),
}


def install(db: sqlite_utils.Database) -> None:
    """Add full-text search, reference tables, the topic-month table, views and indexes."""
    with db.atomic():
        if not db["states"].exists():
            db["states"].create({"code": str, "name": str, "slug": str}, pk="code")
        if db["states"].count != len(STATES):
            db["states"].upsert_all(
                [{"code": c, "name": n, "slug": s} for c, (n, s) in STATES.items()], pk="code"
            )
        for name, target in INDEXES.items():
            db.execute(f"create index if not exists {name} on {target}")
        fresh = [name for name in COUNT_TABLES if not db[name].exists()]
        for name in fresh:
            columns, pk, _ = COUNT_TABLES[name]
            db[name].create(columns, pk=pk)
        existing = {
            row[0]: row[1]
            for row in db.execute("select name, sql from sqlite_master where type='view'")
        }
        for name, body in VIEWS.items():
            sql = f"CREATE VIEW {name} AS {body.strip()}"
            if existing.get(name) != sql:
                db.execute(f"drop view if exists {name}")
                db.execute(sql)
    if fresh:
        refresh_counts(db)
    if not db["documents"].detect_fts():
        # enable_fts runs a script (own commit), so it stays outside the transaction above.
        db["documents"].enable_fts(["title", "text"], tokenize=FTS_TOKENIZE, create_triggers=True)


def refresh_counts(db: sqlite_utils.Database) -> None:
    """Recount the count tables behind v_topic_month and v_place_counts (after each crawl)."""
    with db.atomic():
        for name, (columns, _, select) in COUNT_TABLES.items():
            db.execute(f"delete from {name}")
            db.execute(f"insert into {name} ({', '.join(columns)}) {select}")


def rebuild_fts(db: sqlite_utils.Database) -> None:
    """Rebuild the search index from documents (after VACUUM, which may renumber rowids)."""
    db["documents"].rebuild_fts()


# --- search -----------------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+", re.UNICODE)
_FOLDS = (("ae", "a"), ("oe", "o"), ("ue", "u"))
MAX_TERMS = 32
MAX_TERM_CHARS = 64


def fts_query(text: str) -> str:
    """An FTS5 query for user input: every word quoted as a prefix term, all words required.

    Quoting makes operators and punctuation in the input harmless ("AND", '"', "*", "-").
    A word spelled with "ae/oe/ue" also matches its umlaut form, since the index folds ä to a.
    Repeated words count once; more than MAX_TERMS words or one longer than MAX_TERM_CHARS
    is an InputError (1,000 words made one query run for a minute).
    """
    tokens = list(dict.fromkeys(_TOKEN.findall(text.casefold())))
    if not tokens:
        raise InputError(f"search: no words to search for in {text[:80]!r}")
    if len(tokens) > MAX_TERMS:
        raise InputError(f"search: at most {MAX_TERMS} different words, got {len(tokens)}")
    long = next((t for t in tokens if len(t) > MAX_TERM_CHARS), None)
    if long:
        raise InputError(f"search: words of at most {MAX_TERM_CHARS} characters, got {len(long)}")
    terms = []
    for token in tokens:
        variants = [token]
        folded = token
        for a, b in _FOLDS:
            folded = folded.replace(a, b)
        if folded != token:
            variants.append(folded)
        quoted = [f'"{v}"*' for v in variants]
        terms.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
    # Explicit AND: FTS5 does not join a parenthesised group to its neighbour implicitly.
    return " AND ".join(terms)


def _since_key(since: str | date | datetime) -> str:
    if isinstance(since, str):
        try:
            since = datetime.fromisoformat(since) if "T" in since else date.fromisoformat(since)
        except ValueError:
            raise InputError(f"search: --since must be YYYY-MM-DD, got {since!r}") from None
    if isinstance(since, datetime) and since.tzinfo is None:
        raise InputError(f"search: --since needs a timezone offset, got {since.isoformat()}")
    return utc_key(since)  # type: ignore[return-value]


def search(
    db: sqlite_utils.Database,
    query: str,
    *,
    topic: str | None = None,
    place: str | None = None,
    since: str | date | datetime | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Full-text search over titles and texts, best match first (near-duplicates hidden).

    ``topic`` is a topic slug; ``place`` an AGS or AGS prefix ("15" = Sachsen-Anhalt), a place
    name or a state name; ``since`` a date (inclusive) or aware datetime.
    """
    fts = db["documents"].detect_fts()
    if not fts:
        raise InputError("search: the database has no full-text index (run install first)")
    sql = [
        "select d.id, d.url, d.title, d.source, d.published, d.kind,",
        f" snippet([{fts}], -1, '[', ']', ' … ', 16) as snippet, [{fts}].rank as rank",
        f" from [{fts}] join documents d on d.rowid = [{fts}].rowid",
        f" where [{fts}] match ? and +d.duplicate_of is null",
    ]
    params: list[Any] = [fts_query(query)]
    if topic:
        sql.append(
            " and exists (select 1 from document_topics dt where dt.document_id = d.id"
            " and dt.topic = ?)"
        )
        params.append(topic)
    if place:
        place = place.strip()
        prefix = place if place.isdigit() else _state_code(place)
        if prefix:
            sql.append(
                " and exists (select 1 from document_places dp where dp.document_id = d.id"
                " and substr(dp.ags, 1, ?) = ?)"
            )
            params += [len(prefix), prefix]
        else:
            sql.append(
                " and exists (select 1 from document_places dp left join places p"
                " on p.ags = dp.ags where dp.document_id = d.id"
                " and (p.name = ? collate nocase or dp.name = ? collate nocase))"
            )
            params += [place, place]
    if since is not None:
        sql.append(" and coalesce(d.published_utc, d.first_seen) >= ?")
        params.append(_since_key(since))
    sql.append(" order by rank, d.id limit ?")
    params.append(int(limit))
    try:
        return [dict(row) for row in db.query("".join(sql), params)]
    except sqlite3.OperationalError as exc:
        raise InputError(f"search: {exc}") from None


def _state_code(name: str) -> str | None:
    wanted = name.casefold()
    for code, (state, slug) in STATES.items():
        if wanted in (state.casefold(), slug):
            return code
    return None


# --- export -----------------------------------------------------------------------------------


# Bounds of one export query. Rows and time are options of the export command; the length
# limit keeps a generated value (randomblob(1000000000), zeroblob, printf padding) from
# allocating gigabytes while staying above the largest stored page (5 MB, compressed).
DEFAULT_MAX_ROWS = 1_000_000
DEFAULT_TIMEOUT_S = 60.0
MAX_VALUE_BYTES = 32 * 1024 * 1024
MAX_SQL_BYTES = 100_000
# The progress handler runs every this many virtual machine steps (about a millisecond).
PROGRESS_STEPS = 10_000
# What a read-only query may do: read tables, call functions, recurse in a CTE. FTS5 declares
# its virtual table with an internal sqlite_master update when it is first used on a
# connection and reads PRAGMA data_version; allowing those is safe because the file is open
# read-only and query_only.
READ_ACTIONS = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)


class ExportLimit(InputError):
    """A bound of the export was hit (time, rows or value size)."""

    exit_code = 1


def open_read_only(path: Path | str) -> sqlite_utils.Database:
    """Open a database read-only at the SQLite level (URI ``mode=ro``): nothing is created,
    migrated or changed, and a missing file is an InputError."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            f"{path}: database not found (run 'citynews crawl' or 'citynews demo' first)"
        )
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=30)
        conn.execute("pragma query_only = 1")
        conn.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path}: not a usable citynews database: {exc}") from None
    return sqlite_utils.Database(conn)


def _authorize(action: int, arg1: str | None, arg2: str | None, *_: Any) -> int:
    if action in READ_ACTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master":
        return sqlite3.SQLITE_OK  # FTS5's declaration of its virtual table, see READ_ACTIONS
    if action == sqlite3.SQLITE_PRAGMA and arg1 == "data_version" and arg2 is None:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


@contextmanager
def _guarded(conn: sqlite3.Connection, timeout: float) -> Iterator[list[bool]]:
    """Let ``conn`` only read, for at most ``timeout`` seconds, with bounded values.

    Yields a one-item list that turns True when the time ran out. Everything is undone on
    exit, so the export also works on a caller's read-write connection.
    """
    timed_out = [False]
    deadline = time.monotonic() + timeout

    def progress() -> int:
        if time.monotonic() > deadline:
            timed_out[0] = True
            return 1  # abort the statement
        return 0

    query_only = conn.execute("pragma query_only").fetchone()[0]
    conn.execute("pragma query_only = 1")
    limits = {
        sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
        sqlite3.SQLITE_LIMIT_SQL_LENGTH: MAX_SQL_BYTES,
        sqlite3.SQLITE_LIMIT_ATTACHED: 0,
    }
    previous = {limit: conn.setlimit(limit, value) for limit, value in limits.items()}
    conn.set_authorizer(_authorize)
    conn.set_progress_handler(progress, PROGRESS_STEPS)
    try:
        yield timed_out
    finally:
        conn.set_progress_handler(None, 0)
        conn.set_authorizer(None)
        for limit, value in previous.items():
            conn.setlimit(limit, value)
        conn.execute(f"pragma query_only = {int(query_only)}")


def _cell(value: Any) -> Any:
    return value.hex() if isinstance(value, bytes) else value


def _sql_error(exc: Exception, timed_out: bool, timeout: float) -> InputError:
    if timed_out:
        return ExportLimit(f"export: stopped after --timeout {timeout:g} s")
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, sqlite3.DataError) or "too big" in message:
        return ExportLimit(f"export: a value is larger than {MAX_VALUE_BYTES // 2**20} MB")
    if "not authorized" in message or "authorization denied" in message:
        return InputError(f"export: only reading is allowed ({message})")
    return InputError(f"export: bad SQL: {message}")


def export(
    db: sqlite_utils.Database,
    *,
    table: str | None = None,
    sql: str | None = None,
    fmt: str = "csv",
    out: Path | str | TextIO,
    max_rows: int = DEFAULT_MAX_ROWS,
    timeout: float = DEFAULT_TIMEOUT_S,
    excel: bool = False,
) -> int:
    """Write a table, a view or one read-only SELECT as CSV or JSON; returns the row count.

    BLOB cells are written as hex. Anything that would write (to the database, a pragma or
    another file: ATTACH, VACUUM INTO), a second statement, an unknown table or bad SQL raises
    :class:`InputError` with one line, before any output file is opened. A query that runs
    longer than ``timeout`` seconds or has more than ``max_rows`` rows raises
    :class:`ExportLimit` after writing what it had.
    """
    if (table is None) == (sql is None):
        raise InputError("export: give either a table or a SQL query")
    if fmt not in ("csv", "json"):
        raise InputError(f"export: format must be csv or json, got {fmt!r}")
    if table is not None:
        known = sorted(db.table_names() + db.view_names())
        if table not in known:
            raise InputError(f"export: no table or view {table!r} (known: {', '.join(known)})")
        sql = f"select * from [{table}]"
    with _guarded(db.conn, timeout) as timed_out:
        try:
            cursor = db.conn.execute(sql)  # type: ignore[arg-type]
        except (sqlite3.Error, ValueError, OverflowError) as exc:
            raise _sql_error(exc, timed_out[0], timeout) from None
        columns = [c[0] for c in cursor.description or []]
        rows = _bounded(cursor, max_rows, timed_out, timeout)
        if isinstance(out, str | Path):
            with open(out, "w", encoding="utf-8", newline="") as stream:
                return _write(rows, columns, fmt, stream, excel)
        return _write(rows, columns, fmt, out, excel)


def _bounded(
    cursor: sqlite3.Cursor, max_rows: int, timed_out: list[bool], timeout: float
) -> Iterator[tuple[Any, ...]]:
    """The cursor's rows; ExportLimit after ``max_rows`` or when the time runs out."""
    count = 0
    try:
        for row in cursor:
            if count == max_rows:
                raise ExportLimit(
                    f"export: stopped at --max-rows {max_rows} (the query has more rows)"
                )
            count += 1
            yield row
    except (sqlite3.Error, OverflowError) as exc:
        raise _sql_error(exc, timed_out[0], timeout) from None


def _write(
    rows: Iterator[tuple[Any, ...]],
    columns: list[str],
    fmt: str,
    stream: TextIO,
    excel: bool = False,
) -> int:
    count = 0
    if fmt == "csv":
        # German Excel reads UTF-8 only after a BOM and splits columns at ";".
        if excel:
            stream.write("\ufeff")
        writer = csv.writer(stream, delimiter=";" if excel else ",")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
            count += 1
        return count
    stream.write("[")
    for row in rows:
        record = {c: _cell(v) for c, v in zip(columns, row, strict=True)}
        stream.write(("," if count else "") + "\n" + json.dumps(record, ensure_ascii=False))
        count += 1
    stream.write("\n]\n")
    return count
