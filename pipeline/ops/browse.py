"""Commands for looking around: ``citynews topics`` and ``citynews places NAME``, plus the checks
that make ``search`` and ``feeds`` keep the README's promises.

- An unknown ``--topic`` or ``--place`` is a usage error (exit 2) that names the
  valid choices, instead of an empty result.
- Published feeds need a public base URL: ``--base-url``, else ``$CITYNEWS_BASE_URL``, else
  ``[feeds] base_url`` of the sources file; absolute http(s) only.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path
from typing import Any

import click

from citynews.config import SourcesConfig
from citynews.errors import InputError
from citynews.ops.edge import db_option, table

BASE_URL_ENV = "CITYNEWS_BASE_URL"
_CHOICES_SHOWN = 12


def publish_base_url(option: str | None, config: SourcesConfig | None) -> str:
    """The public URL of the feed folder; InputError (exit 2) when none is set or it is bad."""
    from citynews.feeds.common import check_base_url

    url = option or os.environ.get(BASE_URL_ENV) or (config.feeds_base_url if config else None)
    if not url:
        raise InputError(
            "feeds: no public base URL: give --base-url https://…/feeds/,"
            f" set {BASE_URL_ENV}, or add [feeds] base_url to the sources file"
        )
    return check_base_url(url)


def _choices(valid: list[str], wanted: str) -> str:
    close = difflib.get_close_matches(wanted, valid, n=_CHOICES_SHOWN, cutoff=0.5)
    shown = close or valid[:_CHOICES_SHOWN]
    more = "" if len(shown) == len(valid) else f", … ({len(valid)} in all)"
    return ", ".join(shown) + more


def check_topic(db: Any, topic: str) -> None:
    """InputError naming the topic slugs when ``topic`` is not one of them."""
    slugs = [r["slug"] for r in db.query("select slug from topics order by position, slug")]
    if topic not in slugs:
        raise InputError(f"unknown topic {topic!r} (valid: {', '.join(slugs) or 'none'})")


def check_place(db: Any, place: str) -> None:
    """InputError naming known places when ``place`` is neither a key, a state nor a place."""
    from citynews.storage.analytics import STATES

    place = place.strip()
    states = [name for name, _ in STATES.values()]
    if place.isdigit() and 2 <= len(place) <= 8:
        return
    if place.casefold() in {s.casefold() for s in states} | {s for _, s in STATES.values()}:
        return
    names = [r["name"] for r in db.query("select distinct name from places order by name")]
    if place.casefold() in {n.casefold() for n in names}:
        return
    raise InputError(
        f"unknown place {place!r} (valid: an AGS key, a state ({', '.join(states)})"
        f" or a place in the database: {_choices(names, place) or 'none yet'})"
    )


def _rule_counts(path: Path) -> dict[str, int]:
    """Keywords and exclusions per topic as written in the taxonomy file."""
    raw = tomllib.loads(path.read_text("utf-8"))
    return {
        slug: len(table.get("keywords", [])) + len(table.get("exclude", []))
        for slug, table in raw.get("topics", {}).items()
    }


@click.command("topics")
@db_option
def topics(db_path: Path) -> None:
    """List the topic taxonomy: slug, name, rule count and documents per topic."""
    from citynews.normalize.topics import load_taxonomy

    taxonomy = load_taxonomy()
    rules = _rule_counts(taxonomy.path)
    counts: dict[str, int] = {}
    if db_path.is_file():
        from citynews.storage.store import open_db

        db = open_db(db_path, create=False)
        counts = {
            r["topic"]: r["n"]
            for r in db.query(
                "select dt.topic, count(*) as n from document_topics dt join documents d"
                " on d.id = dt.document_id where d.duplicate_of is null group by dt.topic"
            )
        }
        db.close()
    table(
        ("slug", "name", "rules", "documents"),
        [(t.slug, t.name, rules.get(t.slug, 0), counts.get(t.slug, 0)) for t in taxonomy.topics],
    )


@click.command("places")
@click.argument("name", nargs=-1, required=True)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
def places(name: tuple[str, ...], limit: int) -> None:
    """Look a town, district or state up in the gazetteer: name, kind, key, state, coordinates.

    Exact names and aliases come first ("Halle" finds Halle (Saale)), then names that start
    with the words given.
    """
    from citynews.normalize.gazetteer import load_gazetteer

    wanted = " ".join(name).strip()
    gaz = load_gazetteer()
    found = {e.ags: e for e in gaz.lookup(wanted)}
    folded = wanted.casefold()
    if len(found) < limit:
        prefix = sorted(
            (e for e in gaz.entries.values() if e.short.casefold().startswith(folded)),
            key=lambda e: (-(e.population or 0), e.ags),
        )
        for entry in prefix:
            found.setdefault(entry.ags, entry)
    if not found:
        raise InputError(f"places: no place called {wanted!r} in the gazetteer")
    rows = [
        (
            e.short,
            e.kind,
            e.ags,
            gaz.state_name(e.ags),
            f"{e.lat:.4f}, {e.lon:.4f}" if e.lat is not None and e.lon is not None else "",
            e.population or "",
        )
        for e in list(found.values())[:limit]
    ]
    table(("name", "kind", "key", "state", "coordinates", "population"), rows)
