"""`citynews schedule`: dead-source back-off, one run's bookkeeping (with a fake
child), and the real command against the sample portals: max runs, SIGTERM, no orphans."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from citynews.config import SAMPLE_SOURCES, load_sources
from citynews.errors import ConfigError
from citynews.model import BERLIN
from citynews.ops.scheduler import CrawlScheduler, backoff_skips, run_line
from citynews.storage.store import Store, open_db
from tests.conftest import REPO, query

MONDAY = datetime(2026, 3, 16, 10, 0, 0, tzinfo=BERLIN)  # a Monday, before the DST switch


@pytest.mark.parametrize(
    ("failures", "skips"),
    [(0, 0), (1, 0), (2, 0), (3, 1), (4, 3), (5, 7), (6, 15), (7, 31), (8, 31), (40, 31)],
)
def test_dead_sources_back_off_exponentially(failures, skips):
    assert backoff_skips(failures) == skips


@pytest.mark.parametrize(
    ("summary", "extra", "expected"),
    [
        (
            {"pages": 12, "new": 0, "updated": 0},
            "",
            "2026-03-16T10:00:00+01:00 source=halle exit=0 pages=12 new=0 updated=0 12.3 s",
        ),
        (
            {"pages": 3, "new": 2, "updated": 1},
            "feeds=rebuilt",
            "2026-03-16T10:00:00+01:00 source=halle exit=0 pages=3 new=2 updated=1 12.3 s"
            " feeds=rebuilt",
        ),
        (
            None,
            "error='locked'",
            "2026-03-16T10:00:00+01:00 source=halle exit=3 pages=0 new=0 updated=0 12.3 s"
            " error='locked'",
        ),
    ],
)
def test_run_line(summary, extra, expected):
    code = 3 if summary is None else 0
    assert run_line(MONDAY, "halle", code, summary, 12.34, extra) == expected


# --- one run with a fake child --------------------------------------------------------------

FAKE_CHILD = """#!{python}
import json, sys
args = sys.argv[3:]
with open({calls!r}, "a") as f:
    f.write(json.dumps(args) + "\\n")
if args[0] == "crawl":
    print("some scrapy noise")
    print(json.dumps({summary}))
    sys.exit({code})
"""


def fake_python(tmp_path: Path, summary: dict, code: int = 0) -> tuple[str, Path]:
    calls = tmp_path / "calls.jsonl"
    script = tmp_path / "fake-python"
    script.write_text(
        FAKE_CHILD.format(python=sys.executable, calls=str(calls), summary=summary, code=code)
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script), calls


def sources_file(tmp_path: Path, schedule: str = "*/2 * * * * *", only: str | None = None) -> Path:
    """The sample sources with every schedule replaced and, with ``only``, one source enabled."""
    lines = []
    for line in SAMPLE_SOURCES.read_text(encoding="utf-8").splitlines():
        if only and line.startswith("enabled ="):
            continue
        if line.startswith("schedule ="):
            line = f'schedule = "{schedule}"'
        lines.append(line)
        if only and line.startswith("[sources."):
            lines.append(f"enabled = {'true' if line == f'[sources.{only}]' else 'false'}")
    path = tmp_path / "sources.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def scheduler_for(tmp_path: Path, python: str, **kwargs) -> tuple[CrawlScheduler, list[str]]:
    lines: list[str] = []
    sched = CrawlScheduler(
        load_sources(sources_file(tmp_path, only="kommunal-digital")),
        db_path=tmp_path / "c.db",
        feeds_dir=tmp_path / "feeds",
        log=lines.append,
        python=python,
        **kwargs,
    )
    return sched, lines


def calls_of(calls: Path) -> list[list[str]]:
    return [json.loads(line) for line in calls.read_text().splitlines()] if calls.exists() else []


def test_a_run_with_new_documents_rebuilds_feeds_and_logs_one_line(tmp_path):
    python, calls = fake_python(tmp_path, {"pages": 7, "new": 2, "updated": 0, "failed": []})
    sched, lines = scheduler_for(tmp_path, python, proxy="http://127.0.0.1:9")
    result = sched.run_source("kommunal-digital")
    assert result.exit_code == 0 and result.summary["new"] == 2
    crawl, feeds = calls_of(calls)
    assert crawl[:3] == ["crawl", "--source", "kommunal-digital"]
    assert crawl[crawl.index("--db") + 1] == str(tmp_path / "c.db")
    assert crawl[crawl.index("--proxy") + 1] == "http://127.0.0.1:9" and "--json" in crawl
    assert feeds[:5] == ["feeds", "--db", str(tmp_path / "c.db"), "--out", str(tmp_path / "feeds")]
    assert feeds[5] == "--sources"  # the feeds' base URL may live in the sources file
    assert len(lines) == 1
    assert " source=kommunal-digital exit=0 pages=7 new=2 updated=0 " in lines[0]
    assert lines[0].endswith(" s feeds=rebuilt")


def test_a_run_without_changes_does_not_touch_the_feeds(tmp_path):
    python, calls = fake_python(tmp_path, {"pages": 7, "new": 0, "updated": 0, "failed": []})
    sched, lines = scheduler_for(tmp_path, python)
    sched.run_source("kommunal-digital")
    assert [c[0] for c in calls_of(calls)] == ["crawl"]
    assert "feeds" not in lines[0]


def test_max_runs_stops_taking_runs(tmp_path):
    python, calls = fake_python(tmp_path, {"pages": 1, "new": 0, "updated": 0, "failed": []})
    sched, _ = scheduler_for(tmp_path, python, max_runs=1)
    assert sched.run_source("kommunal-digital") is not None
    assert sched.run_source("kommunal-digital") is None
    assert len(calls_of(calls)) == 1


def store_failed_runs(db: Path, source: str, count: int) -> None:
    database = open_db(db)
    store = Store(database)
    for _ in range(count):
        run_id = store.start_run(source)
        store.finish_run(run_id, source, "failed", duration_s=1.0)
    database.close()


def test_dead_source_is_skipped_until_its_back_off_has_passed(tmp_path):
    python, calls = fake_python(tmp_path, {"pages": 0, "new": 0, "updated": 0, "failed": ["x"]}, 1)
    sched, lines = scheduler_for(tmp_path, python)
    store_failed_runs(tmp_path / "c.db", "kommunal-digital", 4)  # 4 failures: skip 3 runs
    results = [sched.run_source("kommunal-digital") for _ in range(5)]
    assert [r is not None for r in results] == [False, False, False, True, False]
    assert len(calls_of(calls)) == 1
    assert "skipped (dead: 4 failed runs in a row, next attempt in 3 runs)" in lines[0]
    assert "exit=1" in lines[3] and "status=failed" in lines[3]


def test_a_locked_database_is_logged_with_the_childs_message(tmp_path):
    script = tmp_path / "locked-python"
    script.write_text(
        f"#!{sys.executable}\nimport sys\n"
        "print('citynews: error: c.db: another crawl is running (pid 42)', file=sys.stderr)\n"
        "sys.exit(3)\n"
    )
    script.chmod(0o755)
    sched, lines = scheduler_for(tmp_path, str(script))
    result = sched.run_source("kommunal-digital")
    assert result.exit_code == 3
    assert "exit=3" in lines[0] and "another crawl is running" in lines[0]


# --- the real command ------------------------------------------------------------------------


def children_of(pid: int) -> dict[int, str]:
    """Live child processes of ``pid`` (from /proc): pid → command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found[int(entry.name)] = (
                    (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                )
        except (OSError, IndexError, ValueError):
            continue
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_schedule(sources: Path, db: Path, proxy: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "citynews",
            "schedule",
            "--sources",
            str(sources),
            "--db",
            str(db),
            "--feeds-dir",
            str(db.parent / "feeds"),
            "--proxy",
            proxy,
            *extra,
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "CITYNEWS_BASE_URL": "https://f.example/"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def watch(proc: subprocess.Popen, until, timeout: float = 90) -> set[int]:
    """Poll the scheduler's children until ``until(children)`` or it exits; all PIDs seen."""
    seen: set[int] = set()
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        children = children_of(proc.pid)
        seen |= set(children)
        if until(children):
            break
        time.sleep(0.05)
    return seen


@pytest.fixture(scope="module")
def sample_server():
    from citynews.sample.sites import SampleServer

    with SampleServer() as server:
        yield server


@pytest.mark.slow
def test_schedule_runs_twice_then_exits_0_without_orphans(sample_server, tmp_path):
    sources = sources_file(tmp_path, only="kommunal-digital")
    db = tmp_path / "c.db"
    proc = start_schedule(sources, db, sample_server.proxy_url, "--max-runs", "2")
    seen = watch(proc, lambda children: False)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    assert seen, "no crawl child was ever seen"
    assert not [pid for pid in seen if alive(pid)]
    runs = query(db, "select source, status from crawl_runs order by id")
    assert runs == [("kommunal-digital", "ok"), ("kommunal-digital", "ok")]
    logged = [line for line in out.splitlines() if " source=" in line and " exit=" in line]
    assert len(logged) == 2, out
    assert "exit=0" in logged[0] and "feeds=rebuilt" in logged[0] and " new=0 " not in logged[0]
    assert " new=0 updated=0 " in logged[1] and "feeds=" not in logged[1]
    assert (tmp_path / "feeds" / "index.html").is_file()
    assert out.strip().endswith("schedule: stopped after 2 runs")


def crawl_child(children: dict[int, str]) -> bool:
    return any(" crawl " in cmd for cmd in children.values())


@pytest.mark.slow
def test_sigterm_during_a_crawl_lets_it_finish_and_exits_0(sample_server, tmp_path):
    sources = sources_file(tmp_path, only="kommunal-digital")
    db = tmp_path / "c.db"
    proc = start_schedule(sources, db, sample_server.proxy_url)
    seen = watch(proc, crawl_child)
    assert crawl_child(children_of(proc.pid)), "no crawl child started"
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    assert not [pid for pid in seen if alive(pid)]
    assert query(db, "pragma integrity_check") == [("ok",)]
    assert query(db, "select status from crawl_runs") == [("ok",)]
    assert "schedule: stopped after 1 runs" in out


@pytest.mark.slow
def test_second_sigterm_ends_the_running_crawl_and_exits_0(sample_server, tmp_path):
    sources = sources_file(tmp_path, only="kommunal-digital")
    db = tmp_path / "c.db"
    proc = start_schedule(sources, db, sample_server.proxy_url)
    seen = watch(proc, lambda children: crawl_child(children) and run_started(db))
    assert run_started(db), "no crawl run started"
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=40)
    assert proc.returncode == 0, err[-2000:]
    assert not [pid for pid in seen if alive(pid)]
    assert query(db, "pragma integrity_check") == [("ok",)]
    # Ended early: Scrapy closes the spider on SIGTERM ("aborted"), or it was killed outright.
    assert query(db, "select status from crawl_runs") in ([("aborted",)], [("running",)])
    assert "source=kommunal-digital exit=" in out


def run_started(db: Path) -> bool:
    try:
        return bool(query(db, "select count(*) from crawl_runs")[0][0])
    except sqlite3.Error:
        return False


@pytest.mark.slow
def test_kill_9_of_the_scheduler_leaves_no_crawl_behind(sample_server, tmp_path):
    sources = sources_file(tmp_path, only="kommunal-digital")
    proc = start_schedule(sources, tmp_path / "c.db", sample_server.proxy_url)
    watch(proc, crawl_child)
    children = children_of(proc.pid)
    assert crawl_child(children), "no crawl child started"
    proc.kill()
    proc.communicate(timeout=10)
    deadline = time.monotonic() + 20
    while [pid for pid in children if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if alive(pid)]


@pytest.mark.parametrize("expr", ["0 0 31 2 *", "61 * * * *"])
def test_a_schedule_that_never_fires_is_refused_not_waited_for(tmp_path, expr):
    config = load_sources(sources_file(tmp_path, only="kommunal-digital"))
    source = replace(config.sources["kommunal-digital"], schedule=expr)
    config = replace(config, sources={"kommunal-digital": source})
    with pytest.raises(ConfigError, match=r"sources\.kommunal-digital\.schedule: "):
        CrawlScheduler(config, db_path=tmp_path / "c.db", feeds_dir=None)
