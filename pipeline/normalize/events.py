"""Events announced by a page: schema.org JSON-LD first, otherwise German text cues.

Text events come from three shapes, strongest first: key/value blocks ("Datum: …",
"Uhrzeit: …", "Ort: …"), a date standing on a line of its own inside an event block, and a date
inside a sentence with an event cue ("findet … statt", "Workshop", "am 6. September in Jena").
Deadlines, publication dates and reports of past work without an event cue are not events.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from citynews.model import Event, Page
from citynews.normalize.address import find_venue, parse_address
from citynews.normalize.dates import (
    BERLIN,
    DateMatch,
    TimeMatch,
    find_dates,
    find_times,
    sentence_at,
)
from citynews.normalize.eventstatus import (
    deadline_dates,
    status_from_schema,
    status_from_text,
)

# --- JSON-LD -----------------------------------------------------------------------------------

_EVENT_TYPES = {"Event", "Festival", "Hackathon", "CourseInstance", "ExhibitionEvent"}


def _types(node: dict[str, Any]) -> list[str]:
    raw = node.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    return [str(n).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for n in names if n]


def _is_event(node: dict[str, Any]) -> bool:
    return any(t in _EVENT_TYPES or t.endswith("Event") for t in _types(node))


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "mainEntity", "subEvent", "event", "itemListElement", "item"):
            if key in value:
                yield from _walk(value[key])


def _scalar(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("@id") or value.get("url") or value.get("name")
    if value is None or isinstance(value, dict | list):
        return None
    text = html.unescape(str(value)).strip()
    return text or None


def _iso_value(text: str | None) -> date | datetime | None:
    """A schema.org date: date-only stays a date; a given offset is kept and shown in Berlin."""
    if not text:
        return None
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    try:
        value = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=BERLIN)
    return value.astimezone(BERLIN)


def _utc_labelled_wall_clock(
    value: date | datetime | None, raw: str | None, shown: list[DateMatch]
) -> bool:
    """True when a "+00:00" time is really the local wall clock the page shows.

    Some event CMSs label local times as UTC. Germany is never at UTC+0, so when the page text
    shows the same clock numbers on that day, the text is right and the label is wrong.
    """
    if not isinstance(value, datetime) or not raw or not re.search(r"(Z|[+-]00:?00)$", raw):
        return False
    wall = datetime.fromisoformat(raw.replace("Z", "+00:00")).replace(tzinfo=None)
    for m in shown:
        for candidate in (m.start, m.end):
            if isinstance(candidate, datetime) and candidate.replace(tzinfo=None) == wall:
                return True
    return False


def _postal_text(address: Any) -> tuple[str | None, str | None]:
    """(one-line address, town) of a schema.org PostalAddress or address string."""
    if isinstance(address, list):
        address = address[0] if address else None
    if isinstance(address, str):
        found = parse_address(address)
        return address.strip() or None, found.town if found else None
    if not isinstance(address, dict):
        return None, None
    street = _scalar(address.get("streetAddress"))
    postal = address.get("postalCode")
    if isinstance(postal, int):
        # JSON numbers lose the leading zero of East German codes: 04109 arrives as 4109.
        postal = f"{postal:05d}"
    postal = _scalar(postal)
    town = _scalar(address.get("addressLocality"))
    locality = " ".join(p for p in (postal, town) if p)
    line = ", ".join(p for p in (street, locality) if p)
    return line or None, town


def _location(location: Any) -> tuple[str | None, str | None, str | None, bool]:
    """(venue, address, town, online) of a schema.org location (Place, VirtualLocation, text)."""
    places = location if isinstance(location, list) else [location]
    venue = address = town = None
    online = False
    for place in places:
        if isinstance(place, str):
            if _ONLINE.search(place) and not parse_address(place):
                online = True
            elif venue is None and address is None:
                found = parse_address(place)
                if found and found.street:
                    address, town = place.strip(), found.town
                else:
                    venue = place.strip() or None
            continue
        if not isinstance(place, dict):
            continue
        if "VirtualLocation" in _types(place):
            online = True
            continue
        name = _scalar(place.get("name"))
        line, locality = _postal_text(place.get("address"))
        address = address or line
        town = town or locality
        if name and venue is None:
            found = parse_address(name)
            # A "name" that is just the address again is no venue.
            if not (found and found.span[1] - found.span[0] >= len(name.strip()) - 2):
                venue = name
            elif address is None:
                address = name
                town = town or found.town
    return venue, address, town, online


def _registration(node: dict[str, Any]) -> str | None:
    offers = node.get("offers")
    for offer in offers if isinstance(offers, list) else [offers]:
        if isinstance(offer, dict) and _scalar(offer.get("url")):
            return _scalar(offer.get("url"))
    return _scalar(node.get("url"))


def _jsonld_events(page: Page) -> list[Event]:
    shown: list[DateMatch] | None = None
    events: list[Event] = []
    for node in _walk(page.jsonld):
        if not _is_event(node):
            continue
        raw_start = _scalar(node.get("startDate"))
        raw_end = _scalar(node.get("endDate"))
        start = _iso_value(raw_start)
        if start is None:
            continue
        end = _iso_value(raw_end)
        if shown is None:
            shown = find_dates(page.text, reference=_reference(page))
        if _utc_labelled_wall_clock(start, raw_start, shown):
            start = _as_local_wall(raw_start)
            end = _as_local_wall(raw_end) if isinstance(end, datetime) else end
        title = _scalar(node.get("name")) or page.title or ""
        venue, address, town, online = _location(node.get("location"))
        mode = _scalar(node.get("eventAttendanceMode")) or ""
        if "Online" in mode or "Mixed" in mode or _ONLINE.search(title):
            online = True
        events.append(
            Event(
                title=_clean_title(title),
                start=start,
                end=end if end != start else None,
                all_day=not isinstance(start, datetime),
                venue=venue,
                address=address,
                place_name=town,
                online=online,
                registration_url=_registration(node),
                source="jsonld",
                status=status_from_schema(_scalar(node.get("eventStatus")))
                or status_from_text(title),
            )
        )
    return events


def _as_local_wall(raw: str | None) -> datetime | None:
    if not raw:
        return None
    naive = datetime.fromisoformat(raw.replace("Z", "+00:00")).replace(tzinfo=None)
    return naive.replace(tzinfo=BERLIN)


# --- Text --------------------------------------------------------------------------------------

_CUE = re.compile(
    # A dot after a digit ("am 19. März") does not end the "findet … statt" span.
    r"(?:findet|finden|fand|fanden)\b(?:\d\.|[^.!?]){0,200}?\bstatt\b"
    r"|stattfinden|stattfand|stattgefunden"
    r"|\blädt\b|\bladen\b|\beingeladen\b|[Vv]eranstaltung|\bTermin|[Ww]orkshop|[Kk]onferenz"
    r"|[Ww]ebinar|[Tt]agung|[Ff]orum\b|[Ss]eminar|[Vv]ortrag|[Kk]ongress|[Mm]esse\b|[Tt]reffen\b"
    r"|[Ss]itzung|[Ii]nfoabend|[Ii]nformationsabend|[Ff]estival|[Ff]ührung|[Ee]xkursion"
    r"|[Bb]arcamp|[Hh]ackathon|[Dd]iskussion|[Ss]prechstunde|[Aa]usstellung|[Ll]esung"
    r"|[Dd]ialog\b|[Ss]ummit|[Mm]eetup|[Ff]achtag|[Aa]ktionstag|[Ss]tammtisch|[Kk]urs\b"
    r"|[Ss]chulung|[Ll]ivestream|[Bb]ürgerversammlung|[Ii]nformationsveranstaltung",
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
    "tammtisch", "urs", "chulung", "ivestream", "ürgerversammlung",
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
    r"|ausstellung|lesung|dialog|fachtag|aktionstag|stammtisch|schulung|veranstaltung)\w*"
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
    r"|[Aa]ktualisiert|[Ee]rstellt)\W*(?:[\wäöüß]+\W+){0,8}$"
)
_DEADLINE_WEAK = re.compile(
    r"(?:[Aa]nmeld\w*|[Rr]egistrier\w*|[Bb]ewerb\w*|[Ee]insend\w*|[Aa]ntr[aä]g\w*|[Ee]ingereicht"
    r"|[Ee]inreich\w*|[Ss]pätestens|[Gg]efördert|[Ll]aufzeit"
    r"|\bbis(?:\s+(?:zum|spätestens|einschließlich))?)\W*(?:[\wäöüß]+\W+){0,3}$"
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
_KV_LINE = (
    r"[ \t]*(?P<label>Datum|Termine?|Wann|Startdatum|Beginn|Start|Zeitraum|Enddatum|Ende|Uhrzeit"
    r"|Zeit|Einlass|Ort|Veranstaltungsort|Ausstellungsort|Spielort|Kursort|Wo|Adresse|Anschrift"
    r"|Treffpunkt|Raum|Veranstalter"
    r"|Anmeldeschluss|Anmeldefrist|Anmeldung|Eintritt|Kosten)[ \t]*:[ \t]*(?P<value>[^\n]*)"
)
_KV = re.compile("^" + _KV_LINE, re.IGNORECASE | re.MULTILINE)
# The same lines found from the newline before them: the engine scans for that literal quickly,
# while "^" is tried at every character (4x slower over a whole page).
_KV_AFTER_NEWLINE = re.compile("\n" + _KV_LINE, re.IGNORECASE)
_KV_START = {"datum", "termin", "termine", "wann", "startdatum", "beginn", "start", "zeitraum"}
_KV_END = {"enddatum", "ende"}
_KV_TIME = {"uhrzeit", "zeit"}
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


def _place_from(block: str, sentence_after: str = "") -> tuple[str | None, str | None, str | None]:
    """(venue, address, town) from an event block or sentence."""
    address = parse_address(block)
    venue = find_venue(block)
    town = address.town if address else None
    if town is None:
        m = _IN_TOWN.match(sentence_after)
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


def _kv_lines(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, label, value) of every "Label: value" line of the text."""
    # The newline in front lets the first line match too; offsets shift back by one.
    for m in _KV_AFTER_NEWLINE.finditer("\n" + text):
        yield m.start(), m.end() - 1, m.group("label"), m.group("value")


def _kv_blocks(page: Page) -> Iterator[tuple[int, int, dict[str, str]]]:
    """Clusters of "Label: value" lines: (start, end, {label: value})."""
    text = page.text
    cluster: dict[str, str] = {}
    first = last = -1
    for start, end, raw_label, raw_value in _kv_lines(text):
        label = raw_label.lower()
        value = raw_value.strip()
        if not value:
            # The value sits on the next line(s): "Startdatum:\n21. März 2022".
            nxt = re.match(r"\s*\n\s*([^\n]+)", text[end:])
            if nxt and not _KV.match(nxt.group(1)):
                value = nxt.group(1).strip()
                end += nxt.end()
        if label in _KV_PLACE:
            more = re.match(r"(?:\n[ \t]*(?![ \t]*\n)(?!.*:)[^\n]{1,80}){1,3}", text[end:])
            if more and parse_address(value + more.group()):
                value += more.group()
                end += more.end()
        if cluster and start - last > 250:
            yield first, last, cluster
            cluster = {}
        if not cluster:
            first = start
        cluster.setdefault(label, value)
        last = end
    if cluster:
        yield first, last, cluster


def _kv_events(
    page: Page,
    reference: date | None,
    blocks: list[tuple[int, int, dict[str, str]]],
    lines: list[tuple[int, int]],
) -> list[_Candidate]:
    found: list[_Candidate] = []
    for first, _last, kv in blocks:  # noqa: B007 - _last bounds the block's status words
        start_value = next((kv[k] for k in kv if k in _KV_START), None)
        if start_value is None:
            continue
        dates = find_dates(start_value, reference=reference)
        if not dates:
            continue
        match = dates[0]
        end_value = next((kv[k] for k in kv if k in _KV_END), None)
        end_dates = find_dates(end_value, reference=reference) if end_value else []
        if end_dates:
            match = replace(match, end=end_dates[0].start)
        times = [t for k in kv if k in _KV_TIME for t in find_times(kv[k])]
        if not times:
            times = [t for k in kv if k in _KV_START | _KV_END for t in find_times(kv[k])]
            if len(times) == 2 and times[0].end is None:
                times = [replace(times[0], end=times[1].start)]
        start, end, all_day = _combine(match, times)
        place_text = next((kv[k] for k in kv if k in _KV_PLACE), "")
        venue, address, town, online = _labelled_place(place_text)
        title = _heading_before(page.text, lines, first)
        deadline_value = next((kv[k] for k in kv if k in _KV_DEADLINE), "")
        deadline = find_dates(deadline_value, reference=reference) if deadline_value else []
        found.append(
            _Candidate(
                Event(
                    title=title or "",
                    start=start,
                    end=end,
                    all_day=all_day,
                    venue=venue,
                    address=address,
                    place_name=town,
                    online=online or bool(_ONLINE.search(title or "")),
                    status=status_from_text(title, page.text[first:_last]),
                    registration_deadline=_day(deadline[0].start) if deadline else None,
                ),
                first,
                _strength(title),
            )
        )
    return found


def _labelled_place(place_text: str) -> tuple[str | None, str | None, str | None, bool]:
    """(venue, address, town, online) of the value of an "Ort:" label."""
    if not place_text:
        return None, None, None, False
    online = bool(_ONLINE.search(place_text))
    venue, address, town = _place_from(place_text)
    if not online and venue is None and address is None:
        venue = place_text.split("\n")[0].strip(" ,.") or None
    return venue, address, town, online


def _page_place(
    blocks: list[tuple[int, int, dict[str, str]]],
) -> tuple[str | None, str | None, str | None, bool] | None:
    """The one place a page labels outside its date blocks ("Veranstaltungsort: …"), if one."""
    values = {
        " ".join(kv[k].split())
        for _, _, kv in blocks
        if not kv.keys() & _KV_START
        for k in kv
        if k in _KV_PLACE
    }
    if len(values) != 1:
        return None
    return _labelled_place(values.pop())


def _fill_place(
    candidates: list[_Candidate], place: tuple[str | None, str | None, str | None, bool] | None
) -> None:
    """Events the text gives no venue get the page's labelled place."""
    if place is None:
        return
    venue, address, town, online = place
    for i, cand in enumerate(candidates):
        event = cand.event
        if event.venue or event.address:
            continue
        filled = replace(
            event,
            venue=venue,
            address=address,
            place_name=town or event.place_name,
            online=event.online or online,
        )
        candidates[i] = replace(cand, event=filled)


def _heading_before(
    text: str, lines: list[tuple[int, int]], pos: int, reach: int = 6
) -> str | None:
    previous = [text[s:e].strip() for s, e in lines if e <= pos][-reach:]
    for line in reversed(previous):
        if _heading_like(line):
            return line
    return None


def _is_deadline(text: str, sentence_start: int, match: DateMatch) -> bool:
    before = text[max(sentence_start, match.span[0] - 90) : match.span[0]]
    for pattern in (_DEADLINE_STRONG, _DEADLINE_WEAK):
        m = pattern.search(before)
        # "Nach der Anmeldung findet der Workshop am …": the event verb wins.
        if m and not _EVENT_VERB.search(m.group()):
            return True
    return False


def _text_events(
    page: Page, reference: date | None, taken: list[tuple[int, int]], lines: list[tuple[int, int]]
) -> list[_Candidate]:
    text = page.text
    published = _day(page.published) if page.published else None
    found: list[_Candidate] = []
    all_dates = find_dates(text, reference=reference)
    # Days long before the page was written are history ("1926 geboren"), not announcements.
    newest = reference or max((_day(m.start) for m in all_dates), default=None)
    oldest = newest - timedelta(days=400) if newest else date.min
    for match in all_dates:
        if any(s <= match.span[0] < e for s, e in taken):
            continue
        s_start, s_end = sentence_at(text, *match.span)
        sentence = text[s_start:s_end]
        sentence_dates = [m for m in all_dates if s_start <= m.span[0] < s_end]
        line_start = text.rfind("\n", 0, match.span[0]) + 1
        line_end = text.find("\n", match.span[1])
        line_end = len(text) if line_end < 0 else line_end
        before_on_line = text[line_start : match.span[0]].strip()
        after_on_line = text[match.span[1] : line_end].strip()
        if text[match.span[0] - 1 : match.span[0]] == "[" and text[match.span[1] :].startswith("]"):
            continue  # "[19.05.2025]": the portal's publication-date line
        if _is_deadline(text, s_start, match) or _day(match.start) < oldest:
            continue
        bare = (not before_on_line or _LABEL_CUE.match(before_on_line)) and not after_on_line
        previous_line = _previous_line(text, lines, line_start)
        block = _block_after(text, lines, line_end + 1)
        weak = False
        if bare:
            has_cue = (
                bool(_LABEL_CUE.match(previous_line or ""))
                or page.kind == "event"
                or bool(find_times(block) or parse_address(block))
                or not match.all_day
                or match.end is not None
            )
            if not has_cue or (published and _day(match.start) == published and match.all_day):
                continue
            start, end, all_day = _combine(match, find_times(block.split("\n")[0]))
            venue, address, town = _place_from(block)
            if _LABEL_CUE.match(previous_line or ""):
                title = _first_heading(text, lines, line_end + 1)
            else:
                title = _heading_before(text, lines, line_start)
            online_scope = block + " " + (title or "")
        else:
            am_in = bool(_AM_IN.search(text[s_start : match.span[0]])) and bool(
                _IN_TOWN.match(text[match.span[1] : s_end])
            )
            cued = any(word in sentence for word in _CUE_LITERALS) and bool(_CUE.search(sentence))
            if not (cued or am_in):
                continue
            if published and _day(match.start) == published and s_start == match.span[0]:
                continue
            following = [m for m in sentence_dates if m.span[0] > match.span[0]]
            stop = following[0].span[0] if following else s_end
            start, end, all_day = _combine(match, find_times(text[match.span[1] : stop]))
            venue, address, town = _place_from(sentence, text[match.span[1] : s_end])
            title = _subject(sentence, match.text)
            if (
                title
                and town
                and town not in title
                and sum(
                    _day(m.start) != published for m in find_dates(sentence, reference=reference)
                )
                > 1
            ):
                # "Weitere Konferenzen sind am 6. September in Iserlohn und am 5. Dezember in …"
                title = f"{title} in {town}"
            rest = re.sub(r"^[\s–—:|-]+", "", after_on_line)
            if not title and s_start >= match.span[0] - 12 and _heading_like(rest):
                title = rest
            if not title:
                named = _CUE_NOUN.search(sentence)
                title = named.group() if named else None
                weak = True
            online_scope = sentence
        candidate = Event(
            title=_clean_title(title) if title else "",
            start=start,
            end=end,
            all_day=all_day,
            venue=venue,
            address=address,
            place_name=town,
            online=bool(_ONLINE.search(online_scope)),
            status=status_from_text(title, online_scope),
        )
        strength = min(_strength(title), 1) if weak else _strength(title)
        found.append(_Candidate(candidate, match.span[0], strength))
    return found


def _previous_line(text: str, lines: list[tuple[int, int]], line_start: int) -> str | None:
    previous = [text[s:e] for s, e in lines if e < line_start]
    return previous[-1].strip() if previous else None


def _first_heading(text: str, lines: list[tuple[int, int]], pos: int) -> str | None:
    for s, e in lines:
        if s >= pos:
            line = text[s:e].strip()
            return line if _heading_like(line) else None
    return None


def _norm(title: str) -> set[str]:
    return {w for w in re.findall(r"[\wäöüß]+", title.lower()) if len(w) > 3}


def _same_event(a: _Candidate, b: _Candidate) -> bool:
    if _day(a.event.start) != _day(b.event.start):
        return False
    if a.event.start == b.event.start:
        wa, wb = _norm(a.event.title), _norm(b.event.title)
        if not wa or not wb or a.title_strength < 2 or b.title_strength < 2:
            return True
        return len(wa & wb) / len(wa | wb) >= 0.2 or wa <= wb or wb <= wa
    # An all-day mention of a day that is also given with its time is the same event; a run of
    # days ("8. bis 23. Februar") and a timed day in it (the opening) are two events.
    day_only = a.event if a.event.all_day else b.event
    run = day_only.end is not None and _day(day_only.end) != _day(day_only.start)
    return a.event.all_day != b.event.all_day and not run


def _merge(keep: _Candidate, other: _Candidate) -> _Candidate:
    if keep.event.all_day and not other.event.all_day:
        keep, other = other, keep
    event = keep.event
    title = event.title
    strength = keep.title_strength
    if other.title_strength > strength:
        title, strength = other.event.title, other.title_strength
    merged = replace(
        event,
        title=title,
        end=event.end if event.end is not None else other.event.end,
        venue=event.venue or other.event.venue,
        address=event.address or other.event.address,
        place_name=event.place_name or other.event.place_name,
        online=event.online or other.event.online,
        status=event.status if event.status != "scheduled" else other.event.status,
        registration_deadline=event.registration_deadline or other.event.registration_deadline,
    )
    return _Candidate(merged, min(keep.position, other.position), strength)


def _dedupe(candidates: list[_Candidate]) -> list[_Candidate]:
    out: list[_Candidate] = []
    for cand in sorted(candidates, key=lambda c: c.position):
        for i, kept in enumerate(out):
            if _same_event(kept, cand):
                out[i] = _merge(kept, cand)
                break
        else:
            out.append(cand)
    return out


def _assign_links(
    page: Page, candidates: list[_Candidate], links: Sequence[tuple[str, str]]
) -> dict[int, str]:
    """Registration links per candidate index: the event the anchor names, else the nearest one."""
    chosen: dict[int, tuple[float, str]] = {}
    if not candidates:
        return {}  # most pages announce nothing: no need to read every link
    for anchor, href in links:
        if not href or not (_REGISTRATION_LINK.search(anchor) or _REGISTRATION_LINK.search(href)):
            continue
        words = _norm(anchor)
        at = page.text.find(anchor.strip()) if anchor.strip() else -1
        best: tuple[float, int] | None = None
        for i, cand in enumerate(candidates):
            named = _norm(cand.event.title) | _norm(cand.event.place_name or "")
            overlap = len(words & named)
            distance = abs(at - cand.position) if at >= 0 else 10**6
            if overlap == 0 and distance > 2000 and len(candidates) > 1:
                continue
            # More shared words first, then the shorter distance.
            score = overlap * 10**7 - distance
            if best is None or score > best[0]:
                best = (score, i)
        if best is not None and (best[1] not in chosen or best[0] > chosen[best[1]][0]):
            chosen[best[1]] = (best[0], href)
    return {i: href for i, (_, href) in chosen.items()}


def _assign_deadlines(page: Page, reference: date | None, candidates: list[_Candidate]) -> None:
    """Give each "Anmeldung bis …" date to the nearest event in the text that starts later."""
    if not candidates:
        return
    for position, day in deadline_dates(page.text, find_dates(page.text, reference=reference)):
        later = [
            (abs(c.position - position), i)
            for i, c in enumerate(candidates)
            if _day(c.event.start) >= day and c.event.registration_deadline is None
        ]
        if later:
            i = min(later)[1]
            event = replace(candidates[i].event, registration_deadline=day)
            candidates[i] = replace(candidates[i], event=event)


def extract_events(
    page: Page, *, links: Sequence[tuple[str, str]] = (), now: date | None = None
) -> list[Event]:
    """The events a page announces: zero, one or several, in text order.

    schema.org Event objects in ``page.jsonld`` win; otherwise the text is read. ``links`` are
    the content's (anchor text, href) pairs, used to find a registration link near an event.
    """
    jsonld = _jsonld_events(page)
    if jsonld:
        unique: dict[tuple[str, str], Event] = {}
        for event in jsonld:
            unique.setdefault((str(event.start), " ".join(event.title.lower().split())), event)
        return list(unique.values())
    reference = _reference(page) or now
    # Both readers need the key/value blocks and the line bounds: find them once.
    blocks = list(_kv_blocks(page))
    lines = _lines(page.text)
    kv = _kv_events(page, reference, blocks, lines)
    taken = [(s, e) for s, e, _ in blocks]
    candidates = _dedupe(kv + _text_events(page, reference, taken, lines))
    single = len(candidates) == 1
    for i, cand in enumerate(candidates):
        if page.title and (cand.title_strength < 2 or (single and page.kind == "event")):
            title = _clean_title(page.title)
            online = cand.event.online or bool(_ONLINE.search(title))
            status = cand.event.status
            if status == "scheduled":
                status = status_from_text(title)
            event = replace(cand.event, title=title, online=online, status=status)
            candidates[i] = replace(cand, event=event)
    candidates = [c for c in candidates if c.event.title]
    _fill_place(candidates, _page_place(blocks))
    _assign_deadlines(page, reference, candidates)
    urls = _assign_links(page, candidates, links)
    return [
        replace(c.event, registration_url=urls[i]) if i in urls else c.event
        for i, c in enumerate(candidates)
    ]
