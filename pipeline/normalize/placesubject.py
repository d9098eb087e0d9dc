"""The town a page is about, and the small far-away namesakes of its Stadtteile."""

from __future__ import annotations

import math

from citynews.model import Place
from citynews.normalize.placewords import (
    BIG_CITY,
    METROPOLIS,
    NAMESAKE_KM,
    PASSING_SUBJECT,
    SMALL_TOWN,
    SUBJECT_MENTIONS,
)


def _km(a: Place, b: Place) -> float | None:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))  # type: ignore[arg-type]
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(h))


def far_namesakes(
    found: dict[str, Place], counts: dict[str, int], short_aliases: set[str], home: str | None
) -> set[str]:
    """Small towns far from the page's subject town: its Stadtteile of the same name.

    A page about a town that lists its Ortsteile by name names its own districts, not the
    villages of those names 150 km away. The subject is the home region's
    town, else the municipality named at least three times and most often. A small town
    (or one below a big city's size matched by a shortened name, 'Steinbach') farther than
    ``NAMESAKE_KM`` from it is dropped.
    """
    towns = [p for p in found.values() if p.kind == "municipality"]
    subject = next((p for p in towns if home and p.ags.startswith(home)), None)
    if subject is None and towns:
        subject = max(towns, key=lambda p: counts.get(p.ags, 0))
        if counts.get(subject.ags, 0) < SUBJECT_MENTIONS:
            subject = _metropolis(towns, counts)
    if subject is None:
        return set()
    far = set()
    for place in towns:
        size = place.population or 0
        small = size < SMALL_TOWN or (place.ags in short_aliases and size < BIG_CITY)
        distance = _km(place, subject)
        if small and distance is not None and distance > NAMESAKE_KM:
            far.add(place.ags)
    return far


def passing_mentions(found: dict[str, Place], counts: dict[str, int]) -> set[str]:
    """Towns and districts named once on a page that names one town ``PASSING_SUBJECT`` times.

    A long municipal page (a year of news items, a city's event calendar with its blurb) is
    about its town; another town it names once ('the jury met in Hannover', 'Sunday
    shopping in Ulm or Neu-Ulm') is a passing mention. States stay: a coarser level.
    """
    local = [ags for ags, p in found.items() if p.kind in ("municipality", "district")]
    if not local or max(counts.get(ags, 0) for ags in local) < PASSING_SUBJECT:
        return set()
    return {ags for ags in local if counts.get(ags, 0) == 1}


def _metropolis(towns: list[Place], counts: dict[str, int]) -> Place | None:
    """A city of a million named twice: its Bezirke ('Lichtenberg', 'Pankow') share names with
    villages far away, so it is the page's subject even when named less often."""
    big = [p for p in towns if (p.population or 0) >= METROPOLIS and counts.get(p.ags, 0) >= 2]
    return max(big, key=lambda p: p.population or 0, default=None)
