"""The command line's edge: every error a user can cause is one line with its exit code
(2 usage/configuration, 1 IO), a closed pipe is no error, and input is bounded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from citynews.errors import InputError
from citynews.ops.cli import cli
from citynews.ops.edge import DEBUG_ENV, CitynewsGroup
from citynews.storage import analytics
from citynews.storage.store import open_db
from tests.conftest import REPO
from tests.test_feeds import make_sample_db


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    path = make_sample_db(tmp_path_factory.mktemp("edge") / "citynews.db")
    db = open_db(path)
    analytics.install(db)
    db.close()
    return path


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


def one_line(result, code: int, text: str) -> None:
    assert result.exit_code == code, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr
    assert text in result.stderr
    # click's usage errors add a usage line and a hint before the error line
    assert len(lines) == 1 or lines[0].startswith("Usage:")


@pytest.fixture
def not_a_folder(tmp_path) -> Path:
    """A path whose parent is a regular file: no one, not even root, can create it."""
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    return blocker / "sub"


def test_db_where_no_lock_can_be_created_is_one_line(not_a_folder):
    result = invoke("crawl", "--db", str(not_a_folder / "c.db"))
    one_line(result, 1, "cannot create the lock file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_db_in_a_read_only_folder_is_one_line(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = invoke("crawl", "--db", str(folder / "c.db"))
    finally:
        folder.chmod(0o755)
    one_line(result, 1, "cannot create the lock file: Permission denied")


def test_feeds_into_an_unwritable_folder_is_one_line(sample_db, not_a_folder):
    result = invoke(
        "feeds",
        "--db",
        str(sample_db),
        "--out",
        str(not_a_folder),
        "--base-url",
        "https://feeds.example.org/",
    )
    one_line(result, 1, "Not a directory")


def test_export_into_a_missing_folder_is_one_line(sample_db, tmp_path):
    result = invoke(
        "export", "--db", str(sample_db), "--table", "topics", "--out", str(tmp_path / "no/x.csv")
    )
    one_line(result, 1, "no/x.csv: No such file or directory")


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("--limit", "99999999999999999999"), "Invalid value for '--limit'"),
        (("--limit", "0"), "Invalid value for '--limit'"),
        (("--since", "0001-01-01"), "outside the years 1900 to 2999"),
        (("--since", "9999-12-31"), "outside the years 1900 to 2999"),
    ],
)
def test_search_options_out_of_range_are_usage_errors(sample_db, args, text):
    one_line(invoke("search", "x", "--db", str(sample_db), *args), 2, text)


def test_search_with_a_thousand_repeated_words_is_one_term(sample_db):
    assert analytics.fts_query(" ".join(["Bürgerportal"] * 1000)) == '"bürgerportal"*'
    result = invoke("search", " ".join(["Bürgerportal"] * 1000), "--db", str(sample_db))
    assert result.exit_code == 0, result.stderr
    assert "Bürgerportal" in result.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (" ".join(f"w{i}" for i in range(33)), "at most 32 different words, got 33"),
        ("a" * 65, "words of at most 64 characters, got 65"),
    ],
)
def test_search_terms_are_capped(sample_db, text, message):
    with pytest.raises(InputError, match=message):
        analytics.fts_query(text)
    one_line(invoke("search", text, "--db", str(sample_db)), 2, message)


def test_32_words_of_64_characters_are_allowed():
    words = [f"{i:02d}" + "x" * 62 for i in range(32)]
    assert analytics.fts_query(" ".join(words)).count('"*') == 32


def test_status_of_a_missing_database_is_one_line(tmp_path):
    result = invoke("status", "--db", str(tmp_path / "no" / "such.db"))
    one_line(result, 2, "database not found")
    assert not (tmp_path / "no").exists()


def test_extract_reads_at_most_a_page_cap(tmp_path):
    result = invoke("extract", "/dev/zero")
    one_line(result, 2, "/dev/zero: larger than 5242880 bytes (crawler.max_page_bytes)")
    big = tmp_path / "big.html"
    big.write_bytes(b"<p>" + b"x" * (5 * 1024 * 1024))
    one_line(invoke("extract", str(big)), 2, "larger than 5242880 bytes")


def test_extract_uses_the_sources_page_cap(tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(
        "[crawler]\nmax_page_bytes = 70000\n\n[sources.alpha]\ntitle = 'Alpha'\n"
        "kind = 'listing'\nstart_urls = ['http://alpha.example/']\n"
        "allowed_domains = ['alpha.example']\n",
        encoding="utf-8",
    )
    page = tmp_path / "page.html"
    page.write_bytes(b"<html><body><p>" + b"Wort " * 20_000 + b"</p></body></html>")
    result = invoke("extract", str(page), "--source", "alpha", "--sources", str(sources))
    one_line(result, 2, "larger than 70000 bytes")


# --- the last-resort handler, on a group of its own with a command that has a bug ---


@click.group(cls=CitynewsGroup)
@click.option("--debug", is_flag=True)
def buggy(debug: bool) -> None:
    """A stand-in group: CitynewsGroup's handling, not citynews' commands, is under test."""


@buggy.command()
def divide() -> None:
    print(1 / 0)


def test_an_unexpected_error_is_one_line_without_debug():
    result = CliRunner().invoke(buggy, ["divide"], env={DEBUG_ENV: ""})
    assert result.exit_code == 1
    assert result.stderr == (
        "citynews: internal error: ZeroDivisionError: division by zero"
        f" (run with --debug or {DEBUG_ENV}=1 for the traceback)\n"
    )


@pytest.mark.parametrize(("args", "env"), [(["--debug", "divide"], ""), (["divide"], "1")])
def test_debug_shows_the_traceback(args, env):
    result = CliRunner().invoke(buggy, args, env={DEBUG_ENV: env})
    assert isinstance(result.exception, ZeroDivisionError)


@buggy.command()
def missing() -> None:
    raise InputError("no such thing")


def test_debug_also_shows_the_traceback_of_a_user_error():
    quiet = CliRunner().invoke(buggy, ["missing"], env={DEBUG_ENV: ""})
    assert quiet.exit_code == 2 and quiet.stderr == "citynews: error: no such thing\n"
    loud = CliRunner().invoke(buggy, ["missing"], env={DEBUG_ENV: "1"})
    assert loud.exit_code == 2
    assert "Traceback" in loud.stderr and loud.stderr.endswith("citynews: error: no such thing\n")


# --- a closed pipe ---


@pytest.mark.slow
def test_piping_into_head_exits_0_quietly(sample_db):
    rows = (
        "with recursive n(i) as (select 1 union all select i + 1 from n where i < 300000)"
        " select i, 'eine Zeile' from n"
    )
    command = [sys.executable, "-m", "citynews", "export", "--query", rows, "--db", str(sample_db)]
    # head reads one line and exits; the writer meets a closed pipe on its next write.
    shell = f"set -o pipefail; {subprocess.list2cmdline(command)} | head -c 1 >/dev/null"
    result = subprocess.run(
        ["bash", "-c", shell], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Broken pipe" not in result.stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('schedule = "0 0 31 2 *"', "sources.alpha.schedule: cron expression '0 0 31 2 *' never"),
        ('schedule = "61 * * * *"', "sources.alpha.schedule: bad cron expression '61 * * * *'"),
    ],
)
def test_schedule_refuses_a_bad_schedule_in_one_line(tmp_path, setting, message):
    sources = tmp_path / "sources.toml"
    sources.write_text(
        "[sources.alpha]\ntitle = 'Alpha'\nkind = 'listing'\n"
        "start_urls = ['http://alpha.example/']\nallowed_domains = ['alpha.example']\n"
        f"{setting}\n",
        encoding="utf-8",
    )
    result = invoke("schedule", "--sources", str(sources), "--db", str(tmp_path / "c.db"))
    one_line(result, 2, f"{sources}: {message}")


@pytest.mark.parametrize("command", ["crawl", "schedule"])
def test_a_proxy_must_be_http(command):
    one_line(invoke(command, "--proxy", "socks5://127.0.0.1:1"), 2, "must be an http:// URL")


def test_status_of_a_file_that_is_no_database_is_one_line(tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not SQLite" * 100)
    one_line(invoke("status", "--db", str(garbage)), 2, "not a usable citynews database")
