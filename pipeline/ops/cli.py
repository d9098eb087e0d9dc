"""citynews command line: crawl portals, build feeds, inspect and export the database.

Errors the user can fix are reported as one line on stderr with a documented exit code:
0 ok, 1 some sources failed, 2 usage or configuration error, 3 another crawl holds the lock.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import click

from citynews.config import (
    DEFAULT_DB,
    DEFAULT_FEEDS_DIR,
    DEFAULT_SOURCES,
    SAMPLE_SOURCES,
    SourcesConfig,
    load_sources,
)
from citynews.errors import CitynewsError, InputError
from citynews.ops.lock import crawl_lock

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3


class CitynewsGroup(click.Group):
    """Turns library errors into one line and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CitynewsError as exc:
            click.echo(f"citynews: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except sqlite3.Error as exc:
            click.echo(f"citynews: database error: {exc}", err=True)
            ctx.exit(EXIT_FAILED)
        except KeyboardInterrupt:
            click.echo("citynews: interrupted", err=True)
            ctx.exit(130)


def _about_text() -> str:
    from citynews.normalize.gazetteer import ATTRIBUTION

    return f"citynews {package_version('citynews')}\n\n{ATTRIBUTION}"


@click.group(cls=CitynewsGroup)
@click.version_option(package_version("citynews"), message=" ".join(["%(prog)s", "%(version)s"]))
def cli() -> None:
    """Watch German smart-city portals: crawl news and events into SQLite, publish feeds."""


db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    help="SQLite database file.",
)
sources_option = click.option(
    "--sources",
    "sources_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_SOURCES,
    show_default=True,
    help="Sources file (TOML).",
)


class SinceType(click.ParamType):
    """A date as people type it: 2026-03-01, 1.3.2026, "vor 2 Wochen", "gestern", "3 days ago"."""

    name = "DATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if not isinstance(value, str):
            return value
        import dateparser

        from citynews.model import BERLIN

        parsed = dateparser.parse(
            value,
            languages=["de", "en"],
            settings={
                "DATE_ORDER": "DMY",
                "TIMEZONE": "Europe/Berlin",
                "RETURN_AS_TIMEZONE_AWARE": True,
                "PREFER_DATES_FROM": "past",
            },
        )
        if parsed is None:
            self.fail(f"not a date: {value!r} (try 2026-03-01 or 'vor 2 Wochen')", param, ctx)
        return parsed.astimezone(BERLIN).date()


SINCE = SinceType()


@cli.command()
def about() -> None:
    """Version, licence and data attributions."""
    click.echo(_about_text())


@cli.command("sources")
@sources_option
def sources_cmd(sources_path: Path) -> None:
    """List the configured sources with their kind and schedule."""
    config = load_sources(sources_path)
    rows = [
        (
            s.name,
            s.kind,
            s.schedule,
            "yes" if s.enabled else "no",
            "yes" if s.verified else "no",
            s.title,
        )
        for s in config.sources.values()
    ]
    _table(("name", "kind", "schedule", "enabled", "verified", "title"), rows)


def _table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    cells = [tuple("" if c is None else str(c) for c in row) for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _crawl(
    config: SourcesConfig,
    names: tuple[str, ...],
    *,
    db_path: Path,
    full: bool,
    proxy: str | None = None,
) -> dict[str, Any]:
    """Crawl under the database lock, then refresh derived data; return the summary."""
    from citynews.crawler.run import run_crawl
    from citynews.normalize.topics import load_taxonomy
    from citynews.storage.store import Store, abort_stale_runs, open_db, refresh_derived

    selected = config.select(list(names))
    started = time.monotonic()
    with crawl_lock(db_path):
        db = open_db(db_path)
        abort_stale_runs(db)
        store = Store(db)
        store.upsert_sources(config.sources.values())
        store.upsert_topics(load_taxonomy().topics)
        db.close()
        results = run_crawl(
            selected, db_path=db_path, crawler_settings=config.crawler, full=full, proxy=proxy
        )
        db = open_db(db_path)
        refresh_derived(db)
        statuses = {
            row["source"]: row["status"]
            for row in db.query(
                "select source, status from crawl_runs where id in"
                " (select max(id) from crawl_runs group by source)"
            )
        }
        db.close()
    failed = [name for name in results if statuses.get(name) in ("failed", "aborted")]
    return {
        "sources": len(results),
        "pages": sum(s.pages for s in results.values()),
        "new": sum(s.new for s in results.values()),
        "updated": sum(s.updated for s in results.values()),
        "unchanged": sum(s.unchanged for s in results.values()),
        "events": sum(s.events for s in results.values()),
        "errors": sum(s.errors for s in results.values()),
        "failed": failed,
        "seconds": round(time.monotonic() - started, 1),
        "per_source": {
            name: {
                "status": statuses.get(name),
                "pages": s.pages,
                "new": s.new,
                "updated": s.updated,
                "errors": s.errors,
            }
            for name, s in results.items()
        },
    }


def _summary_line(summary: dict[str, Any]) -> str:
    return (
        f"crawl: {summary['sources']} sources, {summary['pages']} pages, {summary['new']} new,"
        f" {summary['updated']} updated, {len(summary['failed'])} failed"
        f" in {summary['seconds']:.0f} s"
    )


@cli.command()
@click.option("--source", "names", multiple=True, help="Crawl only this source (repeatable).")
@sources_option
@db_option
@click.option("--full", is_flag=True, help="Re-fetch every page, not only new or changed ones.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--proxy", help="Send every request through this HTTP proxy (http://host:port).")
def crawl(
    names: tuple[str, ...],
    sources_path: Path,
    db_path: Path,
    full: bool,
    as_json: bool,
    proxy: str | None,
) -> None:
    """Crawl the enabled sources (or --source NAME) into the database.

    Safe under cron: a second crawl of the same database exits with code 3.
    """
    if proxy and not proxy.startswith("http://"):
        raise InputError(f"--proxy must be an http:// URL, got {proxy!r}")
    config = load_sources(sources_path)
    summary = _crawl(config, names, db_path=db_path, full=full, proxy=proxy)
    click.echo(json.dumps(summary) if as_json else _summary_line(summary))
    if summary["failed"]:
        sys.exit(EXIT_FAILED)


@cli.command()
@db_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_FEEDS_DIR,
    show_default=True,
    help="Folder for the feed files.",
)
@click.option(
    "--base-url",
    default=None,
    help="Public URL of the feed folder (else $CITYNEWS_BASE_URL or [feeds] base_url).",
)
@click.option("--limit", default=50, show_default=True, help="Items per feed.")
@sources_option
def feeds(
    db_path: Path, out_dir: Path, base_url: str | None, limit: int, sources_path: Path
) -> None:
    """Build RSS, Atom and iCal files, OPML and index.html from the database."""
    from citynews.ops.browse import publish_base_url
    from citynews.storage.store import open_db

    open_db(db_path, create=False).close()
    config = load_sources(sources_path) if base_url is None else None
    base_url = publish_base_url(base_url, config)
    report = _build_feeds(db_path, out_dir, base_url=base_url, limit=limit)
    click.echo(report)


def _build_feeds(db_path: Path, out_dir: Path, *, base_url: str = "", limit: int = 50) -> Any:
    from citynews.feeds.build import build_feeds
    from citynews.storage.store import open_db

    open_db(db_path, create=False).close()
    # Only the demo publishes to its own folder: its links are the folder's file:// URL.
    base_url = base_url or out_dir.resolve().as_uri() + "/"
    return build_feeds(db_path, out_dir, base_url=base_url, limit=limit)


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_FEEDS_DIR,
    show_default=True,
)
@db_option
def demo(out_dir: Path, db_path: Path) -> None:
    """Crawl the bundled sample portals offline and publish their feeds."""
    from citynews.sample.sites import SampleServer

    config = load_sources(SAMPLE_SOURCES)
    with SampleServer() as server:
        click.echo(f"demo: serving the sample portals through {server.proxy_url}", err=True)
        summary = _crawl(config, (), db_path=db_path, full=False, proxy=server.proxy_url)
    click.echo(_summary_line(summary))
    report = _build_feeds(db_path, out_dir)
    click.echo(report)
    from citynews.storage.store import open_db

    db = open_db(db_path, create=False)
    counts = {t: db[t].count for t in ("documents", "events", "document_places", "document_topics")}
    db.close()
    click.echo(
        f"demo: {counts['documents']} documents, {counts['events']} events,"
        f" {counts['document_places']} place links, {counts['document_topics']} topic links"
    )
    click.echo(f"database: {db_path.resolve()}")
    click.echo(f"feeds:    {out_dir.resolve()} (open index.html)")
    if summary["failed"]:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.argument("words", nargs=-1, required=True)
@db_option
@click.option("--topic", help="Only documents with this topic slug (see the feeds).")
@click.option("--place", help="AGS or AGS prefix, place name or state name.")
@click.option(
    "--since", type=SINCE, help="Only documents published on or after this date ('vor 2 Wochen')."
)
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def search(
    words: tuple[str, ...],
    db_path: Path,
    topic: str | None,
    place: str | None,
    since: Any,
    limit: int,
    as_json: bool,
) -> None:
    """Full-text search over titles and texts (umlauts optional: "Mobilitat" finds "Mobilität")."""
    from citynews.ops.browse import check_place, check_topic
    from citynews.storage import analytics
    from citynews.storage.store import open_db

    db = open_db(db_path, create=False)
    if topic:
        check_topic(db, topic)
    if place:
        check_place(db, place)
    query = " ".join(words)
    rows = analytics.search(db, query, topic=topic, place=place, since=since, limit=limit)
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(
                f"{(row['published'] or '?')[:10]}  {row['title']}\n            {row['url']}"
            )
    if not as_json:
        click.echo(f"search: {len(rows)} documents", err=True)


@cli.command()
@db_option
@click.option("--table", help="A table or view to export.")
@click.option("--query", "sql", help="One read-only SELECT statement to export.")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout)."
)
@click.option("--excel", is_flag=True, help="CSV for German Excel: BOM and ';' separators.")
def export(
    db_path: Path, table: str | None, sql: str | None, fmt: str, out: Path | None, excel: bool
) -> None:
    """Export a table, view or query as CSV or JSON for spreadsheets."""
    from citynews.storage import analytics
    from citynews.storage.store import open_db

    db = open_db(db_path, create=False)
    count = analytics.export(db, table=table, sql=sql, fmt=fmt, out=out or sys.stdout, excel=excel)
    click.echo(f"export: {count} rows", err=True)


def _read_input(item: str, base_url: str | None) -> tuple[bytes, str]:
    if item.startswith(("http://", "https://")):
        import urllib.request

        request = urllib.request.Request(item, headers={"User-Agent": "citynews-extract/0.1"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.read(), response.geturl()
        except OSError as exc:
            raise InputError(f"{item}: cannot fetch: {exc}") from None
    path = Path(item)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{item}: cannot read: {exc.strerror or exc}") from None
    return body, base_url or path.resolve().as_uri()


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True
)
@click.option("--url", "base_url", help="Document URL to assume for a single file.")
@click.option("--source", "source_name", help="Treat inputs as pages of this configured source.")
@sources_option
def extract(
    inputs: tuple[str, ...],
    fmt: str,
    base_url: str | None,
    source_name: str | None,
    sources_path: Path,
) -> None:
    """Extract and normalize saved pages without storing them.

    Prints one JSON object per input, one per line.
    """
    from citynews.model import Hints
    from citynews.normalize.document import Normalizer, document_json

    if base_url and len(inputs) > 1:
        raise InputError("--url applies to a single input only")
    source = load_sources(sources_path).select([source_name])[0] if source_name else None
    normalizer = Normalizer()
    normalizer.preload()
    status = EXIT_OK
    for item in inputs:
        try:
            body, url = _read_input(item, base_url)
        except InputError as exc:
            click.echo(f"citynews: error: {exc}", err=True)
            status = EXIT_USAGE
            continue
        hints = Hints(kind=source.page_kind(url) if source else None)
        if source:
            hints.selectors = dict(source.selectors)
        doc = normalizer(
            body,
            url,
            source=source.name if source else None,
            home_region=source.home_region if source else None,
            hints=hints,
        )
        data = document_json(doc)
        if fmt == "json":
            click.echo(json.dumps(data, ensure_ascii=False))
        else:
            click.echo(_as_text(data))
    sys.exit(status)


def _as_text(data: dict[str, Any]) -> str:
    lines = [
        f"url:       {data['url']}",
        f"title:     {data['title']}",
        f"kind:      {data['kind']}",
        f"published: {data['published']} ({data['published_source']})",
        f"topics:    {', '.join(data['topics'])}",
        f"keywords:  {', '.join(data['keywords'])}",
        f"places:    {', '.join(p['name'] for p in data['places'])}",
    ]
    for event in data["events"]:
        lines.append(
            f"event:     {event['start']} – {event['end']} {event['title']} @ {event['venue']}"
        )
    for teaser in data["teasers"]:
        lines.append(f"teaser:    {teaser['published']} {teaser['title']} <{teaser['url']}>")
    lines += ["", data["text"], ""]
    return "\n".join(lines)


# --- operations: schedule, status, reprocess ---


@cli.command()
@sources_option
@db_option
@click.option(
    "--feeds-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_FEEDS_DIR,
    show_default=True,
    help="Rebuild the feeds here after every run that added or changed documents.",
)
@click.option("--proxy", help="Send every request through this HTTP proxy (http://host:port).")
@click.option(
    "--jitter",
    type=click.IntRange(min=0),
    default=0,
    help="Start each run up to this many seconds late, to spread the load.",
)
@click.option("--max-runs", type=click.IntRange(min=1), help="Stop after this many runs.")
@click.option(
    "--grace",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Seconds a running crawl may take to finish after SIGTERM/SIGINT before it is ended.",
)
def schedule(
    sources_path: Path,
    db_path: Path,
    feeds_dir: Path,
    proxy: str | None,
    jitter: int,
    max_runs: int | None,
    grace: float,
) -> None:
    """Crawl each enabled source by its cron schedule until stopped.

    Every run is a child process `citynews crawl --source NAME`; one line per run on stdout.
    SIGTERM or Ctrl-C stops taking new runs and lets a running crawl finish; a second one
    (or --grace seconds) ends it. Sources that failed three times in a row are retried less
    and less often.
    """
    from citynews.ops.scheduler import CrawlScheduler

    if proxy and not proxy.startswith("http://"):
        raise InputError(f"--proxy must be an http:// URL, got {proxy!r}")
    config = load_sources(sources_path)
    scheduler = CrawlScheduler(
        config,
        db_path=db_path,
        feeds_dir=feeds_dir,
        proxy=proxy,
        jitter=jitter,
        max_runs=max_runs,
        grace=grace,
    )
    sys.exit(scheduler.run())


@cli.command()
@db_option
@click.option(
    "--sources",
    "sources_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Sources file (default: the sources the last crawl of this database recorded).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def status(db_path: Path, sources_path: Path | None, as_json: bool) -> None:
    """Health of every source: ok, empty, broken, dead or never.

    Exits 1 when any source is broken or dead, so cron mails the report.
    """
    from citynews.ops import health

    schedules = {} if sources_path else health.recorded_schedules(db_path)
    if not schedules:
        config = load_sources(sources_path or DEFAULT_SOURCES)
        schedules = {s.name: s.schedule for s in config.select()}
    report = health.source_health(db_path, schedules)
    if as_json:
        click.echo(json.dumps([h.as_json() for h in report], ensure_ascii=False, indent=2))
    else:
        _table(health.TABLE_HEADER, health.table_rows(report))
    sys.exit(health.exit_code(report))


def _reprocess_progress() -> Any:
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or done == total:
            last[0] = now
            click.echo(f"\rreprocess: {done}/{total}", err=True, nl=done == total)

    return show


@cli.command("reprocess")
@click.option("--source", "source_name", help="Only documents of this source.")
@click.option(
    "--since", type=SINCE, help="Only documents published (or first seen) since this date."
)
@click.option(
    "--taxonomy",
    "taxonomy_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Topic taxonomy (TOML) to use instead of data/topics.toml.",
)
@sources_option
@db_option
def reprocess_cmd(
    source_name: str | None,
    since: Any,
    taxonomy_path: Path | None,
    sources_path: Path,
    db_path: Path,
) -> None:
    """Extract and normalize the stored pages again, without network access.

    Run it after a change to the gazetteer or the topic taxonomy. It takes the crawl lock:
    while a crawl runs it exits 3.
    """
    from citynews.ops.reprocess import reprocess

    config = load_sources(sources_path)
    result = reprocess(
        db_path,
        source=source_name,
        since=since,
        taxonomy_path=taxonomy_path,
        config=config,
        progress=_reprocess_progress() if sys.stderr.isatty() else None,
    )
    click.echo(result.line())


def _register_browse_commands() -> None:
    from citynews.ops.browse import places, topics
    from citynews.ops.serve import serve

    for command in (serve, topics, places):
        cli.add_command(command)


_register_browse_commands()


def main() -> None:
    cli(prog_name="citynews")
