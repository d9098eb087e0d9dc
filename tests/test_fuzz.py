"""Property tests: hostile HTML, bytes and Unicode never crash extraction or cost other documents.

Each property runs 500 examples of small inputs (the suite stays well under a minute), with
no deadline: the first call loads the gazetteer. Unicode here includes lone surrogates,
control characters and bidi overrides, the characters that used to lose whole batches.
"""

from __future__ import annotations

import itertools
import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citynews.model import Document, Event, TopicMatch
from citynews.normalize.cleantext import needs_cleaning
from citynews.normalize.document import Normalizer, document_json
from citynews.storage.store import STORE_FAILED, Store, open_db

PROPERTY = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Every code point, surrogates included, with the troublemakers made likely.
ANY_CHAR = st.characters(exclude_categories=[])
HOSTILE_CHAR = st.sampled_from(
    ["\ud800", "\udfff", "\x00", "\x0b", "\x0c", "\x1b", "\x85", "\u202e", "\u2066", "\u2028"]
)
HOSTILE_TEXT = st.text(st.one_of(ANY_CHAR, HOSTILE_CHAR), max_size=40)
WORDS = st.lists(
    st.sampled_from(["Rathaus", "Halle", "Bürgeramt", "Radweg", "Sitzung", "am", "12.03.2026"]),
    max_size=12,
).map(" ".join)
JSON_ESCAPES = st.sampled_from(["\\ud800", "\\udc00", "\\u0000", "\\u000b", "\\u202e", '\\"', ""])


@st.composite
def hostile_pages(draw) -> str:
    """A German-looking page with hostile text in title, JSON-LD, dates and body."""

    def piece() -> str:
        return draw(WORDS) + draw(HOSTILE_TEXT) + draw(WORDS)

    escape = draw(JSON_ESCAPES)
    jsonld = (
        '{"@type": "Event", "name": "'
        + escape
        + draw(WORDS)
        + '", "startDate": "'
        + draw(st.sampled_from(["2026-03-12T10:00", "2026-13-40", "", "12.03.2026", escape]))
        + '", "location": {"address": "'
        + escape
        + '"}}'
    )
    return (
        f"<html><head><title>{piece()}</title>"
        f'<script type="application/ld+json">{jsonld}</script>'
        f'<meta property="article:published_time" content="{draw(HOSTILE_TEXT)}"></head>'
        f"<body><main><h1>{piece()}</h1><p>{piece()}</p><time>{draw(HOSTILE_TEXT)}</time>"
        f"<p>{piece()} {piece()}</p></main></body></html>"
    )


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    normalizer = Normalizer()
    normalizer.preload()
    return normalizer


def assert_clean_record(doc: Document) -> None:
    for value in (doc.title or "", doc.text, doc.summary, *doc.keywords):
        assert not needs_cleaning(value), repr(value)
    for event in doc.events:
        assert not needs_cleaning(event.title), repr(event.title)
    # The record `citynews extract` prints can always be written as UTF-8.
    json.dumps(document_json(doc), ensure_ascii=False).encode("utf-8")


@PROPERTY
@given(html=st.one_of(hostile_pages(), st.text(st.one_of(ANY_CHAR, HOSTILE_CHAR), max_size=300)))
def test_hostile_text_never_crashes_extraction(normalizer, html):
    doc = normalizer(html, "https://stadt.example/aktuelles/meldung.html", home_region="15002")
    assert_clean_record(doc)


@PROPERTY
@given(
    body=st.one_of(
        st.binary(max_size=400), hostile_pages().map(lambda s: s.encode("utf-8", "surrogatepass"))
    )
)
def test_hostile_bytes_never_crash_extraction(normalizer, body):
    doc = normalizer(body, "https://stadt.example/aktuelles/meldung.html")
    assert_clean_record(doc)


def _document(url: str, title: str, text: str, event_title: str | None) -> Document:
    return Document(
        url=url,
        source="fuzz",
        title=title,
        kind="article",
        published=date(2026, 3, 12),
        modified=None,
        published_source="text",
        text=text,
        keywords=[title[:5]],
        topics=[TopicMatch("verwaltung", 1.0, "keyword:" + title[:3], [text[:5]])],
        events=[Event(event_title, date(2026, 3, 20))] if event_title is not None else [],
    )


def test_a_storage_batch_never_raises_and_never_loses_another_document(tmp_path):
    """Hostile documents straight into the store (as if cleaning had been skipped)."""
    db = open_db(tmp_path / "fuzz.db")
    numbers = itertools.count()

    @PROPERTY
    @given(
        hostile=st.lists(
            st.tuples(HOSTILE_TEXT, HOSTILE_TEXT, st.none() | HOSTILE_TEXT), min_size=1, max_size=4
        ),
        good=st.integers(min_value=0, max_value=3),
    )
    def check(hostile, good):
        store = Store(db)
        run = store.start_run("fuzz")
        batch = next(numbers)
        good_urls = [f"https://stadt.example/{batch}/gut-{i}" for i in range(good)]
        bad_urls = [f"https://stadt.example/{batch}/boese-{i}" for i in range(len(hostile))]
        docs = [_document(u, "Gute Meldung", "Text über Halle", "Workshop") for u in good_urls]
        docs += [_document(u, *parts) for u, parts in zip(bad_urls, hostile, strict=True)]
        for i, doc in enumerate(sorted(docs, key=lambda d: hash((d.url, batch)))):
            store.add(doc, raw_html=b"<html>%d</html>" % i)
        store.flush()
        stored = {
            r[0]
            for r in db.execute(
                "select url from documents where url like ?", [f"https://stadt.example/{batch}/%"]
            )
        }
        failed = {
            r[0]
            for r in db.execute(
                "select url from fetch_events where run_id = ? and outcome = ?", [run, STORE_FAILED]
            )
        }
        assert set(good_urls) <= stored
        assert stored | failed == set(good_urls) | set(bad_urls)
        assert store.stats["fuzz"].new == len(stored)

    check()
    db.close()
