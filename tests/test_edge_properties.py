"""Property tests for the untrusted input the edge takes: search words, export SQL, --since
dates and crawler settings. Each either works or fails with the one-line error class."""

from __future__ import annotations

import hashlib
import io
import sqlite3
import tempfile
from pathlib import Path

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citynews.config import CRAWLER_LIMITS, load_sources
from citynews.errors import ConfigError, InputError
from citynews.ops.edge import SINCE, SINCE_RANGE
from citynews.storage import analytics

EXAMPLES = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        f"create virtual table t using fts5(title, text, tokenize='{analytics.FTS_TOKENIZE}')"
    )
    conn.execute("insert into t values ('Bürgerportal startet', 'Mobilität in Halle')")
    return conn


@EXAMPLES
@given(text=st.text(max_size=400))
def test_any_search_text_is_a_valid_query_or_one_input_error(fts, text):
    try:
        query = analytics.fts_query(text)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    fts.execute("select count(*) from t where t match ?", (query,)).fetchone()
    assert query.count('"*') <= 2 * analytics.MAX_TERMS


@EXAMPLES
@given(
    words=st.lists(st.sampled_from(["Halle", "Mobilität", "AND", "OR", '"', "*"]), max_size=2000)
)
def test_repeated_words_count_once(words):
    text = " ".join(words)
    distinct = {w.casefold() for w in words if w.isalnum()}
    if not distinct:
        with pytest.raises(InputError):
            analytics.fts_query(text)
        return
    assert analytics.fts_query(text).count('"*') == len(distinct) + ("mobilität" in distinct) * 0


STATEMENT_HEADS = [
    "select",
    "with",
    "attach database",
    "detach",
    "vacuum into",
    "vacuum",
    "pragma",
    "insert into topics values",
    "update topics set",
    "delete from",
    "drop table",
    "create table",
    "create temp view",
    "begin",
    "commit",
    "reindex",
    "analyze",
    "savepoint",
    "replace into",
]


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.iterdir()
        if not p.name.endswith("-shm") and not (p.name.endswith("-wal") and not p.stat().st_size)
    }


@pytest.fixture(scope="module")
def folder() -> Path:
    root = Path(tempfile.mkdtemp(prefix="citynews-export-"))
    conn = sqlite3.connect(root / "c.db")
    conn.executescript(
        "pragma journal_mode=wal;"
        "create table topics (slug text primary key, name text);"
        "insert into topics values ('a', 'Alpha'), ('b', 'Beta');"
    )
    conn.close()
    return root


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    head=st.sampled_from(STATEMENT_HEADS),
    tail=st.lists(
        st.sampled_from([*"abc'();,*=_.019", "main", "'x.db'", "topics", "as", "from", "into"]),
        max_size=12,
    ).map(" ".join),
)
def test_no_statement_changes_the_folder(folder, head, tail):
    before = _fingerprint(folder)
    db = analytics.open_read_only(folder / "c.db")
    try:
        analytics.export(db, sql=f"{head} {tail}", out=io.StringIO(), timeout=5)
    except InputError as exc:
        assert "\n" not in str(exc)
    finally:
        db.close()
    assert _fingerprint(folder) == before


@EXAMPLES
@given(text=st.text(max_size=40))
def test_any_since_text_is_a_date_in_range_or_a_usage_error(text):
    try:
        value = SINCE.convert(text, None, None)
    except click.BadParameter as exc:
        assert "\n" not in exc.format_message()
        return
    assert SINCE_RANGE[0] <= value.year <= SINCE_RANGE[1]


SOURCE = """
[sources.alpha]
title = "Alpha"
kind = "listing"
start_urls = ["http://alpha.example/"]
allowed_domains = ["alpha.example"]
"""

VALUES = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=5),
)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(str(value), repr(value))
    if isinstance(value, str):
        return '"' + value.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    return str(value)


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(key=st.sampled_from(sorted(CRAWLER_LIMITS)), value=VALUES)
def test_numeric_settings_load_in_range_or_name_the_key(tmp_path_factory, key, value):
    path = tmp_path_factory.mktemp("settings") / "sources.toml"
    path.write_text(f"[crawler]\n{key} = {_toml(value)}\n{SOURCE}", encoding="utf-8")
    try:
        loaded = getattr(load_sources(path).crawler, key)
    except ConfigError as exc:
        assert f"crawler.{key}" in str(exc) or "broken TOML" in str(exc)
        return
    limit = CRAWLER_LIMITS[key]
    assert limit.low <= loaded <= limit.high and type(loaded) is limit.type
