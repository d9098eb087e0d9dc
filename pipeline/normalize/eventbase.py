"""What every event reader shares: cue words, field labels, titles, places, candidates."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from citynews.model import Event, Page
from citynews.normalize.address import find_venue, parse_address
from citynews.normalize.dates import (
    BERLIN,
    DateMatch,
    TimeMatch,
    find_dates,
    find_times,
)
from citynews.normalize.eventstatus import FALLS_OUT, status_from_text

_CUE = re.compile(
    # A dot after a digit ("am 19. März") does not end the "findet … statt" span.
    r"(?:findet|finden|fand|fanden)\b(?:\d\.|[^.!?]){0,200}?\bstatt\b"
    r"|stattfinden|stattfand|stattgefunden"
    r"|\blädt\b|\bladen\b|\beingeladen\b|[Vv]eranstaltung|\bTermin|[Ww]orkshop|[Kk]onferenz"
    r"|[Ww]ebinar|[Tt]agung|[Ff]orum\b|[Ss]eminar|[Vv]ortrag|[Kk]ongress|[Mm]esse\b|[Tt]reffen\b"
    r"|[Ss]itzung|[Ii]nfoabend|[Ii]nformationsabend|[Ff]estival|[Ff]ührung|[Ee]xkursion"
    r"|[Bb]arcamp|[Hh]ackathon|[Dd]iskussion|[Ss]prechstunde|[Aa]usstellung|[Ll]esung"
    r"|[Dd]ialog\b|[Ss]ummit|[Mm]eetup|[Ff]achtag|[Aa]ktionstag|[Ss]tammtisch|[Kk]urs\b"
    r"|[Ss]chulung|[Ll]ivestream|[Bb]ürgerversammlung|[Ii]nformationsveranstaltung"
    r"|[Kk]onzert|[Vv]ernissage|[Aa]ufführung|[Pp]remiere|[Gg]ottesdienst|[Tt]urnier"
    r"|[a-zäöüß]fest\b|[Ww]erkstatt|\b[Ee]vents?\b"
    # Elections are days citizens act on: "die Landtagswahl am kommenden Sonntag".
    r"|(?:[Ll]andtags|[Bb]undestags|[Kk]ommunal|[Ee]uropa|[Ss]tich|[Bb]ürgermeister)wahl(?:en)?\b"
    # "Am Sonntag, 23. Februar wird der Bundestag gewählt": an election announced by its verb.
    r"|\bwird\b(?:\d\.|[^.!?]){0,120}?\bgewählt\b|[Aa]nhörung"
    # "öffnet am Samstag seine Türen", "beginnt am", and what cancels or moves an event.
    r"|\böffne[nt]\b|\bbeginnt\b|\bstartet\b|\babgesagt\b|\bverschoben\b|\bABGESAGT\b|" + FALLS_OUT,
)
# Every alternative of _CUE contains one of these strings, in this case (keep them in step).
# The regex engine finds no literal to scan for in _CUE and tries its ~40 branches at every
# character (~50 µs a sentence); these substring tests take ~5 µs and rule out most sentences.
# fmt: off
_CUE_LITERALS = (
    "statt", "lädt", "laden", "eranstaltung", "Termin", "orkshop", "onferenz", "ebinar", "agung",
    "orum", "eminar", "ortrag", "ongress", "esse", "reffen", "itzung", "nfoabend",
    "nformationsabend", "estival", "ührung", "xkursion", "arcamp", "ackathon", "iskussion",
    "prechstunde", "usstellung", "esung", "ialog", "ummit", "eetup", "achtag", "ktionstag",
    "tammtisch", "urs", "chulung", "ivestream", "ürgerversammlung", "onzert", "ernissage",
    "ufführung", "remiere", "ottesdienst", "urnier", "fest", "erkstatt", "vent", "wahl",
    "gewählt", "nhörung", "öffne", "beginnt", "startet", "fällt", "abgesagt", "verschoben",
    "ABGESAGT",
)
# fmt: on
# "am 6. September in Iserlohn": a day and a town is an appointment even without a cue word.
_AM_IN = re.compile(r"\b(?:am|Am)\s+$")
_IN_TOWN = re.compile(
    r"^[\s,]*(?:(?:um|von|ab)\s+[\d.:\s–-]+(?:Uhr)?\s*)?in\s+(?:der\s+Stadt\s+)?"
    r"(?P<town>[A-ZÄÖÜ][\wäöüß-]+(?:\s*\([A-ZÄÖÜ][^)\n]{1,25}\)|(?:\s+(?:an\s+der|am)\s+[A-ZÄÖÜ]\w+))?)"
)
# Words that make the date right after them a deadline or a bookkeeping date, not an event.
# Unambiguous nouns may stand a few words away; "Anmeldung" or "bis" must be close.
# The event noun of a sentence without a clear subject: "folgt eine Konferenz in …".
_CUE_NOUN = re.compile(
    r"\b(?-i:(?=[A-ZÄÖÜ]))[\wäöüß-]*?(?:konferenz|workshop|webinar|tagung|forum|seminar|vortrag|kongress"
    r"|treffen|sitzung|festival|führung|exkursion|barcamp|hackathon|diskussion|sprechstunde"
    r"|ausstellung|lesung|dialog|fachtag|aktionstag|stammtisch|schulung|veranstaltung|anhörung"
    r"|(?:landtags|bundestags|kommunal|europa|stich|bürgermeister)wahl)\w*"
    r"(?:\s+(?-i:[A-ZÄÖÜ])[\wäöüß-]*){0,3}",
    re.IGNORECASE,
)
# Capitalised words after "in" that are no town: "in Kraft", "in Planung", "in Kürze".
_NOT_TOWNS = frozenset(
    [
        "Kraft",
        "Frage",
        "Zukunft",
        "Betrieb",
        "Planung",
        "Vorbereitung",
        "Arbeit",
        "Ordnung",
        "Kooperation",
        "Zusammenarbeit",
        "Anspruch",
        "Höhe",
        "Form",
        "Folge",
        "Kürze",
        "Präsenz",
        "Person",
        "Deutschland",
        "Europa",
        "Berlin-Brandenburg",
        "Zeiten",
        "Summe",
        "Anwesenheit",
        "Abstimmung",
        "Absprache",
        "Gang",
        "Erinnerung",
        "Erwägung",
    ]
)
_DEADLINE_STRONG = re.compile(
    r"(?:\w*[Ss]chluss|\w*frist|[Ff]rist\w*|[Dd]eadline|[Ss]tichtag|[Ss]tand|[Vv]eröffentlicht"
    r"|[Ee]rschein(?:t|en)"
    r"|[Aa]ktualisiert|[Ee]rstellt)\W*(?:[\wäöüß]+\W+){0,8}$"
)
_DEADLINE_WEAK = re.compile(
    r"(?:[Aa]nmeld\w*|[Rr]egistrier\w*|[Bb]ewerb\w*|[Ee]insend\w*|[Aa]ntr[aä]g\w*|[Ee]ingereicht"
    r"|[Ee]inreich\w*|[Ss]pätestens|[Gg]efördert|[Ll]aufzeit"
    # "von 14 bis 18 Uhr und Samstag, 9. Juli": the "bis" of a time range is no deadline.
    r"|\bbis(?!\s+\d{1,2}(?:[:.]\d\d)?\s*Uhr)(?:\s+(?:zum|spätestens|einschließlich))?)"
    r"\W*(?:[\wäöüß]+\W+){0,3}$"
)
_EVENT_VERB = re.compile(r"\b(?:findet|finden|beginnt|beginnen|startet|starten|stattfindet)\b")
_ONLINE = re.compile(
    r"\b(?:[Oo]nline\w*|[Ww]ebinar\w*|[Vv]ideokonferenz\w*|[Zz]oom|[Ll]ivestream\w*"
    r"|[Vv]irtuell\w*|[Ww]eb-?[Ss]eminar\w*|[Dd]igital\s+statt|MS\s+Teams|Microsoft\s+Teams)\b"
)
_LABEL_CUE = re.compile(
    r"^\s*(?:Nächste[rns]?\s+(?:Veranstaltung|Termin|Treffen)|Termine?|Veranstaltung(?:en)?"
    r"|Datum|Wann|Save\s+the\s+Date)\s*:?\s*$",
    re.IGNORECASE,
)
_GENERIC_HEADING = re.compile(
    r"^(?:Termin(?:e|details)?|Details|Veranstaltungsdetails|Informationen|Eckdaten|Service"
    r"|Auf einen Blick|Wann und wo\??|Programm|Anmeldung|Nächste[rns]? \w+|Veröffentlichungen"
    r"|Weitere Informationen|Kontakt|Inhalt)\s*:?$",
    re.IGNORECASE,
)
_LABELS = (
    r"Datum|Termine?|Wann|Startdatum|Beginn|Start|Zeitraum|Enddatum|Ende|Uhrzeit"
    r"|Zeit|Öffnungszeiten|Öffnungszeit|Einlass|Ort|Veranstaltungsort|Ausstellungsort|Spielort|Kursort|Wo|Adresse|Anschrift"
    r"|Treffpunkt|Raum|Veranstalter|Status|Kursstatus"
    r"|Anmeldeschluss|Anmeldefrist|Anmeldung|Eintritt|Kosten"
)
# The question labels end in "?" as often as in ":" ("Wann? 10.12.2024 Wo? Großer Saal").
_LABEL_END = r"[ \t]*(?::|(?<=[Ww]ann)\?|(?<=[Ww]o)\?)[ \t]*"
_KV_LINE = rf"[ \t]*(?P<label>{_LABELS}){_LABEL_END}(?P<value>[^\n]*)"
# Labels inside a line: "Yoga Wann: Mo. 02.03.2026, 10 Uhr Wo: Familienzentrum Status: frei".
_INLINE_LABEL = re.compile(rf"(?<![\wäöüß-])(?P<label>{_LABELS}){_LABEL_END}", re.IGNORECASE)
_KV = re.compile("^" + _KV_LINE, re.IGNORECASE | re.MULTILINE)
# Any short "Label: value" line, also with labels no reader knows.
_FIELD_LINE = re.compile(r"^[A-ZÄÖÜ][\wäöüß/ -]{1,28}:\s+\S")
# The same lines found from the newline before them: the engine scans for that literal quickly,
# while "^" is tried at every character (4x slower over a whole page).
_KV_AFTER_NEWLINE = re.compile("\n" + _KV_LINE, re.IGNORECASE)
_KV_START = {"datum", "termin", "termine", "wann", "startdatum", "beginn", "start", "zeitraum"}
_KV_END = {"enddatum", "ende"}
_KV_OPENING = {"öffnungszeiten", "öffnungszeit"}
_KV_TIME = {"uhrzeit", "zeit"} | _KV_OPENING
_KV_PLACE = {
    "ort",
    "veranstaltungsort",
    "ausstellungsort",
    "spielort",
    "kursort",
    "wo",
    "adresse",
    "anschrift",
    "treffpunkt",
}
_KV_DEADLINE = {"anmeldeschluss", "anmeldefrist", "anmeldung"}
_REGISTRATION_LINK = re.compile(r"anmeld|registr|ticket|teilnahme", re.IGNORECASE)
_PRONOUN_SUBJECT = re.compile(
    r"^(?:sie|er|es|diese[rs]?|dies|das|wir|man|die veranstaltung|das treffen|der termin"
    r"|die konferenz|die tagung|der workshop|das forum)$",
    re.IGNORECASE,
)
_VERB = re.compile(
    r"\s(?:findet|finden|fand|fanden|ist|sind|war|waren|wird|werden|beginnt|startet|steht"
    r"|lädt|laden|bietet|richtet|geht)\b"
)
_SUBJECT_AFTER_VERB = re.compile(
    r"\b(?:findet|finden|fand|fanden)\s+(?:(?:am|vom|bis|um|von|ab|heute|morgen|erneut|wieder"
    r"|bereits|nun|dann)\s+)*(?P<subject>(?:die|der|das|den|ein|eine)\s+.+?)"
    r"(?=\s+(?:im|in|am|an|auf|vom|von|um|ab|statt|bei|unter|online|erneut|wieder|zum|zur)\b"
    r"|[,;]|(?<!\d)\.|$)"
)
_INVITE = re.compile(
    r"\b(?:lädt|laden)\b.{0,80}?\b(?:zu|zum|zur|ins|in\s+die)\s+(?:einem\s+|einer\s+|der\s+|dem\s+)?"
    r"(?P<subject>.+?)\s+(?:ein|am|vom|nach|in|im)\b"
)
_MARKUP_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_ARTICLE = re.compile(
    r"^(?:(?:die|der|das|den|dem|ein|eine|einen|einem|einer)\s+)?"
    r"(?:(?:weitere|nächste|kommende|diesjährige)[nrms]?\s+)?",
    re.IGNORECASE,
)


@dataclass
class _Candidate:
    event: Event
    position: int
    title_strength: int  # 2: heading or subject phrase, 1: weak, 0: none


def _reference(page: Page) -> date | None:
    published = page.published
    if isinstance(published, datetime):
        return published.astimezone(BERLIN).date() if published.tzinfo else published.date()
    return published


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _clean_title(title: str) -> str:
    # Markdown-style links and emphasis survive some text extractions: "[Name](#)", "**Name**".
    title = _MARKUP_LINK.sub(r"\1", title).replace("**", "").replace("\\(", "(").replace("\\)", ")")
    title = " ".join(title.split()).strip(' \t,;:–-„“"')
    if len(title) > 140:
        title = title[:140].rsplit(" ", 1)[0] + " …"
    return title


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty line."""
    out = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _heading_like(line: str) -> bool:
    line = line.strip()
    if not line or len(line) > 120 or line.endswith((".", ":", ",")) and not line.endswith("…"):
        return False
    if _GENERIC_HEADING.match(line) or _KV.match(line) or line.startswith(("©", "(c)")):
        return False
    if _FIELD_LINE.match(line):
        return False  # "Sprachen: Deutsch", "Treffpunkt: Schlosseingang": a field, no name
    if find_dates(line) or find_times(line) or parse_address(line):
        return False
    return sum(ch.isalpha() for ch in line) >= 4


def _subject(sentence: str, match_text: str) -> str | None:
    """The event's name in its sentence: the subject of "findet … statt", "lädt zu … ein", …"""
    body = sentence.replace(match_text, " ").strip()
    body = re.sub(r"\s+", " ", body)
    for pattern in (_SUBJECT_AFTER_VERB, _INVITE):
        m = pattern.search(body)
        if m:
            return _ARTICLE.sub("", m.group("subject")).strip(" „“\"'")
    verb = _VERB.search(body)
    if verb:
        head = body[: verb.start()].strip()
        head = re.sub(r"^(?:Am|am|Vom|vom|Ab|ab|Bis|bis)\s*[,]?\s*", "", head)
        head = re.sub(r"^\[[^\]]*\]\s*", "", head)
        if head and head[0].isupper() and len(head.split()) <= 12:
            return _ARTICLE.sub("", head).strip(" „“\"'")
    return None


def _strength(title: str | None) -> int:
    if not title:
        return 0
    if _PRONOUN_SUBJECT.match(title.strip()) or len(title) < 4:
        return 0
    # "in Kraft getretene Verordnung": a lower-case start is rarely a name.
    return 1 if title[0].islower() else 2


def _block_after(text: str, lines: list[tuple[int, int]], pos: int, count: int = 3) -> str:
    """The short lines following ``pos``: where event blocks put time, venue and address."""
    out: list[str] = []
    for start, end in lines:
        if start < pos:
            continue
        line = text[start:end].strip()
        if len(line) > 160 or find_dates(line) or len(out) >= count:
            break
        if _KV.match(line) and not re.match(r"\s*(?:Ort|Veranstaltungsort|Wo|Adresse)", line):
            continue
        out.append(line)
    return "\n".join(out)


# "im Stadtmuseum in Quedlinburg", "findet … in Celle statt": the town of a venue.
_TOWN_AFTER_VENUE = re.compile(
    r"\b(?:im|in\s+der|in\s+dem|auf\s+der|auf\s+dem)\s+[^,.;:\n]{2,60}?\s+in\s+"
    r"(?P<town>[A-ZÄÖÜ][\wäöüß-]+)\b"
)
_TOWN_BEFORE_STATT = re.compile(r"\bin\s+(?P<town>[A-ZÄÖÜ][\wäöüß-]+)\s+statt\b")


def _place_from(block: str, sentence_after: str = "") -> tuple[str | None, str | None, str | None]:
    """(venue, address, town) from an event block or sentence."""
    address = parse_address(block)
    venue = find_venue(block)
    town = address.town if address else None
    if town is None:
        m = (
            _IN_TOWN.match(sentence_after)
            or _TOWN_AFTER_VENUE.search(block)
            or _TOWN_BEFORE_STATT.search(block)
        )
        if m and m.group("town").split()[0] not in _NOT_TOWNS:
            town = m.group("town")
    if venue and town and venue == town:
        venue = None
    return venue, address.text.replace("\n", ", ") if address else None, town


def _combine(match: DateMatch, times: Iterable[TimeMatch]) -> tuple[date | datetime, Any, bool]:
    """Start, end and all-day of a date match, with a separately written time if it has none."""
    if not match.all_day:
        return match.start, match.end, False
    for tm in times:
        if tm.start == time(0, 0) and tm.end is None:
            continue  # "00:00 Uhr" is how calendars print "no time" (see dates._build)
        start_day = _day(match.start)
        last_day = _day(match.end) if match.end is not None else start_day
        start = datetime.combine(start_day, tm.start, tzinfo=BERLIN)
        end: date | datetime | None = match.end
        if tm.end is not None:
            end = datetime.combine(last_day, tm.end, tzinfo=BERLIN)
            if end <= start:
                end += timedelta(days=1)
        return start, end, False
    return match.start, match.end, True


def _new_event(
    title: str | None,
    when: tuple[date | datetime, date | datetime | None, bool],
    place: tuple[str | None, str | None, str | None],
    scope: str,
) -> Event:
    """An event from its title, (start, end, all-day), (venue, address, town) and the text
    around it, whose words say whether it is online and what its status is."""
    start, end, all_day = when
    venue, address, town = place
    return Event(
        title=_clean_title(title) if title else "",
        start=start,
        end=end,
        all_day=all_day,
        venue=venue,
        address=address,
        place_name=town,
        online=bool(_ONLINE.search(scope)),
        status=status_from_text(title, scope),
    )
