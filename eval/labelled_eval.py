"""Score place extraction, topic tagging and duplicate detection on the labelled set.

    .venv/bin/python eval/labelled_eval.py [-v]

Places: precision/recall over (document, AGS) pairs. Topics (if
``citynews.normalize.topics`` exists): over (document, slug) pairs; ``veranstaltungen`` is left
out because it comes from found events, not from words. Duplicates (if
``citynews.normalize.dedup`` exists): over unordered pairs of
documents that are the same text. Also prints start-up and per-text timings of the gazetteer.
"""

from __future__ import annotations

import importlib
import itertools
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from citynews.model import EVENT_TOPIC

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

LABELLED = REPO_ROOT / "eval" / "labelled" / "texts.toml"


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, doc_id: str, expected: set[str], got: set[str]) -> None:
        self.tp += len(expected & got)
        self.fp += len(got - expected)
        self.fn += len(expected - got)
        for item in sorted(got - expected):
            self.errors.append(f"{doc_id}: false {item}")
        for item in sorted(expected - got):
            self.errors.append(f"{doc_id}: missed {item}")

    def line(self, label: str) -> str:
        return (
            f"{label:<11} precision {self.precision:.3f}  recall {self.recall:.3f}  "
            f"(tp {self.tp}, fp {self.fp}, fn {self.fn})"
        )


def load_labelled(path: Path = LABELLED) -> list[dict]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)["doc"]


def score_places(docs: list[dict]) -> Score:
    from citynews.normalize.places import find_places

    score = Score()
    for doc in docs:
        got = {p.ags for p in find_places(doc["text"], title=doc["title"]) if p.ags}
        score.add(doc["id"], set(doc["places"]), got)
    return score


def _optional(module: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def score_topics(docs: list[dict]) -> Score | None:
    topics = _optional("citynews.normalize.topics")
    if topics is None or not hasattr(topics, "tag"):
        return None
    taxonomy = topics.load_taxonomy()
    score = Score()
    for doc in docs:
        got = {m.slug for m in topics.tag(doc["title"], doc["text"], taxonomy)} - {EVENT_TOPIC}
        score.add(doc["id"], set(doc["topics"]) - {EVENT_TOPIC}, got)
    return score


def score_duplicates(docs: list[dict]) -> Score | None:
    dedup = _optional("citynews.normalize.dedup")
    if dedup is None or not hasattr(dedup, "find_duplicates"):
        return None
    items = [(d["id"], dedup.signature(f"{d['title']}\n{d['text']}"), None) for d in docs]
    found = dedup.find_duplicates(items)
    got = {frozenset(p) for p in found.items()}
    expected = {frozenset((d["id"], d["duplicate_of"])) for d in docs if d["duplicate_of"]}
    # Clusters are transitive: count each pair of documents in one cluster once.
    clusters: dict[str, set[str]] = {}
    for dup, canonical in found.items():
        clusters.setdefault(canonical, {canonical}).add(dup)
    got = {frozenset(p) for c in clusters.values() for p in itertools.combinations(sorted(c), 2)}
    score = Score()
    score.add(
        "pairs", {" = ".join(sorted(p)) for p in expected}, {" = ".join(sorted(p)) for p in got}
    )
    return score


def timings(docs: list[dict]) -> str:
    from citynews.normalize import gazetteer
    from citynews.normalize.places import find_places

    start = time.perf_counter()
    gaz = gazetteer.read_gazetteer()
    find_places("Start in Halle (Saale).", gazetteer=gaz)
    startup = time.perf_counter() - start
    text = " ".join(d["text"] for d in docs)[:3000]
    runs = 200
    start = time.perf_counter()
    for _ in range(runs):
        find_places(text, gazetteer=gaz)
    per_call = (time.perf_counter() - start) / runs
    return (
        f"timing      start-up {startup * 1000:.0f} ms, "
        f"find_places on 3,000 chars {per_call * 1000:.2f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    verbose = "-v" in (sys.argv[1:] if argv is None else argv)
    docs = load_labelled()
    print(f"labelled    {len(docs)} texts, {sum(len(d['places']) for d in docs)} places")
    results = {
        "places": score_places(docs),
        "topics": score_topics(docs),
        "duplicates": score_duplicates(docs),
    }
    for label, score in results.items():
        print(score.line(label) if score else f"{label:<11} n/a")
        if score and verbose:
            for error in score.errors:
                print(f"    {error}")
    print(timings(docs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
