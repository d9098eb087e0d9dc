"""`citynews schedule`: crawl every enabled source by its cron expression until stopped.

Each run is a child process ``python -m citynews crawl --source NAME ... --json``:

* Scrapy's Twisted reactor cannot be restarted inside one process, so a process runs one crawl;
* a crash, a memory leak or a hang in one crawl cannot take the long-running scheduler down,
  and a run can be ended as a whole (its own process group) when the scheduler has to stop;
* the child takes the same crawl lock as a crawl started by hand or by cron, and every write
  it makes is a transaction, so even a run killed midway leaves a consistent database.

Runs execute one at a time on a single worker thread: crawls of one database are serialised
by the crawl lock anyway, and a second concurrent child would only exit 3 (locked).
After a run that added or changed documents the feeds are rebuilt, again in a child process.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobSubmissionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler

from citynews.config import SourcesConfig
from citynews.cron import cron_trigger, next_fire, validate
from citynews.errors import ConfigError
from citynews.model import BERLIN
from citynews.ops import health
from citynews.processes import die_with_parent

# A run that starts this late (the machine slept, a long crawl held the worker) still runs once.
MISFIRE_GRACE_S = 600
DEFAULT_GRACE_S = 60.0
# After SIGTERM a Scrapy crawl closes its spiders; this long later it is killed outright.
KILL_AFTER_S = 15.0
# A dead source is retried after 1, 3, 7, ... skipped runs, at least every 32nd run.
MAX_SKIPS = 31
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _checked_schedule(name: str, expr: str) -> None:
    """Refuse a schedule that does not parse or never fires (the scheduler would wait forever).

    load_sources already refuses them; a configuration built in code meets the same check.
    """
    try:
        validate(expr)
    except ConfigError as exc:
        raise ConfigError(f"sources.{name}.schedule: {exc}") from None


def backoff_skips(failures: int) -> int:
    """Scheduled runs to skip before the next attempt at a source that failed this often."""
    if failures < health.DEAD_AFTER:
        return 0
    return min(2 ** (failures - health.DEAD_AFTER + 1) - 1, MAX_SKIPS)


def run_line(
    at: datetime,
    source: str,
    exit_code: int,
    summary: dict[str, Any] | None,
    seconds: float,
    extra: str = "",
) -> str:
    """The one log line of a run: greppable key=value pairs, the duration last but extras."""
    summary = summary or {}
    line = (
        f"{_stamp(at)} source={source} exit={exit_code}"
        f" pages={summary.get('pages', 0)} new={summary.get('new', 0)}"
        f" updated={summary.get('updated', 0)} {seconds:.1f} s"
    )
    return f"{line} {extra}".rstrip()


def _stamp(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def _last_json(stdout: str) -> dict[str, Any] | None:
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if the scheduler dies, even by kill -9."""
    die_with_parent(signal.SIGTERM)


@dataclass
class RunResult:
    source: str
    exit_code: int
    seconds: float
    summary: dict[str, Any] | None
    line: str


class CrawlScheduler:
    """Runs each enabled source by its schedule; :meth:`run` blocks until stopped."""

    def __init__(
        self,
        config: SourcesConfig,
        *,
        db_path: Path,
        feeds_dir: Path | None,
        proxy: str | None = None,
        jitter: int | None = None,
        max_runs: int | None = None,
        grace: float = DEFAULT_GRACE_S,
        log: Callable[[str], None] | None = None,
        python: str = sys.executable,
    ) -> None:
        self.config = config
        self.sources_path = Path(config.path).resolve()
        self.db_path = Path(db_path).resolve()
        self.feeds_dir = Path(feeds_dir).resolve() if feeds_dir else None
        self.proxy = proxy
        self.jitter = jitter
        self.max_runs = max_runs
        self.grace = grace
        self.log = log or (lambda line: print(line, flush=True))
        self.python = python
        self.runs = 0
        self.results: list[RunResult] = []
        self._skipped: dict[str, int] = {}
        # Re-entrant: the signal handler may interrupt the main thread while it holds the lock.
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._child: subprocess.Popen[str] | None = None
        self._terminated_at: float | None = None
        self._signals = 0
        self._scheduler = BlockingScheduler(
            executors={"default": ThreadPoolExecutor(1)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": MISFIRE_GRACE_S,
            },
            timezone=BERLIN,
        )
        self._scheduler.add_listener(self._on_busy, EVENT_JOB_MAX_INSTANCES)
        self.sources = config.select()
        for source in self.sources:
            _checked_schedule(source.name, source.schedule)
            self._scheduler.add_job(
                self.run_source,
                trigger=cron_trigger(source.schedule, jitter=jitter),
                args=[source.name],
                id=source.name,
                name=source.name,
            )

    # --- lifecycle ---------------------------------------------------------------------------

    def run(self) -> int:
        """Schedule until SIGTERM/SIGINT or --max-runs; returns the exit code (0)."""
        if not self.sources:
            raise ConfigError(f"{self.sources_path}: no enabled sources to schedule")
        # Our own one-line log covers what APScheduler would warn about.
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
        previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        try:
            now = datetime.now(BERLIN)
            for job in self._scheduler.get_jobs():
                source = self.config.sources[job.id]
                first = next_fire(job.trigger, now)
                when = _stamp(first) if first else "never"
                self.log(f"schedule: {job.id} '{source.schedule}' next {when}")
            if not self._stopping.is_set():
                self._scheduler.start()  # blocks until stop()
            self._drain()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.log(f"schedule: stopped after {self.runs} runs")
        return 0

    def stop(self) -> None:
        """Take no new runs; the running one may finish (within the grace time)."""
        with self._lock:
            if self._stopping.is_set():
                return
            self._stopping.set()
        if self._scheduler.running:
            # Without jobs, the loop's last look for due jobs submits none to the closed pool.
            self._scheduler.remove_all_jobs()
            self._scheduler.shutdown(wait=False)

    def _on_busy(self, event: JobSubmissionEvent) -> None:
        self.log(f"{_stamp(datetime.now(BERLIN))} source={event.job_id} skipped (still running)")

    def _on_signal(self, signum: int, frame: Any) -> None:
        self._signals += 1
        if self._signals == 1:
            self.stop()
        else:
            self._terminate_child()

    def _drain(self) -> None:
        deadline = time.monotonic() + self.grace
        while not self._idle.wait(0.2):
            if self._signals >= 2 or time.monotonic() > deadline:
                self._terminate_child()
            if self._terminated_at and time.monotonic() - self._terminated_at > KILL_AFTER_S:
                self._signal_child(signal.SIGKILL)

    def _terminate_child(self) -> None:
        if self._terminated_at is None:
            self._terminated_at = time.monotonic()
            self._signal_child(signal.SIGTERM)

    def _signal_child(self, sig: int) -> None:
        with self._lock:
            child = self._child
        if child is not None and child.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, sig)

    # --- one run -----------------------------------------------------------------------------

    def _spawn_and_wait(self, args: list[str]) -> tuple[int, str, str]:
        """Run ``python -m citynews ARGS`` as a child in its own process group."""
        with self._lock:
            if self._terminated_at is not None:
                return -int(signal.SIGTERM), "", "not started: scheduler terminating"
            child = self._child = subprocess.Popen(
                [self.python, "-m", "citynews", *args],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,  # terminal signals reach the scheduler, not the run
                preexec_fn=_die_with_parent,
            )
        try:
            out, err = child.communicate()
        finally:
            with self._lock:
                self._child = None
        return child.returncode, out, err

    def _crawl_args(self, name: str) -> list[str]:
        args = ["crawl", "--source", name, "--sources", str(self.sources_path)]
        args += ["--db", str(self.db_path), "--json"]
        if self.proxy:
            args += ["--proxy", self.proxy]
        return args

    def _should_skip(self, name: str) -> str | None:
        failures = health.consecutive_failures(health.runs_of(self.db_path, name))
        skips = backoff_skips(failures)
        done = self._skipped.get(name, 0)
        if done < skips:
            self._skipped[name] = done + 1
            return f"dead: {failures} failed runs in a row, next attempt in {skips - done} runs"
        self._skipped[name] = 0
        return None

    def run_source(self, name: str) -> RunResult | None:
        """The job: crawl one source in a child, rebuild feeds if data changed, log one line."""
        self._idle.clear()
        try:
            with self._lock:
                if self._stopping.is_set():
                    return None
            skip = self._should_skip(name)
            if skip:
                self.log(f"{_stamp(datetime.now(BERLIN))} source={name} skipped ({skip})")
                return None
            at = datetime.now(BERLIN)
            started = time.monotonic()
            code, out, err = self._spawn_and_wait(self._crawl_args(name))
            summary = _last_json(out)
            extras = []
            if summary is None and code != 0:
                last = (err.strip().splitlines() or ["no output"])[-1]
                extras.append(f"error={last[:200]!r}")
            elif summary and summary.get("failed"):
                extras.append("status=failed")
            if summary and summary.get("new", 0) + summary.get("updated", 0) > 0 and self.feeds_dir:
                feeds_code, _, feeds_err = self._spawn_and_wait(
                    ["feeds", "--db", str(self.db_path), "--out", str(self.feeds_dir)]
                    + ["--sources", str(self.sources_path)]
                )
                extras.append("feeds=rebuilt" if feeds_code == 0 else f"feeds=failed({feeds_code})")
            seconds = time.monotonic() - started
            result = RunResult(
                name,
                code,
                seconds,
                summary,
                run_line(at, name, code, summary, seconds, " ".join(extras)),
            )
            self.results.append(result)
            self.log(result.line)
            self.runs += 1
            if self.max_runs and self.runs >= self.max_runs:
                self.stop()
            return result
        finally:
            self._idle.set()
