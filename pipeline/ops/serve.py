"""``citynews serve``: the database in Datasette, documented and ready to browse.

The metadata (``data/datasette/metadata.json``) describes every table and column, sets the
default sort and facets and holds the canned queries; it is written for a database named
``citynews``, so it is re-keyed to the served file's name (Datasette names a database after
its file). The plugins of the ``serve`` extra add a map (datasette-cluster-map, for rows with
latitude/longitude) and charts (datasette-vega); ``citynews.ops.datasette_hooks`` keeps the
heavy columns out of the default table views.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

import click

from citynews.errors import InputError
from citynews.ops.browse import db_option
from citynews.paths import PACKAGE_DATA

METADATA_PATH = PACKAGE_DATA / "datasette" / "metadata.json"
METADATA_DATABASE = "citynews"
SETTINGS = {
    "sql_time_limit_ms": "3000",
    # Long cells (summaries, URLs) stay one or two lines in table views.
    "truncate_cells_html": "200",
    "default_page_size": "50",
}


def metadata_for(db_path: Path) -> dict:
    """The shipped metadata with its database entry named after ``db_path``."""
    metadata = json.loads(METADATA_PATH.read_text("utf-8"))
    databases = metadata.get("databases", {})
    if METADATA_DATABASE in databases and db_path.stem != METADATA_DATABASE:
        databases[db_path.stem] = databases.pop(METADATA_DATABASE)
    return metadata


def serve_argv(db_path: Path, metadata_path: Path, *, host: str, port: int) -> list[str]:
    """The Datasette command line for a database and a metadata file."""
    argv = [sys.executable, "-m", "datasette", "serve", str(db_path)]
    argv += ["--host", host, "--port", str(port), "--metadata", str(metadata_path)]
    for name, value in SETTINGS.items():
        argv += ["--setting", name, value]
    return argv


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
def serve(db_path: Path, host: str, port: int) -> None:
    """Browse the database in Datasette: documented tables, facets, canned queries, map.

    Needs the optional extra: pip install 'citynews[serve]'.
    """
    from citynews.storage.store import open_db

    if importlib.util.find_spec("datasette") is None:
        raise InputError("Datasette is not installed: pip install 'citynews[serve]'")
    open_db(db_path, create=False).close()
    folder = Path(tempfile.mkdtemp(prefix="citynews-serve-"))
    metadata_path = folder / "metadata.json"
    metadata_path.write_text(json.dumps(metadata_for(db_path), ensure_ascii=False), "utf-8")
    click.echo(f"serve: http://{host}:{port}/ (Ctrl-C stops)", err=True)
    argv = serve_argv(db_path, metadata_path, host=host, port=port)
    # Datasette takes over this process, so stopping `citynews serve` stops the server too.
    os.execv(argv[0], argv)
