"""Keys of the machine-readable source kinds: iCal, JSON event exports, OParl and event feeds.

``config.py`` calls :func:`parse_machine_keys` for every source; everything here is checked
at load time with a message naming the file, table and key, like every other key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from citynews.errors import ConfigError

MACHINE_KINDS = ("ical", "json", "oparl")
WINDOW_KINDS = ("ical",)
ITEM_DATES = ("published", "event_start", "title")

# The keys a JSON mapping may name; each value is a dotted path into one record.
MAPPING_FIELDS = (
    "title",
    "start",
    "end",
    "date",
    "time",
    "end_date",
    "venue",
    "address",
    "url",
    "status",
    "id",
    "description",
    "organizer",
    "published",
)
MAPPING_KEYS = {"items", "timezone", *MAPPING_FIELDS}

MACHINE_SOURCE_KEYS = {"past_days", "future_days", "mapping", "item_dates", "item_dates_timezone"}


@dataclass(frozen=True)
class JsonMapping:
    """Where a JSON event export keeps its records and which keys hold which field.

    ``items`` is a dotted path to the list of records ("" when the document is the list);
    every field value is a dotted path inside a record. ``time`` may hold a range such as
    "11.30 - 19.00 Uhr"; an empty time means an all-day event.
    """

    title: str
    items: str = ""
    timezone: str = "Europe/Berlin"
    fields: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        return self.fields.get(name)


@dataclass(frozen=True)
class MachineOptions:
    """The options of the machine-readable kinds, all with defaults that fit most sources."""

    past_days: int = 30
    future_days: int = 365
    mapping: JsonMapping | None = None
    item_dates: str = "published"
    item_dates_timezone: str | None = None


def _days(table: dict[str, Any], key: str, default: int, where: str) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 3650:
        raise ConfigError(f"{where}.{key}: must be a whole number of days from 0 to 3650")
    return value


def _timezone(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: must be a timezone name such as 'Europe/Berlin'")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}: unknown timezone {value!r}") from None
    return value


def parse_mapping(table: Any, where: str) -> JsonMapping:
    """A validated JSON field mapping; title plus start or date are required."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table of JSON keys")
    unknown = sorted(set(table) - MAPPING_KEYS)
    if unknown:
        allowed = ", ".join(sorted(MAPPING_KEYS))
        raise ConfigError(f"{where}.{unknown[0]}: unknown key (allowed: {allowed})")
    for key, value in table.items():
        if not isinstance(value, str):
            raise ConfigError(f"{where}.{key}: must be a string (a dotted key path)")
        if key != "items" and not value.strip():
            raise ConfigError(f"{where}.{key}: must not be empty")
    if "title" not in table:
        raise ConfigError(f"{where}.title: missing (the key that holds the event title)")
    if "start" not in table and "date" not in table:
        raise ConfigError(f"{where}.start: missing (give 'start', or 'date' and 'time')")
    if "time" in table and "date" not in table:
        raise ConfigError(f"{where}.time: needs 'date' (the key with the day)")
    timezone = _timezone(table.get("timezone", "Europe/Berlin"), f"{where}.timezone")
    fields = {k: v for k, v in table.items() if k in MAPPING_FIELDS}
    return JsonMapping(
        title=table["title"], items=table.get("items", ""), timezone=timezone, fields=fields
    )


def _parse_item_dates(table: dict[str, Any], kind: str, where: str) -> tuple[str, str | None]:
    item_dates = table.get("item_dates", "published")
    if item_dates not in ITEM_DATES:
        raise ConfigError(
            f"{where}.item_dates: must be one of {', '.join(ITEM_DATES)}, got {item_dates!r}"
        )
    if item_dates != "published" and kind != "feed":
        raise ConfigError(f"{where}.item_dates: only for kind = 'feed'")
    zone = table.get("item_dates_timezone")
    if zone is not None:
        zone = _timezone(zone, f"{where}.item_dates_timezone")
        if item_dates != "event_start":
            raise ConfigError(f"{where}.item_dates_timezone: needs item_dates = 'event_start'")
    return item_dates, zone


def parse_machine_keys(table: dict[str, Any], kind: str, where: str) -> MachineOptions:
    """The machine-readable options of one source table (``where`` names file and table)."""
    if "mapping" in table and kind != "json":
        raise ConfigError(f"{where}.mapping: only for kind = 'json'")
    if kind == "json" and "mapping" not in table:
        raise ConfigError(f"{where}.mapping: missing (kind = 'json' needs a field mapping)")
    for key in ("past_days", "future_days"):
        if key in table and kind not in WINDOW_KINDS:
            raise ConfigError(f"{where}.{key}: only for kind = {' or '.join(WINDOW_KINDS)}")
    item_dates, zone = _parse_item_dates(table, kind, where)
    mapping = parse_mapping(table["mapping"], f"{where}.mapping") if kind == "json" else None
    return MachineOptions(
        past_days=_days(table, "past_days", 30, where),
        future_days=_days(table, "future_days", 365, where),
        mapping=mapping,
        item_dates=item_dates,
        item_dates_timezone=zone,
    )


def reads_records(source: Any) -> bool:
    """Whether a source's stored raw bytes are data records (iCal, JSON, OParl, event-feed
    items) rather than HTML pages: re-processing must not extract them as pages."""
    return source.kind in MACHINE_KINDS or source.machine.item_dates != "published"
