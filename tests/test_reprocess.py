"""`citynews reprocess`: stored pages normalized again after a taxonomy change, no network."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from citynews.config import SAMPLE_SOURCES, load_sources
from citynews.errors import InputError, LockedError
from citynews.normalize.topics import DEFAULT_TAXONOMY
from citynews.ops.lock import crawl_lock
from citynews.ops.reprocess import ReprocessResult, since_key
from citynews.ops.reprocess import reprocess as run_reprocess
from tests.conftest import query, run_cli

pytestmark = pytest.mark.slow

SUMMARY = re.compile(r"^reprocess: (\d+) documents, (\d+) updated(?:, \d+ skipped)? in [\d.]+ s$")
NEW_TOPIC = """
[topics.kongresse]
name = "Kongresse und Tagungen"
description = "Fachkongresse, Tagungen und Konferenzen rund um die digitale Kommune."
keywords = [{ match = "*kongress*", weight = 2 }, { match = "*konferenz*", weight = 2 }]
"""


def copy_db(src: Path, dst: Path) -> Path:
    with sqlite3.connect(src) as source, sqlite3.connect(dst) as target:
        source.backup(target)
    return dst


def topics_of(db: Path) -> set[tuple[str, str]]:
    return set(query(db, "select document_id, topic from document_topics"))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    from citynews.sample.sites import SampleServer

    tmp = tmp_path_factory.mktemp("reprocess")
    db = tmp / "crawled.db"
    with SampleServer() as server:
        result = run_cli(
            "crawl", "--sources", str(SAMPLE_SOURCES), "--db", str(db), "--proxy", server.proxy_url
        )
    assert result.returncode == 0, result.stderr[-3000:]
    return db


@pytest.fixture
def taxonomy(tmp_path) -> Path:
    """A copy of the real taxonomy without the topic "daten" and with a new "kongresse"."""
    text = DEFAULT_TAXONOMY.read_text(encoding="utf-8")
    start = text.index("[topics.daten]")
    end = text.index("\n[topics.", start + 1)
    path = tmp_path / "topics.toml"
    path.write_text(text[:start] + text[end + 1 :] + NEW_TOPIC, encoding="utf-8")
    return path


def reprocess_in_process(db: Path, **kwargs) -> ReprocessResult:
    return run_reprocess(db, config=load_sources(SAMPLE_SOURCES), **kwargs)


def reprocess(db: Path, *args: str):
    return run_cli("reprocess", "--db", str(db), "--sources", str(SAMPLE_SOURCES), *args)


def test_reprocess_with_unchanged_rules_changes_nothing(crawled, tmp_path):
    db = copy_db(crawled, tmp_path / "c.db")
    tables = ("documents", "document_topics", "document_places", "events")
    before = {t: query(db, f"select * from {t} order by 1, 2") for t in tables}
    result = reprocess(db)
    assert result.returncode == 0, result.stderr[-3000:]
    match = SUMMARY.match(result.stdout.strip())
    assert match, result.stdout
    assert int(match.group(1)) == len(before["documents"]) and match.group(2) == "0"
    for table in ("document_topics", "document_places", "events"):
        assert query(db, f"select * from {table} order by 1, 2") == before[table], table


def test_reprocess_uses_the_configuration_the_pages_were_crawled_with(crawled, tmp_path):
    """Without --sources (the default sources file knows none of the sample portals) and with
    a sources file that moved a portal's home region: nothing changes, the feeds stay as they
    were, and the source-home place links are kept."""
    db = copy_db(crawled, tmp_path / "c.db")
    feeds = tmp_path / "feeds"
    assert (
        run_cli(
            "feeds",
            "--db",
            str(db),
            "--out",
            str(feeds),
            "--base-url",
            "https://feeds.example.org/",
        ).returncode
        == 0
    )
    files = _published(feeds)
    homes = query(
        db, "select document_id, ags from document_places where role = 'source-home' order by 1"
    )
    assert homes
    moved = tmp_path / "sources.toml"
    text = SAMPLE_SOURCES.read_text(encoding="utf-8")
    moved.write_text(re.sub(r'home_region = "\d+"', 'home_region = "09162"', text), "utf-8")
    for args in ((), ("--sources", str(moved))):
        result = run_cli("reprocess", "--db", str(db), *args)
        assert result.returncode == 0, result.stderr[-3000:]
        match = SUMMARY.match(result.stdout.strip())
        assert match and match.group(2) == "0", result.stdout
    assert (
        query(
            db, "select document_id, ags from document_places where role = 'source-home' order by 1"
        )
        == homes
    )
    rebuilt = run_cli(
        "feeds", "--db", str(db), "--out", str(feeds), "--base-url", "https://feeds.example.org/"
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert " 0 files written" in rebuilt.stdout, rebuilt.stdout
    assert _published(feeds) == files


def _published(feeds: Path) -> dict[Path, bytes]:
    # Not the builder's own state (dot files): its build key follows every database write.
    return {p: p.read_bytes() for p in feeds.rglob("*") if p.is_file() and p.name[0] != "."}


def test_documents_remember_their_source_configuration(crawled):
    rows = query(
        crawled,
        "select d.source, c.source, c.home_region, d.crawl_hints from documents d"
        " join source_configs c on c.key = d.source_config",
    )
    assert len(rows) == query(crawled, "select count(*) from documents")[0][0]
    config = load_sources(SAMPLE_SOURCES)
    for source, recorded, home_region, hints in rows:
        configured = config.sources[source].home_region
        assert recorded == source
        # A council system's body states its own AGS where the source configures none.
        assert home_region == configured or (configured is None and home_region)
        # Records of calendars, JSON exports and council systems come with no crawl hints.
        assert hints is None or json.loads(hints)["kind"] in ("article", "event", None)
    assert any(hints for *_, hints in rows)


def test_reprocess_after_a_taxonomy_change_updates_topics_without_network(
    crawled, tmp_path, taxonomy
):
    db = copy_db(crawled, tmp_path / "c.db")
    before = topics_of(db)
    assert any(topic == "daten" for _, topic in before)
    documents = query(db, "select id, first_seen, url from documents order by id")
    # No server runs now: any network access would fail the documents' re-extraction.
    result = reprocess(db, "--taxonomy", str(taxonomy))
    assert result.returncode == 0, result.stderr[-3000:]
    match = SUMMARY.match(result.stdout.strip())
    assert match and int(match.group(2)) > 0, result.stdout
    after = topics_of(db)
    assert not any(topic == "daten" for _, topic in after)
    congress = {doc for doc, topic in after if topic == "kongresse"}
    titled = {
        doc
        for doc, title in query(db, "select id, title from documents")
        if re.search("kongress|konferenz", title, re.IGNORECASE)
    }
    assert titled and titled <= congress
    untouched = {(d, t) for d, t in before if t != "daten"}
    assert untouched <= after  # other topics stay as they were
    assert query(db, "select id, first_seen, url from documents order by id") == documents
    assert query(db, "select name from topics where slug = 'kongresse'") == [
        ("Kongresse und Tagungen",)
    ]
    assert query(db, "pragma integrity_check") == [("ok",)]


def test_reprocess_one_source_leaves_the_others_alone(crawled, tmp_path, taxonomy):
    db = copy_db(crawled, tmp_path / "c.db")
    before = topics_of(db)
    result = reprocess_in_process(db, source="smartcity-halle", taxonomy_path=taxonomy)
    sources = dict(query(db, "select id, source from documents"))
    changed = before ^ topics_of(db)
    assert changed and {sources[doc] for doc, _ in changed} == {"smartcity-halle"}
    count = query(db, "select count(*) from documents where source = 'smartcity-halle'")[0][0]
    assert result.documents == count and 0 < result.updated <= count


def test_reprocess_refuses_to_run_during_a_crawl(crawled, tmp_path):
    db = copy_db(crawled, tmp_path / "c.db")
    with crawl_lock(db), pytest.raises(LockedError, match="another crawl"):
        reprocess_in_process(db)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"since": "gestern"}, "--since"), ({"source": "nirgendwo"}, "unknown source")],
)
def test_reprocess_usage_errors(crawled, tmp_path, kwargs, message):
    db = copy_db(crawled, tmp_path / "c.db")
    with pytest.raises(InputError, match=message):
        reprocess_in_process(db, **kwargs)


def test_reprocess_since_selects_recent_documents(crawled, tmp_path):
    db = copy_db(crawled, tmp_path / "c.db")
    keys = sorted(
        k for (k,) in query(db, "select coalesce(published_utc, first_seen) from documents")
    )
    middle = keys[len(keys) // 2][:10]
    seen = []
    result = reprocess_in_process(db, since=middle, progress=lambda done, total: seen.append(total))
    assert result.documents == sum(1 for k in keys if k >= middle) < len(keys)
    assert seen and set(seen) == {result.documents}


@pytest.mark.parametrize(("since", "key"), [(None, None), ("", None), ("2026-03-01", "2026-03-01")])
def test_since_key(since, key):
    assert since_key(since) == key


@pytest.mark.parametrize("since", ["01.03.2026", "2026-13-01", "gestern"])
def test_since_key_rejects_non_dates(since):
    with pytest.raises(InputError):
        since_key(since)


@pytest.mark.parametrize(
    ("result", "line"),
    [
        (ReprocessResult(40, 3, 37, 0, 2.13), "reprocess: 40 documents, 3 updated in 2.1 s"),
        (ReprocessResult(5, 0, 4, 1, 0.5), "reprocess: 5 documents, 0 updated, 1 skipped in 0.5 s"),
    ],
)
def test_summary_line(result, line):
    assert result.line() == line
