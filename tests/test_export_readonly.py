"""`citynews export` is read-only in fact: no statement may create, attach or change a file or
a pragma, and a query's time, rows and values are bounded, each bound said in one line."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from citynews.errors import InputError
from citynews.ops.cli import cli
from citynews.storage import analytics
from citynews.storage.store import open_db
from tests.conftest import run_cli
from tests.test_feeds import make_sample_db


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    return make_sample_db(tmp_path_factory.mktemp("export") / "citynews.db")


@pytest.fixture
def db_copy(sample_db, tmp_path) -> Path:
    """A private copy (checkpointed, so the copy is one file) that a test may try to spoil."""
    source = sqlite3.connect(sample_db)
    target = sqlite3.connect(tmp_path / "citynews.db")
    source.backup(target)
    source.close()
    target.execute("pragma journal_mode=wal")
    target.close()
    return tmp_path / "citynews.db"


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file of a folder with the hash of its bytes.

    Left out: the shared-memory index and an empty write-ahead log, which every SQLite reader
    of a WAL database creates (a read-only one too, and it cannot remove them again); they
    hold no data.
    """
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
        and not p.name.endswith("-shm")
        and not (p.name.endswith("-wal") and p.stat().st_size == 0)
    }


def export(*args: str):
    return CliRunner().invoke(cli, ["export", *args], catch_exceptions=False)


HOSTILE = [
    ("ATTACH DATABASE '{dir}/a.db' AS a", "only reading is allowed"),
    ("VACUUM INTO '{dir}/copy.db'", "only reading is allowed"),
    ("VACUUM", "only reading is allowed"),
    ("PRAGMA journal_mode=DELETE", "only reading is allowed"),
    ("PRAGMA query_only=0", "only reading is allowed"),
    ("PRAGMA user_version=7", "only reading is allowed"),
    ("insert into topics (slug, name) values ('x', 'y')", "only reading is allowed"),
    ("create table t (a)", "only reading is allowed"),
    ("create temp table t (a)", "only reading is allowed"),
    ("select load_extension('/tmp/x')", "only reading is allowed"),
    ("begin immediate", "only reading is allowed"),
    ("select 1; drop table documents", "bad SQL"),
]


@pytest.mark.parametrize(("sql", "message"), HOSTILE)
def test_no_statement_creates_attaches_or_changes_anything(db_copy, sql, message):
    folder = db_copy.parent
    before = fingerprint(folder)
    result = export("--db", str(db_copy), "--query", sql.format(dir=folder))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    after = fingerprint(folder)
    assert after == before  # no new file (a.db, copy.db), no changed byte
    conn = sqlite3.connect(db_copy)
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert conn.execute("pragma user_version").fetchone()[0] == 0
    conn.close()


def test_randomblob_is_bounded_by_the_value_length(db_copy):
    result = export("--db", str(db_copy), "--query", "select randomblob(1000000000)")
    assert result.exit_code == 1
    assert result.stderr.strip() == "citynews: error: export: a value is larger than 32 MB"


def test_a_long_query_stops_at_the_timeout(db_copy):
    endless = (
        "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"
    )
    result = export("--db", str(db_copy), "--query", endless, "--timeout", "0.5")
    assert result.exit_code == 1
    assert result.stderr.strip() == "citynews: error: export: stopped after --timeout 0.5 s"


def test_rows_stop_at_max_rows_after_writing_them(db_copy, tmp_path):
    out = tmp_path / "n.csv"
    many = "with recursive n(i) as (select 1 union all select i + 1 from n) select i from n"
    result = export("--db", str(db_copy), "--query", many, "--max-rows", "5", "--out", str(out))
    assert result.exit_code == 1
    assert "stopped at --max-rows 5 (the query has more rows)" in result.stderr
    assert out.read_text().split() == ["i", "1", "2", "3", "4", "5"]


def test_exactly_max_rows_is_no_error(db_copy):
    result = export("--db", str(db_copy), "--query", "select 1 union select 2", "--max-rows", "2")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ["1", "1", "2"]


def test_reads_still_work_including_views_and_full_text_search(db_copy):
    before = fingerprint(db_copy.parent)
    result = export(
        "--db",
        str(db_copy),
        "--query",
        "select title from documents_fts where documents_fts match 'Bürgerportal'",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["title"].startswith("Bürgerportal")
    result = export("--db", str(db_copy), "--table", "v_documents")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("id,url,source")
    assert fingerprint(db_copy.parent) == before


def test_a_missing_database_is_not_created(tmp_path):
    result = export("--db", str(tmp_path / "none.db"), "--table", "documents")
    assert result.exit_code == 2
    assert "database not found" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_guards_are_lifted_for_a_callers_connection(sample_db, tmp_path):
    """analytics.export on a read-write connection leaves it as it was."""
    db = open_db(tmp_path / "rw.db")
    with pytest.raises(InputError, match="only reading"):
        analytics.export(db, sql="pragma user_version=3", out=io.StringIO())
    assert db.execute("pragma query_only").fetchone()[0] == 0
    db.execute("pragma user_version=4")
    assert db.execute("pragma user_version").fetchone()[0] == 4
    db.close()


@pytest.mark.slow
def test_export_into_a_missing_folder_is_one_line(sample_db, tmp_path):
    result = run_cli(
        "export", "--db", str(sample_db), "--table", "topics", "--out", "/nonexistent/x.csv"
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "citynews: error: /nonexistent/x.csv: No such file or directory"
    )
