"""Render the RSS and Atom files a build has to (re)write, with helper processes for large
builds.

Rendering a national database's feeds is per-document work: cleaning, escaping and encoding
~40,000 distinct items, most of a fresh build. With more than one CPU and enough items, forked
helpers (one per further CPU) render the document items, each once, in batches in the order
this process first needs them, and stream them back over pipes. Batches go to whichever
process is free (see ``_Helpers``): this process also fingerprints, assembles and writes the
feeds, which takes more or less time with the disk, so a fixed share misjudged either side.
Splitting the feeds themselves between two processes rendered a third of the items twice: a
document is in the feeds of its towns, their districts and states, its topics and its source,
with towns all over the country.

The helpers open their own read-only connections and inherit the feed rows and labels; nothing
is pickled but the rendered items. Fork is only used where it is safe: a POSIX system and no
other threads in this process (``citynews feeds`` has none; a server embedding the build
renders in one process).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import queue
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

from citynews.feeds import render
from citynews.feeds.common import FeedsWriteError, connect_readonly
from citynews.feeds.forked import ENDED_EARLY, become_helper, error_line, start_helper
from citynews.feeds.items import Feed, ItemFetcher, Rows

# Below this many distinct items to render, a helper costs more than it saves.
PARALLEL_ITEMS = 20_000
MAX_HELPERS = 3
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
    each: Callable[[Job], object] = lambda job: None,
) -> Written:
    """Render ``jobs`` in order and hand each file to ``write`` (name, parts).

    ``processes``: how many processes render, this one included (None: one per CPU for large
    builds, up to 1 + MAX_HELPERS, where forking is safe). ``each`` is called with every job
    before it is rendered: other per-feed work of the build (e.g. its fingerprint), done here
    while the helpers render.
    """
    written = Written()
    order = _first_uses(jobs)
    helper = None
    if count := helper_count(len(order), processes):
        helper = _Helpers(order, fetch, db_path, count)
        written.processes = 1 + count
    try:
        rendered = _Rendered(jobs, helper)
        clock = time.perf_counter()
        for job in jobs:
            each(job)
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
    """Forked processes rendering item batches; ``next`` takes the items one by one in the
    order given.

    Batches are claimed in order from a shared counter, by whichever process is free: each
    helper takes the next one as soon as it has rendered the last (up to AHEAD batches ahead
    of this process's reading), and this process takes one whenever the batch it needs is
    still being rendered, instead of waiting. So the work splits by the speed of each
    process: this one also fingerprints, assembles and writes the feeds, which takes more or
    less time depending on the disk.
    """

    def __init__(
        self, work: list[tuple[str, _Work]], fetch: ItemFetcher, db_path: Path, count: int
    ) -> None:
        self._buffer: deque[tuple[str, render.Fragments]] = deque()
        self._turn = 0
        self._fetch = fetch
        self._ready: dict[int, list[tuple[str, render.Fragments]]] = {}
        self._readers: list[Connection] = []
        # Until each helper has sent its first batch, this process claims none: a helper's
        # start must not leave it without work (and its first batch tells it runs).
        self._started: set[Connection] = set()
        self._processes: list[multiprocessing.process.BaseProcess] = []
        self._batches = [work[start : start + BATCH] for start in range(0, len(work), BATCH)]
        self._claimed = multiprocessing.get_context("fork").Value("q", 0)
        try:
            for _ in range(count):
                process, reader = start_helper(
                    _helper_main, self._batches, self._claimed, fetch, db_path
                )
                self._readers.append(reader)
                self._processes.append(process)
        except BaseException:
            self.kill()
            raise

    def next(self, doc_id: str) -> render.Fragments:
        """The item of ``doc_id``, which must be the next one in the order given."""
        if not self._buffer:
            self._buffer.extend(self._batch(self._turn))
            self._turn += 1
        rendered_id, fragments = self._buffer.popleft()
        if rendered_id != doc_id:
            raise RuntimeError(f"feed helper rendered {rendered_id}, {doc_id} was due")
        return fragments

    def _batch(self, index: int) -> list[tuple[str, render.Fragments]]:
        """Batch ``index``: received from a helper or, while it is not there, rendering the
        next unclaimed batch here (or the wanted one, when nobody has taken it yet)."""
        while index not in self._ready:
            if self._receive(wait=False):
                continue
            claimed = (
                _claim(self._claimed, len(self._batches))
                if len(self._started) == len(self._processes)
                else None
            )
            if claimed is None:
                self._receive(wait=True)
            else:
                self._ready[claimed] = _render_batch(self._fetch, self._batches[claimed])
        return self._ready.pop(index)

    def _receive(self, *, wait: bool) -> bool:
        """Take the batches the helpers have sent (with ``wait``, at least one); whether any
        came. A helper that ended is dropped; all gone with batches missing is an error."""
        if not self._readers:
            raise FeedsWriteError(ENDED_EARLY)
        came = False
        for reader in multiprocessing.connection.wait(self._readers, None if wait else 0):
            try:
                outcome, value = reader.recv()
            except EOFError:
                self._readers.remove(reader)
                reader.close()
                self._started.add(reader)  # done: no longer holds this process back
                continue
            if outcome == "error":
                raise FeedsWriteError(value)
            self._started.add(reader)
            index, items = value
            self._ready[index] = items
            came = True
        return came

    def close(self) -> None:
        """Wait for the helpers, which have rendered everything."""
        for reader in self._readers:
            reader.close()
        for process in self._processes:
            process.join()

    def kill(self) -> None:
        """Stop the helpers (the build failed)."""
        for process in self._processes:
            if process.is_alive():
                process.kill()
            process.join()
        for reader in self._readers:
            reader.close()


def _claim(claimed: Synchronized, batches: int) -> int | None:
    """The next batch nobody has taken, now taken; None when all are."""
    with claimed.get_lock():
        index = claimed.value
        if index >= batches:
            return None
        claimed.value = index + 1
    return index


def _helper_main(
    writer: Connection,
    batches: list[list[tuple[str, _Work]]],
    claimed: Synchronized,
    fetch: ItemFetcher,
    db_path: Path,
    parent: int,
) -> None:
    become_helper(parent)
    # The parent's connection must not be used across fork: this process opens its own.
    fetch.conn = connect_readonly(db_path)
    # A thread sends, so that rendering runs up to AHEAD batches ahead of the parent's reading
    # (a send blocks until the parent has read most of it).
    outbox: queue.Queue[tuple[str, object] | None] = queue.Queue(AHEAD)
    sender = threading.Thread(target=_send_all, args=(outbox, writer))
    sender.start()
    try:
        while (index := _claim(claimed, len(batches))) is not None:
            outbox.put(("ok", (index, _render_batch(fetch, batches[index]))))
    except Exception as exc:  # noqa: BLE001 - reported to the parent as one line
        outbox.put(("error", error_line(exc)))
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


def helper_count(items: int, processes: int | None) -> int:
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
