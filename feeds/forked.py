"""One piece of a build run in a forked process while this one goes on with the rest.

A large build's calendars (a few thousand files) need only the events and the place list, not
the feed rows: forked before the feed rows are read, they are written on the second CPU while
this process reads and ranks the feed rows, which nothing else could overlap.

Fork is used only where ``feeds.feedwriter`` uses it (POSIX, no other threads); elsewhere the
work runs in this process, before the rest.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

from citynews.feeds.common import FeedsWriteError
from citynews.processes import die_with_parent

T = TypeVar("T")
# A helper gone without its answer (killed, say).
ENDED_EARLY = "a feed helper process ended early"


class SideJob(Generic[T]):
    """``work()`` in a forked process (``fork`` true) or right here; ``result`` returns what it
    returned, or raises its error as one :class:`FeedsWriteError`."""

    def __init__(self, work: Callable[[], T], *, fork: bool) -> None:
        self._reader: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        if not fork:
            self._value = work()
            return
        self._process, self._reader = start_helper(_run, work)

    def result(self) -> T:
        """What the work returned (waits for the process)."""
        if self._process is None or self._reader is None:
            return self._value
        try:
            outcome, value = self._reader.recv()
        except EOFError:
            outcome, value = "error", ENDED_EARLY
        self._process.join()  # it ends after its one message
        self.kill()
        if outcome == "error":
            raise FeedsWriteError(value)
        return value

    def kill(self) -> None:
        """Stop the process if it still runs (the build failed)."""
        if self._process is not None and self._reader is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
            self._reader.close()
            self._process = None


def start_helper(
    target: Callable[..., None], *args: object
) -> tuple[multiprocessing.process.BaseProcess, Connection]:
    """Fork a helper running ``target(writer, *args, parent_pid)``; the process and the
    reading end of its pipe (``writer`` is the other). The helper should call
    :func:`become_helper` first."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    # Frozen: the helper's collector leaves the objects it shares with this process alone (its
    # scans would copy every memory page they touch).
    gc.freeze()
    try:
        process = context.Process(target=target, args=(writer, *args, os.getpid()))
        process.start()
    except BaseException:
        reader.close()
        raise
    finally:
        gc.unfreeze()
        writer.close()
    return process, reader


def error_line(exc: Exception) -> str:
    """What the build reports of a helper's error: one line."""
    if isinstance(exc, FeedsWriteError):
        return str(exc)
    return f"feed helper process: {type(exc).__name__}: {exc}"


def _run(writer: Connection, work: Callable[[], object], parent: int) -> None:
    become_helper(parent)
    try:
        message: tuple[str, object] = ("ok", work())
    except Exception as exc:  # noqa: BLE001 - reported to the parent as one line
        message = ("error", error_line(exc))
    # OSError: the build has ended (and said why); nobody is waiting.
    with contextlib.suppress(OSError):
        writer.send(message)
    writer.close()


def become_helper(parent: int) -> None:
    """In a forked helper of the build process ``parent``: end with it (killed by a cron
    timeout, say), and leave Ctrl-C to it (it says "interrupted" and stops its helpers; a
    helper of its own would print a traceback)."""
    die_with_parent(signal.SIGKILL, parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
