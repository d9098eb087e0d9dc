"""A guessed publication date that the page writes only as an event's day is no publication
date. Snippets written for this test."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from citynews.normalize.extract import extract_page, parse_html
from citynews.normalize.guesscheck import guess_is_event_day

DAY = date(2026, 5, 14)


def _page(body: str) -> str:
    return f"<html><head><title>Seite</title></head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("body", "event_day"),
    [
        # An occurrence list of a recurring event.
        (
            '<div class="termine"><ol><li><time datetime="2026-05-14T09:00:00Z">14.05.2026'
            "</time></li></ol></div>",
            True,
        ),
        # A box of next dates, found by its id.
        (
            '<div id="dates"><h2>Nächste Termine</h2><ul><li>14.05.2026, 18 Uhr</li></ul></div>',
            True,
        ),
        # The day as the end or start of a run.
        ("<p>Ausstellung</p><p><strong>2.5. bis 14.05.2026</strong></p>", True),
        ("<p>Geöffnet 14.05.2026 – 30.06.2026 im Foyer.</p>", True),
        ("<p>Aktionstage 2. bis 14. Mai 2026</p><p>Start 02.05.2026</p>", True),
        # A byline dates the page, even next to an event box.
        (
            '<p class="byline">14.05.2026 – 10:15 Uhr</p>'
            '<div class="event-date"><time datetime="2026-05-14">14.05.2026</time></div>',
            False,
        ),
        ('<article><time datetime="2026-05-14T08:00:00+02:00">14. Mai</time></article>', False),
        ("<p>Veröffentlicht am 14.05.2026</p>", False),
        # The day something happens on, in a sentence or a heading: an occasion's day.
        ("<h3>Wahl zum Kreistag am 14.05.2026</h3><p>Am Donnerstag, 14. Mai 2026 wählen</p>", True),
        ("<p>Das Fest beginnt am Donnerstag, den 14.05.2026 um 10 Uhr.</p>", True),
        # A publication cue before 'am', or a date standing on its own, dates the page.
        ("<p>Veröffentlicht am 14.05.2026</p><p>Die Sitzung ist am 14.05.2026.</p>", False),
        ("<p>Aktualisiert am 14. Mai 2026</p>", False),
        ("<p>14.05.2026</p><p>Der Markt öffnet am 14.05.2026.</p>", False),
        # Bylines with 'am': after a writing cue, or with the clock time of posting.
        ("<p>Gespeichert von redaktion am 14. Mai 2026 - 18:55</p>", False),
        ("<p>Dieser Beitrag wurde am 14.05.2026 eingestellt.</p>", False),
        ("<p>Jana Beck am 14. Mai 2026 | 09:12</p>", False),
        ("<p>Von Jana Beck am 14.05.2026 um 09:12 Uhr</p>", False),
        # An occasion's hour is no posting time.
        ("<p>Vernissage am Donnerstag, 14. Mai 2026 um 11:00 Uhr</p>", True),
        # A day the page does not write at all is no event's day either.
        ("<p>Kein Datum hier.</p>", False),
        # A date in a script is not the visible text.
        ('<script>var d = "1.5. bis 14.05.2026";</script><p>14.05.2026</p>', False),
    ],
)
def test_guess_is_event_day(body: str, event_day: bool) -> None:
    assert guess_is_event_day(parse_html(_page(body)), DAY) is event_day


def test_a_longer_day_is_not_this_one() -> None:
    # '4.5.2026' sits inside '14.5.2026': it is not written on its own.
    tree = parse_html(_page("<p>Am 14.5.2026 bis 20.5.2026</p><p>Stand 4.5.2026</p>"))
    assert guess_is_event_day(tree, date(2026, 5, 4)) is False


@pytest.mark.parametrize(
    ("body", "dateline"),
    [
        # A named occasion 'am' a day with its hour is the event, not a dateline: the page's
        # own date reader leaves it to the guessing fallback, whose guesses are checked later.
        ("<h1>Sommerfest</h1><p>Eröffnung am 14. Mai 2026 um 15:00 Uhr</p><p>Alle da.</p>", False),
        ("<h1>Sommerfest</h1><p>Eröffnung am 14.05.2026, 15 Uhr</p><p>Alle sind da.</p>", False),
        # A dateline on its own line, or one with a cue, stays the publication date.
        ("<h1>Sommerfest</h1><p>14.05.2026</p><p>Alle sind da.</p>", True),
        ("<h1>Sommerfest</h1><p>Erstellt am 14.05.2026 um 15:00 Uhr</p><p>Text.</p>", True),
    ],
)
def test_occasion_line_is_no_dateline(body: str, dateline: bool) -> None:
    page = extract_page(_page(body), "https://example.org/fest")
    assert (page.published_source == "text") is dateline
    if dateline:
        got = page.published.date() if isinstance(page.published, datetime) else page.published
        assert got == DAY
