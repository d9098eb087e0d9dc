"""Source health: the state rules as a table, the database reader, `citynews status`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from citynews.ops import health
from citynews.ops.health import Health, Run, assess, consecutive_failures, usual_interval
from citynews.storage.store import Store, open_db
from tests.conftest import run_cli

NOW = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def run(
    ago: timedelta,
    status: str = "ok",
    *,
    pages: int = 10,
    new: int = 0,
    documents: int | None = None,
    errors: int = 0,
    no_content: int = 0,
) -> Run:
    docs = pages if documents is None else documents
    return Run(NOW - ago, status, pages, new, 0, docs, errors, no_content)


def daily(days: int, **kwargs) -> list[Run]:
    """One run a day for the last ``days`` days, oldest first."""
    return [run(d * DAY, **kwargs) for d in range(days, 0, -1)]


H = timedelta(hours=1)
CASES = [
    ("no runs", [], "never", "no completed run yet"),
    ("only a crawl in progress", [run(H, "running")], "never", ""),
    ("only an operator stop", [run(H, "aborted")], "never", ""),
    ("fresh documents", [run(H, new=5)], "ok", ""),
    ("one failure", [run(2 * H, new=3), run(H, "failed", pages=0, errors=2)], "broken", "failed"),
    ("two failures", [run(3 * H, new=3), *[run(h * H, "failed") for h in (2, 1)]], "broken", ""),
    ("three failures", [run(h * H, "failed", pages=0, errors=1) for h in (3, 2, 1)], "dead", "3"),
    (
        "failures around an operator stop still count",
        [run(4 * H, "failed"), run(3 * H, "failed"), run(2 * H, "aborted"), run(H, "failed")],
        "dead",
        "3 failed runs in a row",
    ),
    (
        "recovered after failures",
        [*[run(h * H, "failed") for h in (5, 4, 3)], run(H, new=2)],
        "ok",
        "",
    ),
    (
        "a crawl in progress after failures",
        [run(3 * H, "failed"), run(2 * H, "failed"), run(H, "running")],
        "broken",
        "",
    ),
    (
        "one transient error in forty fetches",
        [run(H, "partial", new=1, pages=39, errors=1)],
        "ok",
        "1",
    ),
    (
        "a quarter of fetches failing",
        [run(H, "partial", new=1, pages=30, errors=10)],
        "broken",
        "10 of 40",
    ),
    (
        "pages but no document: a redesign",
        [run(2 * H, new=9), run(H, pages=6, documents=0, no_content=5)],
        "broken",
        "layout changed",
    ),
    ("some pages without content", [run(H, new=2, pages=6, documents=5, no_content=1)], "ok", ""),
    (
        "known pages skipped, nothing to extract",
        [run(2 * H, new=4), run(H, pages=1, documents=0)],
        "ok",
        "",
    ),
    ("nothing new for eleven days", [run(11 * DAY, new=5), *daily(10)], "empty", "11.0 days"),
    ("nothing new for two days", [run(3 * DAY, new=5), *daily(2)], "ok", ""),
    ("never anything new", daily(6), "empty", ""),
    (
        "a weekly publisher ten days quiet",
        [*[run(d * DAY, new=2) for d in (31, 24, 17, 10)], *daily(9)],
        "ok",
        "",
    ),
    (
        "a weekly publisher a month quiet",
        [*[run(d * DAY, new=2) for d in (59, 52, 45, 38, 31)], *daily(30)],
        "empty",
        "",
    ),
]


@pytest.mark.parametrize(("case", "runs", "state", "reason"), CASES, ids=[c[0] for c in CASES])
def test_state_from_run_history(case, runs, state, reason):
    result = assess("halle", runs, now=NOW, schedule_interval=DAY)
    assert result.state == state
    assert reason in result.reason


def test_assess_reports_last_run_success_and_counts():
    runs = [run(3 * H, new=4), run(2 * H, "failed", pages=0, errors=3), run(H, "running")]
    result = assess("halle", runs, now=NOW)
    assert result.last_run == NOW - H
    assert result.last_success == NOW - 3 * H
    assert result.last_new == NOW - 3 * H
    assert (result.pages, result.new, result.errors, result.failures) == (0, 0, 3, 1)


@pytest.mark.parametrize(
    ("statuses", "failures"),
    [
        ([], 0),
        (["ok"], 0),
        (["failed"], 1),
        (["failed", "ok"], 0),
        (["ok", "failed", "failed"], 2),
        (["failed", "aborted", "running", "failed"], 2),
        (["failed", "partial", "failed"], 1),
    ],
)
def test_consecutive_failures(statuses, failures):
    runs = [run((len(statuses) - i) * H, s) for i, s in enumerate(statuses)]
    assert consecutive_failures(runs) == failures


@pytest.mark.parametrize(
    ("new_every", "schedule", "expected"),
    [
        (None, 3 * H, 3 * H),  # no rhythm yet: the crawl interval
        (None, None, DAY),  # nothing known: a day
        (7 * DAY, 3 * H, 7 * DAY),  # weekly publisher crawled every 3 hours
        (H, 6 * H, 6 * H),  # never shorter than the crawl interval
    ],
)
def test_usual_interval(new_every, schedule, expected):
    runs = [run(k * new_every, new=1) for k in (4, 3, 2, 1)] if new_every else [run(H)]
    assert usual_interval(runs, schedule) == expected


@pytest.mark.parametrize(
    ("states", "code"),
    [([], 0), (["ok", "empty", "never"], 0), (["ok", "broken"], 1), (["dead"], 1)],
)
def test_exit_code(states, code):
    assert health.exit_code([Health(f"s{i}", s) for i, s in enumerate(states)]) == code


# --- database and command -------------------------------------------------------------------


def write_runs(db_path: Path, runs: dict[str, list[tuple[str, int]]]) -> None:
    """source → [(status, no-content fetches)], stored through the real Store."""
    db = open_db(db_path)
    store = Store(db)
    for source, items in runs.items():
        for status, no_content in items:
            run_id = store.start_run(source)
            for i in range(no_content):
                store.record_fetch(
                    run_id=run_id, source=source, url=f"http://a.example/{i}", outcome="no-content"
                )
            if status != "running":
                store.finish_run(run_id, source, status, duration_s=1.0)
    store.flush()
    db.close()


def test_source_health_reads_runs_and_lists_configured_sources(tmp_path):
    db = tmp_path / "c.db"
    write_runs(
        db,
        {
            "gone": [("failed", 0)] * 3,
            "redesigned": [("ok", 4)],
            "fine": [("failed", 0), ("ok", 0)],
        },
    )
    report = health.source_health(db, {"fine": "0 * * * *", "unborn": "0 * * * *"})
    states = {h.source: h.state for h in report}
    assert [h.source for h in report] == ["fine", "unborn", "gone", "redesigned"]
    assert states == {"fine": "ok", "unborn": "never", "gone": "dead", "redesigned": "broken"}


def test_source_health_without_a_database_is_never(tmp_path):
    report = health.source_health(tmp_path / "missing.db", {"a": "0 * * * *"})
    assert [(h.source, h.state) for h in report] == [("a", "never")]
    assert not (tmp_path / "missing.db").exists()


SOURCES = """
[sources.fine]
title = "Fein"
kind = "feed"
start_urls = ["http://fine.example/feed.xml"]
allowed_domains = ["fine.example"]
schedule = "0 * * * *"
"""


@pytest.mark.parametrize(
    ("runs", "code", "state"),
    [({"fine": [("ok", 0)]}, 0, "ok"), ({"fine": [("failed", 0)] * 3}, 1, "dead")],
)
def test_status_command_table_json_and_exit_code(tmp_path, runs, code, state):
    db = tmp_path / "c.db"
    write_runs(db, runs)
    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCES, encoding="utf-8")
    table = run_cli("status", "--db", str(db), "--sources", str(sources))
    assert table.returncode == code, table.stderr
    header, row = table.stdout.splitlines()
    assert header.split()[:3] == ["source", "state", "last"]
    assert row.split()[:2] == ["fine", state]
    as_json = run_cli("status", "--db", str(db), "--sources", str(sources), "--json")
    assert as_json.returncode == code
    assert [(h["source"], h["state"]) for h in json.loads(as_json.stdout)] == [("fine", state)]


# --- refused fetches and lost documents (fetch_events outcomes) -------------------------------


def with_outcomes(outcomes: dict[str, int], status: str = "ok", **kwargs) -> Run:
    return Run(NOW - H, status, **kwargs, outcomes=tuple(outcomes.items()))


OUTCOME_CASES = [
    (
        "robots.txt disallows everything",
        with_outcomes({"robots-blocked": 3}, pages=0, documents=0),
        "blocked",
        "nothing stored: 3 robots-blocked",
    ),
    (
        "robots.txt disallows one article, nothing new",
        with_outcomes({"robots": 1}, pages=1, documents=0),
        "ok",
        "",
    ),
    (
        "every article over the size cap",
        with_outcomes({"too-large": 4}, pages=1, documents=0, errors=4),
        "blocked",
        "4 too-large",
    ),
    (
        "a redirect loop on the start page",
        with_outcomes({"redirect-loop": 1}, status="failed", pages=0, documents=0, errors=1),
        "blocked",
        "1 redirect-loop",
    ),
    (
        "one page over the cap among many",
        with_outcomes({"too-large": 1}, pages=40, documents=40, errors=1, new=3),
        "ok",
        "1 too-large",
    ),
    (
        "a disallowed path while the rest is unchanged",
        with_outcomes({"robots-blocked": 1, "not-modified": 9}, pages=9, documents=0),
        "ok",
        "1 robots-blocked",
    ),
    (
        "documents lost while storing",
        with_outcomes(
            {"normalize-failed": 1, "store-failed": 2}, status="partial", documents=7, new=7
        ),
        "degraded",
        "3 documents not stored (1 normalize-failed, 2 store-failed)",
    ),
]


@pytest.mark.parametrize(
    ("case", "last", "state", "reason"), OUTCOME_CASES, ids=[c[0] for c in OUTCOME_CASES]
)
def test_refused_fetches_and_lost_documents_are_noticed(case, last, state, reason):
    result = assess("halle", [run(2 * H, new=5), last], now=NOW, schedule_interval=DAY)
    assert result.state == state
    assert reason in result.reason
    assert health.exit_code([result]) == (0 if state == "ok" else 1)


def write_outcomes(db_path: Path, source: str, outcomes: dict[str, int], status: str) -> None:
    """One finished run of ``source`` with fetch events of these outcomes, via the real Store."""
    db = open_db(db_path)
    store = Store(db)
    run_id = store.start_run(source)
    for outcome, count in outcomes.items():
        for i in range(count):
            store.record_fetch(
                run_id=run_id,
                source=source,
                url=f"http://{source}.example/{outcome}/{i}",
                outcome=outcome,
            )
    store.finish_run(run_id, source, status, duration_s=1.0)
    db.close()


def test_status_shows_blocked_and_degraded_sources_from_fetch_events(tmp_path):
    db = tmp_path / "c.db"
    write_outcomes(db, "robots", {"robots-blocked": 2}, "ok")
    write_outcomes(db, "bomb", {"ok": 1, "too-large": 3}, "ok")
    write_outcomes(db, "loop", {"redirect": 5, "redirect-loop": 1}, "ok")
    write_outcomes(db, "lossy", {"ok": 10, "store-failed": 1}, "partial")
    write_outcomes(db, "fine", {"ok": 3}, "ok")
    report = {h.source: h for h in health.source_health(db, {}, now=NOW)}
    assert {name: h.state for name, h in report.items()} == {
        "bomb": "blocked",
        "fine": "ok",
        "lossy": "degraded",
        "loop": "blocked",
        "robots": "blocked",
    }
    assert report["bomb"].reason == "nothing stored: 3 too-large"
    assert report["lossy"].reason == "1 documents not stored (1 store-failed)"
