"""citynews command line: crawl portals, build feeds, inspect and export the database.

Every error is one line on stderr with a documented exit code (citynews.ops.edge):
0 ok, 1 some sources failed or IO, 2 usage or configuration error, 3 another crawl holds the
lock. The operations commands `schedule` and `status` live in citynews.ops.cli_ops.
"""

from __future__ import annotations

import json
import sys
import time
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import click

from citynews.config import (
    SAMPLE_SOURCES,
    CrawlerSettings,
    SourcesConfig,
    load_sources,
)
from citynews.errors import InputError
from citynews.ops.cli_ops import reprocess_cmd, schedule, status
from citynews.ops.edge import (
    DEBUG_ENV,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    LIMIT,
    SINCE,
    CitynewsGroup,
    db_option,
    out_dir_option,
    proxy_option,
    quiet_stdout,
    sources_option,
    table,
)
from citynews.ops.extract_input import as_text, read_input
from citynews.ops.lock import crawl_lock

# The export's bounds (the defaults of citynews.storage.analytics, which is imported lazily).
EXPORT_MAX_ROWS = 1_000_000
EXPORT_TIMEOUT_S = 60.0


def _about_text() -> str:
    from citynews import paths
    from citynews.normalize.gazetteer import ATTRIBUTION

    where = (
        f"package:   {Path(__file__).resolve().parents[1]}\n"
        f"reference: {paths.PACKAGE_DATA} (taxonomy, gazetteer, sample portals)\n"
        f"sources:   {paths.default_sources()}\n"
        f"database:  {paths.default_db()}\n"
        f"feeds:     {paths.default_feeds_dir()}\n"
        f"(user data: ${paths.DATA_ENV} if set, else ./data of the working directory)"
    )
    return f"citynews {package_version('citynews')}\n\n{where}\n\n{ATTRIBUTION}"


@click.group(cls=CitynewsGroup)
@click.version_option(package_version("citynews"), message=" ".join(["%(prog)s", "%(version)s"]))
@click.option(
    "--debug", is_flag=True, help=f"Show the traceback of an error (or set {DEBUG_ENV}=1)."
)
def cli(debug: bool) -> None:
    """Watch German smart-city portals: crawl news and events into SQLite, publish feeds."""


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
    table(("name", "kind", "schedule", "enabled", "verified", "title"), rows)


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
    from citynews.normalize.dedup import find_duplicates
    from citynews.normalize.topics import load_taxonomy
    from citynews.storage.store import (
        LOST_OUTCOMES,
        Store,
        abort_stale_runs,
        open_db,
        refresh_derived,
    )

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
        refresh_derived(db, find_duplicates=find_duplicates)
        statuses = {
            row["source"]: row["status"]
            for row in db.query(
                "select source, status from crawl_runs where id in"
                " (select max(id) from crawl_runs group by source)"
            )
        }
        db.close()
    failed = [
        name
        for name, s in results.items()
        if statuses.get(name) in ("failed", "aborted") or s.write_error
    ]
    return {
        "sources": len(results),
        "pages": sum(s.pages for s in results.values()),
        "new": sum(s.new for s in results.values()),
        "updated": sum(s.updated for s in results.values()),
        "unchanged": sum(s.unchanged for s in results.values()),
        "events": sum(s.events for s in results.values()),
        "errors": sum(s.errors for s in results.values()),
        "failed": failed,
        # Fetched pages whose document could not be normalized or stored (see fetch_events).
        "lost": sum(s.outcomes.get(o, 0) for s in results.values() for o in LOST_OUTCOMES),
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
@proxy_option
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
    config = load_sources(sources_path)
    summary = _crawl(config, names, db_path=db_path, full=full, proxy=proxy)
    click.echo(json.dumps(summary) if as_json else _summary_line(summary))
    if summary["failed"] or summary["lost"]:
        sys.exit(EXIT_FAILED)


@cli.command()
@db_option
@out_dir_option
@click.option(
    "--base-url",
    default=None,
    help="Public URL of the feed folder (else $CITYNEWS_BASE_URL or [feeds] base_url).",
)
@click.option("--limit", type=LIMIT, default=50, show_default=True, help="Items per feed.")
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
@out_dir_option
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
@click.option("--limit", type=LIMIT, default=20, show_default=True)
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
@click.option(
    "--max-rows",
    type=click.IntRange(1, 100_000_000),
    default=EXPORT_MAX_ROWS,
    show_default=True,
    help="Stop (exit 1) when the query has more rows than this.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 3600),
    default=EXPORT_TIMEOUT_S,
    show_default=True,
    help="Stop (exit 1) when the query runs longer than this many seconds.",
)
@click.option("--excel", is_flag=True, help="CSV for German Excel: BOM and ';' separators.")
def export(
    db_path: Path,
    table: str | None,
    sql: str | None,
    fmt: str,
    out: Path | None,
    max_rows: int,
    timeout: float,
    excel: bool,
) -> None:
    """Export a table, view or query as CSV or JSON for spreadsheets.

    The database is opened read-only: statements that would write anything (INSERT, PRAGMA
    changes, ATTACH, VACUUM INTO) are refused.
    """
    from citynews.storage import analytics

    db = analytics.open_read_only(db_path)
    try:
        count = analytics.export(
            db,
            table=table,
            sql=sql,
            fmt=fmt,
            out=out or sys.stdout,
            max_rows=max_rows,
            timeout=timeout,
            excel=excel,
        )
    finally:
        db.close()
    click.echo(f"export: {count} rows", err=True)


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
    config = load_sources(sources_path) if source_name else None
    source = config.select([source_name])[0] if config else None
    max_bytes = (config.crawler if config else CrawlerSettings()).max_page_bytes
    normalizer = Normalizer()
    normalizer.preload()
    status = EXIT_OK
    for item in inputs:
        try:
            body, url = read_input(item, base_url, max_bytes)
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
            click.echo(as_text(data))
    sys.exit(status)


cli.add_command(schedule)
cli.add_command(status)
cli.add_command(reprocess_cmd)


def _register_browse_commands() -> None:
    from citynews.ops.browse import places, topics
    from citynews.ops.serve import serve

    for command in (serve, topics, places):
        cli.add_command(command)


_register_browse_commands()


def main() -> None:
    try:
        cli(prog_name="citynews")
    except BrokenPipeError:
        # Click's own handler exits 1 for a closed pipe; `citynews ... | head` is no failure.
        quiet_stdout()
        sys.exit(EXIT_OK)
