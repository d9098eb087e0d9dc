"""Check that a change to the feed builder leaves every published byte as it was.

    python benchmarks/feeds_identical.py DB --before OLD_FEEDS_DIR [--after NEW_FEEDS_DIR]

Builds the feeds of DB twice into fresh folders, once with the feed package in OLD_FEEDS_DIR
(e.g. ``git archive <commit> feeds | tar -x -C /tmp/old``, then ``/tmp/old/feeds``) and once
with the installed one, with the same clock and base URL, and compares every file byte for
byte. Only the manifest may differ: its fingerprints include the code. Exit 0 when all files
are identical, 1 otherwise. Each build runs in a process of its own, so the two packages never
meet in one interpreter; the timings printed are those of the fresh builds.
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
from pathlib import Path

MANIFEST = ".citynews-feeds.json"
NOW = "2026-12-02T04:00:00+00:00"
BASE_URL = "https://feeds.example.org/"

# Run in a child: point the package citynews.feeds at another folder before building.
CHILD = """
import sys, time
from datetime import datetime
from pathlib import Path
import citynews.feeds
if sys.argv[3]:
    citynews.feeds.__path__ = [sys.argv[3]]
from citynews.feeds.build import build_feeds
started = time.perf_counter()
report = build_feeds(Path(sys.argv[1]), Path(sys.argv[2]), base_url=sys.argv[4],
                     now=datetime.fromisoformat(sys.argv[5]))
print(f"{time.perf_counter() - started:.2f} s: {report}")
"""


def build(db: Path, out: Path, package: Path | None) -> None:
    subprocess.run(
        [sys.executable, "-c", CHILD, str(db), str(out), str(package or ""), BASE_URL, NOW],
        check=True,
    )


def differences(before: Path, after: Path) -> list[str]:
    """Names of files missing on one side or differing in content (manifest excepted)."""
    names = {p.name for p in before.iterdir()} | {p.name for p in after.iterdir()}
    names.discard(MANIFEST)
    return sorted(
        name
        for name in names
        if not (before / name).is_file()
        or not (after / name).is_file()
        or not filecmp.cmp(before / name, after / name, shallow=False)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--before", type=Path, required=True, help="old citynews/feeds folder")
    parser.add_argument("--after", type=Path, help="new feeds folder (default: installed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="feeds-identical-") as tmp:
        old, new = Path(tmp) / "before", Path(tmp) / "after"
        build(args.db, old, args.before.resolve())
        build(args.db, new, args.after.resolve() if args.after else None)
        changed = differences(old, new)
        files = sum(1 for p in new.iterdir() if p.name != MANIFEST)
    for name in changed[:20]:
        print(f"differs: {name}")
    print(f"{files} files, {len(changed)} differ")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
