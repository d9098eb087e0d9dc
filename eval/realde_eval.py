"""Score events, page kind, places and publication dates on the real-de development set.

    .venv/bin/python eval/realde_eval.py [-v]

Reads ``../shared/corpus/real-de`` (pages/*.html, labels.json, sources.json) and runs the
normalizer the way ``citynews extract`` does, with each page's capture date as "now" for the
year of dates written without one. Scores, as issue #10 defines them:

- events: announced events; a labelled event is found when an output event starts on its day
  (one output per label). Precision counts output events that match no labelled event as
  false, except on pages whose labels are incomplete and for reported or alternative events.
- end, venue, town, status, deadline: over found events whose label gives the field.
- kind (``other`` counts as ``article``), places P/R over municipalities and counties, not
  states (``places_optional`` acceptable), published
  (exact day) and invented dates (a published date where the label has none).

Skips cleanly (exit 0) when the corpus is not there.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "real-de"

# Capture dates per site, from the corpus MANIFEST ("Capture times differ per page").
_CAPTURED_BY_HOST = {
    "www.wolfsburg.de": date(2025, 3, 14),
    "www.bundesrat.de": date(2026, 8, 2),
    "www.bundeswahlleiterin.de": date(2026, 1, 15),
    "www.ka-news.de": date(2012, 4, 10),
    "www.familienbildung-aachen.de": date(2025, 3, 1),
    "jup.berlin": date(2026, 9, 6),
    "familienportal.berlin.de": date(2026, 9, 6),
    "www.kinderkulturkalender-berlin.de": date(2026, 9, 6),
    "www.museumsportal-berlin.de": date(2026, 9, 6),
}
_FILE_DATE = re.compile(r"_(\d{4})_(\d{2})_(\d{2})\.html")


@dataclass
class Ratio:
    hit: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, note: str) -> None:
        self.total += 1
        self.hit += ok
        if not ok:
            self.misses.append(note)

    def text(self) -> str:
        value = self.hit / self.total if self.total else 1.0
        return f"{value:.3f}  ({self.hit}/{self.total})"


def _captured(source: dict[str, Any]) -> date | None:
    m = _FILE_DATE.search(source["path"])
    if m:  # fundus files: the crawl date in the upstream file name
        return date(int(m[1]), int(m[2]), int(m[3]))
    host = source["original_url"].split("/")[2]
    return _CAPTURED_BY_HOST.get(host)


def _words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"[\wäöüß]+", (text or "").lower()) if len(w) > 2}


def _same_venue(label: str, got: str | None) -> bool:
    if not got:
        return False
    a, b = _words(label), _words(got)
    if not a or not b:
        return False
    return a <= b or b <= a or len(a & b) / len(a | b) >= 0.5


def _same_town(label: str, got: str | None) -> bool:
    if not got:
        return False
    a, b = label.lower(), got.lower()
    return a == b or a.startswith(b + " ") or b.startswith(a + " ") or b.startswith(a + ",")


def _at_precision(label: str, got: str | None) -> bool:
    """An end or deadline right to the label's precision (day, or day and minute)."""
    return bool(got) and got[: len(label)] == label


@dataclass
class Scores:
    recall: Ratio = field(default_factory=Ratio)
    precision: Ratio = field(default_factory=Ratio)
    end: Ratio = field(default_factory=Ratio)
    venue: Ratio = field(default_factory=Ratio)
    town: Ratio = field(default_factory=Ratio)
    status: Ratio = field(default_factory=Ratio)
    deadline: Ratio = field(default_factory=Ratio)
    kind: Ratio = field(default_factory=Ratio)
    places_p: Ratio = field(default_factory=Ratio)
    places_r: Ratio = field(default_factory=Ratio)
    published: Ratio = field(default_factory=Ratio)
    invented: Ratio = field(default_factory=Ratio)


def _event_town(event: dict[str, Any]) -> str | None:
    place = event.get("place") or {}
    return place.get("name")


def _score_found(scores: Scores, name: str, label: dict[str, Any], got: dict[str, Any]) -> None:
    tag = f"{name} {label['start']}"
    if label.get("end"):
        scores.end.add(_at_precision(label["end"], got["end"]), f"{tag}: end {got['end']}")
    if label.get("venue"):
        scores.venue.add(
            _same_venue(label["venue"], got["venue"]),
            f"{tag}: venue {got['venue']!r} != {label['venue']!r}",
        )
    if label.get("city"):
        town = _event_town(got)
        scores.town.add(_same_town(label["city"], town), f"{tag}: town {town} != {label['city']}")
    if label.get("status") and label["status"] != "scheduled":
        got_status = got.get("status", "scheduled")
        scores.status.add(got_status == label["status"], f"{tag}: status {got_status}")
    if label.get("registration_deadline"):
        got_deadline = got.get("registration_deadline")
        scores.deadline.add(
            _at_precision(label["registration_deadline"], got_deadline),
            f"{tag}: deadline {got_deadline}",
        )


def _score_events(scores: Scores, name: str, label: dict[str, Any], doc: dict[str, Any]) -> None:
    events = list(doc["events"])
    unmatched = list(range(len(events)))
    for wanted in (e for e in label["events"] if e["role"] == "announced"):
        day = wanted["start"][:10]
        hit = next((i for i in unmatched if (events[i]["start"] or "")[:10] == day), None)
        scores.recall.add(hit is not None, f"{name}: missed {day} {wanted['title']}")
        if hit is not None:
            unmatched.remove(hit)
            scores.precision.add(True, "")
            _score_found(scores, name, wanted, events[hit])
    neutral = {e["start"][:10] for e in label["events"] if e["role"] != "announced"}
    neutral |= {e["start"][:10] for e in label.get("alternative_events", [])}
    for i in unmatched:
        day = (events[i]["start"] or "")[:10]
        if label.get("events_complete") is False or day in neutral:
            continue
        scores.precision.add(False, f"{name}: false {day} {events[i]['title']}")


def _score_page(scores: Scores, name: str, label: dict[str, Any], doc: dict[str, Any]) -> None:
    _score_events(scores, name, label, doc)
    want_kind = "article" if label["kind"] == "other" else label["kind"]
    scores.kind.add(doc["kind"] == want_kind, f"{name}: kind {doc['kind']} != {want_kind}")
    # Labels list municipalities (and counties): states are another granularity.
    got = {p["name"].lower() for p in doc["places"] if p and p.get("kind") != "state"}
    required = {p.lower() for p in label["places"]}
    allowed = required | {p.lower() for p in label.get("places_optional", [])}
    for place in sorted(got):
        ok = any(_same_town(a, place) for a in allowed)
        scores.places_p.add(ok, f"{name}: false place {place}")
    for place in sorted(required):
        ok = any(_same_town(place, g) for g in got)
        scores.places_r.add(ok, f"{name}: missed place {place}")
    published = (doc["published"] or "")[:10] or None
    if label["published"]:
        scores.published.add(published == label["published"], f"{name}: published {published}")
    else:
        scores.invented.add(published is None, f"{name}: invented {published}")


def run(corpus: Path, verbose: bool) -> Scores:
    from citynews.normalize.document import Normalizer, document_json

    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    sources = {s["file"]: s for s in json.loads((corpus / "sources.json").read_text("utf-8"))}
    normalizer = Normalizer()
    scores = Scores()
    for label in labels:
        if "events" not in label:
            continue  # feeds and JSON exports are read by other modules
        source = sources[label["file"]]
        body = (corpus / label["file"]).read_bytes()
        doc = document_json(normalizer(body, source["original_url"], now=_captured(source)))
        _score_page(scores, Path(label["file"]).stem, label, doc)
    return scores


def _report(scores: Scores, verbose: bool) -> None:
    invented = scores.invented
    rows = [
        ("events recall", scores.recall),
        ("events precision", scores.precision),
        ("end", scores.end),
        ("venue", scores.venue),
        ("town", scores.town),
        ("status", scores.status),
        ("deadline", scores.deadline),
        ("kind", scores.kind),
        ("places precision", scores.places_p),
        ("places recall", scores.places_r),
        ("published", scores.published),
    ]
    print("real-de (development set)")
    for title, ratio in rows:
        print(f"  {title:<17} {ratio.text()}")
    print(f"  {'invented dates':<17} {invented.total - invented.hit} of {invented.total} pages")
    if verbose:
        for title, ratio in [*rows, ("invented", invented)]:
            for miss in ratio.misses:
                print(f"    {title}: {miss}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    if not (args.corpus / "labels.json").exists():
        print(f"real-de: skipped, no corpus at {args.corpus}")
        return 0
    _report(run(args.corpus, args.verbose), args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
