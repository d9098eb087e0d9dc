"""Page extraction on hand-written fixtures, plus date accuracy on the shared corpus."""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest

from citynews.model import Hints, Page
from citynews.normalize.dates import BERLIN
from citynews.normalize.events import extract_events
from citynews.normalize.extract import (
    day_of,
    decode_html,
    extract_page,
    parse_html,
    strip_site_name,
)
from citynews.normalize.structured import extract_jsonld, parse_machine_date

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BASE = "https://www.kommune21.de/meldungen/"


@cache
def page(name: str, url: str | None = None) -> Page:
    return extract_page((FIXTURES / name).read_bytes(), url or BASE + name)


def offset_hours(value: date | datetime) -> float | None:
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return value.utcoffset() / timedelta(hours=1)
    return None


@pytest.mark.parametrize(
    ("fixture", "url", "published", "source", "modified"),
    [
        # JSON-LD wins over a contradicting <meta>; time of day and offset are kept.
        ("article_jsonld.html", None, "2025-06-03T10:15:00+02:00", "jsonld", "2025-06-05"),
        ("article_meta.html", None, "2024-11-20T14:30:00+01:00", "meta", "2024-11-21"),
        # The byline <time>, not the sidebar's or the related list's.
        ("article_time.html", None, "2025-03-14T09:45:00+01:00", "time", None),
        # "[12.02.2026]" opening the lead: day precision only.
        ("article_textdate.html", None, "2026-02-12", "text", None),
        ("article_published_stand.html", None, "2026-02-12T14:30:00+01:00", "text", "2026-03-01"),
        # "Stand:" is a modification date, used as published only when nothing else exists.
        ("article_stand_only.html", None, "2026-01-05", "text", "2026-01-05"),
        # The date in the URL, found by htmldate.
        (
            "article_urldate.html",
            "https://www.beispielstadt.de/2024/03/15/freifunk-stadtpark.html",
            "2024-03-15",
            "htmldate",
            None,
        ),
        # An event date in a sentence is not a publication date; never "now".
        ("article_nodate.html", None, None, None, None),
        # An event page's own dates are the event's, not its publication.
        ("event_jsonld.html", None, None, None, None),
    ],
)
def test_publication_date_and_provenance(
    fixture: str, url: str | None, published: str | None, source: str | None, modified: str | None
) -> None:
    result = page(fixture, url)
    if published is None:
        assert result.published is None
    else:
        expected = parse_machine_date(published)
        assert result.published == expected
        assert type(result.published) is type(expected)
        assert offset_hours(result.published) == offset_hours(expected)
    assert result.published_source == source
    assert (day_of(result.modified).isoformat() if result.modified else None) == modified


def test_feed_date_is_the_last_resort() -> None:
    html = (FIXTURES / "article_nodate.html").read_text(encoding="utf-8")
    hinted = extract_page(html, BASE + "x", hints=Hints(published=date(2025, 5, 19)))
    assert (hinted.published, hinted.published_source) == (date(2025, 5, 19), "feed")
    structured = (FIXTURES / "article_meta.html").read_text(encoding="utf-8")
    hinted = extract_page(structured, BASE + "y", hints=Hints(published=date(2025, 5, 19)))
    assert hinted.published_source == "meta"


def test_date_selector_hint_overrides_guessing() -> None:
    html = (FIXTURES / "article_nodate.html").read_text(encoding="utf-8")
    html = html.replace("<h1>", '<p class="datum">Datum: 2. Mai 2025</p><h1>')
    result = extract_page(html, BASE + "z", hints=Hints(selectors={"date": "p.datum"}))
    assert (result.published, result.published_source) == (date(2025, 5, 2), "text")


@pytest.mark.parametrize(
    ("fixture", "present", "absent"),
    [
        (
            "article_textdate.html",
            ["Anwohnerparkausweise vollständig online", "Am 3. Juni 2026 stellt die Stadt"],
            [
                "[12.02.2026]",
                "Stichwörter",
                "Fotoquelle",
                "Weitere Meldungen",
                "Ratsinformationssystem",
                "Cookies",
                "Impressum",
                "Startseite",
                "Digitale Bürgerdienste in Gotha",
            ],
        ),
        (
            "article_time.html",
            ["als offene Daten bereit"],
            ["Fachtagung Wärmeplanung", "Coburg digitalisiert", "Anna Beispiel"],
        ),
        (
            "article_hostile.html",
            ["Sicherheitsaudit unterzogen", "- Prüfung der Anmeldung"],
            ["eingeschleust", "alert", "background"],
        ),
    ],
)
def test_main_text(fixture: str, present: list[str], absent: list[str]) -> None:
    text = page(fixture).text
    for snippet in present:
        assert snippet in text
    for snippet in absent:
        assert snippet not in text
    assert "\n\n" in text


def test_hostile_html_is_sanitized() -> None:
    html = page("article_hostile.html").content_html
    for bad in ("<script", "<style", "<iframe", "onclick", "onmouseover", "javascript:", "alert"):
        assert bad not in html
    assert '<a href="https://www.kommune21.de/it-sicherheit.html"' in html
    assert "<li>Prüfung der Anmeldung</li>" in html
    assert "<p>Die Landeshauptstadt Kiel" in html


def test_content_html_drops_date_line_and_credits() -> None:
    html = page("article_textdate.html").content_html
    assert "<strong>Die Stadt Gotha baut" in html
    assert "12.02.2026" not in html
    assert "Fotoquelle" not in html


@pytest.mark.parametrize(
    ("fixture", "title"),
    [
        ("article_textdate.html", "Digitale Bürgerdienste in Gotha"),  # " - Kommune21"
        ("article_jsonld.html", "Halle testet smarte Straßenlaternen"),  # " | Stadt Halle (Saale)"
        ("article_time.html", "Bamberg öffnet Datenportal"),
        ("listing_time.html", "Aktuelles"),
    ],
)
def test_title(fixture: str, title: str) -> None:
    assert page(fixture).title == title


@pytest.mark.parametrize(
    ("raw", "sites", "expected"),
    [
        ("Neue Kita eröffnet - Stadt Halle", ["stadthalle"], "Neue Kita eröffnet"),
        ("Stadt Halle | Neue Kita eröffnet", ["stadthalle"], "Neue Kita eröffnet"),
        ("Gotha: Portal startet - Kommune21", ["kommune21"], "Gotha: Portal startet"),
        # A dash inside the headline is kept when no part names the site.
        ("Ulm - Stadt der Sensoren", ["kommune21"], "Ulm - Stadt der Sensoren"),
        ("Kommune21", ["kommune21"], "Kommune21"),
    ],
)
def test_strip_site_name(raw: str, sites: list[str], expected: str) -> None:
    assert strip_site_name(raw, sites) == expected


@pytest.mark.parametrize(
    ("fixture", "keywords"),
    [
        ("article_textdate.html", ["Digitale Verwaltung", "Gotha", "Onlinezugangsgesetz"]),
        # meta keywords, then JSON-LD keywords; duplicates dropped, order kept.
        ("article_jsonld.html", ["Smart City", "Beleuchtung", "Straßenbeleuchtung", "Silberhöhe"]),
        ("article_meta.html", ["Elektromobilität", "Leipzig"]),
        ("article_nodate.html", []),
    ],
)
def test_keywords(fixture: str, keywords: list[str]) -> None:
    assert page(fixture).keywords == keywords


@pytest.mark.parametrize(
    ("fixture", "url", "expected"),
    [
        # Relative <link rel=canonical> made absolute.
        (
            "article_textdate.html",
            "https://www.kommune21.de/meldung.php?id=1&utm_source=feed",
            "https://www.kommune21.de/e-government/gotha-buergerdienste.html",
        ),
        # og:url on another site is ignored.
        ("article_jsonld.html", "https://www.example.org/a", "https://www.example.org/a"),
        (
            "article_jsonld.html",
            "https://halle.de/p?x=1",
            "https://www.halle.de/presse/smarte-laternen",
        ),
        ("article_meta.html", "https://www.leipzig.de/x", "https://www.leipzig.de/x"),
    ],
)
def test_canonical_url(fixture: str, url: str, expected: str) -> None:
    assert page(fixture, url).url == expected


@pytest.mark.parametrize(
    ("fixture", "kind"),
    [
        ("article_textdate.html", "article"),
        ("article_jsonld.html", "article"),
        ("event_jsonld.html", "event"),
        ("listing.html", "listing"),
        ("listing_time.html", "listing"),
    ],
)
def test_kind(fixture: str, kind: str) -> None:
    assert page(fixture).kind == kind


def test_hint_kind_wins() -> None:
    html = (FIXTURES / "listing.html").read_text(encoding="utf-8")
    assert extract_page(html, BASE + "l", hints=Hints(kind="article")).kind == "article"


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "listing.html",
            [
                (
                    "Mönchengladbach: Digitale Ratssitzungen werden Standard",
                    "https://www.kommune21.de/meldungen/mg-ratssitzungen.html",
                    date(2026, 3, 18),
                ),
                (
                    "Kassel: Neue App für Müllabfuhrtermine",
                    "https://www.kommune21.de/meldungen/kassel-app.html",
                    date(2026, 3, 17),
                ),
                (
                    "Ulm: Sensoren melden freie Parkplätze",
                    "https://www.kommune21.de/meldungen/ulm-parken.html",
                    date(2026, 3, 16),
                ),
                (
                    "Lüneburg: Serviceportal erreicht hundert Leistungen",
                    "https://www.kommune21.de/meldungen/lueneburg-portal.html",
                    date(2026, 3, 13),
                ),
            ],
        ),
        (
            "listing_time.html",
            [
                (
                    "Würzburg baut digitalen Zwilling",
                    "https://www.kommune21.de/aktuelles/wuerzburg-zwilling",
                    date(2026, 2, 10),
                ),
                (
                    "Freiburg misst Bodenfeuchte",
                    "https://www.kommune21.de/aktuelles/freiburg-sensoren",
                    date(2026, 2, 3),
                ),
                (
                    "Görlitz startet Beteiligungsplattform",
                    "https://www.kommune21.de/aktuelles/goerlitz-beteiligung",
                    date(2026, 1, 27),
                ),
            ],
        ),
    ],
)
def test_listing_teasers(fixture: str, expected: list[tuple[str, str, date]]) -> None:
    teasers = page(fixture).teasers
    assert [(t.title, t.url, t.published) for t in teasers] == expected


def test_sidebar_teasers_do_not_make_an_article_a_listing() -> None:
    result = page("article_textdate.html")
    assert result.kind == "article"
    assert result.teasers == []


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("article_jsonld.html", "In der Silberhöhe messen neue Laternen Verkehr und Luftqualität."),
        ("article_meta.html", "Am Hauptbahnhof gehen vierzig neue Ladepunkte für Elektroautos"),
    ],
)
def test_summary(fixture: str, expected: str) -> None:
    summary = page(fixture).summary
    assert summary.startswith(expected)
    assert len(summary) <= 305


def test_language_and_jsonld() -> None:
    result = page("article_jsonld.html")
    assert result.language == "de"
    assert page("article_textdate.html").language == "de"
    # @graph flattened; the second script's trailing comma tolerated.
    assert [obj.get("@type") for obj in result.jsonld] == [
        "WebSite",
        "NewsArticle",
        "BreadcrumbList",
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-05-19", date(2025, 5, 19)),
        ("2025-05-19T00:00:00+02:00", date(2025, 5, 19)),
        ("2025-05-19T08:30:00+02:00", "2025-05-19T08:30:00+02:00"),
        # UTC stamps are shown in Berlin time: late evening UTC is the next German day.
        ("2018-12-31T23:11:59Z", "2019-01-01T00:11:59+01:00"),
        ("2025-05-19 08:30", "2025-05-19T08:30:00+02:00"),
        ("20250519", date(2025, 5, 19)),
        ("Mon, 19 May 2025 08:30:00 +0200", "2025-05-19T08:30:00+02:00"),
        ("1970-01-01", None),
        ("kein Datum", None),
        ("", None),
    ],
)
def test_parse_machine_date(raw: str, expected: date | str | None) -> None:
    value = parse_machine_date(raw)
    if isinstance(expected, str):
        assert isinstance(value, datetime)
        assert value.isoformat() == expected
    else:
        assert value == expected


def test_broken_jsonld_is_tolerated() -> None:
    tree = parse_html(
        "<html><head>"
        '<script type="application/ld+json"><!-- {"@type": "Article", "name": "A",} --></script>'
        '<script type="application/ld+json">{"@type": "Article" "headline": }</script>'
        '<script type="application/ld+json">{"@type": "Event"}{"@type": "Place"}</script>'
        "</head><body></body></html>"
    )
    assert [o["@type"] for o in extract_jsonld(tree)] == ["Article", "Event", "Place"]


def test_tree_argument_and_bytes_decoding() -> None:
    raw = (FIXTURES / "article_meta.html").read_text(encoding="utf-8").encode("cp1252")
    raw = raw.replace(b'charset="utf-8"', b'charset="windows-1252"')
    from_bytes = extract_page(raw, BASE + "b")
    from_tree = extract_page(raw, BASE + "b", tree=parse_html(decode_html(raw)))
    assert "Elektromobilität" in from_bytes.keywords
    assert from_bytes == from_tree


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # Valid UTF-8 wins over a wrong declaration.
        ('<meta charset="iso-8859-1"><p>Straße</p>'.encode(), "<p>Straße</p>"),
        # Declared ISO-8859-1 reads as Windows-1252, as browsers do: 0x84/0x93 are quotes.
        (b'<meta charset="iso-8859-1"><p>\x84Markt\x93 \xfcber</p>', "<p>„Markt“ über</p>"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15">'
            b"<p>\xa4 5</p>",
            "<p>€ 5</p>",
        ),
        (b'<?xml version="1.0" encoding="windows-1252"?><p>\x80</p>', "<p>€</p>"),
        # No declaration, or an unknown one: Windows-1252.
        (b"<p>Gr\xfc\xdfe</p>", "<p>Grüße</p>"),
        (b'<meta charset="x-unknown"><p>\xe4</p>', "<p>ä</p>"),
    ],
)
def test_decode_html(data: bytes, expected: str) -> None:
    assert decode_html(data).endswith(expected)


def test_empty_page() -> None:
    result = extract_page("", "https://www.example.de/leer")
    assert result.published is None
    assert result.text == ""
    assert result.url == "https://www.example.de/leer"


@pytest.mark.slow  # ~30 s: every German page of htmldate-eval
def test_corpus_german_date_accuracy_beats_htmldate() -> None:
    corpus = SHARED / "corpus" / "htmldate-eval"
    if not corpus.is_dir():
        pytest.skip("../shared not found")
    import htmldate

    ours = theirs = total = 0
    with open(corpus / "ground_truth.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    for row in rows:
        path = corpus / row["path"]
        if not row["german"] or not path.exists():
            continue
        with gzip.open(path, "rb") as gz:
            html = decode_html(gz.read())
        truth = row["date"]
        day = day_of(extract_page(html, row["url"]).published)
        ours += (day.isoformat() if day else None) == truth
        theirs += htmldate.find_date(html, original_date=True) == truth
        total += 1
    assert total > 100
    assert ours / total >= 0.93
    assert ours > theirs


# --- event pages: details boxes, event headers, broken JSON-LD ----------------------------------

_ARTICLE_BODY = (
    "<p>Die Stadtverwaltung stellt ihre Pläne für sichere Radwege in der Innenstadt vor und "
    "sammelt Hinweise aus der Bürgerschaft. Gefragt sind Erfahrungen mit Kreuzungen, "
    "Abstellanlagen und der Beleuchtung auf dem Weg zur Arbeit oder zur Schule.</p>"
    "<p>Die Ergebnisse fließen in das Radverkehrskonzept ein, das der Stadtrat im Herbst "
    "beraten soll. Alle Beiträge werden dokumentiert und auf der Internetseite der Stadt "
    "veröffentlicht, damit nachvollziehbar bleibt, was aus den Vorschlägen geworden ist.</p>"
)


def two_columns(aside: str, *, header: str = "<h1>Bürgerwerkstatt Radverkehr</h1>") -> str:
    """A CMS page with a content column and a layout column that looks like a sidebar."""
    return (
        '<html lang="de"><head><meta charset="utf-8"><title>Bürgerwerkstatt Radverkehr'
        '</title></head><body><div class="layout-2col">'
        f'<div class="layout-2col--main">{header}{_ARTICLE_BODY}</div>'
        f'<div class="layout-2col--aside"><div class="m-sidebar-content">{aside}</div></div>'
        "</div></body></html>"
    )


_DETAILS_BOX = (
    "<h3>Termindetails</h3>"
    "<p><b>Startdatum:</b></p><p>14. März 2028</p>"
    "<p><b>Uhrzeit:</b></p><p>9.30 Uhr bis 16 Uhr</p>"
    "<p><b>Ort:</b></p><p>Rathaus, Fischmarkt 1, 99084 Erfurt</p>"
)
_DETAILS_TABLE = (
    "<table><tr><th>Datum:</th><td>Dienstag, 14. März 2028</td></tr>"
    "<tr><th>Uhrzeit:</th><td>9.30 Uhr bis 16 Uhr</td></tr>"
    "<tr><th>Ort:</th><td>Rathaus, Fischmarkt 1, 99084 Erfurt</td></tr></table>"
)
_QUESTION_BOX = (
    "<p><strong>Wann?</strong> Samstag, 8. April 2028, 10 bis 14 Uhr</p>"
    "<p><strong>Wo?</strong> Stadtteilzentrum, Lutherstraße 12, 06110 Halle (Saale)</p>"
)
_OTHER_EVENTS_LIST = (
    "<h3>Termine</h3><ul>"
    + "".join(
        f'<li><a href="/termine/{n}">{title}</a><br><b>Datum:</b> {day}<br>'
        "<b>Ort:</b> Stadthalle</li>"
        for n, (title, day) in enumerate(
            [
                ("Stadtradeln Auftakt", "3. April 2028"),
                ("Repair-Café", "12. April 2028"),
                ("Energieberatung", "20. April 2028"),
            ]
        )
    )
    + "</ul>"
)
_NEXT_EVENT_BOX = (
    '<h3>Nächste Veranstaltung</h3><p><a href="/termine/klimatag">Klimatag</a></p>'
    "<p><b>Datum:</b> 3. Mai 2028</p><p><b>Uhrzeit:</b> 10 Uhr</p><p><b>Ort:</b> Domplatz</p>"
)
# A press release's byline with place and date labels, and no event.
_PRESS_DATELINE = '<p class="doc-data"><b>Ort</b> Hannover, <b>Datum</b> 12.02.2028</p>'


@pytest.mark.parametrize(
    ("aside", "kind", "in_text"),
    [
        (_DETAILS_BOX, "event", "Startdatum: 14. März 2028\nUhrzeit: 9.30 Uhr bis 16 Uhr"),
        (_DETAILS_TABLE, "event", "Datum: Dienstag, 14. März 2028\nUhrzeit: 9.30 Uhr bis 16 Uhr"),
        (_QUESTION_BOX, "event", "Wann: Samstag, 8. April 2028, 10 bis 14 Uhr\nWo: Stadtteil"),
        (_OTHER_EVENTS_LIST, "article", None),
        (_NEXT_EVENT_BOX, "article", None),
        (_PRESS_DATELINE, "article", None),
    ],
)
def test_details_box_in_a_layout_column(aside: str, kind: str, in_text: str | None) -> None:
    result = extract_page(two_columns(aside), BASE + "werkstatt")
    assert result.kind == kind
    if in_text is not None:
        assert in_text in result.text
    else:
        assert "Stadthalle" not in result.text and "Domplatz" not in result.text


def test_event_details_reach_the_events() -> None:
    result = extract_page(two_columns(_DETAILS_BOX), BASE + "werkstatt")
    (event,) = extract_events(result)
    assert (event.start, event.end) == (
        datetime(2028, 3, 14, 9, 30, tzinfo=BERLIN),
        datetime(2028, 3, 14, 16, tzinfo=BERLIN),
    )
    assert event.address == "Fischmarkt 1, 99084 Erfurt"
    assert event.title == "Bürgerwerkstatt Radverkehr"
    # The event's day is no publication date.
    assert result.published is None


_EVENT_HEADER = (
    '<div class="event-page-header"><h1>Stadtradeln Auftakt</h1>'
    "<dl><dd>Sa. 6. Mai 2028 10:00 - 14:00</dd><dd>Domplatz 1, 39104 Magdeburg</dd></dl></div>"
)


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (_EVENT_HEADER, "event"),
        # The same classes without the page's headline: a widget about some other event.
        (_EVENT_HEADER.replace("h1", "h2") + "<h1>Bürgerwerkstatt Radverkehr</h1>", "article"),
    ],
)
def test_event_page_header(header: str, kind: str) -> None:
    result = extract_page(two_columns("", header=header), BASE + "auftakt")
    assert result.kind == kind
    if kind == "event":
        assert result.text.startswith("Sa. 6. Mai 2028 10:00 - 14:00\nDomplatz 1, 39104 Magdeburg")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Postal codes printed as numbers keep their leading zero, as text.
        ('{"@type": "Place", "postalCode": 04109}', {"@type": "Place", "postalCode": "04109"}),
        ('{"@type": "Place", "n": [0.5, 10, -3]}', {"@type": "Place", "n": [0.5, 10, -3]}),
        # Quotation marks inside a text that the template did not escape.
        (
            '{"@type": "Event", "description": "Thema: "Radwege". Eintritt frei", "name": "X"}',
            {"@type": "Event", "description": 'Thema: "Radwege". Eintritt frei', "name": "X"},
        ),
        (
            '{"@type": "Event", "name": "Er sagte "ja", dann ging er"}',
            {"@type": "Event", "name": 'Er sagte "ja", dann ging er'},
        ),
        # Trailing commas and HTML comments left by a client-side renderer.
        ('{"@type": "Event", "a": [1, 2,],\n<!----><!---->}', {"@type": "Event", "a": [1, 2]}),
        # A lone backslash and a raw tab stay text.
        ('{"@type": "Place", "p": "C:\\Daten\tX"}', {"@type": "Place", "p": "C:\\Daten\tX"}),
        # A comma inside a value is no end of the string.
        ('{"@type": "Event", "name": "A, B"}', {"@type": "Event", "name": "A, B"}),
    ],
)
def test_jsonld_repair(raw: str, expected: dict) -> None:
    tree = parse_html(
        f'<html><head><script type="application/ld+json">{raw}</script></head></html>'
    )
    assert extract_jsonld(tree) == [expected]


def test_broken_event_jsonld_makes_an_event_page() -> None:
    html = (
        '<html lang="de"><head><script type="application/ld+json">'
        '{"@context": "https://schema.org", "@type": "Event", "name": "Stadtradeln Auftakt",'
        ' "startDate": "2028-05-06T10:00:00+00:00", "description": "Motto: "Rad statt Auto".",'
        ' "location": {"@type": "Place", "address": {"@type": "PostalAddress",'
        ' "postalCode": 06108, "addressLocality": "Halle (Saale)"}},}'
        "</script></head><body><h1>Stadtradeln Auftakt</h1>" + _ARTICLE_BODY + "</body></html>"
    )
    result = extract_page(html, BASE + "auftakt")
    assert result.kind == "event"
    assert result.jsonld[0]["location"]["address"]["postalCode"] == "06108"


def test_saved_page_takes_its_declared_canonical_url(tmp_path):
    html = (
        "<html><head><title>T</title>"
        '<link rel="canonical" href="https://www.example.org/news/1"></head>'
        "<body><h1>T</h1><p>Text.</p></body></html>"
    )
    saved = extract_page(html, (tmp_path / "page.html").as_uri())
    assert saved.url == "https://www.example.org/news/1"
    # Fetched from elsewhere, a foreign canonical is not trusted.
    assert extract_page(html, "https://other.example/x").url == "https://other.example/x"


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        ("Veröffentlicht am 3. Juni 2025", datetime(2025, 6, 3)),  # our engine
        ("Mittwoch, 26.02.2020, 14:00 Uhr", datetime(2020, 2, 26)),
        ("June 3, 2020", datetime(2020, 6, 3)),  # English: dateparser
        ("26 | 01 | 2022", datetime(2022, 1, 26)),  # no words: dateparser
        ("Alta Floresta - MT, 22 de novembro de 2020", None),  # words, no known month
        ("22 сентября 2021", None),
        ("40-jähriges Jubiläum 2008", None),
        ("15. Mai", None),  # no year: never guessed
    ],
)
def test_htmldate_fallback_parser(span: str, expected: datetime | None) -> None:
    from citynews.normalize.pagedates import _GERMAN_FIRST_PARSER

    assert _GERMAN_FIRST_PARSER.get_date_data(span)["date_obj"] == expected


def test_htmldate_fallback_reads_german_spans_without_dateparser() -> None:
    # dateparser's 0.3 s of regex compilation is only paid for spans our engine cannot read.
    import subprocess
    import sys

    code = (
        "from citynews.normalize.pagedates import _GERMAN_ENGLISH_PARSER,"
        " _GERMAN_FIRST_PARSER as p;"
        "p.get_date_data('3. Juni 2025'); p.get_date_data('22 сентября 2021');"
        "print(_GERMAN_ENGLISH_PARSER.cache_info().misses)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.stdout.strip() == "0"


@pytest.mark.parametrize("markup", [b"</\t", "</\t", b"<!-- nur ein Kommentar", b"</>", b"<?"])
def test_markup_without_any_element_is_an_empty_page(markup: str | bytes) -> None:
    # Hypothesis found these: libxml2 builds no document at all and lxml raises.
    tree = parse_html(markup)
    assert tree.tag == "html" and not tree.text_content().strip()
    page = extract_page(markup, "https://example.org/leer")
    assert page.text == "" and page.published is None
