"""Measure page extraction on the shared third-party corpus (``make eval``).

- Publication dates on htmldate-eval: exact-day accuracy of citynews' ``published`` and of
  ``htmldate.find_date(html, original_date=True)`` on the same pages, overall and German only
  (a null ground truth expects "no date").
- Main text on trafilatura-eval: snippet precision/recall against the ``with``/``without``
  lists, by whitespace-normalised substring match as upstream scores it.
- Throughput of ``extract_page`` in pages per second.

Prints "skipped: ../shared not found" and exits 0 when the corpus is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
sys.path.insert(0, str(ROOT))

from citynews.normalize.extract import day_of, decode_html, extract_page  # noqa: E402


@dataclass
class Sample:
    url: str
    html: str
    german: bool
    truth: dict[str, Any]


def load(folder: str) -> Iterator[Sample]:
    """The pages of one corpus folder that exist on disk, with their ground-truth line."""
    base = CORPUS / folder
    with open(base / "ground_truth.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            path = base / row["path"]
            if not path.exists():
                continue
            with gzip.open(path, "rb") as gz:
                html = decode_html(gz.read())
            yield Sample(row["url"], html, bool(row.get("german")), row)


@dataclass
class DateScore:
    pages: int = 0
    ours: int = 0
    htmldate: int = 0
    failures: list[tuple[str, str | None, str | None, str | None, str | None]] = field(
        default_factory=list
    )

    def accuracy(self, hits: int) -> float:
        return hits / self.pages if self.pages else 0.0


def evaluate_dates(limit: int | None = None) -> tuple[DateScore, DateScore, float, int]:
    """(all pages, German pages, seconds spent in extract_page, pages extracted)."""
    import htmldate
    import htmldate.extractors

    overall, german = DateScore(), DateScore()
    spent = 0.0
    count = 0
    for sample in load("htmldate-eval"):
        if limit is not None and count >= limit:
            break
        truth = sample.truth.get("date")
        t0 = time.perf_counter()
        page = extract_page(sample.html, sample.url)
        spent += time.perf_counter() - t0
        count += 1
        day = day_of(page.published)
        ours = day.isoformat() if day else None
        # htmldate caches parsed date strings process-wide; our extraction runs its dateparser
        # fallback with German and English only, so the baseline starts from a clean cache.
        htmldate.extractors.try_date_expr.cache_clear()
        theirs = htmldate.find_date(sample.html, original_date=True)
        for score in (overall, german) if sample.german else (overall,):
            score.pages += 1
            score.ours += ours == truth
            score.htmldate += theirs == truth
        if ours != truth:
            overall.failures.append((sample.url, truth, ours, page.published_source, theirs))
    return overall, german, spent, count


@dataclass
class TextScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


def _norm(text: str) -> str:
    return " ".join(text.split())


def evaluate_text(limit: int | None = None) -> tuple[TextScore, TextScore, float, int]:
    """(all pages, German pages, seconds spent in extract_page, pages extracted)."""
    overall, german = TextScore(), TextScore()
    spent = 0.0
    count = 0
    for sample in load("trafilatura-eval"):
        if limit is not None and count >= limit:
            break
        t0 = time.perf_counter()
        page = extract_page(sample.html, sample.url)
        spent += time.perf_counter() - t0
        count += 1
        text = _norm(page.text)
        for score in (overall, german) if sample.german else (overall,):
            for snippet in sample.truth.get("with") or []:
                if _norm(snippet) in text:
                    score.tp += 1
                else:
                    score.fn += 1
            for snippet in sample.truth.get("without") or []:
                if _norm(snippet) in text:
                    score.fp += 1
                else:
                    score.tn += 1
    return overall, german, spent, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--failures", action="store_true", help="list pages with a wrong date")
    parser.add_argument("--limit", type=int, help="only the first N pages of each set")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print("skipped: ../shared not found")
        return 0

    dates_all, dates_de, date_secs, date_pages = evaluate_dates(args.limit)
    text_all, text_de, text_secs, text_pages = evaluate_text(args.limit)
    pages_per_s = (date_pages + text_pages) / (date_secs + text_secs or 1e-9)

    print("Publication date, exact day (htmldate-eval)")
    print(f"  {'pages':>12} {'citynews':>9} {'htmldate':>9}")
    for label, score in (("all", dates_all), ("German", dates_de)):
        ours, theirs = score.accuracy(score.ours), score.accuracy(score.htmldate)
        print(f"  {label:<6}{score.pages:>6} {ours:>9.3f} {theirs:>9.3f}")
    print("Main text snippets (trafilatura-eval)")
    print(f"  {'':<6} {'precision':>9} {'recall':>7}")
    for label, tscore in (("all", text_all), ("German", text_de)):
        print(f"  {label:<6} {tscore.precision:>9.3f} {tscore.recall:>7.3f}")
    print(f"Throughput: {pages_per_s:.1f} pages/s ({date_pages + text_pages} pages)")
    if args.failures:
        for url, truth, ours, source, theirs in dates_all.failures:
            print(f"  {truth} ours={ours} ({source}) htmldate={theirs}  {url}")
    if args.json:
        figures = {
            "dates": {
                label: {
                    "pages": s.pages,
                    "citynews": s.accuracy(s.ours),
                    "htmldate": s.accuracy(s.htmldate),
                }
                for label, s in (("all", dates_all), ("german", dates_de))
            },
            "text": {
                label: {"precision": s.precision, "recall": s.recall}
                for label, s in (("all", text_all), ("german", text_de))
            },
            "pages_per_second": pages_per_s,
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
