"""Event extraction on the real German event pages of shared/corpus/eventscraper-de-events.

Expected values are the page's visible ones (``page_visible`` in ground_truth.json), not the
upstream test's: upstream expects its scraper's default 12:00 for bund1 and copies the ADFC
JSON-LD's wrong "+00:00" label. The Page is built here with lxml so that this test does not
depend on page extraction.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path

import lxml.html
import pytest

from pipeline.dates import BERLIN
from pipeline.events import extract_events
from pipeline.model import Event, Page

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "eventscraper-de-events"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=BERLIN)


@cache
def ground_truth() -> dict[str, dict]:
    return json.loads((CORPUS / "ground_truth.json").read_text(encoding="utf-8"))


@cache
def build_page(name: str) -> Page:
    path = CORPUS / name
    root = lxml.html.fromstring(path.read_bytes())
    jsonld = []
    for script in root.xpath('//script[@type="application/ld+json"]'):
        try:
            jsonld.append(json.loads(script.text_content()))
        except ValueError:
            # The ADFC pages ship invalid JSON-LD (a number with a leading zero, stray
            # quotes); a strict reader drops it and the visible text must carry the event.
            continue
    for junk in root.xpath("//script|//style|//noscript|//template"):
        junk.drop_tree()
    container = (root.xpath("//main|//article") or [root.body])[0]
    lines = (line.strip() for line in container.text_content().splitlines())
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    heading = root.xpath("//h1")
    title = heading[0].text_content().strip() if heading else root.findtext(".//title")
    return Page(
        url=ground_truth()[name]["url_used_in_test"],
        title=" ".join(title.split()) if title else None,
        kind="event",
        text=text,
        jsonld=jsonld,
        language="de",
    )


def the_event(name: str) -> Event:
    events = extract_events(build_page(name))
    assert len(events) == 1, events
    return events[0]


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        # "Fr. 25. Mar 2022", "09:00 - 17:00": wall clock in Leipzig (CET).
        ("tests/dummypages/adfc1.html", at(2022, 3, 25, 9), at(2022, 3, 25, 17)),
        # "Sa. 9. Apr 2022", "08:00 - 11:00" (CEST).
        ("tests/dummypages/adfc2_problematic.html", at(2022, 4, 9, 8), at(2022, 4, 9, 11)),
        # Startdatum 21. März 2022, Enddatum 1. Juni 2022, Uhrzeit 19 Uhr: weekly until June.
        ("tests/dummypages/bund1.html", at(2022, 3, 21, 19), date(2022, 6, 1)),
    ],
)
def test_start_and_end_match_the_page(name: str, start: datetime, end: date | datetime) -> None:
    event = the_event(name)
    assert (event.start, event.end, event.all_day) == (start, end, False)
    assert event.start.utcoffset() == start.utcoffset()


@pytest.mark.parametrize(
    "name", ["tests/dummypages/adfc1.html", "tests/dummypages/adfc2_problematic.html"]
)
def test_adfc_location(name: str) -> None:
    visible = ground_truth()[name]["page_visible"]
    expected_location = ground_truth()[name]["repo_test_expectation"]["location"]
    event = the_event(name)
    # The page shows the address only; it names no venue.
    assert event.venue is None
    assert event.address == expected_location
    assert visible["postal_code"] in event.address
    assert event.place_name == visible["city"]


def test_adfc_online_seminar_is_online() -> None:
    assert the_event("tests/dummypages/adfc2_problematic.html").online
    assert not the_event("tests/dummypages/adfc1.html").online


def test_bund_place_is_online() -> None:
    visible = ground_truth()["tests/dummypages/bund1.html"]["page_visible"]
    event = the_event("tests/dummypages/bund1.html")
    assert visible["Ort"] == "online"
    assert event.online
    assert (event.venue, event.address) == (None, None)
    assert event.title == "BUNDjugend Plenum"


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("tests/dummypages/adfc1.html", "Globaler Klimastreik"),
        ("tests/dummypages/adfc2_problematic.html", "Online moderieren und aktivieren (online)"),
    ],
)
def test_titles(name: str, title: str) -> None:
    assert the_event(name).title == title == ground_truth()[name]["repo_test_expectation"]["title"]
