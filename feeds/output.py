"""The files of a build: written as soon as they are rendered, each compared with what is on
disk, and the manifest dropped before the first existing file is replaced.

Writing happens in the build's own thread. A writer thread (to go on rendering while a file
is created) measured slower, on a RAM disk and on the VM's disk alike (100,000 documents:
6.3-7.0 against 6.7-8.0 s, and 8.6-10.9 against 11.8 s): creating a file costs CPU time in
the kernel, not waiting, and the two threads handing Python's lock back and forth between
every system call of a file slowed both.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from citynews.feeds.common import write_if_changed


class Output:
    """Writes files, noting each as written or unchanged."""

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
        # Files not in the folder at the first write need no comparison (a fresh build: none
        # does). Listed then, not here: a build that skips writes nothing.
        self._present: set[str] | None = None

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
        """Write a file (its bytes, or parts written one after the other) unless it holds
        them already."""
        self.prepare([name])
        if self._present is None:
            self._present = set(os.listdir(self.out_dir))
        changed = write_if_changed(self.out_dir / name, data, absent=name not in self._present)
        (self.written if changed else self.unchanged).append(name)
