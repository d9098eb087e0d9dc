"""The files of a build, written as soon as they are rendered, by a thread of their own.

The feeds of a national database are over a gigabyte in ~9,600 files, which a build holding
every file until the end kept in memory. Creating a file costs a blocked system call of
0.2-0.5 ms on the virtual disks measured here (4-5 s a fresh build), time in which the
rendering can go on: the writer thread takes the files in order from a short queue, so at most
a few rendered files wait in memory.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from citynews.feeds.common import write_if_changed

# Files waiting for the writer; a place feed is ~0.3 MB, the largest feeds a few MB.
QUEUE_FILES = 16


class Output:
    """Writes files in the order given; ``close`` waits for them and raises the first error.

    The thread starts with the first file, after any helper process has been forked (a
    process that forks must have no other threads).
    """

    def __init__(
        self,
        out_dir: Path,
        existing: dict[str, str],
        *,
        written: list[str],
        unchanged: list[str],
        drop_manifest: Callable[[], None],
    ) -> None:
        self.out_dir = out_dir
        self.existing = existing
        self.written = written
        self.unchanged = unchanged
        self._drop_manifest = drop_manifest
        self.manifest_dropped = False
        self._queue: queue.Queue[tuple[str, bytes | Sequence[bytes]] | None] = queue.Queue(
            QUEUE_FILES
        )
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def prepare(self, names: Iterable[str]) -> None:
        """Call before these files are replaced.

        An interrupted build must not leave a new file that the manifest vouches for with an
        old fingerprint: the manifest goes before the first existing file is replaced, and
        the build's end writes the new one. A build interrupted in between renders every
        file again the next time (and still only writes those whose bytes changed).
        """
        if not self.manifest_dropped and any(name in self.existing for name in names):
            self._drop_manifest()
            self.manifest_dropped = True

    def write(self, name: str, data: bytes | Sequence[bytes]) -> None:
        """Queue a file (its bytes, or parts written one after the other)."""
        self.prepare([name])
        if self._error is not None:
            raise self._error
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="citynews-feeds-writer")
            self._thread.start()
        self._queue.put((name, data))

    def close(self) -> None:
        """Wait until every queued file is written; raise the first write error."""
        self.stop()
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        """Wait for the writer to finish what it can (the build failed or is done)."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            if self._error is not None:
                continue  # after a failure: drain, so the build's thread never blocks
            name, data = job
            try:
                changed = write_if_changed(self.out_dir / name, data)
            except BaseException as exc:  # noqa: BLE001 - raised in the build's thread
                self._error = exc
                continue
            (self.written if changed else self.unchanged).append(name)
