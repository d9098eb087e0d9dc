"""feeds.forked: a piece of a build in a forked process, its result or one error back."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from citynews.feeds.common import FeedsWriteError
from citynews.feeds.forked import SideJob


def _pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


@pytest.mark.parametrize("fork", [True, False])
def test_the_result_comes_back(fork):
    pid, doubled = SideJob(lambda: _pid_and(21), fork=fork).result()
    assert doubled == 42
    assert (pid != os.getpid()) is fork
    assert not multiprocessing.active_children()


def test_a_write_error_keeps_its_message():
    def full_disk() -> None:
        raise FeedsWriteError("cannot write /srv/feeds/a.ics: No space left on device")

    with pytest.raises(FeedsWriteError, match=r"^cannot write /srv/feeds/a.ics: No space left"):
        SideJob(full_disk, fork=True).result()


def test_any_other_error_is_one_line():
    with pytest.raises(FeedsWriteError, match=r"^feed helper process: KeyError: 'slug'$"):
        SideJob(lambda: {}["slug"], fork=True).result()


def test_a_process_that_dies_is_an_error_not_a_hang():
    with pytest.raises(FeedsWriteError, match="ended early"):
        SideJob(lambda: os._exit(3), fork=True).result()
    assert not multiprocessing.active_children()


def test_kill_stops_a_job_nobody_waits_for():
    job = SideJob(lambda: multiprocessing.Event().wait(60), fork=True)
    process = job._process
    job.kill()
    assert process.exitcode == -signal.SIGKILL  # stopped, not waited for
    assert not multiprocessing.active_children()
    job.kill()  # twice is harmless


def test_ctrl_c_is_left_to_the_build():
    # Ctrl-C reaches every process of the terminal's group; the build handles it and stops
    # its helpers, which must not print a traceback of their own.
    running = multiprocessing.Event()

    def work() -> str:
        running.set()
        time.sleep(0.5)
        return "done"

    job = SideJob(work, fork=True)
    assert running.wait(10)
    os.kill(job._process.pid, signal.SIGINT)
    assert job.result() == "done"


def _running(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its reaper does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG)")
def test_a_helper_ends_with_a_killed_build():
    # A cron timeout or kill -9 ends the build without its cleanup: its helpers must not run on.
    build = (
        "import os, time\n"
        "from citynews.feeds.forked import SideJob\n"
        "job = SideJob(lambda: time.sleep(60), fork=True)\n"
        "print(job._process.pid, flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    done = subprocess.run([sys.executable, "-c", build], capture_output=True, text=True, timeout=60)
    helper = int(done.stdout.split()[0])
    deadline = time.monotonic() + 10
    while _running(helper) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(helper)
