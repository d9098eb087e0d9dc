"""OParl council systems: mapping of Meeting and Paper, and crawls of a system written here
after the specification's examples (System → Body → paginated lists)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citynews.errors import InputError
from citynews.model import BERLIN
from citynews.normalize import oparl
from tests.conftest import run_cli
from tests.dataserver import DataServer, crawl, rows, source_file

T = "https://schema.oparl.org/1.1/"
MODIFIED = "2026-02-01T10:00:00+01:00"


def meeting(n: int, **extra) -> dict:
    return {
        "id": f"{{base}}/oparl/meeting/{n}",
        "type": T + "Meeting",
        "name": f"{n}. Sitzung des Ausschusses für Digitales",
        "start": f"2026-03-{n:02d}T17:00:00+01:00",
        "end": f"2026-03-{n:02d}T19:30:00+01:00",
        "organization": ["{base}/oparl/organization/4"],
        "location": {
            "id": "{base}/oparl/location/1",
            "type": T + "Location",
            "description": "Ratssaal",
            "streetAddress": "Marktplatz 1",
            "postalCode": "52393",
            "locality": "Hürtgenwald",
            "geojson": {"type": "Point", "coordinates": [6.3611, 50.7103]},
        },
        "agendaItem": [
            {
                "id": f"{{base}}/oparl/agendaitem/{n}1",
                "type": T + "AgendaItem",
                "number": "1",
                "name": "Eröffnung der Sitzung",
            },
            {
                "id": f"{{base}}/oparl/agendaitem/{n}2",
                "type": T + "AgendaItem",
                "number": "2",
                "name": "Breitbandausbau in den Ortsteilen",
            },
        ],
        "web": f"https://ratsinfo.example/sitzung/{n}",
        "created": "2026-01-10T09:00:00+01:00",
        "modified": MODIFIED,
        **extra,
    }


PAPER = {
    "id": "{base}/oparl/paper/749",
    "type": T + "Paper",
    "name": "Antrag auf freies WLAN am Rathausplatz",
    "reference": "DS 12/2026",
    "date": "2026-02-20",
    "paperType": "Antrag",
    "mainFile": {
        "id": "{base}/oparl/file/9",
        "type": T + "File",
        "name": "Antragstext",
        "accessUrl": "https://ratsinfo.example/files/antrag-12.pdf",
    },
    "web": "https://ratsinfo.example/vorlage/749",
    "created": "2026-02-20T08:00:00+01:00",
    "modified": MODIFIED,
}
MEETINGS = [meeting(2), meeting(3), meeting(9, cancelled=True), meeting(10), meeting(16)]


def fill(value, base: str):
    return json.loads(json.dumps(value).replace("{base}", base))


def paged(objects: list[dict], path: str, base: str, per_page: int = 2):
    """An OParl list answer honouring ``page`` and ``modified_since``."""

    def answer(query: dict[str, list[str]]) -> tuple[bytes, str]:
        since = query.get("modified_since", [None])[0]
        chosen = [
            o
            for o in objects
            if since is None
            or datetime.fromisoformat(o["modified"]) >= datetime.fromisoformat(since)
        ]
        page = int(query.get("page", ["1"])[0])
        data = chosen[(page - 1) * per_page : page * per_page]
        links = {}
        if page * per_page < len(chosen):
            extra = f"&modified_since={since}" if since else ""
            links["next"] = f"{base}{path}?page={page + 1}{extra}"
        body = {"data": fill(data, base), "links": links, "pagination": {"currentPage": page}}
        return json.dumps(body).encode(), "application/json"

    return answer


def system(base: str) -> dict:
    prefix = "/oparl"
    body = {
        "id": f"{base}{prefix}/body/1",
        "type": T + "Body",
        "system": f"{base}{prefix}/system",
        "name": "Gemeinde Hürtgenwald",
        "ags": "05358024",
        "organization": f"{base}{prefix}/body/1/organizations",
        "meeting": f"{base}{prefix}/body/1/meetings",
        "paper": f"{base}{prefix}/body/1/papers",
    }
    organizations = [
        {
            "id": f"{base}{prefix}/organization/4",
            "type": T + "Organization",
            "name": "Ausschuss für Digitales und Infrastruktur",
            "modified": MODIFIED,
        },
    ]
    as_json = "application/json"
    return {
        f"{prefix}/system": (
            json.dumps(
                {
                    "id": f"{base}{prefix}/system",
                    "type": T + "System",
                    "name": "Ratsinfo",
                    "body": f"{base}{prefix}/bodies",
                }
            ).encode(),
            as_json,
        ),
        f"{prefix}/bodies": (json.dumps({"data": [body], "links": {}}).encode(), as_json),
        f"{prefix}/body/1/organizations": paged(organizations, "", base),
        f"{prefix}/body/1/meetings": paged(MEETINGS, f"{prefix}/body/1/meetings", base),
        f"{prefix}/body/1/papers": paged([PAPER], f"{prefix}/body/1/papers", base),
    }


# --- the mapping ---------------------------------------------------------------------------


def test_meeting_becomes_an_event_with_committee_agenda_and_place():
    record = oparl.meeting_record(
        fill(meeting(9, cancelled=True), "http://r"),
        {"http://r/oparl/organization/4": "Ausschuss für Digitales"},
        "05358024",
    )
    (event,) = record.events
    assert event.start == datetime(2026, 3, 9, 17, tzinfo=BERLIN)
    assert event.end == datetime(2026, 3, 9, 19, 30, tzinfo=BERLIN)
    assert event.status == "cancelled" and event.source == "oparl"
    assert (event.venue, event.address, event.place_name) == (
        "Ratssaal",
        "Marktplatz 1, 52393 Hürtgenwald",
        "Hürtgenwald",
    )
    assert (event.lat, event.lon) == (50.7103, 6.3611)
    assert event.uid == "http://r/oparl/meeting/9" and event.url == record.url
    assert "Gremium: Ausschuss für Digitales" in record.text
    assert "2 Breitbandausbau in den Ortsteilen" in record.text
    assert record.home_region == "05358024" and record.kind == "event"


def test_paper_becomes_a_document_with_its_file_as_link():
    record = oparl.paper_record(fill(PAPER, "http://r"), "05358024")
    assert record.kind == "article" and record.events == []
    assert record.title == "Antrag auf freies WLAN am Rathausplatz (DS 12/2026)"
    assert record.published == date(2026, 2, 20)
    assert record.url == "https://ratsinfo.example/vorlage/749"
    assert "Antrag DS 12/2026" in record.text
    assert 'href="https://ratsinfo.example/files/antrag-12.pdf"' in record.content_html


@pytest.mark.parametrize(
    "obj",
    [
        {**meeting(4), "deleted": True},
        {**meeting(4), "start": None},
        {k: v for k, v in meeting(4).items() if k != "id"},
    ],
)
def test_deleted_or_undated_meetings_are_skipped(obj):
    assert oparl.meeting_record(obj, {}) is None


@pytest.mark.parametrize(
    "url, since, expected",
    [
        ("http://r/m", None, "http://r/m"),
        (
            "http://r/m?page=2",
            datetime(2026, 3, 1, 12, tzinfo=BERLIN),
            "http://r/m?page=2&modified_since=2026-03-01T11%3A00%3A00Z",
        ),
        (
            "http://r/m?modified_since=x",
            datetime(2026, 3, 1, tzinfo=UTC),
            "http://r/m?modified_since=2026-03-01T00%3A00%3A00Z",
        ),
    ],
)
def test_modified_since(url, since, expected):
    assert oparl.with_modified_since(url, since) == expected


@pytest.mark.parametrize("body", [b"<html>", b'{"data": 3}', b"[]"])
def test_broken_list_pages_raise_input_errors(body):
    with pytest.raises(InputError):
        oparl.parse_list(body, "http://r/list")


@settings(max_examples=80, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(list(meeting(1))),
        st.none() | st.text(max_size=20) | st.integers() | st.booleans(),
    )
)
def test_any_meeting_fields_give_a_record_or_none(fields):
    obj = {**fill(meeting(5), "http://r"), **fields}
    try:
        record = oparl.meeting_record(obj, {})
    except (AttributeError, TypeError, ValueError, KeyError):
        return  # counted by the spider as an unreadable object
    assert record is None or record.events[0].start is not None


# --- crawls over 127.0.0.1 ------------------------------------------------------------------

TABLE = """title = "Ratsinformation Hürtgenwald"
kind = "oparl"
start_urls = ["{base}/oparl/system"]
allowed_domains = ["127.0.0.1"]
"""


@pytest.mark.slow
def test_crawl_reads_meetings_over_three_pages_and_papers_then_only_changes(tmp_path):
    with DataServer() as server:
        server.files.update(system(server.base))
        sources = source_file(tmp_path, "rat", TABLE.format(base=server.base))
        db = tmp_path / "citynews.db"
        first = crawl(sources, db)
        first_requests = list(server.requests)
        events = rows(db, "select id, start, title, first_seen from events order by id")
        del server.requests[:]
        second = crawl(sources, db)
        second_requests = list(server.requests)
    meeting_pages = [r for r in first_requests if r.startswith("/oparl/body/1/meetings")]
    assert len(meeting_pages) == 3
    assert first["new"] == 6 and first["events"] == 5 and first["errors"] == 0
    documents = dict(rows(db, "select url, kind from documents"))
    assert documents["https://ratsinfo.example/vorlage/749"] == "article"
    assert documents["https://ratsinfo.example/sitzung/9"] == "event"
    # A cancelled meeting stays a document (its event carries status "cancelled"); the
    # body's AGS is every document's home place.
    homes = rows(db, "select distinct ags from document_places where role = 'source-home'")
    assert homes == [("05358024",)]
    agenda = rows(db, "select text from documents where url like '%sitzung/16'")[0][0]
    assert "Breitbandausbau" in agenda and "Ausschuss für Digitales und Infrastruktur" in agenda
    # The second crawl asks only for what changed since the first and stores nothing new.
    lists = [r for r in second_requests if "/meetings" in r or "/papers" in r]
    assert lists and all("modified_since=" in r for r in lists)
    assert second["new"] == 0 and second["updated"] == 0 and second["events"] == 0
    assert rows(db, "select id, start, title, first_seen from events order by id") == events
    # Re-processing re-tags from the stored record (no page to extract): nothing changes.
    topics = rows(db, "select document_id, topic from document_topics order by 1, 2")
    again = run_cli("reprocess", "--db", str(db), "--sources", str(sources))
    assert again.returncode == 0 and " 6 documents, 0 updated" in again.stdout, again.stdout
    assert rows(db, "select document_id, topic from document_topics order by 1, 2") == topics
    assert rows(db, "select id, start, title, first_seen from events order by id") == events


@pytest.mark.slow
def test_a_broken_list_page_is_counted_and_the_rest_kept(tmp_path):
    with DataServer() as server:
        files = system(server.base)
        answer = files["/oparl/body/1/meetings"]

        def broken_second_page(query):
            if query.get("page") == ["2"]:
                return b'{"data": [ {"id": ', "application/json"
            return answer(query)

        files["/oparl/body/1/meetings"] = broken_second_page
        server.files.update(files)
        sources = source_file(tmp_path, "rat", TABLE.format(base=server.base))
        db = tmp_path / "citynews.db"
        summary = crawl(sources, db)
        # Repaired: the next crawl reads the lists in full (no modified_since after errors).
        server.files["/oparl/body/1/meetings"] = answer
        del server.requests[:]
        repaired = crawl(sources, db)
        lists = [r for r in server.requests if "/meetings" in r]
    assert lists and not any("modified_since" in r for r in lists)
    assert repaired["new"] == 3 and repaired["errors"] == 0
    assert summary["errors"] == 1 and summary["failed"] == []
    assert summary["per_source"]["rat"]["status"] == "partial"
    assert rows(db, "select count(*) from events")[0][0] == 5
    assert rows(db, "select count(*) from documents where kind = 'article'")[0][0] == 1
    assert rows(db, "select outcome from fetch_events where outcome = 'bad-record'") == [
        ("bad-record",)
    ]
