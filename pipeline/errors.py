"""Small exception classes; the CLI turns each into one line on stderr and an exit code."""

from __future__ import annotations


class CitynewsError(Exception):
    """Base class: a problem the user can fix, reported without a traceback."""

    exit_code = 1


class ConfigError(CitynewsError):
    """A configuration file is missing, unreadable or has a bad key or value."""

    exit_code = 2


class InputError(CitynewsError):
    """A path, URL or option given on the command line cannot be used."""

    exit_code = 2


class LockedError(CitynewsError):
    """Another crawl holds the lock on this database."""

    exit_code = 3


class FileAccessError(CitynewsError):
    """A file or folder cannot be created, read or written (permissions, a full disk)."""

    exit_code = 1
