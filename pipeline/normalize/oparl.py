"""OParl 1.0/1.1 council information systems: meetings become events, papers documents.

Pure mapping of the JSON objects of the specification (System → Body → paginated lists of
Meeting, Paper, Organization); the crawler fetches, this module reads. Files are linked,
never downloaded.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from citynews.errors import InputError
from citynews.model import BERLIN, DateValue, Event
from citynews.normalize.jsonevents import parse_moment
from citynews.normalize.records import Location, Record, event_text, split_location


def object_type(obj: dict[str, Any]) -> str:
    """'System', 'Body', 'Meeting', … from the type URL (any OParl version)."""
    return str(obj.get("type") or "").rstrip("/").rsplit("/", 1)[-1]


def load(body: bytes, url: str) -> Any:
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{url}: not OParl JSON: {exc}") from None


def parse_list(body: bytes, url: str) -> tuple[list[dict[str, Any]], str | None]:
    """The objects of one page of an OParl list and the URL of the next page."""
    data = load(body, url)
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise InputError(f"{url}: not an OParl list (no 'data' array)")
    links = data.get("links") if isinstance(data.get("links"), dict) else {}
    items = [obj for obj in data["data"] if isinstance(obj, dict)]
    return items, links.get("next") or None


def with_modified_since(url: str, since: datetime | None) -> str:
    """A list URL with the ``modified_since`` filter of the specification (no-op without)."""
    if since is None:
        return url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "modified_since"]
    stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    query.append(("modified_since", stamp))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _moment(obj: dict[str, Any], key: str) -> DateValue | None:
    return parse_moment(_str(obj, key), BERLIN)


def _coordinates(location: dict[str, Any]) -> tuple[float | None, float | None]:
    """(lat, lon) of a Location's GeoJSON point (a Feature or a bare geometry)."""
    geojson = location.get("geojson")
    if not isinstance(geojson, dict):
        return None, None
    geometry = geojson.get("geometry", geojson)
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if geometry.get("type") != "Point" or not isinstance(coordinates, list):
        return None, None
    try:
        lon, lat = float(coordinates[0]), float(coordinates[1])
    except (IndexError, TypeError, ValueError):
        return None, None
    return lat, lon


def _location(value: Any) -> tuple[Location, float | None, float | None]:
    if not isinstance(value, dict):
        return Location(), None, None
    street = _str(value, "streetAddress")
    town = " ".join(p for p in (_str(value, "postalCode"), _str(value, "locality")) if p)
    if street or town:
        place = split_location(", ".join(p for p in (street, town) if p))
        venue = _str(value, "description") or _str(value, "room")
        location = Location(
            venue=venue or place.venue,
            address=place.address or street,
            place_name=_str(value, "locality") or place.place_name,
        )
    else:
        location = split_location(_str(value, "description") or _str(value, "room"))
    return (location, *_coordinates(value))


def _agenda(meeting: dict[str, Any]) -> list[str]:
    items = meeting.get("agendaItem")
    lines = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and _str(item, "name"):
            number = _str(item, "number")
            lines.append(f"{number} {item['name'].strip()}" if number else item["name"].strip())
    return lines


def _names(refs: Any, names: dict[str, str]) -> list[str]:
    found = []
    for ref in refs if isinstance(refs, list) else []:
        name = names.get(ref) if isinstance(ref, str) else _str(ref, "name")
        if name and name not in found:
            found.append(name)
    return found


def meeting_record(
    meeting: dict[str, Any], organizations: dict[str, str], ags: str | None = None
) -> Record | None:
    """A Meeting as an event document; None for deleted meetings and those without start."""
    start = _moment(meeting, "start")
    if meeting.get("deleted") or start is None or not meeting.get("id"):
        return None
    gremien = _names(meeting.get("organization"), organizations)
    title = _str(meeting, "name") or ", ".join(gremien) or "Sitzung"
    location, lat, lon = _location(meeting.get("location"))
    agenda = _agenda(meeting)
    extra = [f"Gremium: {', '.join(gremien)}" if gremien else ""]
    if agenda:
        extra.append("Tagesordnung:\n" + "\n".join(agenda))
    web = _str(meeting, "web")
    event = Event(
        title=title,
        start=start,
        end=_moment(meeting, "end"),
        all_day=not isinstance(start, datetime),
        venue=location.venue,
        address=location.address,
        place_name=location.place_name,
        source="oparl",
        status="cancelled" if meeting.get("cancelled") is True else "scheduled",
        uid=meeting["id"],
        url=web,
        organizer=", ".join(gremien) or None,
        lat=lat,
        lon=lon,
    )
    return Record(
        url=web or meeting["id"],
        title=title,
        text=event_text(None, location, extra),
        events=[event],
        published=_moment(meeting, "created"),
        modified=_moment(meeting, "modified"),
        raw=json.dumps(meeting, ensure_ascii=False),
        home_region=ags,
    )


def _main_file(paper: dict[str, Any]) -> tuple[str | None, str | None]:
    main = paper.get("mainFile")
    if not isinstance(main, dict):
        return None, None
    url = _str(main, "accessUrl") or _str(main, "downloadUrl")
    return url, _str(main, "name") or _str(main, "fileName")


def paper_record(paper: dict[str, Any], ags: str | None = None) -> Record | None:
    """A Paper (Vorlage, Antrag, Anfrage …) as a document; its main file only as a link."""
    if paper.get("deleted") or not paper.get("id"):
        return None
    name = _str(paper, "name") or _str(paper, "reference") or "Vorlage"
    reference, paper_type = _str(paper, "reference"), _str(paper, "paperType")
    label = " ".join(p for p in (paper_type, reference) if p)
    file_url, file_name = _main_file(paper)
    lines = [name] + ([label] if label else [])
    content = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    if file_url:
        lines.append(f"Dokument: {file_name or file_url} ({file_url})")
        content += (
            f'<p><a href="{html.escape(file_url)}">{html.escape(file_name or file_url)}</a></p>'
        )
    return Record(
        url=_str(paper, "web") or paper["id"],
        title=f"{name} ({reference})" if reference and reference not in name else name,
        text="\n\n".join(lines),
        content_html=content,
        kind="article",
        published=_moment(paper, "date") or _moment(paper, "created"),
        modified=_moment(paper, "modified"),
        raw=json.dumps(paper, ensure_ascii=False),
        home_region=ags,
    )


def organization_names(items: list[dict[str, Any]]) -> dict[str, str]:
    """Organization id → name (short name when that is all there is)."""
    return {
        obj["id"]: name
        for obj in items
        if isinstance(obj.get("id"), str) and (name := _str(obj, "name") or _str(obj, "shortName"))
    }


def body_ags(body: dict[str, Any]) -> str | None:
    """The Body's Amtlicher Gemeindeschlüssel when it is a valid one (8 digits)."""
    ags = _str(body, "ags")
    return ags if ags and ags.isdigit() and len(ags) == 8 else None
