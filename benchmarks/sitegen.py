"""A generated German municipal news portal for crawl benchmarks, served on 127.0.0.1.

Every page is rendered on request from a seed and its number, so a 10,000-page site costs no
disk and no memory. Pages look like a real CMS: 50-150 KB of which most is chrome (inline CSS,
a tag-manager data blob, a mega menu, sidebars with dated teasers, footer) around an article of
500-1,200 words with dates, times, venues and real town names. All text is generated here from
word lists and sentence templates.

Layout: ``/aktuelles/`` and ``/aktuelles/seite-N/`` are listing pages (20 teasers each, a pager
with a ``a.next`` link), ``/aktuelles/YYYY/<slug>-<n>.html`` are articles.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache

from citynews.model import BERLIN
from citynews.sample.httpserver import Action, LocalServer, RequestHandler, send

PER_LISTING = 20
MIN_BYTES = 50_000
MAX_BYTES = 150_000

ARTICLE_PATTERN = r"/aktuelles/\d{4}/[a-z0-9-]+-\d+\.html$"
LISTING_PATTERN = r"/aktuelles/(seite-\d+/)?$"
NEXT_SELECTOR = "a.next"


def _wordlist(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MONTHS = _wordlist(
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
)
WEEKDAYS = _wordlist("Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag")
TOWNS = (
    "Halle (Saale)",
    "Leipzig",
    "Magdeburg",
    "Dessau-Roßlau",
    "Erfurt",
    "Jena",
    "Gera",
    "Ulm",
    "Bamberg",
    "Darmstadt",
    "Wolfsburg",
    "Kaiserslautern",
    "Solingen",
    "Münster",
    "Iserlohn",
    "Gelsenkirchen",
    "Rostock",
    "Lübeck",
    "Kiel",
    "Hameln",
    "Regensburg",
    "Freiburg im Breisgau",
    "Heidelberg",
    "Paderborn",
    "Oldenburg",
    "Cottbus",
    "Schwerin",
    "Zwickau",
    "Görlitz",
    "Wernigerode",
    "Quedlinburg",
    "Merseburg",
    "Weißenfels",
    "Naumburg (Saale)",
    "Bitterfeld-Wolfen",
    "Haßfurt",
    "Süderbrarup",
    "Arnsberg",
    "Bad Belzig",
    "Eberswalde",
)
DISTRICTS = (
    "Saalekreis",
    "Burgenlandkreis",
    "Landkreis Harz",
    "Landkreis Görlitz",
    "Kreis Gütersloh",
    "Landkreis Hameln-Pyrmont",
    "Märkischer Kreis",
    "Landkreis Haßberge",
)
STATES = (
    "Sachsen-Anhalt",
    "Sachsen",
    "Thüringen",
    "Bayern",
    "Nordrhein-Westfalen",
    "Niedersachsen",
    "Hessen",
    "Brandenburg",
    "Schleswig-Holstein",
    "Mecklenburg-Vorpommern",
)
SUBJECTS = (
    "Glasfaserausbau",
    "LoRaWAN-Netz",
    "digitale Zwilling",
    "Open-Data-Portal",
    "kommunale Wärmeplanung",
    "Onlinezugangsgesetz",
    "Bürgerbeteiligung",
    "Sensorik für Straßenbäume",
    "Smart-Parking-System",
    "E-Akte",
    "Schul-WLAN",
    "Mobilitätsstation",
    "Datenplattform",
    "KI-Assistent im Bürgerservice",
    "Starkregen-Frühwarnsystem",
    "Leerstandsmanagement",
    "Radverkehrskonzept",
    "5G-Versorgung",
    "Quartiersspeicher",
    "Bürger-App",
)
ACTORS = (
    "die Stadtverwaltung",
    "der Landkreis",
    "das Digitalisierungsteam",
    "die Stadtwerke",
    "der Zweckverband",
    "die Wirtschaftsförderung",
    "das Amt für Stadtentwicklung",
    "die Hochschule",
    "der IT-Dienstleister",
    "ein Bündnis aus Vereinen",
)
VENUES = (
    "im Ratssaal",
    "in der Stadtbibliothek",
    "im Bürgerhaus",
    "im Technologiezentrum",
    "in der Volkshochschule",
    "im Rathausfoyer",
    "auf dem Marktplatz",
    "im Kulturbahnhof",
)
ADJECTIVES = (
    "neue",
    "gemeinsame",
    "erste",
    "regionale",
    "offene",
    "digitale",
    "geförderte",
    "erweiterte",
)
NOUNS = (
    "Plattform",
    "Strategie",
    "Pilotphase",
    "Ausschreibung",
    "Förderrunde",
    "Arbeitsgruppe",
    "Werkstatt",
    "Bilanz",
    "Befragung",
    "Testphase",
)
TITLE_TEMPLATES = (
    "{town}: {Adj} {noun} für {subject}",
    "{subject} in {town} startet",
    "{town} setzt auf {subject}",
    "Mehr Tempo beim {subject} in {town}",
    "{district}: {Adj} {noun} zum {subject}",
    "{town} zieht {noun} zum {subject}",
)
SENTENCES = (
    "In {town} hat {actor} den Startschuss für {adj} {noun} zum {subject} gegeben.",
    "Nach Angaben von {actor} sollen bis Ende {year} rund {num} Haushalte davon profitieren.",
    "Das Vorhaben wird mit {money} Euro aus Mitteln des Landes {state} gefördert.",
    "Am {date} stellt {actor} die Ergebnisse {venue} in {town} vor.",
    "Die Veranstaltung beginnt um {hour} Uhr, eine Anmeldung ist bis zum {short} möglich.",
    "Bereits im {month} {year} hatte der Stadtrat dem {subject} zugestimmt.",
    "Auch Kommunen im {district} zeigen Interesse an der Lösung aus {town}.",
    "Die Daten werden anonymisiert und auf der {adj} {noun} der Stadt veröffentlicht.",
    "Kritik gab es zuletzt an den Kosten, die inzwischen bei {money} Euro liegen.",
    "Bürgerinnen und Bürger können sich am {weekday}, {date}, ab {hour} Uhr informieren.",
    "Der {subject} gilt als wichtiger Baustein der Digitalstrategie von {town}.",
    "Gemeinsam mit {town2} will {actor} die Erfahrungen in einem Leitfaden bündeln.",
    "Insgesamt wurden {num} Sensoren, Zugangspunkte und Schnittstellen in Betrieb genommen.",
    "Eine zweite Ausbaustufe ist für {month} {year2} geplant.",
    "Wer mitmachen möchte, findet die Unterlagen im Serviceportal von {town}.",
    "Fachleute aus {state} beraten am {date} {venue} über die nächsten Schritte.",
    "{Person} aus dem {Thing} sieht im {thing} vor allem eine Chance für die {thing2}.",
    "Für das {thing} an der {street} liegen inzwischen {num} Rückmeldungen vor.",
    "Offen ist noch, wer künftig das {thing} betreibt und die {thing2} bezahlt.",
    "Im {thing} arbeiten {num} Beschäftigte, darunter viele aus dem {thing2}.",
    "Laut {person} wurde das {thing} zunächst im Stadtteil {quarter} erprobt.",
    "Ohne das {thing} wäre die {thing2} kaum möglich gewesen, heißt es aus dem Rathaus.",
    "Die Fraktionen im Stadtrat von {town} unterstützen das {thing} mehrheitlich.",
    "Kritische Stimmen verweisen auf das {thing} in {town2}, das nach {num} Tagen stillstand.",
    "{Person} kündigte an, die {thing} bis {month} {year2} auszuwerten.",
    "Anwohnende der {street} erhalten vorab ein Schreiben zum {thing}.",
    "Parallel entsteht im {quarter} ein {thing}, das Daten aus dem {thing2} nutzt.",
    "Wie teuer die {thing} am Ende wird, hängt von der {thing2} ab.",
)
# Article-specific vocabulary: compounds, names and streets make each text's word set its own,
# as in real reports, so near-duplicate detection sees realistic similarities.
PREFIXES = _wordlist(
    "Stadt Bürger Daten Energie Verkehrs Schul Kreis Landes Bau Wasser Wärme Netz Sensor Klima"
    " Park Rad Bus Bahn Solar Strom Abfall Lärm Luft Grün Quartiers Wohn Kita Sport Kultur"
    " Jugend Senioren Gewerbe Hafen Markt Rathaus Feuerwehr Notfall Melde Förder Haushalts"
    " Planungs Vergabe Beteiligungs Innovations Gesundheits Pflege Tourismus Museums Straßen"
    " Brücken Kanal Friedhofs Bibliotheks Hochwasser Boden Baum Licht Lade Funk Karten"
)
STEMS = _wordlist(
    "netz plan amt konzept portal projekt station bericht verfahren dienst zentrum programm"
    " system strategie werkstatt karte analyse modell initiative verbund beirat fonds register"
    " kataster monitor atlas forum labor team stelle satzung richtlinie messung anlage fläche"
    " punkt kasse vertrag leitstelle prüfung server konto"
)
FIRST_NAMES = _wordlist(
    "Anke Jens Sabine Thomas Petra Mehmet Julia Stefan Katrin Lars Aylin Michael Ute Tobias"
    " Carola Dirk Nadine Frank Ilse Yusuf Heike Jan Birgit Sven Marta Holger Leonie Rainer"
)
LAST_NAMES = _wordlist(
    "Schröder Becker Wagner Hoffmann Krüger Yılmaz Neumann Schwarz Zimmermann Braun Hartmann"
    " Lange Werner Krause Lehmann Köhler Walter König Frank Mayer Engel Seidel Vogt Busch"
    " Richter Günther Lorenz Kaiser Fuchs Jung Hahn Keller Roth Friedrich Scholz Winter"
)
ROLES = (
    "Bürgermeisterin",
    "Bürgermeister",
    "Amtsleiterin",
    "Projektleiter",
    "Digitalbeauftragte",
    "Stadtbaurat",
    "Dezernentin",
    "Landrat",
)
# At most one of these per article, so about half the articles announce an event.
EVENT_SENTENCES = (
    "Die Informationsveranstaltung findet am {date} um {hour} Uhr {venue} in {town} statt.",
    "Ein Workshop für Interessierte folgt am {weekday}, {date}, von {hour} bis 18 Uhr.",
)
CSS_PROPS = ("margin", "padding", "color", "font-size", "line-height", "border", "display")


@dataclass(frozen=True)
class ArticleMeta:
    number: int
    town: str
    subject: str
    title: str
    url_path: str
    published: datetime
    lead: str


def _slug(text: str) -> str:
    text = text.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60]


@dataclass(frozen=True)
class _Words:
    things: list[str]
    people: list[str]
    streets: list[str]
    quarters: list[str]
    templates: tuple[str, ...]


@lru_cache(maxsize=64)
def meta_words(seed: int, number: int) -> _Words:
    """The words one article draws on: a few dozen compounds, two people, streets, quarters."""
    rng = random.Random(seed * 31 + number)
    things = [rng.choice(PREFIXES) + rng.choice(STEMS) for _ in range(40)]
    people = [
        f"{rng.choice(ROLES)} {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(2)
    ]
    streets = [f"{rng.choice(LAST_NAMES)}straße" for _ in range(3)]
    quarters = [f"{rng.choice(PREFIXES).rstrip('s')}viertel" for _ in range(2)]
    # Each article uses half the sentence templates, so texts share no more than real ones.
    templates = tuple(rng.sample(SENTENCES, len(SENTENCES) // 2))
    return _Words(things, people, streets, quarters, templates)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _de_date(day: date) -> str:
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


class BenchSite:
    """A deterministic portal of ``pages`` articles; ``render(path)`` gives a page's bytes."""

    def __init__(self, pages: int, *, seed: int = 2026, newest: date = date(2026, 6, 30)) -> None:
        self.pages = pages
        self.seed = seed
        self.newest = newest
        self.listings = (pages + PER_LISTING - 1) // PER_LISTING

    # --- shared chrome: identical on every page, as on a real CMS ---------------------------

    @cached_property
    def _css(self) -> str:
        rng = random.Random(self.seed)
        rules = []
        for i in range(260):
            props = "; ".join(
                f"{p}: {rng.randint(0, 40)}px" for p in rng.sample(CSS_PROPS, rng.randint(2, 5))
            )
            rules.append(f".c-{i}-{rng.choice(NOUNS).lower()} {{ {props} }}")
        return "\n".join(rules)

    @cached_property
    def _padding_lines(self) -> list[str]:
        rng = random.Random(self.seed + 1)
        lines = []
        while sum(len(line) for line in lines) < MAX_BYTES:
            entry = {
                "event": rng.choice(("view", "scroll", "teaser_impression", "consent")),
                "id": rng.getrandbits(48),
                "path": f"/themen/{_slug(rng.choice(SUBJECTS))}/",
                "label": rng.choice(SUBJECTS),
                "region": rng.choice(TOWNS),
            }
            lines.append(json.dumps(entry, ensure_ascii=False) + ",\n")
        return lines

    @cached_property
    def _nav(self) -> str:
        sections = [
            ("Themen", [(s, f"/themen/{_slug(s)}/") for s in SUBJECTS]),
            ("Städte und Regionen", [(t, f"/regionen/{_slug(t)}/") for t in TOWNS + DISTRICTS]),
            ("Länder", [(s, f"/laender/{_slug(s)}/") for s in STATES]),
            (
                "Service",
                [
                    (f"{a.capitalize()} {n}", f"/service/{_slug(a + ' ' + n)}/")
                    for a in ADJECTIVES
                    for n in NOUNS
                ],
            ),
        ]
        parts = ['<nav class="main-nav" aria-label="Hauptnavigation"><ul class="mega-menu">']
        for name, links in sections:
            parts.append(f'<li class="menu-section"><span>{html.escape(name)}</span><ul>')
            parts += [
                f'<li class="menu-item"><a href="{href}">{html.escape(label)}</a></li>'
                for label, href in links
            ]
            parts.append("</ul></li>")
        parts.append('<li><a href="/aktuelles/">Aktuelles</a></li></ul></nav>')
        return "".join(parts)

    @cached_property
    def _footer(self) -> str:
        links = "".join(
            f'<li><a href="/regionen/{_slug(t)}/">Nachrichten aus {html.escape(t)}</a></li>'
            for t in TOWNS
        )
        return (
            '<footer id="footer"><div class="footer-links"><ul>'
            + links
            + "</ul></div><address>Redaktion Digitale Kommune, Marktplatz 1, 06108 Halle (Saale),"
            " Telefon 0345 000000</address><p>© 2026 Digitale Kommune. Alle Rechte vorbehalten."
            ' <a href="/impressum/">Impressum</a> <a href="/datenschutz/">Datenschutz</a></p>'
            '</footer><div class="cookie-banner" id="cookie-consent"><p>Wir verwenden Cookies,'
            " um die Nutzung der Seite auszuwerten.</p><button>Alle akzeptieren</button>"
            "<button>Nur notwendige</button></div>"
        )

    # --- articles -----------------------------------------------------------------------------

    def _rng(self, number: int, salt: int = 0) -> random.Random:
        return random.Random(self.seed * 1_000_003 + number * 7 + salt)

    def meta(self, number: int) -> ArticleMeta:
        """Title, URL and date of article ``number`` (0 = newest)."""
        rng = self._rng(number)
        town = rng.choice(TOWNS)
        subject = rng.choice(SUBJECTS)
        adjective = rng.choice(ADJECTIVES)
        title = rng.choice(TITLE_TEMPLATES).format(
            town=town,
            district=rng.choice(DISTRICTS),
            subject=subject,
            adj=adjective,
            Adj=adjective.capitalize(),
            noun=rng.choice(NOUNS),
        )
        day = self.newest - timedelta(days=number * 17 // 24)
        published = datetime(
            day.year, day.month, day.day, rng.randint(7, 18), rng.choice((0, 30)), tzinfo=BERLIN
        )
        lead = (
            f"{town} geht beim Thema {subject} einen weiteren Schritt. "
            f"{_upper_first(rng.choice(ACTORS))} kündigt eine {adjective} {rng.choice(NOUNS)} an."
        )
        path = f"/aktuelles/{day.year}/{_slug(title)}-{number}.html"
        return ArticleMeta(number, town, subject, title, path, published, lead)

    def _sentence(
        self, rng: random.Random, meta: ArticleMeta, templates: tuple[str, ...] | None = None
    ) -> str:
        # Most sentences stay with the article's own town and subject, as a real report does.
        published = meta.published
        later = published.date() + timedelta(days=rng.randint(3, 120))
        deadline = later - timedelta(days=rng.randint(1, 10))
        adjective = rng.choice(ADJECTIVES)
        words = meta_words(self.seed, meta.number)
        person = rng.choice(words.people)
        return rng.choice(templates or words.templates).format(
            Thing=rng.choice(words.things),
            thing=rng.choice(words.things),
            thing2=rng.choice(words.things),
            Person=person,
            person=person,
            street=rng.choice(words.streets),
            quarter=rng.choice(words.quarters),
            town=meta.town if rng.random() < 0.6 else rng.choice(TOWNS),
            town2=rng.choice(TOWNS),
            district=rng.choice(DISTRICTS),
            state=rng.choice(STATES),
            actor=rng.choice(ACTORS),
            subject=meta.subject if rng.random() < 0.7 else rng.choice(SUBJECTS),
            adj=adjective,
            noun=rng.choice(NOUNS),
            num=f"{rng.randint(12, 9000):,}".replace(",", "."),
            money=f"{rng.randint(2, 900) * 10_000:,}".replace(",", "."),
            year=published.year,
            year2=published.year + 1,
            month=MONTHS[rng.randrange(12)],
            date=_de_date(later),
            short=deadline.strftime("%d.%m.%Y"),
            weekday=WEEKDAYS[later.weekday()],
            hour=f"{rng.randint(8, 19)}.{rng.choice(('00', '30'))}",
            venue=rng.choice(VENUES),
        )

    def _body(self, rng: random.Random, meta: ArticleMeta) -> str:
        parts = []
        for i in range(rng.randint(6, 12)):
            if i and i % 3 == 0:
                parts.append(f"<h2>{html.escape(rng.choice(SUBJECTS))}: {rng.choice(NOUNS)}</h2>")
            sentences = " ".join(self._sentence(rng, meta) for _ in range(rng.randint(4, 7)))
            if i == 1 and rng.random() < 0.5:
                sentences += " " + self._sentence(rng, meta, EVENT_SENTENCES)
            parts.append(f"<p>{html.escape(sentences)}</p>")
        return "\n".join(parts)

    def _teasers(self, rng: random.Random, count: int, css: str) -> str:
        items = []
        for _ in range(count):
            other = self.meta(rng.randrange(self.pages))
            items.append(
                f'<li class="{css}-item"><span class="date">'
                f"{other.published:%d.%m.%Y}</span> "
                f'<a href="{other.url_path}">{html.escape(other.title)}</a></li>'
            )
        return "".join(items)

    def _events_box(self, rng: random.Random, published: datetime) -> str:
        items = []
        for _ in range(5):
            day = published.date() + timedelta(days=rng.randint(1, 90))
            items.append(
                f'<li><span class="date">{day:%d.%m.%Y}</span> {rng.choice(SUBJECTS)}:'
                f" {rng.choice(NOUNS)} {rng.choice(VENUES)} in {rng.choice(TOWNS)}</li>"
            )
        return "".join(items)

    def _head(self, rng: random.Random, title: str, extra: str = "") -> str:
        return (
            '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)} | Digitale Kommune</title>"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"{extra}<style>{self._css}</style>"
            "<script>window.dataLayer=window.dataLayer||[];"
            "function gtag(){dataLayer.push(arguments)}</script></head>"
        )

    def _page(self, rng: random.Random, head: str, main: str, sidebar: str) -> bytes:
        body = (
            f'<body class="page"><header id="kopf"><a class="logo" href="/aktuelles/">'
            f"Digitale Kommune</a>{self._nav}</header>"
            f'<div id="inhalt-rahmen"><main id="content">{main}</main>'
            f'<aside id="sidebar" class="sidebar">{sidebar}</aside></div>{self._footer}'
        )
        page = head + body
        target = rng.randint(MIN_BYTES, MAX_BYTES)
        missing = target - len(page.encode("utf-8")) - 120
        blob = []
        for line in self._padding_lines:
            if missing <= 0:
                break
            blob.append(line)
            missing -= len(line.encode("utf-8"))
        script = '<script type="application/json" id="tag-manager-data">[' + "".join(blob)
        return (page + script + "{}]</script></body></html>").encode("utf-8")

    def article(self, number: int) -> bytes:
        meta = self.meta(number)
        rng = self._rng(number, salt=1)
        stamp = meta.published.isoformat()
        extra = (
            f'<meta name="description" content="{html.escape(meta.lead)}">'
            f'<meta property="og:title" content="{html.escape(meta.title)}">'
            '<meta property="og:type" content="article">'
        )
        if number % 2 == 0:
            extra += f'<meta property="article:published_time" content="{stamp}">'
        if number % 3 == 0:
            data = {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": meta.title,
                "datePublished": stamp,
                "publisher": {"@type": "Organization", "name": "Digitale Kommune"},
            }
            extra += f'<script type="application/ld+json">{json.dumps(data)}</script>'
        keywords = sorted({rng.choice(SUBJECTS) for _ in range(4)})
        tags = "".join(f'<a class="tag" href="/themen/{_slug(k)}/">{k}</a> ' for k in keywords)
        main = (
            '<nav class="breadcrumb"><a href="/">Start</a> › <a href="/aktuelles/">Aktuelles</a>'
            f'</nav><article class="news"><h1>{html.escape(meta.title)}</h1>'
            f'<p class="datum">{meta.published:%d.%m.%Y}</p>'
            f'<p class="lead"><strong>{html.escape(meta.lead)}</strong></p>'
            f"{self._body(rng, meta)}"
            f'<figure><img src="/bilder/{number}.jpg" alt=""><figcaption>Symbolbild: '
            f"{rng.choice(SUBJECTS)} in {rng.choice(TOWNS)}. Foto: Stadt {rng.choice(TOWNS)}"
            f'</figcaption></figure><p class="tags">Schlagwörter: {tags}</p></article>'
            '<div class="share-buttons"><a href="#">Teilen</a> <a href="#">Drucken</a></div>'
            f'<section class="related"><h2>Das könnte Sie auch interessieren</h2><ul>'
            f"{self._teasers(rng, 6, 'related')}</ul></section>"
        )
        sidebar = (
            f'<div class="widget"><h3>Meistgelesen</h3><ul>{self._teasers(rng, 10, "top")}</ul>'
            f'</div><div class="widget termine"><h3>Nächste Termine</h3><ul>'
            f"{self._events_box(rng, meta.published)}</ul></div>"
            '<form class="newsletter"><label>Newsletter</label><input type="email"></form>'
        )
        return self._page(rng, self._head(rng, meta.title, extra), main, sidebar)

    # --- listings -----------------------------------------------------------------------------

    def listing_path(self, page: int) -> str:
        return "/aktuelles/" if page == 1 else f"/aktuelles/seite-{page}/"

    def listing(self, page: int) -> bytes:
        rng = self._rng(-page, salt=2)
        first = (page - 1) * PER_LISTING
        teasers = []
        for number in range(first, min(first + PER_LISTING, self.pages)):
            meta = self.meta(number)
            teasers.append(
                f'<div class="teaser"><span class="date">{meta.published:%d.%m.%Y}</span>'
                f'<h2><a href="{meta.url_path}">{html.escape(meta.title)}</a></h2>'
                f"<p>{html.escape(meta.lead)}</p></div>"
            )
        numbers = range(max(1, page - 3), min(self.listings, page + 3) + 1)
        pager = "".join(
            f'<a href="{self.listing_path(n)}">{n}</a>' if n != page else f"<span>{n}</span>"
            for n in numbers
        )
        if page < self.listings:
            pager += f'<a class="next" href="{self.listing_path(page + 1)}">Weiter</a>'
        main = (
            f"<h1>Aktuelles – Seite {page}</h1>{''.join(teasers)}"
            f'<nav class="pagination">{pager}</nav>'
        )
        top = self._teasers(rng, 10, "top")
        sidebar = f'<div class="widget"><h3>Meistgelesen</h3><ul>{top}</ul></div>'
        return self._page(rng, self._head(rng, f"Aktuelles – Seite {page}"), main, sidebar)

    # --- routing --------------------------------------------------------------------------------

    _ARTICLE = re.compile(r"/aktuelles/\d{4}/[a-z0-9-]+-(\d+)\.html")
    _LISTING = re.compile(r"/aktuelles/(?:seite-(\d+)/)?")

    def render(self, path: str) -> bytes | None:
        """The page at ``path``, or None when the site has no such page."""
        if m := self._ARTICLE.fullmatch(path):
            number = int(m.group(1))
            if number < self.pages and self.meta(number).url_path == path:
                return self.article(number)
            return None
        if m := self._LISTING.fullmatch(path):
            page = int(m.group(1) or 1)
            return self.listing(page) if 1 <= page <= self.listings else None
        return None

    def paths(self) -> list[str]:
        """Every page: listings first, then articles."""
        listings = [self.listing_path(n) for n in range(1, self.listings + 1)]
        return listings + [self.meta(n).url_path for n in range(self.pages)]


def _site_action(site: BenchSite, cache: dict[str, bytes | None]) -> Action:
    """Answers every request of the benchmark portal: robots.txt, pages, 404."""

    def act(handler: RequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        if path == "/robots.txt":
            send(handler, 200, b"User-agent: *\nDisallow:\n", "text/plain")
            return
        page = cache.get(path) or site.render(path)
        if page is None:
            send(handler, 404, b"<html><body>Nicht gefunden</body></html>", "text/html")
        else:
            send(handler, 200, page, "text/html; charset=utf-8")

    return act


class SiteServer:
    """Serves a :class:`BenchSite` on 127.0.0.1 from a child process (context manager).

    A child keeps the server's work off the benchmark process and its GIL. With ``prerender``
    every page is rendered before the first request, so the server answers from memory and can
    never be what limits a crawl; a 10,000-page site is rendered per request instead (1 GB).
    """

    def __init__(self, pages: int, *, prerender: bool = False) -> None:
        self.pages = pages
        self.prerender = prerender
        self._process: subprocess.Popen[str] | None = None
        self.base_url = ""

    def __enter__(self) -> SiteServer:
        command = [sys.executable, __file__, "--pages", str(self.pages)]
        if self.prerender:
            command.append("--prerender")
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        self.base_url = self._process.stdout.readline().strip()
        if not self.base_url.startswith("http://127.0.0.1:"):
            self.__exit__()
            raise RuntimeError("the benchmark site server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None


def serve(pages: int, *, prerender: bool) -> None:
    """Serve a site until stdin closes; print the base URL once ready."""
    site = BenchSite(pages)
    cache = {path: site.render(path) for path in site.paths()} if prerender else {}
    # Headers and body go out in two writes: without nodelay, Nagle + delayed ACK stall each.
    server = LocalServer(fallback=_site_action(site, cache), nodelay=True, backlog=64)
    with server:
        print(server.base_url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Serve the generated benchmark portal.")
    parser.add_argument("--pages", type=int, required=True)
    parser.add_argument("--prerender", action="store_true")
    args = parser.parse_args()
    serve(args.pages, prerender=args.prerender)
