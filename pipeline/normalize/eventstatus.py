"""An event's status and registration deadline, from the words around it.

Status words sit in the title ("ABGESAGT: Konzert …") or in the event's own sentence or block
("Die Lesung fällt aus", "ist ausgebucht"); schema.org ``eventStatus`` gives them in markup.
A registration deadline is a date cued by "Anmeldung bis", "Anmeldeschluss" or
"Anmeldefrist"; it belongs to the event it precedes, never replaces its start.
"""

from __future__ import annotations

import re
from datetime import date

from citynews.model import EventStatus
from citynews.normalize.dates import DateMatch

# "fällt die Fahrt am Samstag, 8. Mai, aus" cancels; "fällt deutlich höher aus" is a result.
_JUDGED = (
    r"positiv|negativ|gut|besser|schlecht|schlechter|hoch|höher|niedrig|niedriger|gering|geringer"
    r"|deutlich|knapp|anders|ähnlich|unterschiedlich|stark|stärker|schwach|schwächer|groß|größer"
    r"|klein|kleiner|kürzer|länger|milder|kälter|wärmer|üppig|mager|eindeutig|moderat"
)
FALLS_OUT = rf"\bfällt\b(?:(?!\b(?:{_JUDGED})\s+aus\b)(?:\d\.|[^.!?])){{0,120}}?\baus\b"

# Strongest first: a cancelled event that was also sold out is cancelled.
_STATUS_WORDS: tuple[tuple[EventStatus, re.Pattern[str]], ...] = (
    (
        "cancelled",
        re.compile(
            rf"{FALLS_OUT}|\b(?:abgesagt|fallen\s+(?:[\wäöüß]+\s+){{0,3}}?aus\b"
            r"|entfällt|entfallen|ausgefallen|storniert|Ausfall\b|muss\s+leider\s+ausfallen)",
            re.IGNORECASE,
        ),
    ),
    (
        "postponed",
        re.compile(r"\b(?:verschoben|vertagt|verlegt\s+auf|neuer\s+Termin)\b", re.IGNORECASE),
    ),
    (
        "moved-online",
        re.compile(
            r"\b(?:findet|finden)\s+(?:[\wäöüß]+\s+){0,4}?(?:nur\s+|ausschließlich\s+)?"
            r"(?:online|digital|virtuell)\s+statt\b|\bals\s+(?:Online|Video)-?\w*\s+statt\b",
            re.IGNORECASE,
        ),
    ),
    (
        "sold-out",
        re.compile(
            r"\b(?:ausgebucht|ausverkauft|restlos\s+vergriffen|keine\s+(?:freien\s+)?Plätze\s+mehr"
            r"|Warteliste)\b",
            re.IGNORECASE,
        ),
    ),
)
# schema.org EventStatusType names (full URLs end with them).
_SCHEMA_STATUS: dict[str, EventStatus] = {
    "EventCancelled": "cancelled",
    "EventPostponed": "postponed",
    "EventRescheduled": "scheduled",
    "EventMovedOnline": "moved-online",
    "EventScheduled": "scheduled",
}
# The few words before a date that make it a registration deadline.
_DEADLINE_CUE = re.compile(
    r"(?:Anmelde(?:schlu(?:ss|ß)|frist|ende)|Anmeldung(?:en)?|Bewerbung\w*|bewerben|Registrierung"
    r"|anmelden|Teilnahme\w*|Antr(?:ag|äge)|beantrag\w*|melden\s+(?:Sie|sich)|meldet\s+euch"
    r"|Rückmeldung)\b[^.!?\n]{0,60}?$",
    re.IGNORECASE,
)
_BIS = re.compile(r"(?:\bbis\b|schlu(?:ss|ß)|frist|ende)[^.!?\n]{0,25}$", re.IGNORECASE)
# "… kann bis Freitag, den 21. Februar, um 15 Uhr beantragt werden": the verb after the date.
_BIS_RIGHT_BEFORE = re.compile(
    r"\bbis\s+(?:zum\s+|spätestens\s+|einschließlich\s+)?(?:[A-Z][a-z]+,?\s+(?:den\s+)?)?$"
)
_DEADLINE_VERB_AFTER = re.compile(
    r"[^.!?\n]{0,50}?\b(?:beantragt|angemeldet|anmelden|eingereicht|einreichen|bewerben"
    r"|registrieren|zurückgeschickt|eingegangen)\b"
)


# "ABGESAGT: Konzert", "Verschoben – Lesung", "[Ausgebucht] Kurs": the status said before the
# title; feeds and calendars say it again from the status field.
_STATUS_PREFIX = re.compile(
    r"^\s*[\[(]?\s*(?:abgesagt|entfällt|fällt\s+aus|verschoben|ausgebucht|ausverkauft"
    r"|neuer\s+termin)\s*(?:[\])]\s*[:!–-]*|[:!–-]+)\s*(?=\S)",
    re.IGNORECASE,
)


def without_status_prefix(title: str, status: EventStatus | None) -> str:
    """The title without the status word it starts with, for events whose status says it."""
    if status in (None, "scheduled"):
        return title
    return _STATUS_PREFIX.sub("", title, count=1)


def status_from_text(*texts: str | None) -> EventStatus:
    """The status the texts state (title first, then the event's sentence or block)."""
    for status, pattern in _STATUS_WORDS:
        if any(text and pattern.search(text) for text in texts):
            return status
    return "scheduled"


def status_from_schema(value: str | None) -> EventStatus | None:
    """A schema.org ``eventStatus`` ("https://schema.org/EventCancelled") as our status."""
    if not value:
        return None
    return _SCHEMA_STATUS.get(value.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1])


def deadline_dates(text: str, dates: list[DateMatch]) -> list[tuple[int, date]]:
    """(position, day) of every date the text names as a registration deadline."""
    found = []
    for match in dates:
        before = text[max(0, match.span[0] - 80) : match.span[0]]
        cued = bool(_DEADLINE_CUE.search(before) and _BIS.search(before))
        if not cued and _BIS_RIGHT_BEFORE.search(before):
            cued = bool(_DEADLINE_VERB_AFTER.match(text, match.span[1], match.span[1] + 80))
        if cued:
            day = match.start if not hasattr(match.start, "date") else match.start.date()
            found.append((match.span[0], day))
    return found
