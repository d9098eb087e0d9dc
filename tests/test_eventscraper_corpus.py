"""Event extraction on the real German event pages of shared/corpus/eventscraper-de-events.

Expected values are the page's visible ones (``page_visible`` in ground_truth.json), not the
upstream test's: upstream expects its scraper's default 12:00 for bund1 and copies the ADFC
JSON-LD's "+00:00" label.

The "+00:00" decision: the ADFC JSON-LD says 09:00+00:00 while the page shows "09:00 - 17:00"
on a day when Leipzig was at UTC+1. Germany is never at UTC+0, so when the page shows the same
clock numbers the label is wrong and the shown wall clock wins: start 09:00 Europe/Berlin.
Without such a visible time the label is trusted and converted (the same instant).

Two paths are checked: the real one (``Normalizer()(html_bytes, url)``: page extraction, then
events, places and topics) and ``extract_events`` alone on a Page built here with plain lxml,
so that a fault can be told apart as page extraction's or the event reader's.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path

import lxml.html
import pytest

from citynews.model import Document, Event, Page
from citynews.normalize.dates import BERLIN
from citynews.normalize.document import Normalizer
from citynews.normalize.events import extract_events

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


@cache
def normalized(name: str) -> Document:
    return Normalizer()((CORPUS / name).read_bytes(), ground_truth()[name]["url_used_in_test"])


def the_event(name: str, path: str) -> Event:
    events = normalized(name).events if path == "pipeline" else extract_events(build_page(name))
    assert len(events) == 1, events
    return events[0]


PATHS = pytest.mark.parametrize("path", ["pipeline", "events-only"])
ADFC1 = "tests/dummypages/adfc1.html"
ADFC2 = "tests/dummypages/adfc2_problematic.html"
BUND1 = "tests/dummypages/bund1.html"


@PATHS
@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        # "Fr. 25. Mar 2022", "09:00 - 17:00": wall clock in Leipzig (CET).
        (ADFC1, at(2022, 3, 25, 9), at(2022, 3, 25, 17)),
        # "Sa. 9. Apr 2022", "08:00 - 11:00" (CEST).
        (ADFC2, at(2022, 4, 9, 8), at(2022, 4, 9, 11)),
        # Startdatum 21. März 2022, Enddatum 1. Juni 2022, Uhrzeit 19 Uhr: weekly until June.
        (BUND1, at(2022, 3, 21, 19), date(2022, 6, 1)),
    ],
)
def test_start_and_end_match_the_page(
    name: str, start: datetime, end: date | datetime, path: str
) -> None:
    event = the_event(name, path)
    assert (event.start, event.end, event.all_day) == (start, end, False)
    assert event.start.utcoffset() == start.utcoffset()


@pytest.mark.parametrize("name", [ADFC1, ADFC2, BUND1])
def test_pipeline_sees_an_event_page(name: str) -> None:
    doc = normalized(name)
    assert doc.kind == "event"
    assert "veranstaltungen" in [t.slug for t in doc.topics]
    # The event's days are no publication date; none is shown, so none is guessed.
    assert doc.published is None


@PATHS
@pytest.mark.parametrize(("name", "ags"), [(ADFC1, "14713000"), (ADFC2, "11000000")])
def test_adfc_location(name: str, ags: str, path: str) -> None:
    visible = ground_truth()[name]["page_visible"]
    expected_location = ground_truth()[name]["repo_test_expectation"]["location"]
    event = the_event(name, path)
    # The page shows the address only; it names no venue.
    assert event.venue is None
    assert event.address == expected_location
    assert visible["postal_code"] in event.address
    assert event.place_name == visible["city"]
    if path == "pipeline":
        assert event.place is not None
        assert (event.place.name, event.place.ags) == (visible["city"], ags)


@PATHS
def test_adfc_online_seminar_is_online(path: str) -> None:
    assert the_event(ADFC2, path).online
    assert not the_event(ADFC1, path).online


@PATHS
def test_bund_place_is_online(path: str) -> None:
    visible = ground_truth()[BUND1]["page_visible"]
    event = the_event(BUND1, path)
    assert visible["Ort"] == "online"
    assert event.online
    assert (event.venue, event.address, event.place) == (None, None, None)
    assert event.title == "BUNDjugend Plenum"


def test_bund_details_box_reaches_the_text() -> None:
    visible = ground_truth()[BUND1]["page_visible"]
    text = normalized(BUND1).text
    for label in ("Startdatum", "Enddatum", "Uhrzeit", "Ort"):
        assert f"{label}: {visible[label]}" in text
    # The body's other date ("am 25.03.", the strike) is no second event of this page.
    assert "25.03." in text


@PATHS
@pytest.mark.parametrize(
    ("name", "title"),
    [(ADFC1, "Globaler Klimastreik"), (ADFC2, "Online moderieren und aktivieren (online)")],
)
def test_titles(name: str, title: str, path: str) -> None:
    expected = ground_truth()[name]["repo_test_expectation"]["title"]
    assert the_event(name, path).title == title == expected
