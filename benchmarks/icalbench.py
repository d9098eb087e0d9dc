"""Bench case for iCal sources: read a generated 1,000-event calendar (target < 5 s).

Every tenth VEVENT recurs weekly (ten times), so expansion is part of the figure, as are
X-WR-TIMEZONE conversion and the location parsing of every occurrence.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

EVENTS = 1000
RUNS = 3


def generate(events: int = EVENTS) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//citynews bench//DE"]
    lines.append("X-WR-TIMEZONE:Europe/Berlin")
    first = datetime(2026, 1, 5, 8, tzinfo=UTC)
    for i in range(events):
        at = first + timedelta(hours=7 * i)
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{i}@citynews.example",
            "DTSTAMP:20260101T000000Z",
            f"SUMMARY:Veranstaltung {i} zur Digitalisierung",
            f"DESCRIPTION:Termin {i}: Sensoren\\, offene Daten und Beteiligung in der Stadt.",
            f"DTSTART:{at:%Y%m%dT%H%M%SZ}",
            f"DTEND:{at + timedelta(hours=2):%Y%m%dT%H%M%SZ}",
            f"LOCATION:Rathaus\\, Marktplatz {i % 20 + 1}\\, 06108 Halle (Saale)",
        ]
        if i % 10 == 0:
            lines.append("RRULE:FREQ=WEEKLY;COUNT=10")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def case_ical(report: Any, stats: Any, runs: int = RUNS) -> dict[str, Any]:
    from citynews.normalize.ical import read_ical

    body = generate()
    now = datetime(2026, 6, 1, tzinfo=UTC)
    seconds, occurrences = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        result = read_ical(body, "http://bench.example/termine.ics", now=now, past_days=366)
        seconds.append(time.perf_counter() - started)
        occurrences = sum(len(r.events) for r in result.records)
    report.row("6 sources", f"iCal file, {EVENTS:,} VEVENTs", stats(seconds), "s")
    return {"read_s": max(seconds), "events": EVENTS, "occurrences": occurrences}
