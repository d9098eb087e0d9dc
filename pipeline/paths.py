"""Where things live.

Reference data (taxonomy, gazetteer, default sources, sample portals, Datasette metadata) ship
inside the package as ``citynews.data`` and are found through :mod:`importlib.resources`, so an
installed ``citynews`` works from any directory. The user's own data (database, feeds) live in
``./data/`` of the working directory, or in the folder named by ``CITYNEWS_DATA``, or wherever
``--db`` / ``--out`` say: never inside site-packages.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

DATA_ENV = "CITYNEWS_DATA"

# Installed as a regular package (wheel or editable), the resources are real files on disk:
# SQLite, gzip and the sample server all want paths.
PACKAGE_DATA = Path(str(files("citynews.data")))


def user_data_dir() -> Path:
    """The folder for the database and the feeds: $CITYNEWS_DATA, else ./data."""
    configured = os.environ.get(DATA_ENV)
    return Path(configured) if configured else Path.cwd() / "data"


def default_db() -> Path:
    return user_data_dir() / "citynews.db"


def default_feeds_dir() -> Path:
    return user_data_dir() / "feeds"


def default_sources() -> Path:
    """The user's ``sources.toml`` beside their data when there is one, else the shipped one."""
    own = user_data_dir() / "sources.toml"
    return own if own.is_file() else PACKAGE_DATA / "sources.toml"
