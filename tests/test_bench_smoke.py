"""`make bench` must not rot: run the benchmark script on tiny inputs and check its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CASES = ("crawl", "extraction", "storage", "feeds", "memory")
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("bench") / "latest.json"
    completed = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    assert "glue" in completed.stdout
    return json.loads(out.read_text())


def test_all_five_cases_are_reported(result: dict) -> None:
    assert set(CASES) <= set(result["cases"])
    assert result["meta"]["quick"] is True


@pytest.mark.parametrize(
    ("case", "key"),
    [
        ("crawl", "glue_ratio"),
        ("crawl", "expected_pages_per_s"),
        ("storage", "docs_per_s"),
        ("storage", "slowest_query_ms"),
        ("storage", "database_mb"),
        ("storage", "floor_docs_per_s"),
        ("feeds", "build_s"),
        ("feeds", "place_feeds_s"),
        ("feeds", "without_place_feeds_s"),
        ("feeds", "rebuild_s"),
        ("memory", "peak_rss_mb_short"),
        ("memory", "peak_rss_mb_long"),
        ("memory", "growth"),
    ],
)
def test_case_has_a_positive_number(result: dict, case: str, key: str) -> None:
    value = result["cases"][case][key]
    assert isinstance(value, int | float) and not isinstance(value, bool)
    assert value > 0


@pytest.mark.parametrize("runner", ["bare_pages_per_s", "citynews_pages_per_s"])
def test_crawl_rates_are_summaries(result: dict, runner: str) -> None:
    figure = result["cases"]["crawl"][runner]
    assert figure["min"] <= figure["median"] <= figure["max"]
    assert figure["runs"] >= 1


def test_both_crawls_fetch_every_generated_article(result: dict) -> None:
    crawl = result["cases"]["crawl"]
    site = crawl["site_articles"]
    assert all(run["articles"] == site for run in crawl["bare_runs"])
    assert all(run["articles"] == site for run in crawl["citynews_runs"])
    assert (
        result["cases"]["memory"]["long_documents_stored"]
        == result["cases"]["memory"]["long_articles"]
    )


def test_every_view_query_is_timed(result: dict) -> None:
    queries = result["cases"]["storage"]["queries_ms"]
    views = {name.split(":")[0] for name in queries}
    assert views == {"v_documents", "v_events_upcoming", "v_topic_month", "v_place_counts"}
    assert all(q["median"] > 0 for q in queries.values())


def test_targets_carry_a_verdict(result: dict) -> None:
    verdicts = {t["verdict"] for t in result["targets"]}
    assert verdicts <= {"PASS", "MISS", "SKIP"}
    assert len(result["targets"]) >= 7


def test_extraction_compares_engines_when_the_corpus_exists(result: dict) -> None:
    extraction = result["cases"]["extraction"]
    if not (SHARED / "corpus").exists():
        assert "skipped" in extraction
        pytest.skip("shared corpus absent")
    for engine in ("citynews", "trafilatura", "htmldate"):
        assert extraction[f"{engine}_pages_per_s"] > 0
    assert extraction["citynews_vs_trafilatura"] > 0
