"""Render and write the RSS and Atom files a build has to (re)write, in one process or two.

Rendering a national database's feeds is per-document work (cleaning, escaping and encoding
~80,000 items) plus a gigabyte of files to write. Both parallelize: with more than one CPU and
enough items, a forked second process renders and writes the later part of the feed list
while this one renders the first part and then the calendars and pages. The child opens its
own read-only connection; it inherits the feed rows and labels, nothing is pickled but the
names it wrote. Fork is only used where it is safe: a POSIX system and no other threads in
this process (``citynews feeds`` has none; a server embedding the build gets one process).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path

from citynews.feeds import render
from citynews.feeds.common import FeedsWriteError, connect_readonly, write_if_changed
from citynews.feeds.items import Feed, ItemFetcher, Rows

# Below this many items to render, a second process costs more than it saves.
PARALLEL_ITEMS = 20_000
# The share of the items the parent renders: it also writes the calendars and the pages.
PARENT_SHARE = 0.33


@dataclass
class Job:
    """A feed to render: its rows, file names (RSS, Atom) and channel date."""

    feed: Feed
    names: list[str]
    updated: datetime


@dataclass
class Written:
    """What rendering some jobs did: file names with whether their bytes changed, and the
    seconds spent per feed group."""

    files: list[tuple[str, bool]] = field(default_factory=list)
    seconds_by_group: dict[str, float] = field(default_factory=dict)


class Rendered:
    """Each document's RSS and Atom item, rendered once per build and kept until the last feed
    that carries it is written.

    A document appears in up to six feeds (all, topics, state, town, district, source), and a
    national database's documents name towns all over the country: no small cache catches the
    repeats (an LRU of 16,000 items missed 119,000 of 152,000 uses on 100,000 documents), while
    keeping every item held 80,000 of them at once. Counting each document's uses up front
    keeps at most the 24,000 items still to be used again.
    """

    def __init__(self, feeds: Sequence[Feed]) -> None:
        self.uses = Counter(r["id"] for f in feeds if not f.data.events for r in f.data.rows)
        self.items: dict[str, render.Fragments] = {}

    def entries(self, fetch: ItemFetcher, data: Rows) -> list[render.Fragments]:
        """The items of a feed; a document's item is the same in every feed (its labels and
        source are per document). Event items differ from the document's, one feed each."""
        if data.events:
            return [render.entry_xml(item) for item in fetch.items(data)]
        todo = Rows([r for r in data.rows if r["id"] not in self.items], data.topics, data.places)
        for row, item in zip(todo.rows, fetch.items(todo), strict=True):
            self.items[row["id"]] = render.entry_xml(item)
        entries = [self.items[r["id"]] for r in data.rows]
        for row in data.rows:
            self.uses[row["id"]] -= 1
            if self.uses[row["id"]] <= 0:
                del self.items[row["id"]]
        return entries


def render_jobs(
    jobs: list[Job], fetch: ItemFetcher, base_url: str, out_dir: Path, written: Written
) -> None:
    """Render and write ``jobs`` in order, adding to ``written``."""
    rendered = Rendered([job.feed for job in jobs])
    clock = time.perf_counter()
    for job in jobs:
        entries = rendered.entries(fetch, job.feed.data)
        for name, parts in zip(
            job.names, render.render_feed(job.feed, entries, base_url, job.updated), strict=True
        ):
            written.files.append((name, write_if_changed(out_dir / name, parts)))
        now = time.perf_counter()
        group = job.feed.group
        written.seconds_by_group[group] = written.seconds_by_group.get(group, 0.0) + now - clock
        clock = now


def split(jobs: list[Job], processes: int | None) -> tuple[list[Job], list[Job]]:
    """The jobs this process renders and those a second process renders (none when one process
    is enough, ``processes`` is 1, or forking is not safe here)."""
    items = sum(len(job.feed.data.rows) for job in jobs)
    wanted = processes if processes is not None else 2 if items >= PARALLEL_ITEMS else 1
    if wanted < 2 or (processes is None and _cpus() < 2) or not _can_fork():
        return jobs, []
    done = 0
    for index, job in enumerate(jobs):
        done += len(job.feed.data.rows)
        if done >= items * PARENT_SHARE:
            return jobs[: index + 1], jobs[index + 1 :]
    return jobs, []


class Child:
    """A forked process rendering and writing jobs; ``result()`` waits for what it wrote."""

    def __init__(
        self, jobs: list[Job], fetch: ItemFetcher, db_path: Path, base_url: str, out_dir: Path
    ) -> None:
        context = multiprocessing.get_context("fork")
        self._reader, writer = context.Pipe(duplex=False)
        # Fork: the child gets these objects as they are, without pickling.
        self._process = context.Process(
            target=_child_main, args=(writer, jobs, fetch, db_path, base_url, out_dir)
        )
        self._process.start()
        writer.close()

    def result(self) -> Written:
        try:
            outcome, value = self._reader.recv()
        except EOFError:
            outcome, value = "error", "the feed writer process ended without a result"
        finally:
            self._reader.close()
            self._process.join()
        if outcome == "error":
            raise FeedsWriteError(value)
        return value

    def kill(self) -> None:
        """Stop the child (the build failed in this process)."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._reader.close()


def _child_main(
    writer: Connection,
    jobs: list[Job],
    fetch: ItemFetcher,
    db_path: Path,
    base_url: str,
    out_dir: Path,
) -> None:
    # The parent's connection must not be used across fork: this process opens its own.
    fetch.conn = connect_readonly(db_path)
    written = Written()
    try:
        render_jobs(jobs, fetch, base_url, out_dir, written)
        writer.send(("ok", written))
    except FeedsWriteError as exc:
        writer.send(("error", str(exc)))
    except Exception as exc:  # noqa: BLE001 - reported to the parent as one line
        writer.send(("error", f"feed writer process: {type(exc).__name__}: {exc}"))
    finally:
        writer.close()
        fetch.conn.close()


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
