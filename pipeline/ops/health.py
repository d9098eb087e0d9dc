"""Source health: is each portal still delivering, and does a person need to look at it?

States, most urgent first:

``never``    no completed run yet.
``blocked``  the last run stored nothing because the portal refused us: robots.txt disallows
             a start page (``robots-blocked``), responses exceed the size cap (``too-large``) or
             redirect in a loop (``redirect-loop``). Retrying will not help; a person must.
``dead``     the last ``DEAD_AFTER`` completed runs all failed (nothing could be fetched).
``broken``   the last run failed, a large share of its fetches failed, or it fetched pages but
             extracted no document from them (``no-content``: the portal changed its layout).
``degraded`` the last run lost documents: they were fetched but could not be normalized or
             stored (``normalize-failed``, ``store-failed``); the rest was written.
``empty``    runs succeed but nothing new arrived for longer than the source's usual rhythm.
``ok``       everything else.

Runs stopped by an operator (``aborted``) or still marked ``running`` (a crawl in progress, or
one killed with -9) say nothing about the source and are left out of the judgement.

The judgement is a pure function of run rows (:func:`assess`); :func:`source_health` reads
the rows from a database.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from citynews import cron
from citynews.model import BERLIN

STATES = ("never", "blocked", "dead", "broken", "degraded", "empty", "ok")
ALERT_STATES = frozenset({"blocked", "broken", "dead", "degraded"})
# fetch_events outcomes health counts per run. The crawler records robots-blocked for a start
# URL robots.txt forbids; plain "robots" (one disallowed article) refuses nothing.
REFUSED = ("robots-blocked", "too-large", "redirect-loop")
LOST = ("normalize-failed", "store-failed")
NOT_MODIFIED = "not-modified"
COUNTED_OUTCOMES = (*REFUSED, *LOST, NOT_MODIFIED)
DEAD_AFTER = 3
# A transient 503 on one page of forty is no reason to mail anyone; a fifth of the fetches is.
BROKEN_ERROR_SHARE = 0.2
# "Nothing new" alarms only after this many usual intervals, and never within MIN_QUIET:
# portals rest over weekends and holidays.
EMPTY_FACTOR = 3
MIN_QUIET = timedelta(days=4)
RUNS_PER_SOURCE = 50
IGNORED_STATUSES = frozenset({"aborted", "running"})
SUCCESS_STATUSES = frozenset({"ok", "partial"})


@dataclass(frozen=True)
class Run:
    """One row of ``crawl_runs`` with the count of its ``no-content`` fetch events and of
    its fetch events with one of ``COUNTED_OUTCOMES`` (outcome, count)."""

    started_at: datetime
    status: str
    pages: int = 0
    new: int = 0
    updated: int = 0
    documents: int = 0
    errors: int = 0
    no_content: int = 0
    outcomes: tuple[tuple[str, int], ...] = ()

    def count(self, names: Iterable[str]) -> int:
        wanted = set(names)
        return sum(n for outcome, n in self.outcomes if outcome in wanted)

    def describe(self, names: Iterable[str]) -> str:
        """'3 robots-blocked, 1 too-large' for the outcomes among ``names``."""
        wanted = set(names)
        return ", ".join(f"{n} {outcome}" for outcome, n in self.outcomes if outcome in wanted)


@dataclass(frozen=True)
class Health:
    source: str
    state: str
    reason: str = ""
    last_run: datetime | None = None
    last_success: datetime | None = None
    last_new: datetime | None = None
    pages: int = 0
    new: int = 0
    errors: int = 0
    failures: int = 0

    def as_json(self) -> dict[str, Any]:
        def stamp(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "source": self.source,
            "state": self.state,
            "reason": self.reason,
            "last_run": stamp(self.last_run),
            "last_success": stamp(self.last_success),
            "last_new": stamp(self.last_new),
            "pages": self.pages,
            "new": self.new,
            "errors": self.errors,
            "consecutive_failures": self.failures,
        }


def consecutive_failures(runs: Iterable[Run]) -> int:
    """Failed runs in a row at the end of the history (operator stops do not count)."""
    count = 0
    for run in sorted(runs, key=lambda r: r.started_at, reverse=True):
        if run.status in IGNORED_STATUSES:
            continue
        if run.status != "failed":
            break
        count += 1
    return count


def usual_interval(runs: Iterable[Run], schedule_interval: timedelta | None) -> timedelta:
    """How long a source normally goes without new documents.

    The publication rhythm (median gap between runs that brought something new) once three
    such runs exist, never shorter than the crawl interval; before that the crawl interval.
    """
    new_times = sorted(r.started_at for r in runs if r.new > 0)
    gaps = [b - a for a, b in zip(new_times, new_times[1:], strict=False)]
    candidates = [g for g in (schedule_interval,) if g]
    if len(gaps) >= 2:
        candidates.append(statistics.median(gaps))
    return max(candidates, default=timedelta(days=1))


def assess(
    source: str,
    runs: Iterable[Run],
    *,
    now: datetime,
    schedule_interval: timedelta | None = None,
    min_quiet: timedelta = MIN_QUIET,
) -> Health:
    """The health of one source from its run history."""
    runs = sorted(runs, key=lambda r: r.started_at)
    judged = [r for r in runs if r.status not in IGNORED_STATUSES]
    last_run = runs[-1].started_at if runs else None
    if not judged:
        return Health(source, "never", "no completed run yet", last_run=last_run)
    last = judged[-1]
    successes = [r.started_at for r in judged if r.status in SUCCESS_STATUSES]
    news = [r.started_at for r in judged if r.new > 0]
    failures = consecutive_failures(judged)
    base = {
        "last_run": last_run,
        "last_success": successes[-1] if successes else None,
        "last_new": news[-1] if news else None,
        "pages": last.pages,
        "new": last.new,
        "errors": last.errors,
        "failures": failures,
    }
    alarm = _alarm(last, failures)
    if alarm:
        return Health(source, *alarm, **base)
    quiet_since = news[-1] if news else judged[0].started_at
    limit = max(EMPTY_FACTOR * usual_interval(judged, schedule_interval), min_quiet)
    if now - quiet_since > limit:
        days = (now - quiet_since) / timedelta(days=1)
        return Health(source, "empty", f"nothing new for {days:.1f} days", **base)
    notes = [f"{last.errors} fetch errors in last run"] if last.errors else []
    if last.count(REFUSED):
        notes.append(last.describe(REFUSED))
    return Health(source, "ok", "; ".join(notes), **base)


def _alarm(last: Run, failures: int) -> tuple[str, str] | None:
    """(state, reason) when the last judged run needs a person, most urgent first."""
    refused = last.count(REFUSED)
    if refused and last.documents == 0 and not last.count([NOT_MODIFIED]):
        return "blocked", f"nothing stored: {last.describe(REFUSED)}"
    if failures >= DEAD_AFTER:
        return "dead", f"{failures} failed runs in a row"
    fetches = last.pages + last.errors
    if last.status == "failed":
        return "broken", f"last run failed ({last.errors} errors)"
    if last.errors and last.errors >= BROKEN_ERROR_SHARE * fetches:
        return "broken", f"{last.errors} of {fetches} fetches failed"
    if last.no_content and last.documents == 0:
        return "broken", f"{last.no_content} pages without extractable content: layout changed?"
    lost = last.count(LOST)
    if lost:
        return "degraded", f"{lost} documents not stored ({last.describe(LOST)})"
    return None


# --- reading the database ---------------------------------------------------------------------


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def read_runs(
    conn: sqlite3.Connection, *, per_source: int = RUNS_PER_SOURCE
) -> dict[str, list[Run]]:
    """The latest runs of every source, oldest first."""
    rows = conn.execute(
        """
        select r.id, r.source, r.started_at, r.status, coalesce(r.pages, 0),
               coalesce(r.documents_new, 0), coalesce(r.documents_updated, 0),
               coalesce(r.documents_new, 0) + coalesce(r.documents_updated, 0)
                 + coalesce(r.documents_unchanged, 0),
               coalesce(r.errors, 0),
               (select count(*) from fetch_events f
                 where f.run_id = r.id and f.outcome = 'no-content')
        from (select *, row_number() over (partition by source order by id desc) as n
              from crawl_runs) r
        where r.n <= ?
        order by r.source, r.id
        """,
        (per_source,),
    ).fetchall()
    outcomes = _outcomes(conn, [row[0] for row in rows])
    runs: dict[str, list[Run]] = {}
    for run_id, source, started, status, *counts in rows:
        started_at = _parse_time(started)
        if started_at is None:
            continue
        run = Run(started_at, status or "running", *counts, outcomes=outcomes.get(run_id, ()))
        runs.setdefault(source, []).append(run)
    return runs


def _outcomes(conn: sqlite3.Connection, run_ids: list[int]) -> dict[int, tuple]:
    """run id → ((outcome, count), ...) for the COUNTED_OUTCOMES, in that order."""
    rows = conn.execute(
        f"""
        select run_id, outcome, count(*) from fetch_events
        where run_id in (select value from json_each(?))
          and outcome in ({", ".join("?" * len(COUNTED_OUTCOMES))})
        group by run_id, outcome
        """,
        (json.dumps(run_ids), *COUNTED_OUTCOMES),
    ).fetchall()
    found: dict[int, dict[str, int]] = {}
    for run_id, outcome, count in rows:
        found.setdefault(run_id, {})[outcome] = count
    return {
        run_id: tuple((o, counts[o]) for o in COUNTED_OUTCOMES if o in counts)
        for run_id, counts in found.items()
    }


def _read_only(db_path: Path) -> sqlite3.Connection | None:
    if not db_path.exists():
        return None
    conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True, timeout=30)
    has_runs = conn.execute(
        "select 1 from sqlite_master where type = 'table' and name = 'crawl_runs'"
    ).fetchone()
    if not has_runs:
        conn.close()
        return None
    return conn


def runs_of(db_path: Path, source: str) -> list[Run]:
    """The latest runs of one source (none when the database does not exist yet)."""
    conn = _read_only(db_path)
    if conn is None:
        return []
    try:
        return read_runs(conn).get(source, [])
    finally:
        conn.close()


def recorded_schedules(db_path: Path) -> dict[str, str]:
    """Enabled sources as the last crawl recorded them (name → cron), {} without a database."""
    conn = _read_only(db_path)
    if conn is None:
        return {}
    try:
        return dict(
            conn.execute("select name, schedule from sources where enabled = 1 order by rowid")
        )
    finally:
        conn.close()


def source_health(
    db_path: Path,
    schedules: dict[str, str],
    *,
    now: datetime | None = None,
) -> list[Health]:
    """Health of the configured sources (name → cron expression) and of any other source
    that has runs in the database, in configuration order, then by name."""
    now = now or datetime.now(UTC)
    conn = _read_only(db_path)
    runs: dict[str, list[Run]] = {}
    stored_schedules: dict[str, str] = {}
    if conn is not None:
        try:
            runs = read_runs(conn)
            stored_schedules = dict(conn.execute("select name, schedule from sources"))
        finally:
            conn.close()
    names = list(schedules) + sorted(set(runs) - set(schedules))
    return [
        assess(
            name,
            runs.get(name, []),
            now=now,
            schedule_interval=cron.interval(schedules.get(name) or stored_schedules.get(name), now),
        )
        for name in names
    ]


def exit_code(report: Iterable[Health]) -> int:
    """1 when any source needs a person (broken or dead), else 0: cron mails non-zero runs."""
    return 1 if any(h.state in ALERT_STATES for h in report) else 0


def table_rows(report: Iterable[Health]) -> list[tuple[str, ...]]:
    def local(value: datetime | None) -> str:
        return value.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") if value else "-"

    return [
        (
            h.source,
            h.state,
            local(h.last_run),
            local(h.last_success),
            str(h.pages),
            str(h.new),
            str(h.errors),
            h.reason,
        )
        for h in report
    ]


TABLE_HEADER = ("source", "state", "last run", "last success", "pages", "new", "errors", "reason")
