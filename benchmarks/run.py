"""citynews benchmarks: one run, one table, ratios against bare Scrapy, trafilatura and htmldate.

    python benchmarks/run.py            # full run (make bench), a few minutes
    python benchmarks/run.py --quick    # tiny inputs, for the smoke test
    python benchmarks/run.py --profile  # also: where citynews' extraction time goes (cProfile)
    python benchmarks/run.py --only extraction   # one group: extraction, crawl, storage, micro

Shared machines are noisy, so every figure that matters is a ratio of two measurements taken in
the same run; each figure is the median over repetitions with min and max. Cases:

1. crawl       a generated 2,000-article portal on 127.0.0.1: bare Scrapy vs ``citynews crawl``
2. extraction  real pages of the shared corpus: citynews' full normalization vs trafilatura
               (with metadata) vs htmldate, one process = one core
3. storage     100,000 synthetic documents through ``Store``, then the analyst views
4. feeds       ``build_feeds`` over that database
5. memory      peak RSS of the 2,000- and a 10,000-article crawl
6. micro       dates, topics and near-duplicates on fixed inputs: the speed and memory
               bounds that unit tests do not assert (benchmarks/micro.py)

Results go to ``benchmarks/results/latest.json`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import gzip
import hashlib
import io
import json
import os
import platform
import pstats
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import icalbench
import sitegen
import sqlite_utils

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = ("htmldate-eval", "trafilatura-eval")
DEFAULT_OUT = REPO / "benchmarks" / "results" / "latest.json"
CONCURRENCY = 8
MB = 1024 * 1024


@dataclass(frozen=True)
class Sizes:
    crawl_pages: int
    bare_runs: int
    crawl_runs: int
    memory_pages: int
    gen_pages: int
    corpus_pages: int
    extract_cli_pages: int
    place_texts: int
    runs: int
    documents: int
    chunks: int


FULL = Sizes(
    crawl_pages=2000,
    bare_runs=5,
    crawl_runs=3,
    memory_pages=10_000,
    gen_pages=100,
    corpus_pages=80,
    extract_cli_pages=200,
    place_texts=40,
    runs=5,
    documents=100_000,
    chunks=10,
)
QUICK = Sizes(
    crawl_pages=40,
    bare_runs=1,
    crawl_runs=1,
    memory_pages=80,
    gen_pages=4,
    corpus_pages=4,
    extract_cli_pages=4,
    place_texts=3,
    runs=2,
    documents=2000,
    chunks=2,
)

# Groups of cases for --only: each group's cases share inputs (the memory case reads the
# crawl's children, the feeds case the storage case's database).
GROUPS = ("extraction", "crawl", "storage", "micro")

# Targets: (case, key in the case's results, comparison, bound, label).
TARGETS = (
    ("crawl", "glue_ratio", ">=", 0.8, "glue ratio"),
    ("ical", "read_s", "<", 5.0, "1,000-event iCal file read (s)"),
    ("crawl", "glue_ratio_cpu", ">=", 0.8, "glue ratio from CPU seconds"),
    ("extraction", "citynews_pages_per_s", ">=", 60.0, "extraction+normalization pages/s/core"),
    ("extraction", "citynews_vs_trafilatura", ">=", 1.0, "extraction ÷ trafilatura(with_metadata)"),
    (
        "extract_cli",
        "pages_per_s",
        ">=",
        50.0,
        "citynews extract, 200 pages in one call, pages/s/core",
    ),
    ("places", "startup_s", "<", 1.0, "gazetteer start-up s"),
    ("places", "ms_per_text", "<", 5.0, "places in a 3,000-character text ms"),
    ("storage", "docs_per_s", ">=", 10_000.0, "storage docs/s"),
    ("storage", "slowest_query_ms", "<", 200.0, "slowest view query ms"),
    ("feeds", "build_s", "<", 10.0, "all feeds + calendars of 100,000 documents, fresh dir s"),
    ("feeds", "without_place_feeds_s", "<", 5.0, "feeds + calendars but place feeds s"),
    ("feeds", "peak_tree_pss_mb", "<", 500.0, "feeds build peak memory MB, all its processes"),
    ("feeds", "rebuild_s", "<", 2.0, "feeds rebuild, nothing changed s"),
    ("memory", "peak_rss_mb_long", "<", 500.0, "peak RSS long crawl MB"),
    ("memory", "growth", "<", 1.25, "peak RSS long ÷ short crawl"),
    ("micro", "find_dates_ms", "<", 3.0, "German dates in 3,000 characters ms (best of 5)"),
    ("micro", "tag_ms", "<", 2.0, "topics of 3,000 characters ms"),
    ("micro", "dedup_s", "<", 5.0, "near-duplicates of 100,000 signatures s"),
    ("micro", "dedup_peak_mb", "<", 40.0, "near-duplicate search peak MB (10,000 similar)"),
)


def stats(values: Iterable[float]) -> dict[str, Any]:
    values = list(values)
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": len(values),
    }


def timed_runs(fn: Callable[[], Any], runs: int, *, warmup: bool = True) -> list[float]:
    """Seconds of ``runs`` calls of ``fn`` (after one untimed call when ``warmup``)."""
    if warmup:
        fn()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - started)
    return seconds


class Report:
    """Collects table rows and the JSON result."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, dict[str, Any], str]] = []
        self.cases: dict[str, dict[str, Any]] = {}

    def row(self, case: str, metric: str, figure: dict[str, Any], unit: str) -> None:
        self.rows.append((case, metric, figure, unit))

    def print_table(self, verdicts: list[dict[str, Any]]) -> None:
        def fmt(value: float) -> str:
            if value >= 1000:
                return f"{value:,.0f}"
            return f"{value:.3g}" if value < 10 else f"{value:.1f}"

        header = ("case", "metric", "median", "min", "max", "runs", "unit")
        lines = [header]
        for case, metric, f, unit in self.rows:
            lines.append(
                (case, metric, fmt(f["median"]), fmt(f["min"]), fmt(f["max"]), str(f["runs"]), unit)
            )
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        print()
        for n, line in enumerate(lines):
            print(
                "  ".join(
                    cell.rjust(w) if 2 <= i <= 5 else cell.ljust(w)
                    for i, (cell, w) in enumerate(zip(line, widths, strict=True))
                ).rstrip()
            )
            if n == 0:
                print("-" * (sum(widths) + 2 * (len(widths) - 1)))
        print()
        for v in verdicts:
            value = "n/a" if v["value"] is None else fmt(v["value"])
            print(f"{v['verdict']:<5} {v['label']}: {value} (target {v['op']} {fmt(v['bound'])})")


# --- case 1 and 5: crawls --------------------------------------------------------------------


def _sources_toml(base_url: str) -> str:
    return f"""[crawler]
concurrency_per_domain = {CONCURRENCY}
autothrottle = false

[sources.bench]
title = "Benchmark-Portal"
kind = "listing"
start_urls = ["{base_url}/aktuelles/"]
allowed_domains = ["127.0.0.1"]
article_patterns = ['{sitegen.ARTICLE_PATTERN}']
listing_patterns = ['{sitegen.LISTING_PATTERN}']
pagination_selector = "{sitegen.NEXT_SELECTOR}"
"""


@dataclass
class ChildResult:
    wall_s: float
    peak_rss_mb: float
    cpu_s: float
    samples: list[tuple[float, float]]
    # The largest sum of PSS over the child and its own children at one sample: the memory of
    # a process tree, shared pages counted once (a forked helper's RSS repeats the pages it
    # shares with its parent).
    peak_tree_pss_mb: float = 0.0


def _tree_pss_mb(pid: int) -> float:
    """PSS of a process and its descendants now, in MB (0 for what has gone meanwhile)."""
    total = 0.0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) / 1024
                break
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(_tree_pss_mb(int(child)) for child in children)


def _run_child(command: list[str], log: Path) -> ChildResult:
    """Run a child to completion; its own peak RSS and RSS samples from /proc.

    The peak is the child's VmHWM, sampled every 0.1 s: wait4's ru_maxrss is no good here.
    Python starts children with vfork, and exec keeps the peak of the memory it replaces,
    which for a vforked child is this process's: a 270 MB feed build read as 547 MB after
    the bench itself had peaked there.
    """
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    samples: list[tuple[float, float]] = []
    peaks: list[float] = []
    trees: list[float] = []
    done = threading.Event()

    def sample() -> None:
        status = Path(f"/proc/{process.pid}/status")
        while not done.wait(0.1):
            trees.append(_tree_pss_mb(process.pid))
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        rss = int(line.split()[1]) / 1024
                        samples.append((time.perf_counter() - started, rss))
                    elif line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) / 1024)
            except OSError:
                return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(command[:4])} failed ({process.returncode}):\n{tail}")
    # A child gone before the first sample: wait4's figure, an upper bound.
    peak = max(peaks) if peaks else usage.ru_maxrss / 1024
    return ChildResult(
        wall, peak, usage.ru_utime + usage.ru_stime, samples, max(trees, default=0.0)
    )


def bare_crawl(base_url: str, work: Path) -> dict[str, Any]:
    out = work / "bare.json"
    child = _run_child(
        [
            sys.executable,
            str(REPO / "benchmarks" / "bare_spider.py"),
            "--start",
            f"{base_url}/aktuelles/",
            "--article",
            sitegen.ARTICLE_PATTERN,
            "--listing",
            sitegen.LISTING_PATTERN,
            "--next",
            sitegen.NEXT_SELECTOR,
            "--concurrency",
            str(CONCURRENCY),
            "--out",
            str(out),
        ],
        work / "bare.log",
    )
    result = json.loads(out.read_text())
    result.update(wall_s=child.wall_s, cpu_s=child.cpu_s, peak_rss_mb=child.peak_rss_mb)
    return result


def citynews_crawl(base_url: str, work: Path) -> tuple[dict[str, Any], ChildResult]:
    sources = work / "sources.toml"
    sources.write_text(_sources_toml(base_url), encoding="utf-8")
    db = work / "crawl.db"
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    child = _run_child(
        [
            sys.executable,
            "-m",
            "citynews",
            "crawl",
            "--sources",
            str(sources),
            "--db",
            str(db),
            "--json",
        ],
        work / "citynews.log",
    )
    conn = sqlite3.connect(db)
    try:
        duration, pages = conn.execute(
            "select duration_s, pages from crawl_runs order by id desc limit 1"
        ).fetchone()
        documents = conn.execute("select count(*) from documents").fetchone()[0]
        events = conn.execute("select count(*) from events").fetchone()[0]
    finally:
        conn.close()
    result = {
        "pages": pages,
        "articles": documents,
        "events": events,
        "seconds": duration,
        "wall_s": child.wall_s,
        "cpu_s": child.cpu_s,
        "peak_rss_mb": child.peak_rss_mb,
    }
    return result, child


def extract_rate_generated(pages: int, runs: int) -> tuple[list[float], list[float]]:
    """Pages per second (wall, CPU) of citynews' Normalizer over generated articles."""
    from citynews.model import Hints

    normalizer = _normalizer()
    site = sitegen.BenchSite(max(pages, 2000))
    items = [
        (site.article(n), f"http://127.0.0.1{site.meta(n).url_path}")
        for n in range(0, pages * 17, 17)
    ]

    cpu: list[float] = []

    def one_pass() -> None:
        started = time.process_time()
        for body, url in items:
            normalizer(body, url, source="bench", hints=Hints(kind="article"))
        cpu.append(len(items) / (time.process_time() - started))

    wall = [len(items) / s for s in timed_runs(one_pass, runs)]
    return wall, cpu[1:]


def case_crawl(sizes: Sizes, work: Path, report: Report) -> dict[str, Any]:
    wall_rates, cpu_rates = extract_rate_generated(sizes.gen_pages, sizes.runs)
    extract_rate = stats(wall_rates)
    bare_runs, city_runs, city_children = [], [], []
    # CPU seconds of a one-article crawl: imports, start-up and first-use loading, which the
    # CPU-based rates below leave out.
    with sitegen.SiteServer(1, prerender=True) as server:
        bare_startup = bare_crawl(server.base_url, work)["cpu_s"]
        city_startup = citynews_crawl(server.base_url, work)[0]["cpu_s"]
    with sitegen.SiteServer(sizes.crawl_pages, prerender=True) as server:
        bare_crawl(server.base_url, work)  # warm-up: server, page cache, imports
        for _ in range(sizes.bare_runs):
            bare_runs.append(bare_crawl(server.base_url, work))
        for _ in range(sizes.crawl_runs):
            result, child = citynews_crawl(server.base_url, work)
            city_runs.append(result)
            city_children.append(child)
    bare = stats(r["articles"] / r["seconds"] for r in bare_runs)
    city = stats(r["articles"] / r["seconds"] for r in city_runs)
    expected = 1 / (1 / bare["median"] + 1 / extract_rate["median"])
    glue = city["median"] / expected
    # The same ratio from CPU seconds, which other load on a shared machine does not inflate.
    bare_cpu = stats(r["articles"] / (r["cpu_s"] - bare_startup) for r in bare_runs)
    city_cpu = stats(r["articles"] / (r["cpu_s"] - city_startup) for r in city_runs)
    extract_cpu = stats(cpu_rates)
    glue_cpu = city_cpu["median"] / (1 / (1 / bare_cpu["median"] + 1 / extract_cpu["median"]))
    report.row("1 crawl", "extract rate, generated pages", extract_rate, "pages/s")
    report.row("1 crawl", "bare Scrapy", bare, "pages/s")
    report.row("1 crawl", "citynews crawl (CLI)", city, "pages/s")
    report.row("1 crawl", "extract rate, per CPU second", extract_cpu, "pages/s")
    report.row("1 crawl", "bare Scrapy, per CPU second", bare_cpu, "pages/s")
    report.row("1 crawl", "citynews crawl, per CPU second", city_cpu, "pages/s")
    report.row(
        "1 crawl", "citynews crawl, process wall", stats(r["wall_s"] for r in city_runs), "s"
    )
    return {
        "site_articles": sizes.crawl_pages,
        "concurrency_per_domain": CONCURRENCY,
        "extract_pages_per_s": extract_rate,
        "bare_pages_per_s": bare,
        "citynews_pages_per_s": city,
        "expected_pages_per_s": expected,
        "glue_ratio": glue,
        "cpu_pages_per_s": {"extract": extract_cpu, "bare": bare_cpu, "citynews": city_cpu},
        "startup_cpu_s": {"bare": bare_startup, "citynews": city_startup},
        "glue_ratio_cpu": glue_cpu,
        "bare_runs": bare_runs,
        "citynews_runs": city_runs,
        "_children": city_children,
    }


def case_memory(
    sizes: Sizes, work: Path, report: Report, short: list[ChildResult]
) -> dict[str, Any]:
    # Rendered per request: a pre-rendered 10,000-page site would hold 1 GB in the server.
    with sitegen.SiteServer(sizes.memory_pages) as server:
        result, child = citynews_crawl(server.base_url, work)
    short_peak = statistics.median(c.peak_rss_mb for c in short)
    quarters = [_rss_at(child.samples, q) for q in (0.25, 0.5, 0.75, 1.0)]
    report.row(
        "5 memory",
        f"peak RSS, {sizes.crawl_pages} articles",
        stats(c.peak_rss_mb for c in short),
        "MB",
    )
    report.row(
        "5 memory", f"peak RSS, {sizes.memory_pages} articles", stats([child.peak_rss_mb]), "MB"
    )
    report.row(
        "5 memory",
        f"{sizes.memory_pages}-article crawl",
        stats([result["articles"] / result["seconds"]]),
        "pages/s",
    )
    return {
        "short_articles": sizes.crawl_pages,
        "long_articles": sizes.memory_pages,
        "long_documents_stored": result["articles"],
        "peak_rss_mb_short": short_peak,
        "peak_rss_mb_long": child.peak_rss_mb,
        "growth": child.peak_rss_mb / short_peak,
        "rss_mb_at_quarters_of_long_crawl": quarters,
        "long_crawl": result,
    }


def _rss_at(samples: list[tuple[float, float]], fraction: float) -> float | None:
    if not samples:
        return None
    end = samples[-1][0]
    return max(rss for t, rss in samples if t <= end * fraction + 1e-9)


# --- case 2: extraction on the shared corpus ---------------------------------------------------


def corpus_pages(limit: int) -> list[tuple[bytes, str]]:
    """Distinct corpus pages (the two sets share ~600), spread by content hash; [] if absent."""
    pages: dict[str, tuple[bytes, str]] = {}
    for name in CORPORA:
        root = SHARED / "corpus" / name
        truth = root / "ground_truth.jsonl"
        if not truth.exists():
            continue
        for line in truth.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if not (root / record["path"]).exists():
                continue
            with gzip.open(root / record["path"], "rb") as fh:
                body = fh.read()
            pages.setdefault(hashlib.sha1(body).hexdigest(), (body, record["url"]))
    return [pages[key] for key in sorted(pages)[:limit]]


_NORMALIZER: Any = None


def _normalizer() -> Any:
    global _NORMALIZER
    if _NORMALIZER is None:
        from citynews.normalize.document import Normalizer

        _NORMALIZER = Normalizer()
    return _NORMALIZER


def case_extraction(sizes: Sizes, report: Report, *, profile: bool) -> dict[str, Any]:
    import htmldate
    import trafilatura

    pages = corpus_pages(sizes.corpus_pages)
    if not pages:
        return {"skipped": f"{SHARED / 'corpus'} not found"}
    normalizer = _normalizer()
    engines: dict[str, Callable[[bytes, str], Any]] = {
        "citynews": lambda body, url: normalizer(body, url),
        "trafilatura": lambda body, url: trafilatura.bare_extraction(
            body, url=url, with_metadata=True
        ),
        "htmldate": lambda body, url: htmldate.find_date(body, original_date=True),
    }
    result: dict[str, Any] = {"pages": len(pages), "bytes": sum(len(b) for b, _ in pages)}
    # A full untimed pass first: one-time costs (dateparser loading every locale the first time
    # htmldate falls back to it, simplemma's dictionary) would otherwise land in one run.
    for engine in engines.values():
        for body, url in pages:
            engine(body, url)
    # Engines take turns within each repetition, so drift on a shared machine hits all alike.
    wall: dict[str, list[float]] = {name: [] for name in engines}
    cpu: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(sizes.runs):
        for name, engine in engines.items():
            started, cpu_started = time.perf_counter(), time.process_time()
            for body, url in pages:
                engine(body, url)
            wall[name].append(len(pages) / (time.perf_counter() - started))
            cpu[name].append(len(pages) / (time.process_time() - cpu_started))
    for name in engines:
        result[name] = {"wall": stats(wall[name]), "cpu": stats(cpu[name])}
        # Per core means per CPU second: other load on the machine does not count against it.
        result[f"{name}_pages_per_s"] = result[name]["cpu"]["median"]
        report.row("2 extraction", f"{name}, per CPU second", stats(cpu[name]), "pages/s")
        report.row("2 extraction", f"{name}, wall", stats(wall[name]), "pages/s")
    result["citynews_vs_trafilatura"] = statistics.median(
        c / t for c, t in zip(cpu["citynews"], cpu["trafilatura"], strict=True)
    )
    if profile:
        result["profile"] = _profile(lambda: [normalizer(b, u) for b, u in pages])
    return result


def case_extract_cli(sizes: Sizes, work: Path, report: Report) -> dict[str, Any]:
    """`citynews extract` on many saved pages in one call: one process start for all of them.

    The rate counts the extraction alone: a one-page call measures start-up (imports,
    taxonomy, gazetteer) and is subtracted.
    """
    pages = corpus_pages(sizes.extract_cli_pages)
    if not pages:
        return {"skipped": f"{SHARED / 'corpus'} not found"}
    folder = work / "extract-cli"
    folder.mkdir()
    paths = []
    for n, (body, _url) in enumerate(pages):
        path = folder / f"page-{n:03d}.html"
        path.write_bytes(body)
        paths.append(str(path))

    def run(files: list[str]) -> float:
        """CPU seconds of the child: per core, whatever else the machine is doing."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            [sys.executable, "-m", "citynews", "extract", *files, "--format", "json"],
            cwd=REPO,
            capture_output=True,
            check=True,
        )
        assert done.stdout.count(b"\n") == len(files)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    # One-page and many-page calls alternate, and each rate subtracts the start-up measured
    # next to it, so drift on a shared machine hits both sides of a pair alike.
    one, many = [], []
    for _ in range(max(2, sizes.runs)):
        one.append(run(paths[:1]))
        many.append(run(paths))
    startup = statistics.median(one)
    rates = [(len(paths) - 1) / max(m - o, 1e-6) for o, m in zip(one, many, strict=True)]
    report.row(
        "2 extraction",
        f"citynews extract, {len(paths)} pages, 1 call, per CPU s",
        stats(rates),
        "pages/s",
    )
    report.row("2 extraction", "citynews extract, start-up CPU", stats(one), "s")
    return {"pages": len(paths), "startup_s": startup, "pages_per_s": statistics.median(rates)}


_PLACES_CHILD = """
import json, statistics, sys, time
started = time.perf_counter()
from citynews.normalize.places import find_places
find_places("Die Stadt Halle (Saale) startet ein Projekt.")  # builds the matcher
startup = time.perf_counter() - started
texts = json.loads(sys.stdin.read())
times = []
for _ in range(5):
    for text in texts:
        t = time.perf_counter()
        find_places(text)
        times.append((time.perf_counter() - t) * 1000)
print(json.dumps({"startup_s": startup, "ms": times}))
"""


def case_places(sizes: Sizes, report: Report) -> dict[str, Any]:
    """Gazetteer start-up in a fresh process, then places in 3,000-character texts."""
    from urllib.parse import urlsplit

    from citynews.normalize.extract import extract_page
    from citynews.sample.sites import ground_truth, render_sites

    sites = render_sites()
    texts = []
    for page in ground_truth()[: sizes.place_texts]:
        host, path = urlsplit(page["url"])[1:3]
        text = extract_page(sites[host][path][0], page["url"]).text
        texts.append((text * (3000 // max(len(text), 1) + 1))[:3000])
    done = subprocess.run(
        [sys.executable, "-c", _PLACES_CHILD],
        input=json.dumps(texts),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    measured = json.loads(done.stdout)
    report.row(
        "2 extraction", "gazetteer start-up (fresh process)", stats([measured["startup_s"]]), "s"
    )
    report.row("2 extraction", "places in 3,000 characters", stats(measured["ms"]), "ms")
    return {"startup_s": measured["startup_s"], "ms_per_text": statistics.median(measured["ms"])}


def _profile(fn: Callable[[], Any], top: int = 25) -> list[dict[str, Any]]:
    """Cumulative time share of the heaviest functions in one call of ``fn``."""
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    data = pstats.Stats(profiler, stream=io.StringIO())
    total = max(data.total_tt, 1e-9)  # type: ignore[attr-defined]
    rows = []
    for (path, line, func), (_, _, tottime, cumtime, _) in data.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{Path(path).name}:{line}:{func}",
                "path": path,
                "cum_share": cumtime / total,
                "own_share": tottime / total,
            }
        )
    rows.sort(key=lambda r: -r["cum_share"])
    return rows[:top]


# --- case 3 and 4: storage, views, feeds -------------------------------------------------------

QUERIES = {
    "v_documents: one source, newest 50": (
        "select * from v_documents where source = 'halle' order by published_utc desc limit 50"
    ),
    "v_documents: one month, 100": (
        "select id, title, published, topics, places from v_documents"
        " where published_utc >= ? and published_utc < ? order by published_utc limit 100"
    ),
    "v_events_upcoming: next 100": "select * from v_events_upcoming limit 100",
    "v_events_upcoming: one state, 50": (
        "select * from v_events_upcoming where state_code = '14' limit 50"
    ),
    "v_topic_month: full": "select * from v_topic_month",
    "v_place_counts: top 25": "select * from v_place_counts order by documents desc limit 25",
    "v_place_counts: one state": (
        "select * from v_place_counts where state_code = '15' order by documents desc"
    ),
}


def _storage_floor(
    db: sqlite_utils.Database, docs: list[Any], pages: list[bytes], minhashes: list[bytes]
) -> float:
    """Documents/s for writing the same bytes as plain batched inserts in one transaction:
    no FTS, no indexes, no keys, rows prepared (pages compressed) before the clock starts.
    What SQLite and the disk need for this volume, whatever the storage layer does."""
    offset = db["documents"].count if db["documents"].exists() else 0
    rows: dict[str, list[dict[str, Any]]] = {"documents": [], "pages": [], "dt": [], "dp": []}
    for n, (d, page, minhash) in enumerate(zip(docs, pages, minhashes, strict=True)):
        key = offset + n
        rows["documents"].append(
            {
                "id": key,
                "url": d.url,
                "title": d.title,
                "text": d.text,
                "content_html": d.content_html,
                "summary": d.summary,
                "minhash": minhash,
            }
        )
        rows["pages"].append({"document_id": key, "html_zlib": zlib.compress(page, 1)})
        rows["dt"] += [
            {"document_id": key, "topic": t.slug, "words": str(t.words)} for t in d.topics
        ]
        rows["dp"] += [{"document_id": key, "ags": p.ags, "evidence": p.evidence} for p in d.places]
    started = time.perf_counter()
    with db.conn:
        for table, table_rows in rows.items():
            db[table].insert_all(table_rows, batch_size=1000)
    return len(docs) / (time.perf_counter() - started)


def case_storage(sizes: Sizes, work: Path, report: Report) -> tuple[dict[str, Any], Path]:
    import random

    import synthetic

    from citynews.normalize.dedup import find_duplicates
    from citynews.normalize.topics import load_taxonomy
    from citynews.storage.store import Store, open_db, refresh_derived

    factory = synthetic.DocumentFactory()
    path = work / "storage.db"
    started = time.perf_counter()
    db = open_db(path)
    schema_s = time.perf_counter() - started
    store = Store(db)
    store.upsert_sources(synthetic.sources())
    store.upsert_topics(load_taxonomy().topics)
    rng = random.Random(3)
    per_chunk = sizes.documents // sizes.chunks
    rates, floor_rates = [], []
    floor_db = sqlite_utils.Database(work / "floor.db")
    floor_db.execute("pragma journal_mode = wal")
    floor_db.execute("pragma synchronous = normal")
    for chunk in range(sizes.chunks):
        docs = list(factory.documents(chunk * per_chunk, (chunk + 1) * per_chunk))
        pages = [factory.raw_html(d) for d in docs]
        minhashes = [rng.randbytes(512) for _ in docs]
        started = time.perf_counter()
        for doc, page, minhash in zip(docs, pages, minhashes, strict=True):
            store.add(doc, raw_html=page, minhash=minhash)
        store.flush()
        rates.append(len(docs) / (time.perf_counter() - started))
        floor_rates.append(_storage_floor(floor_db, docs, pages, minhashes))
    started = time.perf_counter()
    refresh_derived(db, find_duplicates=find_duplicates)
    derived_s = time.perf_counter() - started
    db.execute("pragma wal_checkpoint(truncate)")
    db.close()
    size_mb = sum(p.stat().st_size for p in work.glob("storage.db*")) / MB

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    month = datetime.now(UTC).strftime("%Y-%m")
    params = {"v_documents: one month, 100": (f"{month}-01", f"{month}-31T23:59:59Z")}
    queries: dict[str, Any] = {}
    for name, sql in QUERIES.items():
        args = params.get(name, ())
        figure = stats(
            s * 1000
            for s in timed_runs(
                lambda sql=sql, args=args: conn.execute(sql, args).fetchall(), sizes.runs
            )
        )
        figure["rows"] = len(conn.execute(sql, args).fetchall())
        queries[name] = figure
        report.row("3 storage", name, figure, "ms")
    conn.close()
    floor_db.close()
    docs_per_s = stats(rates)
    floor = stats(floor_rates)
    report.row("3 storage", "Store.add + flush", docs_per_s, "docs/s")
    report.row("3 storage", "floor: same bytes, insert_all, no FTS/index", floor, "docs/s")
    return {
        "documents": sizes.documents,
        "docs_per_s": docs_per_s["median"],
        "docs_per_s_by_chunk": docs_per_s,
        "floor_docs_per_s": floor["median"],
        "citynews_vs_floor": docs_per_s["median"] / floor["median"],
        "chunk_documents": per_chunk,
        "database_mb": size_mb,
        "schema_s": schema_s,
        "refresh_derived_s": derived_s,
        "queries_ms": queries,
        "slowest_query_ms": max(q["median"] for q in queries.values()),
    }, path


# One fresh build in a process of its own, as `citynews feeds` runs: its peak RSS (wait4).
_FEEDS_CHILD = """
import resource, sys
from pathlib import Path
from citynews.feeds.build import build_feeds
print(build_feeds(Path(sys.argv[1]), Path(sys.argv[2])))
# Its helper process (feeds.feedwriter) has been waited for: its peak is the children's.
print("helper peak RSS MB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


# A timed build, as `citynews feeds` runs it: in a process of its own. Run in the bench's
# process after the storage case, the same build was 1-2 s slower.
_FEEDS_TIMED = """
import json, sys, time
from pathlib import Path
from citynews.feeds.build import build_feeds
started = time.perf_counter()
report = build_feeds(Path(sys.argv[1]), Path(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - started, "groups": report.seconds_by_group}))
"""


def _ram_folder(work: Path) -> Path:
    """A new folder on /dev/shm when it has room for a build's output (about 600 MB), else
    ``work``."""
    shm = Path("/dev/shm")
    try:
        if shutil.disk_usage(shm).free > 2 * 1024 * MB:
            return Path(tempfile.mkdtemp(prefix="citynews-feeds-", dir=shm))
    except OSError:
        pass
    return work


def case_feeds(sizes: Sizes, db: Path, work: Path, report: Report) -> dict[str, Any]:
    from citynews.feeds.build import build_feeds

    outputs = iter(range(1000))
    groups: list[dict[str, float]] = []
    # The timed builds write to a RAM folder where there is one: they measure the build, not
    # the disk. On this VM's ext4 (no journal), creating a file walks past every inode freed in
    # its block group in the last hours (the kernel's "recently deleted" check), so one file
    # cost from 40 us to 1 ms depending on what the day's test runs had deleted: the same
    # build took 10 to 23 s. The build in a process of its own below still writes to the disk.
    ram = _ram_folder(work)

    def fresh_builds(runs: int) -> list[float]:
        # Only the build is timed (not Python's start): the last build's 9,600 files are
        # removed and flushed first.
        seconds = []
        for _ in range(runs + 1):
            out = ram / f"feeds-{next(outputs)}"
            os.sync()
            done = subprocess.run(
                [sys.executable, "-c", _FEEDS_TIMED, str(db), str(out)],
                cwd=REPO,
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(done.stdout.splitlines()[-1])
            seconds.append(result["seconds"])
            groups.append(result["groups"])
            shutil.rmtree(out)
        return seconds[1:]  # the first is the warm-up

    seconds = stats(fresh_builds(sizes.runs))
    # Place feeds (a feed and a calendar per town and district: thousands of files, most of
    # the bytes) have their own figure; the rest keeps the budget it had before them. With
    # helper processes these are the seconds of all processes added up, not wall time.
    places = stats(g.get("orte", 0.0) for g in groups)
    others = stats(sum(t for group, t in g.items() if group != "orte") for g in groups)
    out = work / "feeds-rebuild"
    last = build_feeds(db, out)
    # Informational only: two runs keep `make bench` within its time budget.
    rebuild = stats(timed_runs(lambda: build_feeds(db, out), 2, warmup=False))
    child_out = work / "feeds-child"
    os.sync()
    child = _run_child(
        [sys.executable, "-c", _FEEDS_CHILD, str(db), str(child_out)], work / "feeds-child.log"
    )
    shutil.rmtree(child_out)
    helper_line = (work / "feeds-child.log").read_text().rsplit("helper peak RSS MB", 1)[-1]
    helper_rss = float(helper_line.split()[0])
    if ram != work:
        shutil.rmtree(ram)
    report.row(
        "4 feeds", f"all feeds + calendars, own process, fresh dir ({ram.parent})", seconds, "s"
    )
    report.row("4 feeds", "  of which place feeds + calendars", places, "s")
    report.row("4 feeds", "  all but place feeds", others, "s")
    report.row("4 feeds", "rebuild, nothing changed", rebuild, "s")
    report.row(
        "4 feeds", "fresh build in a process of its own, on disk", stats([child.wall_s]), "s"
    )
    report.row("4 feeds", "  its peak RSS", stats([child.peak_rss_mb]), "MB")
    report.row("4 feeds", "  its helper processes' peak RSS", stats([helper_rss]), "MB")
    report.row(
        "4 feeds", "  peak memory of all its processes (PSS)", stats([child.peak_tree_pss_mb]), "MB"
    )
    calendars = sum(1 for f in last.feeds if f.files[0].endswith(".ics"))
    place_feeds = sum(
        1 for f in last.feeds if f.group == "orte" and f.files[0].endswith(".rss.xml")
    )
    return {
        "build_s": seconds["median"],
        "build": seconds,
        "place_feeds_s": places["median"],
        "without_place_feeds_s": others["median"],
        "rebuild_s": rebuild["median"],
        "rebuild": rebuild,
        "child_build_s": child.wall_s,
        "peak_rss_mb": child.peak_rss_mb,
        "helper_peak_rss_mb": helper_rss,
        "peak_rss_both_mb": child.peak_rss_mb + helper_rss,
        "peak_tree_pss_mb": child.peak_tree_pss_mb,
        "processes": last.processes,
        "feeds": len(last.feeds) - calendars,
        "place_feeds": place_feeds,
        "calendars": calendars,
        "files": len(last.written),
        "megabytes": sum(
            (out / name).stat().st_size for name in last.written if (out / name).exists()
        )
        / MB,
    }


# --- main ---------------------------------------------------------------------------------------


def micro_case(report: Report, *, quick: bool) -> dict[str, Any]:
    from micro import case_micro

    figures = case_micro(quick, timed_runs)
    report.row(
        "5 micro", "German dates, 3,000 characters", stats(figures["find_dates_ms_runs"]), "ms"
    )
    report.row("5 micro", "topics, 3,000 characters", stats(figures["tag_ms_runs"]), "ms")
    label = f"near-duplicates of {figures['dedup_items']:,} signatures"
    report.row("5 micro", label, stats([figures["dedup_s"]]), "s")
    label = f"near-duplicate peak, {figures['dedup_similar_items']:,} similar"
    report.row("5 micro", label, stats([figures["dedup_peak_mb"]]), "MB")
    return figures


def verdicts(cases: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for case, key, op, bound, label in TARGETS:
        value = cases.get(case, {}).get(key)
        if value is None:
            verdict = "SKIP"
        else:
            ok = value >= bound if op == ">=" else value < bound
            verdict = "PASS" if ok else "MISS"
        out.append(
            {
                "case": case,
                "key": key,
                "label": label,
                "op": op,
                "bound": bound,
                "value": value,
                "verdict": verdict,
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="citynews benchmarks")
    parser.add_argument("--quick", action="store_true", help="tiny inputs (smoke test)")
    parser.add_argument("--profile", action="store_true", help="profile citynews' extraction")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--only",
        type=lambda text: set(text.split(",")),
        default=set(GROUPS),
        metavar="GROUP[,GROUP]",
        help=f"run only these groups of cases: {', '.join(GROUPS)} (default: all)",
    )
    args = parser.parse_args(argv)
    if unknown := args.only - set(GROUPS):
        parser.error(f"--only: unknown group {', '.join(sorted(unknown))}")
    sizes = QUICK if args.quick else FULL
    report = Report()
    cases: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="citynews-bench-") as tmp:
        work = Path(tmp)

        def step(name: str, fn: Callable[[], Any]) -> Any:
            # Each case as in a process of its own (citynews feeds runs in one): what earlier
            # cases left alive is kept out of the collector's scans, which otherwise slowed
            # the feeds build after the crawl cases from 4.1 to 5.9 s.
            gc.collect()
            gc.freeze()
            t = time.perf_counter()
            print(f"[{time.perf_counter() - started:6.1f} s] {name} ...", flush=True)
            value = fn()
            print(
                f"[{time.perf_counter() - started:6.1f} s] {name} done in"
                f" {time.perf_counter() - t:.1f} s",
                flush=True,
            )
            return value

        if "extraction" in args.only:
            cases["extraction"] = step(
                "extraction", lambda: case_extraction(sizes, report, profile=args.profile)
            )
            cases["extract_cli"] = step(
                "extract CLI", lambda: case_extract_cli(sizes, work, report)
            )
            cases["places"] = step("places", lambda: case_places(sizes, report))
            cases["ical"] = step(
                "iCal", lambda: icalbench.case_ical(report, stats, runs=1 if args.quick else 3)
            )
        if "crawl" in args.only:
            cases["crawl"] = step("crawl", lambda: case_crawl(sizes, work, report))
            children = cases["crawl"].pop("_children")
            cases["memory"] = step("memory", lambda: case_memory(sizes, work, report, children))
        if "storage" in args.only:
            storage, db = step("storage", lambda: case_storage(sizes, work, report))
            cases["storage"] = storage
            cases["feeds"] = step("feeds", lambda: case_feeds(sizes, db, work, report))
        if "micro" in args.only:
            cases["micro"] = step("micro", lambda: micro_case(report, quick=args.quick))
    results = verdicts(cases)
    report.print_table(results)
    crawl = cases.get("crawl")
    extraction = cases.get("extraction", {})
    if crawl:
        print(
            f"\nglue: expected {crawl['expected_pages_per_s']:.1f} pages/s ="
            f" 1/(1/bare + 1/extract); citynews {crawl['citynews_pages_per_s']['median']:.1f}"
            f" → ratio {crawl['glue_ratio']:.2f} (from CPU seconds: {crawl['glue_ratio_cpu']:.2f})"
        )
    if "citynews_vs_trafilatura" in extraction:
        print(
            f"extraction: citynews ÷ trafilatura(with_metadata) ="
            f" {extraction['citynews_vs_trafilatura']:.2f},"
            f" citynews ÷ htmldate = "
            f"{extraction['citynews_pages_per_s'] / extraction['htmldate_pages_per_s']:.2f}"
        )
    memory = cases.get("memory")
    if memory:
        quarters = memory["rss_mb_at_quarters_of_long_crawl"]
        print(
            f"memory: peak RSS {memory['peak_rss_mb_short']:.0f} MB ({memory['short_articles']})"
            f" vs {memory['peak_rss_mb_long']:.0f} MB ({memory['long_articles']}),"
            " RSS at 25/50/75/100 % of the long crawl: "
            + ", ".join("-" if v is None else f"{v:.0f}" for v in quarters)
        )
    total = time.perf_counter() - started
    print(f"total {total:.0f} s")
    payload = {
        "meta": {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "quick": args.quick,
            "groups": sorted(args.only),
            "seconds": total,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "sizes": sizes.__dict__,
        },
        "cases": cases,
        "targets": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    print(f"results: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
