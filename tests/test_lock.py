import subprocess
import sys

import pytest

from citynews.errors import LockedError
from citynews.ops.lock import crawl_lock


def test_second_holder_is_refused_and_lock_released(tmp_path):
    db = tmp_path / "c.db"
    with crawl_lock(db):
        code = (
            "import sys; from pathlib import Path; from citynews.ops.lock import crawl_lock\n"
            "from citynews.errors import LockedError\n"
            f"try:\n    with crawl_lock(Path({str(db)!r})): sys.exit(0)\n"
            "except LockedError as e:\n    print(e); sys.exit(3)\n"
        )
        other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert other.returncode == 3
        assert "another crawl is running" in other.stdout
    with crawl_lock(db):  # released on exit
        pass


def test_lock_is_not_reentrant_across_descriptors(tmp_path):
    db = tmp_path / "c.db"
    with crawl_lock(db), pytest.raises(LockedError), crawl_lock(db):
        pass
