"""Helpers shared by the feed, calendar and index writers: read-only access, sanitizing, dates.

Everything here is deterministic: output bytes depend on the database only, never on the clock,
so an unchanged database rebuilds byte-identical files.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import os
import re
import secrets
import sqlite3
import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import urlsplit

import nh3

from citynews.errors import CitynewsError, InputError
from citynews.model import BERLIN, GERMAN_MONTHS, parse_iso

# Tags that may carry active content or break a reader's layout: dropped with what they contain.
_DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template"}
_ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) - {"map", "area"} - _DROP_WITH_CONTENT
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
# Bidi embeddings, overrides and isolates: they let a title display as something it is not.
_BIDI_CHARS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_BIDI = re.compile(f"[{_BIDI_CHARS}]")
# Lines a portal marks as advertising ("Anzeige · Jetzt Tarife vergleichen!") are not content:
# the first line, and every line after a newline. A pattern that starts with the newline lets
# the regex engine jump from newline to newline; "^" with re.MULTILINE tried every position
# (7 times slower on a 3,000-character article).
_AD_WORDS = r"[ \t]*(?i:Anzeige|Werbung|Gesponsert|Sponsored)\b.*"
_AD_LINE = re.compile(r"\n" + _AD_WORDS)
_AD_FIRST_LINE = re.compile(_AD_WORDS)
_AD_BLOCK = re.compile(
    r"<(p|div|li|aside|section|span)\b[^>]*>\s*(?:<[^>]+>\s*)*"
    r"(?:Anzeige|Werbung|Gesponsert|Sponsored)\b.*?</\1>",
    re.IGNORECASE | re.DOTALL,
)
TITLE_CHARS = 300

GERMAN_WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
# Libraries whose version can change the bytes of a published file (tzdata: VTIMEZONE rules).
_RENDERERS = ("feedgen", "icalendar", "lxml", "nh3", "tzdata")


def connect_readonly(db_path: Path | str) -> sqlite3.Connection:
    """Open a citynews database for reading only (the feed layer never writes)."""
    uri = f"{Path(db_path).resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=30)
    conn.row_factory = sqlite3.Row
    return conn


# Temporary file names: unpredictable per process (like mkstemp's), then a counter, so that a
# file costs one open with O_EXCL (and the umask's mode) instead of mkstemp's open and chmod.
_TEMP_TOKEN: tuple[int, str] = (0, "")
_temp_numbers = itertools.count()


def _temp_name(name: str) -> str:
    global _TEMP_TOKEN
    pid = os.getpid()
    if _TEMP_TOKEN[0] != pid:  # a forked process draws its own
        _TEMP_TOKEN = (pid, secrets.token_hex(6))
    return f".{name[:40]}.{_TEMP_TOKEN[1]}{next(_temp_numbers)}.tmp"


class FeedsWriteError(CitynewsError):
    """A feed file cannot be written (full disk, read-only or missing folder)."""

    exit_code = 1


def write_if_changed(path: Path, data: bytes | Sequence[bytes], *, absent: bool = False) -> bool:
    """Write ``data`` (bytes, or parts written one after the other) unless the file already
    holds exactly these bytes (its mtime then stays). ``absent``: the caller knows there is no
    such file (nothing to compare).

    The bytes go to a temporary file created exclusively (O_EXCL, unpredictable name) in the
    target folder and then replace ``path``: a planted symlink is never followed, a reader
    never sees half a file, and a failed write leaves no temporary file behind.
    """
    parts = [data] if isinstance(data, bytes) else data
    try:
        if not absent and not path.is_symlink() and _holds(path.read_bytes(), parts):
            return False
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise FeedsWriteError(f"cannot read {path}: {exc.strerror or exc}") from None
    fd, tmp = _create_temporary(path)
    try:
        try:
            _write_parts(fd, parts)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FeedsWriteError(f"cannot write {path}: {exc.strerror or exc}") from None
    return True


def _create_temporary(path: Path) -> tuple[int, Path]:
    """A new file beside ``path``, open for writing, readable by all as the umask allows."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = path.parent / _temp_name(path.name)
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
        except OSError as exc:
            raise FeedsWriteError(f"cannot write to {path.parent}: {exc.strerror or exc}") from None
    raise FeedsWriteError(f"cannot write to {path.parent}: no free temporary file name")


def _holds(current: bytes, parts: Sequence[bytes]) -> bool:
    """Whether ``current`` is the concatenation of ``parts``."""
    if len(current) != sum(map(len, parts)):
        return False
    view, start = memoryview(current), 0
    for part in parts:
        if view[start : start + len(part)] != part:
            return False
        start += len(part)
    return True


# Parts per writev call: well below any system's IOV_MAX (1024 on Linux).
_WRITEV_PARTS = 512


def _write_parts(fd: int, parts: Sequence[bytes]) -> None:
    """All parts in order, with a system call per few hundred parts and no copy to join them."""
    for first in range(0, len(parts), _WRITEV_PARTS):
        chunk = parts[first : first + _WRITEV_PARTS]
        written = os.writev(fd, chunk)
        if written < sum(map(len, chunk)):
            rest = memoryview(b"".join(chunk))[written:]
            while rest:
                rest = rest[os.write(fd, rest) :]


def check_base_url(url: str, *, allow_file: bool = False) -> str:
    """The public URL of the feed folder, ending in "/"; InputError unless absolute http(s)."""
    parts = urlsplit(url.strip())
    schemes = ("http", "https", "file") if allow_file else ("http", "https")
    if parts.scheme.lower() not in schemes or (parts.scheme != "file" and not parts.netloc):
        raise InputError(
            f"base URL must be an absolute http(s) URL such as https://example.org/feeds/,"
            f" got {url!r}"
        )
    return url.strip().rstrip("/") + "/"


def fingerprint(*parts: object) -> str:
    """Hash of the inputs of a published file: database rows, labels, build parameters.

    The code of this package and the versions of the rendering libraries are part of every
    fingerprint, so an upgrade re-renders everything instead of keeping stale files.
    """
    digest = hashlib.blake2b(_code_salt(), digest_size=16)
    for part in parts:
        digest.update(repr(_plain(part)).encode("utf-8", "backslashreplace"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _plain(value: object) -> object:
    if isinstance(value, sqlite3.Row):
        return tuple(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return sorted((str(k), _plain(v)) for k, v in value.items())
    return value


@cache
def _code_salt() -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\x00" + path.read_bytes())
    for name in _RENDERERS:
        try:
            digest.update(f"{name}={version(name)}".encode())
        except PackageNotFoundError:
            digest.update(f"{name}=-".encode())
    return digest.digest()


# Built once: nh3.clean() converts its option sets on every call, half of its time on an
# article.
_HTML_CLEANER = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    clean_content_tags=_DROP_WITH_CONTENT,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
)
_TEXT_CLEANER = nh3.Cleaner(tags=set(), clean_content_tags={"script", "style"})


def clean_html(fragment: str | None) -> str:
    """Sanitize HTML for output: no scripts, styles, frames, event handlers or javascript: URLs."""
    if not fragment:
        return ""
    return _HTML_CLEANER.clean(without_ads(without_bidi(fragment)))


def without_bidi(text: str) -> str:
    """Text without bidi controls; a test per character is 5 times faster than the regex on
    text that has none (nearly all)."""
    if any(char in text for char in _BIDI_CHARS):
        return _BIDI.sub("", text)
    return text


def without_ads(text: str | None) -> str:
    """Text or HTML without the lines and blocks a portal marks as advertising."""
    if not text:
        return ""
    text = _AD_LINE.sub("\n", _AD_BLOCK.sub("", text))
    first = _AD_FIRST_LINE.match(text)
    return text[first.end() :] if first else text


@lru_cache(maxsize=8192)
def plain_text(text: str | None, *, max_chars: int | None = None) -> str:
    """Text without any markup or bidi controls, whitespace collapsed, cut at a word boundary."""
    if not text:
        return ""
    text = without_bidi(text)
    if "<" in text or "&" in text or "\x00" in text:
        # Markup is removed after unescaping too, so "&lt;script&gt;" cannot turn into a tag.
        text = _TAG.sub(" ", html.unescape(_TEXT_CLEANER.clean(text)))
        text = _TAG.sub(" ", text)
    # Else there is no markup or reference: the sanitizer would give the text back as it was
    # but for line ends, which become spaces anyway (most summaries; a test checks this).
    text = _SPACE.sub(" ", text).strip()
    if max_chars and len(text) > max_chars:
        cut = text[:max_chars].rsplit(" ", 1)[0]
        text = cut.rstrip(",;:.-–") + " …"
    return text


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) URL, else None (never a javascript: link)."""
    if not url:
        return None
    url = url.strip()
    # Nearly every URL: a host right after the scheme, which urlsplit (a tenth of an item's
    # rendering) would only confirm.
    if _PLAIN_WEB_URL.match(url):
        return url
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return None


_PLAIN_WEB_URL = re.compile(r"https?://[^/?#\s\[\]]", re.IGNORECASE | re.ASCII)


def join_url(base_url: str, name: str) -> str:
    """Public URL of a published file; relative to the feed folder when no base URL is known."""
    if not base_url:
        return name
    return base_url if not name else base_url.rstrip("/") + "/" + name


# A document's dates are read by every feed it is in and by the index: ~550,000 calls a
# national build for ~200,000 distinct strings (datetimes are immutable, sharing is safe).
@lru_cache(maxsize=1 << 16)
def as_datetime(value: str | None) -> datetime | None:
    """A stored ISO date or datetime as an aware datetime (a bare date = Berlin midnight)."""
    parsed = parse_iso(value.replace("Z", "+00:00") if value else value)
    if parsed is None:
        return None
    if isinstance(parsed, datetime):
        return parsed
    return datetime(parsed.year, parsed.month, parsed.day, tzinfo=BERLIN)


def utc_text(value: datetime) -> str:
    """Sortable UTC key as stored in ``*_utc`` columns."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def german_date(value: date | datetime, *, with_time: bool = True) -> str:
    """'Sa, 14. März 2026, 10:00 Uhr' in Berlin time; a bare date gets no time."""
    day = value.astimezone(BERLIN) if isinstance(value, datetime) else value
    text = f"{GERMAN_WEEKDAYS[day.weekday()]}, {day.day}. {GERMAN_MONTHS[day.month - 1]} {day.year}"
    if with_time and isinstance(day, datetime):
        text += f", {day:%H:%M} Uhr"
    return text


def short_date(value: date | datetime) -> str:
    """'14.03.2026' in Berlin time."""
    if isinstance(value, datetime):
        value = value.astimezone(BERLIN)
    return f"{value.day:02d}.{value.month:02d}.{value.year}"


def upcoming_threshold(now: datetime) -> str:
    """UTC key of today's Berlin midnight: events of today count as upcoming all day long."""
    local = now.astimezone(BERLIN)
    return utc_text(datetime(local.year, local.month, local.day, tzinfo=BERLIN))


# Calendars hold the events from this many days before today on; the events feed and
# index.html use the same window so their counts agree.
PAST_DAYS = 90
FILE_SLUG_CHARS = 100
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_STATUS = {
    "cancelled": "Abgesagt: ",
    "postponed": "Verschoben: ",
    "moved-online": "Online statt vor Ort: ",
    "sold-out": "Ausgebucht: ",
}


def window_start(now: datetime) -> str:
    """UTC key of the first moment the calendars and the events feed include."""
    start = as_datetime(upcoming_threshold(now)) - timedelta(days=PAST_DAYS)
    return utc_text(start)


def title_text(text: str | None) -> str:
    """A title for output: plain text, capped at ``TITLE_CHARS``, German quotes closed.

    A title that opens „ without its “ (the extractor strips trailing quote marks) gets the
    closing mark back, so „Daten für die Stadt“ reads as the page wrote it.
    """
    text = plain_text(text, max_chars=TITLE_CHARS)
    if text.count("„") > text.count("“"):
        text += "“"
    return text


def status_prefix(status: str | None) -> str:
    """'Abgesagt: ' and friends for an event status; '' for scheduled or unknown."""
    return _STATUS.get(status or "", "")


def slugify(name: str, max_chars: int = 60) -> str:
    """'Halle (Saale)' → 'halle-saale': ASCII, umlauts spelled out, cut at a hyphen."""
    ascii_name = unicodedata.normalize("NFKD", name.translate(_TRANSLIT))
    slug = _NOT_SLUG.sub("-", ascii_name.encode("ascii", "ignore").decode().lower()).strip("-")
    if len(slug) > max_chars:
        slug = slug[:max_chars].rsplit("-", 1)[0]
    return slug or "ohne-namen"


def file_slug(slug: str) -> str:
    """A slug short enough for any file system: long ones keep a prefix and a hash suffix."""
    if len(slug) <= FILE_SLUG_CHARS:
        return slug
    digest = hashlib.blake2b(slug.encode("utf-8"), digest_size=5).hexdigest()
    return f"{slug[: FILE_SLUG_CHARS - 11].rstrip('-')}-{digest}"
