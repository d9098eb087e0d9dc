"""Child processes that end with their parent (Linux): a scheduler's crawls, a feed build's
helpers. Without this, a parent killed by cron's timeout or ``kill -9`` leaves its children
running on."""

from __future__ import annotations

import ctypes
import os
import sys

# prctl is looked up at import, in the parent, not in a forked child: a dlopen there could
# deadlock on a lock another thread held at fork time.
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
PR_SET_PDEATHSIG = 1


def die_with_parent(signum: int, parent: int | None = None) -> None:
    """In a child: get ``signum`` when the parent process dies, even by ``kill -9``.

    ``parent``: the parent's pid, to end at once if it died before this call (the signal
    only comes for a death after it)."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signum)
    if parent is not None and os.getppid() != parent:
        os._exit(1)
