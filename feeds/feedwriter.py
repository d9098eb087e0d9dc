"""Render the RSS and Atom files a build has to (re)write, with helper processes for large
builds.

Rendering a national database's feeds is per-document work: cleaning, escaping and encoding
~40,000 distinct items, most of a fresh build. With more than one CPU and enough items, forked
helpers (one per further CPU) render the document items, each once, in batches taken in turn
and in the order this process first needs them, and stream them back over pipes. Meanwhile
this process writes the calendars, then assembles the feeds (a writer thread writes the files,
see ``feeds.output``) and the pages. Splitting the feeds themselves between two processes
rendered a third of the items twice: a document is in the feeds of its towns, their districts
and states, its topics and its source, with towns all over the country.

The helpers open their own read-only connections and inherit the feed rows and labels; nothing
is pickled but the rendered items. Fork is only used where it is safe: a POSIX system and no
other threads in this process (``citynews feeds`` has none; a server embedding the build
renders in one process).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path

from citynews.feeds import render
from citynews.feeds.common import FeedsWriteError, connect_readonly
from citynews.feeds.items import Feed, ItemFetcher, Rows

# Below this many distinct items to render, a helper costs more than it saves.
PARALLEL_ITEMS = 20_000
MAX_HELPERS = 3
# Batches each helper renders for every one this process renders: it also assembles and
# writes the files (100,000 documents on 2 cores: 13.3 s with one each, 12.8 s with two).
HELPER_BATCHES = 2
# Batches a helper renders before the parent has read them.
AHEAD = 4
# Items per message from the helper: large enough to amortize a message, small enough that
# the helper stays only a little ahead (its items wait in memory until they are used).
BATCH = 64


@dataclass
class Job:
    """A feed to render: its rows, file names (RSS, Atom) and channel date."""

    feed: Feed
    names: list[str]
    updated: datetime


@dataclass
class Written:
    """What rendering some jobs took: seconds per feed group (writing not included: see
    ``feeds.output``) and processes."""

    seconds_by_group: dict[str, float] = field(default_factory=dict)
    processes: int = 1


def render_jobs(
    jobs: list[Job],
    fetch: ItemFetcher,
    base_url: str,
    write: Callable[[str, list[bytes]], None],
    db_path: Path,
    *,
    processes: int | None = None,
    meanwhile: Callable[[], None] = lambda: None,
) -> Written:
    """Render ``jobs`` in order and hand each file to ``write`` (name, parts).

    ``processes``: how many processes render, this one included (None: one per CPU for large
    builds, up to 1 + MAX_HELPERS, where forking is safe). ``meanwhile`` runs first, after the
    helpers have started: other work of the build, done while they render the first items.
    """
    written = Written()
    order = _first_uses(jobs)
    helper = None
    if count := _helper_count(len(order), processes):
        helper = _Helpers(order, fetch, db_path, count)
        written.processes = 1 + count
    try:
        meanwhile()
        rendered = _Rendered(jobs, helper)
        clock = time.perf_counter()
        for job in jobs:
            entries = rendered.entries(fetch, job.feed.data)
            for name, parts in zip(
                job.names,
                render.render_feed(job.feed, entries, base_url, job.updated),
                strict=True,
            ):
                write(name, parts)
            now = time.perf_counter()
            group = job.feed.group
            written.seconds_by_group[group] = written.seconds_by_group.get(group, 0.0) + now - clock
            clock = now
        if helper:
            helper.close()
            helper = None
    finally:
        if helper:
            helper.kill()
    return written


# A document's row and labels, as the helper needs them to render its item.
_Work = tuple[object, list[str], list[str]]


def _first_uses(jobs: Sequence[Job]) -> list[tuple[str, _Work]]:
    """Every document item the jobs need, in the order ``_Rendered`` first needs it."""
    order: dict[str, _Work] = {}
    for job in jobs:
        data = job.feed.data
        if data.events:
            continue
        for row in data.rows:
            doc_id = row["id"]
            if doc_id not in order:
                order[doc_id] = (row, data.topics.get(doc_id, []), data.places.get(doc_id, []))
    return list(order.items())


class _Rendered:
    """Each document's RSS and Atom item, rendered once per build and kept until the last feed
    that carries it is written.

    A document appears in up to six feeds (all, topics, state, town, district, source), and a
    national database's documents name towns all over the country: no small cache catches the
    repeats (an LRU of 16,000 items missed 119,000 of 152,000 uses on 100,000 documents), while
    keeping every item held 80,000 of them at once. Counting each document's uses up front
    keeps at most the 24,000 items still to be used again.
    """

    def __init__(self, jobs: Sequence[Job], helper: _Helpers | None) -> None:
        self.uses = Counter(
            r["id"] for job in jobs if not job.feed.data.events for r in job.feed.data.rows
        )
        self.items: dict[str, render.Fragments] = {}
        self.helper = helper

    def entries(self, fetch: ItemFetcher, data: Rows) -> list[render.Fragments]:
        """The items of a feed; a document's item is the same in every feed (its labels and
        source are per document). Event items differ from the document's, one feed each."""
        if data.events:
            return [render.entry_xml(item) for item in fetch.items(data)]
        todo = [r for r in data.rows if r["id"] not in self.items]
        if self.helper:
            for row in todo:
                self.items[row["id"]] = self.helper.next(row["id"])
        else:
            items = fetch.items(Rows(todo, data.topics, data.places))
            for row, item in zip(todo, items, strict=True):
                self.items[row["id"]] = render.entry_xml(item)
        entries = [self.items[r["id"]] for r in data.rows]
        for row in data.rows:
            self.uses[row["id"]] -= 1
            if self.uses[row["id"]] <= 0:
                del self.items[row["id"]]
        return entries


class _Helpers:
    """Forked processes rendering items in the order given, batch by batch in turn with this
    process (which renders its batches itself when it needs them); ``next`` takes the items
    one by one in that order."""

    def __init__(
        self, work: list[tuple[str, _Work]], fetch: ItemFetcher, db_path: Path, count: int
    ) -> None:
        self._buffer: deque[tuple[str, render.Fragments]] = deque()
        self._turn = 0
        self._fetch = fetch
        self._readers: list[Connection] = []
        self._processes: list[multiprocessing.process.BaseProcess] = []
        self._batches = [work[start : start + BATCH] for start in range(0, len(work), BATCH)]
        self._cycle = 1 + count * HELPER_BATCHES
        context = multiprocessing.get_context("fork")
        # Fork: the helpers get these objects as they are, without pickling. Frozen, the rows
        # all processes hold stay out of the helpers' collectors, whose scans would copy every
        # memory page they touch.
        gc.freeze()
        try:
            for number in range(count):
                reader, writer = context.Pipe(duplex=False)
                process = context.Process(
                    target=_helper_main,
                    args=(writer, self._helpers_batches(number, count), fetch, db_path),
                )
                process.start()
                writer.close()
                self._readers.append(reader)
                self._processes.append(process)
        except BaseException:
            self.kill()
            raise
        finally:
            gc.unfreeze()

    def _helpers_batches(self, number: int, count: int) -> list[list[tuple[str, _Work]]]:
        """The batches helper ``number`` renders: in each cycle, this process takes the first
        and the helpers the others in turn."""
        return [
            batch
            for index, batch in enumerate(self._batches)
            if (turn := index % self._cycle) and (turn - 1) % count == number
        ]

    def next(self, doc_id: str) -> render.Fragments:
        """The item of ``doc_id``, which must be the next one in the order given."""
        if not self._buffer:
            turn = self._turn % self._cycle
            if turn == 0:
                self._buffer.extend(_render_batch(self._fetch, self._batches[self._turn]))
            else:
                try:
                    outcome, value = self._readers[(turn - 1) % len(self._readers)].recv()
                except EOFError:
                    outcome, value = "error", "a feed helper process ended early"
                if outcome == "error":
                    raise FeedsWriteError(value)
                self._buffer.extend(value)
            self._turn += 1
        rendered_id, fragments = self._buffer.popleft()
        if rendered_id != doc_id:
            raise RuntimeError(f"feed helper rendered {rendered_id}, {doc_id} was due")
        return fragments

    def close(self) -> None:
        """Wait for the helpers, which have rendered everything."""
        for reader, process in zip(self._readers, self._processes, strict=True):
            reader.close()
            process.join()

    def kill(self) -> None:
        """Stop the helpers (the build failed)."""
        for reader, process in zip(self._readers, self._processes, strict=True):
            if process.is_alive():
                process.kill()
            process.join()
            reader.close()


def _helper_main(
    writer: Connection, batches: list[list[tuple[str, _Work]]], fetch: ItemFetcher, db_path: Path
) -> None:
    # The parent's connection must not be used across fork: this process opens its own.
    fetch.conn = connect_readonly(db_path)
    # A thread sends, so that rendering runs up to AHEAD batches ahead of the parent's reading
    # (a send blocks until the parent has read most of it; the parent renders batches of its
    # own in between).
    outbox: queue.Queue[tuple[str, object] | None] = queue.Queue(AHEAD)
    sender = threading.Thread(target=_send_all, args=(outbox, writer))
    sender.start()
    try:
        for batch in batches:
            outbox.put(("ok", _render_batch(fetch, batch)))
    except Exception as exc:  # noqa: BLE001 - reported to the parent as one line
        outbox.put(("error", f"feed helper process: {type(exc).__name__}: {exc}"))
    finally:
        outbox.put(None)
        sender.join()
        writer.close()
        fetch.conn.close()


def _send_all(outbox: queue.Queue, writer: Connection) -> None:
    while (message := outbox.get()) is not None:
        try:
            writer.send(message)
        except (BrokenPipeError, ConnectionResetError):
            # The build stopped reading: it failed, and says why. Drain to let the renderer end.
            while outbox.get() is not None:
                pass
            return


def _render_batch(
    fetch: ItemFetcher, batch: list[tuple[str, _Work]]
) -> list[tuple[str, render.Fragments]]:
    rows = [row for _, (row, _, _) in batch]
    topics = {doc_id: labels for doc_id, (_, labels, _) in batch}
    places = {doc_id: labels for doc_id, (_, _, labels) in batch}
    items = fetch.items(Rows(rows, topics, places))
    pairs = zip(batch, items, strict=True)
    return [(doc_id, render.entry_xml(item)) for (doc_id, _), item in pairs]


def _helper_count(items: int, processes: int | None) -> int:
    """Helpers to fork: ``processes`` less this one, or by default one per further CPU (up to
    MAX_HELPERS) for a large build. (Two helpers on two CPUs, with this process mostly waiting
    for them, measured 1-2 s slower than one on a shared 2-core machine.)"""
    if processes is None:
        wanted = min(_cpus() - 1, MAX_HELPERS) if items >= PARALLEL_ITEMS else 0
    else:
        wanted = processes - 1
    return wanted if wanted > 0 and _can_fork() else 0


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
