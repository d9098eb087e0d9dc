"""The command line's contract: one-line errors with documented exit codes, never a traceback."""

import json
from datetime import date, datetime

import click
import pytest

from citynews.model import BERLIN
from citynews.ops.edge import SINCE
from tests.conftest import run_cli


@pytest.mark.parametrize(
    "args, code, message",
    [
        (("crawl", "--sources", "does/not/exist.toml"), 2, "sources file not found"),
        (("crawl", "--sources", "{broken}"), 2, "broken TOML"),
        (("crawl", "--source", "no-such-portal"), 2, "unknown source 'no-such-portal'"),
        (("crawl", "--proxy", "socks5://127.0.0.1:1"), 2, "'--proxy': must be an http:// URL"),
        (("sources", "--sources", "{broken}"), 2, "broken TOML"),
        (("feeds", "--db", "{missing_db}"), 2, "database not found"),
        (("extract", "{missing_html}"), 2, "cannot read"),
        (("crawl", "--no-such-option"), 2, "No such option"),
    ],
)
def test_bad_input_gives_one_line_and_exit_code(tmp_path, args, code, message):
    broken = tmp_path / "broken.toml"
    broken.write_text("[sources.x\n", encoding="utf-8")
    values = {
        "broken": str(broken),
        "missing_db": str(tmp_path / "none.db"),
        "missing_html": str(tmp_path / "none.html"),
    }
    result = run_cli(*(a.format(**values) for a in args), timeout=60)
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) <= 3  # click's usage errors add a usage line and a hint


def test_sources_lists_bundled_portals():
    result = run_cli("sources", timeout=60)
    assert result.returncode == 0, result.stderr
    assert "kommune21" in result.stdout and "15 */3 * * *" in result.stdout


def test_about_and_version_credit_the_data():
    about = run_cli("about", timeout=60)
    assert about.returncode == 0
    assert "GeoNames" in about.stdout and "Destatis" in about.stdout
    version = run_cli("--version", timeout=60)
    assert version.returncode == 0 and "citynews" in version.stdout


def test_extract_prints_one_json_object_per_input(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html lang='de'><head><title>Digitaler Zwilling für Halle - Testportal</title></head>"
        "<body>"
        "<nav><a href='/'>Start</a></nav><main><article><h1>Digitaler Zwilling für Halle</h1>"
        "<p>[19.05.2025]</p>"
        + "<p>Die Stadt Halle (Saale) baut einen digitalen Zwilling der Innenstadt auf. "
        "Das 3D-Stadtmodell soll Planungen sichtbar machen und Bürgerinnen beteiligen.</p>"
        * 4
        + "</article></main></body></html>",
        encoding="utf-8",
    )
    result = run_cli("extract", str(page), str(page), "--format", "json", timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    record = json.loads(lines[0])
    for key in (
        "url",
        "title",
        "kind",
        "published",
        "published_source",
        "text",
        "topics",
        "keywords",
        "places",
        "events",
        "teasers",
    ):
        assert key in record
    assert record["title"] == "Digitaler Zwilling für Halle"
    assert record["published"] == "2025-05-19"
    assert "digitaler-zwilling" in record["topics"]
    assert [p["ags"] for p in record["places"]] == ["15002000"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-03-01", date(2026, 3, 1)),
        ("1.3.2026", date(2026, 3, 1)),
        ("3. März 2026", date(2026, 3, 3)),
    ],
)
def test_since_accepts_written_dates(text, expected):
    assert SINCE.convert(text, None, None) == expected


@pytest.mark.parametrize("text, days", [("vor 2 Wochen", 14), ("3 days ago", 3), ("gestern", 1)])
def test_since_accepts_relative_dates(text, days):
    today = datetime.now(BERLIN).date()
    assert abs((today - SINCE.convert(text, None, None)).days - days) <= 1


@pytest.mark.parametrize("text", ["quatsch", "", "32.13.2026"])
def test_since_rejects_garbage(text):
    with pytest.raises(click.BadParameter):
        SINCE.convert(text, None, None)
