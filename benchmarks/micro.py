"""Case 5, micro: the speed and memory bounds that used to sit in unit tests.

Unit tests check behaviour only (a loaded two-core machine made their timing bounds flaky and
their runs slow); the bounds are measured here, in ``make bench``:

- German dates in a 3,000-character text (best of 5 calls),
- topics of a 3,000-character text (median of 30 calls),
- near-duplicates among 100,000 MinHash signatures (one call),
- peak memory of the near-duplicate search over 10,000 very similar pages (tracemalloc).
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np

from citynews.normalize.dates import find_dates
from citynews.normalize.dedup import NUM_PERM, find_duplicates
from citynews.normalize.topics import load_taxonomy, tag

_DATES_TEXT = (
    "Am 3. Juni 2026 beginnt in Halle (Saale) die Fachtagung um 9:30 Uhr. Die Stadt mit "
    "240.000 Einwohnern lädt ein, Telefon 0345 221-0, Version 3.12 der Anmeldung. Weitere "
    "Termine: 14.–16. Mai 2026 sowie vom 29. September bis 1. Oktober 2026. "
)
_TOPICS_TEXT = (
    "Die Stadt baut ihren digitalen Zwilling aus. Sensoren messen Verkehrslärm und "
    "Luftqualität, die Messwerte fließen in die urbane Datenplattform. Auch die kommunale "
    "Wärmeplanung nutzt das 3D-Stadtmodell, und die Verwaltung bietet neue Online-Dienste an. "
    "Im Quartier entstehen Ladepunkte, der Gemeinderat berät im Herbst über die Förderung. "
)


def _text(sentences: str, length: int = 3000) -> str:
    return (sentences * (length // len(sentences) + 1))[:length]


def _dedup_inputs(n: int, seed: int) -> list[tuple[str, bytes, None]]:
    rng = np.random.default_rng(seed)
    matrix = rng.integers(0, 2**32, size=(n, NUM_PERM), dtype=np.uint32)
    for k in range(0, min(n, 2000), 2):  # planted pairs sharing 116 of 128 values
        matrix[k + 1] = matrix[k]
        matrix[k + 1, k % 116 : k % 116 + 12] = rng.integers(0, 2**32, 12, dtype=np.uint32)
    return [(f"d{i:06d}", matrix[i].tobytes(), None) for i in range(n)]


def _similar_inputs(stories: int, copies: int, seed: int) -> list[tuple[str, bytes, None]]:
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 2**32, size=(stories, NUM_PERM), dtype=np.uint32)
    matrix = np.repeat(base, copies, 0)
    changed = rng.random(matrix.shape) < 0.08
    matrix[changed] = rng.integers(0, 2**32, size=int(changed.sum()), dtype=np.uint32)
    return [(f"d{i:05d}", matrix[i].tobytes(), None) for i in range(len(matrix))]


def case_micro(
    quick: bool, timed_runs: Callable[[Callable[[], Any], int], list[float]]
) -> dict[str, Any]:
    """Figures of the four micro measurements (smaller inputs with ``quick``).

    ``timed_runs(fn, runs)`` is run.py's timer: seconds of ``runs`` calls after a warm-up.
    """
    dates_text = _text(_DATES_TEXT)
    dates = timed_runs(lambda: find_dates(dates_text, reference=date(2025, 5, 19)), 5)
    taxonomy = load_taxonomy()
    topics_text = _text(_TOPICS_TEXT)
    topics = timed_runs(lambda: tag("Stadt baut digitalen Zwilling aus", topics_text, taxonomy), 30)
    items = _dedup_inputs(10_000 if quick else 100_000, seed=11)
    started = time.perf_counter()
    find_duplicates(items)
    dedup_s = time.perf_counter() - started
    similar = _similar_inputs(50 if quick else 500, 20, seed=5)
    tracemalloc.start()
    try:
        find_duplicates(similar)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return {
        "find_dates_ms": min(dates) * 1000,
        "find_dates_ms_runs": [s * 1000 for s in dates],
        "tag_ms": statistics.median(topics) * 1000,
        "tag_ms_runs": [s * 1000 for s in topics],
        "dedup_items": len(items),
        "dedup_s": dedup_s,
        "dedup_similar_items": len(similar),
        "dedup_peak_mb": peak / 2**20,
    }
