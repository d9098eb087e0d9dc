"""JSON event exports through a mapping in sources.toml: values, validation, real exports."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citynews.config import load_sources
from citynews.errors import ConfigError
from citynews.model import BERLIN
from citynews.normalize.jsonevents import dotted, parse_moment, read_json
from citynews.sourcekinds import parse_mapping
from tests.dataserver import DataServer, crawl, rows, source_file

MAPPING = parse_mapping(
    {
        "items": "daten.termine",
        "title": "titel",
        "date": "tag",
        "time": "uhrzeit",
        "venue": "ort.name",
        "address": "ort.anschrift",
        "status": "stand",
        "id": "nr",
        "url": "link",
    },
    "test",
)


def export(*records: dict) -> bytes:
    return json.dumps({"daten": {"termine": list(records)}}).encode()


@pytest.mark.parametrize(
    "tag, uhrzeit, start, end, all_day",
    [
        (
            "2026-08-22",
            "11.30 - 19.00 Uhr",
            datetime(2026, 8, 22, 11, 30, tzinfo=BERLIN),
            datetime(2026, 8, 22, 19, tzinfo=BERLIN),
            False,
        ),
        ("22.08.2026", "19:00", datetime(2026, 8, 22, 19, tzinfo=BERLIN), None, False),
        ("2026-08-22", "", date(2026, 8, 22), None, True),
        ("2026-08-22", None, date(2026, 8, 22), None, True),
        ("2026-12-05", "ab 9 Uhr", datetime(2026, 12, 5, 9, tzinfo=BERLIN), None, False),
    ],
)
def test_date_and_time_values(tag, uhrzeit, start, end, all_day):
    result = read_json(
        export({"titel": "Lichterfest", "tag": tag, "uhrzeit": uhrzeit}), "u", MAPPING
    )
    (event,) = result.records[0].events
    assert (event.start, event.end, event.all_day) == (start, end, all_day)


def test_fields_status_and_grouping_by_id():
    body = export(
        {"titel": "Ausstellung Stadtgrün", "tag": "2026-05-02", "uhrzeit": "", "nr": 7,
         "ort": {"name": "Rathausgalerie ", "anschrift": "Markt 1, 17489 Greifswald"}},
        {"titel": "Ausstellung Stadtgrün", "tag": "2026-05-03", "uhrzeit": "", "nr": 7},
        {"titel": "Bürgerforum Mobilität", "tag": "2026-05-04", "uhrzeit": "18 Uhr",
         "stand": "ABGESAGT", "link": "https://stadt.example/forum"},
        {"titel": "ohne Datum"},
        "kein Objekt",
    )  # fmt: skip
    result = read_json(body, "https://stadt.example/export.json", MAPPING)
    by_title = {r.title: r for r in result.records}
    exhibition = by_title["Ausstellung Stadtgrün"]
    assert exhibition.url == "https://stadt.example/export.json#7"
    assert [e.uid for e in exhibition.events] == ["7/2026-05-02", "7/2026-05-03"]
    assert exhibition.events[0].venue == "Rathausgalerie"
    assert exhibition.events[0].address == "Markt 1, 17489 Greifswald"
    forum = by_title["Bürgerforum Mobilität"]
    assert forum.url == "https://stadt.example/forum" and forum.events[0].status == "cancelled"
    assert result.problems == ["record #4: no readable start or date", "record #5: not an object"]


@pytest.mark.parametrize(
    "data, path, expected",
    [({"a": {"b": [1, {"c": 2}]}}, "a.b.1.c", 2), ({"a": 1}, "a.b", None), ([5, 6], "1", 6)],
)
def test_dotted(data, path, expected):
    assert dotted(data, path) == expected


def test_parse_moment_keeps_offsets_and_reads_naive_as_local():
    assert parse_moment("2026-03-29T02:30:00+00:00", BERLIN).isoformat() == (
        "2026-03-29T02:30:00+00:00"
    )
    assert parse_moment("2026-07-01T10:00", BERLIN) == datetime(2026, 7, 1, 10, tzinfo=BERLIN)
    assert parse_moment("2026-07-01", BERLIN) == date(2026, 7, 1)
    assert parse_moment("bald", BERLIN) is None


BASE = """
[sources.export]
title = "Export"
kind = "json"
start_urls = ["https://stadt.example/export.json"]
allowed_domains = ["stadt.example"]
"""


@pytest.mark.parametrize(
    "extra, message",
    [
        ("", "sources.export.mapping: missing"),
        ('[sources.export.mapping]\ntitle = "t"\n', "mapping.start: missing"),
        (
            '[sources.export.mapping]\ntitle = "t"\nstart = "s"\nfarbe = "f"\n',
            "mapping.farbe: unknown",
        ),
        (
            '[sources.export.mapping]\ntitle = "t"\ntime = "z"\nstart = "s"\n',
            "mapping.time: needs 'date'",
        ),
        ('[sources.export.mapping]\ntitle = 3\nstart = "s"\n', "mapping.title: must be a string"),
        (
            '[sources.export.mapping]\ntitle = "t"\nstart = "s"\ntimezone = "Mars/Olymp"\n',
            "unknown timezone",
        ),
        (
            'past_days = -1\n[sources.export.mapping]\ntitle = "t"\nstart = "s"\n',
            "past_days: only for",
        ),
    ],
)
def test_mapping_is_validated_at_load(tmp_path, extra, message):
    path = tmp_path / "sources.toml"
    path.write_text(BASE + extra, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_sources(path)
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_a_json_source_needs_only_the_mapping(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(BASE + '[sources.export.mapping]\ntitle = "t"\nstart = "s"\n', "utf-8")
    source = load_sources(path).sources["export"]
    assert source.machine.mapping.get("start") == "s" and source.machine.mapping.items == ""


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.text(max_size=12) | st.integers(), st.lists, max_leaves=20))
def test_any_json_gives_records_or_problems(value):
    body = json.dumps({"daten": {"termine": value}}).encode()
    result = read_json(body, "u", MAPPING)
    assert result.records or result.problems or value == []


# --- the real exports of ../shared (evaluation only: they are read, not copied) -------------

DRESDEN = """title = "Versammlungen Dresden"
kind = "json"
start_urls = ["{base}/Versammlungen.json"]
allowed_domains = ["127.0.0.1"]
[sources.{name}.mapping]
items = "Versammlungen"
title = "Thema"
date = "Datum"
time = "Zeit"
venue = "Ort"
status = "Status"
organizer = "Veranstalter"
"""
GREIFSWALD = """title = "Kulturkalender Greifswald"
kind = "json"
start_urls = ["{base}/export.json"]
allowed_domains = ["127.0.0.1"]
[sources.{name}.mapping]
title = "title"
date = "date"
time = "time"
venue = "venue"
url = "kumo_link"
id = "kumo_id"
description = "content"
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "file, path, table",
    [("031.json", "/Versammlungen.json", DRESDEN), ("032.json", "/export.json", GREIFSWALD)],
)
def test_real_exports_give_the_labelled_counts_and_first_start(
    shared_dir, tmp_path, file, path, table
):
    pages = shared_dir / "corpus" / "real-de" / "pages"
    labels = json.loads((shared_dir / "corpus" / "real-de" / "labels.json").read_text("utf-8"))
    expected = next(e for e in labels if e["file"] == f"pages/{file}")["expected"]
    with DataServer({path: ((pages / file).read_bytes(), "application/json")}) as server:
        sources = source_file(tmp_path, "export", table.format(base=server.base, name="export"))
        db = tmp_path / "citynews.db"
        summary = crawl(sources, db)
    assert summary["failed"] == [] and summary["errors"] == 0
    assert summary["events"] == expected["records"]
    documents = rows(db, "select count(*) from documents")[0][0]
    assert documents == expected.get("distinct_events", expected["records"])
    first = expected["first_record"]
    start = first.get("start") or first["date"]
    assert rows(db, "select count(*) from events where start like ?", (start + "%",))[0][0] >= 1
    first_day = min(r[0][:10] for r in rows(db, "select start from events"))
    assert first_day == expected["date_range"][0]
    if "records_without_time" in expected:
        all_day = rows(db, "select count(*) from events where all_day = 1")[0][0]
        assert all_day == expected["records_without_time"]
