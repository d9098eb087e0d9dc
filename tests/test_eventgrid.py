"""Calendars drawn as rows of ``div``/``li`` cells under a header of labels (no ``<table>``).

Snippets written for this test; the clock is frozen by passing ``now``.
"""

from __future__ import annotations

from datetime import date, datetime

import lxml.html
import pytest

from citynews.model import BERLIN
from citynews.normalize.document import Normalizer
from citynews.normalize.eventgrid import grid_text

NOW = date(2027, 3, 1)

DIV_GRID = """
<div class="kalender">
  <div class="kopf"><div class="a">Was?</div><div class="b">Wo?</div>
    <div class="c">Wann?</div></div>
  <div class="liste">
    <div class="zeile"><div class="a"><a href="/t/1">Lesecafé am Nachmittag</a></div>
      <div class="b">Stadtbücherei<br/>Nordhorn</div>
      <div class="c">04.03.2027<br/>15:30 Uhr</div></div>
    <div class="zeile"><div class="a"><a href="/t/2">Flohmarkt für Kinder</a></div>
      <div class="b">Schulhof Nord<br/>Nordhorn</div>
      <div class="c">06.03.2027<br/>00:00 Uhr</div></div>
    <div class="zeile"><div class="a tipp"><a href="/t/3">Orgelkonzert</a></div>
      <div class="b">Kreuzkirche<br/>Meppen</div><div class="c">07.03.2027<br/>18:00 Uhr</div></div>
  </div>
</div>
"""

LIST_GRID = """
<ul class="termine">
  <li class="k"><span class="t">Veranstaltung</span><span class="d">Datum</span>
    <span class="o">Ort</span></li>
  <li class="e"><span class="t">Vortrag Stadtgeschichte</span><span class="d">12.03.2027</span>
    <span class="o">Rathaussaal</span></li>
  <li class="e"><span class="t">Baumpflanzaktion</span><span class="d">20.03.2027</span>
    <span class="o">Stadtpark</span></li>
</ul>
"""

NO_DATE_HEADER = """
<div><div class="k"><div>Name</div><div>Telefon</div></div>
  <div class="z"><div>Bürgerbüro</div><div>0591 12345</div></div>
  <div class="z"><div>Standesamt</div><div>0591 12346</div></div></div>
"""

ONE_ROW = """
<div><div class="k"><div>Was</div><div>Wann</div></div>
  <div class="z"><div>Sprechstunde</div><div>08.03.2027</div></div></div>
"""


def _grid(body: str) -> str:
    return grid_text(lxml.html.fromstring(f"<html><body>{body}</body></html>"))


@pytest.mark.parametrize(
    ("body", "lines"),
    [
        (
            DIV_GRID,
            [
                "Was? | Wo? | Wann?",
                "Lesecafé am Nachmittag | Stadtbücherei, Nordhorn | 04.03.2027, 15:30 Uhr",
                "Flohmarkt für Kinder | Schulhof Nord, Nordhorn | 06.03.2027, 00:00 Uhr",
                "Orgelkonzert | Kreuzkirche, Meppen | 07.03.2027, 18:00 Uhr",
            ],
        ),
        (
            LIST_GRID,
            [
                "Veranstaltung | Datum | Ort",
                "Vortrag Stadtgeschichte | 12.03.2027 | Rathaussaal",
                "Baumpflanzaktion | 20.03.2027 | Stadtpark",
            ],
        ),
        (NO_DATE_HEADER, []),
        (ONE_ROW, []),
    ],
)
def test_grid_lines(body: str, lines: list[str]) -> None:
    assert _grid(body).splitlines() == lines


def test_grid_in_a_table_is_left_to_the_table_reader() -> None:
    body = f"<table><tr><td>{DIV_GRID}</td></tr></table>"
    assert _grid(body) == ""


def test_calendar_grid_gives_one_event_per_row() -> None:
    html = (
        "<html><head><title>Veranstaltungskalender</title></head><body><h1>Kalender</h1>"
        "<p>Alle Termine der Woche in der Region auf einen Blick.</p>"
        f"{DIV_GRID}</body></html>"
    )
    doc = Normalizer()(html, "https://www.example-kalender.de/termine", now=NOW)
    got = [(e.title, e.start, e.all_day, e.venue) for e in doc.events]
    assert got == [
        (
            "Lesecafé am Nachmittag",
            datetime(2027, 3, 4, 15, 30, tzinfo=BERLIN),
            False,
            "Stadtbücherei, Nordhorn",
        ),
        ("Flohmarkt für Kinder", date(2027, 3, 6), True, "Schulhof Nord, Nordhorn"),
        ("Orgelkonzert", datetime(2027, 3, 7, 18, 0, tzinfo=BERLIN), False, "Kreuzkirche, Meppen"),
    ]
    assert [e.place.name if e.place else None for e in doc.events] == [
        "Nordhorn",
        "Nordhorn",
        "Meppen",
    ]
