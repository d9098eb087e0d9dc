"""The command line's edge: every error becomes one line and an exit code, never a traceback;
shared options and parameter types with bounds (dates, limits), and the table printer.

Exit codes: 0 ok, 1 failed sources or IO (a file that cannot be written, an export bound),
2 usage or configuration error, 3 another crawl holds the lock.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from citynews.config import DEFAULT_DB, DEFAULT_FEEDS_DIR, DEFAULT_SOURCES
from citynews.errors import CitynewsError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
DEBUG_ENV = "CITYNEWS_DEBUG"


def quiet_stdout() -> None:
    """After a closed pipe (``citynews ... | head``): send what is left to /dev/null, so the
    interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is no file descriptor (a test runner's buffer): nothing will flush it


def _debugging(ctx: click.Context) -> bool:
    return bool(ctx.params.get("debug")) or os.environ.get(DEBUG_ENV, "") not in ("", "0")


def _os_error_line(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


class CitynewsGroup(click.Group):
    """Turns every error into one line and an exit code, never a traceback (unless --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            quiet_stdout()
            ctx.exit(EXIT_OK)
        except CitynewsError as exc:
            self._fail(ctx, f"citynews: error: {exc}", exc.exit_code)
        except sqlite3.Error as exc:
            self._fail(ctx, f"citynews: database error: {exc}", EXIT_FAILED)
        except OSError as exc:
            self._fail(ctx, f"citynews: error: {_os_error_line(exc)}", EXIT_FAILED)
        except KeyboardInterrupt:
            self._fail(ctx, "citynews: interrupted", 130)
        except Exception as exc:
            # The last resort: a bug or a case nobody foresaw still ends in one line.
            if _debugging(ctx):
                raise
            self._fail(
                ctx,
                f"citynews: internal error: {type(exc).__name__}: {exc}"
                f" (run with --debug or {DEBUG_ENV}=1 for the traceback)",
                EXIT_FAILED,
            )

    @staticmethod
    def _fail(ctx: click.Context, line: str, code: int) -> None:
        if _debugging(ctx):
            traceback.print_exc()
        click.echo(line.splitlines()[0] if line else line, err=True)
        ctx.exit(code)


# Years a --since date may name: earlier ones overflow time-zone arithmetic (0001-01-01)
# and no portal published before the web.
SINCE_RANGE = (1900, 2999)
# Results a --limit may ask for: a bound keeps huge numbers out of SQLite's 64-bit integers.
LIMIT = click.IntRange(1, 100_000)


class SinceType(click.ParamType):
    """A date as people type it: 2026-03-01, 1.3.2026, "vor 2 Wochen", "gestern", "3 days ago"."""

    name = "DATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if not isinstance(value, str):
            return value
        import dateparser

        from citynews.model import BERLIN

        low, high = SINCE_RANGE
        out_of_range = f"{value!r} is outside the years {low} to {high}"
        try:
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
        except (OverflowError, ValueError):
            self.fail(out_of_range, param, ctx)
        if parsed is None:
            self.fail(f"not a date: {value!r} (try 2026-03-01 or 'vor 2 Wochen')", param, ctx)
        if not low <= parsed.year <= high:
            self.fail(out_of_range, param, ctx)
        return parsed.astimezone(BERLIN).date()


SINCE = SinceType()


def table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    cells = [tuple("" if c is None else str(c) for c in row) for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    help="SQLite database file.",
)
out_dir_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_FEEDS_DIR,
    show_default=True,
    help="Folder for the feed files.",
)
sources_option = click.option(
    "--sources",
    "sources_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_SOURCES,
    show_default=True,
    help="Sources file (TOML).",
)


def _http_proxy(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value and not value.startswith("http://"):
        raise click.BadParameter(f"must be an http:// URL, got {value!r}", ctx, param)
    return value


proxy_option = click.option(
    "--proxy",
    callback=_http_proxy,
    help="Send every request through this HTTP proxy (http://host:port).",
)
