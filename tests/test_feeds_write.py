"""Published files are written from parts (no joined copy) and only when their bytes change."""

from __future__ import annotations

import os

import pytest

from citynews.feeds.common import write_if_changed

# Many small parts cross the number of parts per writev call.
_MANY = [f"<item>{n}</item>\n".encode() for n in range(1500)]


@pytest.mark.parametrize(
    ("before", "parts", "changed"),
    [
        (None, [b"<rss>", b"</rss>"], True),
        (b"<rss></rss>", [b"<rss>", b"</rss>"], False),
        (b"<rss></rss>", [b"<rss></rss>"], False),
        (b"<rss></rss>", [b"<rss>", b"", b"</rss>"], False),
        (b"<rss></rss>", [b"<rss>", b"</rs!>"], True),
        (b"<rss></rss>", [b"<rss>", b"</rss>", b"\n"], True),
        (b"<rss></rss>\n", [b"<rss>", b"</rss>"], True),
        (None, [], True),
        (None, _MANY, True),
        (b"".join(_MANY), _MANY, False),
        (b"".join(_MANY[:-1]) + b"<item>x</item>\n", _MANY, True),
    ],
)
def test_parts_are_written_when_their_bytes_differ(tmp_path, before, parts, changed):
    path = tmp_path / "alle.rss.xml"
    if before is not None:
        path.write_bytes(before)
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert write_if_changed(path, parts) is changed
    assert path.read_bytes() == b"".join(parts)
    if before is not None and not changed:
        assert path.stat().st_mtime_ns == 1_000_000_000
    assert [p.name for p in tmp_path.iterdir()] == ["alle.rss.xml"]


def test_bytes_and_parts_write_the_same_file(tmp_path):
    write_if_changed(tmp_path / "a.xml", b"".join(_MANY))
    write_if_changed(tmp_path / "b.xml", _MANY)
    assert (tmp_path / "a.xml").read_bytes() == (tmp_path / "b.xml").read_bytes()
