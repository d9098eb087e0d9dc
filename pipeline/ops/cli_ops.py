"""Operations commands of the command line: `schedule`, `status` and `reprocess`."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from citynews.config import DEFAULT_FEEDS_DIR, DEFAULT_SOURCES, load_sources
from citynews.ops.edge import SINCE, db_option, proxy_option, sources_option, table


@click.command()
@sources_option
@db_option
@click.option(
    "--feeds-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_FEEDS_DIR,
    show_default=True,
    help="Rebuild the feeds here after every run that added or changed documents.",
)
@proxy_option
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


@click.command()
@db_option
@click.option(
    "--sources",
    "sources_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Sources file (default: the sources the last crawl of this database recorded).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def status(db_path: Path, sources_path: Path | None, as_json: bool) -> None:
    """Health of every source: ok, empty, degraded, broken, dead, blocked or never.

    Exits 1 when any source is blocked, broken, dead or degraded, so cron mails the report.
    """
    from citynews.ops import health
    from citynews.storage.analytics import open_read_only

    open_read_only(db_path).close()  # one line, exit 2, for a missing or unusable database
    schedules = {} if sources_path else health.recorded_schedules(db_path)
    if not schedules:
        config = load_sources(sources_path or DEFAULT_SOURCES)
        schedules = {s.name: s.schedule for s in config.select()}
    report = health.source_health(db_path, schedules)
    if as_json:
        click.echo(json.dumps([h.as_json() for h in report], ensure_ascii=False, indent=2))
    else:
        table(health.TABLE_HEADER, health.table_rows(report))
    sys.exit(health.exit_code(report))


# --- re-processing ---


def _reprocess_progress() -> Any:
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or done == total:
            last[0] = now
            click.echo(f"\rreprocess: {done}/{total}", err=True, nl=done == total)

    return show


@click.command("reprocess")
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
