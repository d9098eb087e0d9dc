"""The command line keeps the README's promises: publishable feeds need a public base URL,
search takes several words, unknown topics and places name the valid ones, topics and places
can be listed, CSV exports open in German Excel."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.conftest import REPO
from tests.test_feeds import make_sample_db

BASE = "https://feeds.example.org/"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return make_sample_db(tmp_path_factory.mktemp("browse") / "citynews.db")


def _without_env(name: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != name}


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real `citynews` command in a child process, with an environment of the test's."""
    return subprocess.run(
        [sys.executable, "-m", "citynews", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env if env is not None else _without_env("CITYNEWS_BASE_URL"),
    )


def _one_line_error(result, code: int, *needles: str) -> None:
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        ((), "no public base URL"),
        (("--base-url", "example.org/feeds"), "absolute http(s) URL"),
        (("--base-url", "file:///var/www/feeds/"), "absolute http(s) URL"),
    ],
)
def test_feeds_without_a_usable_base_url_exit_2(db, tmp_path, args, needle):
    result = run_cli(
        "feeds", "--db", str(db), "--out", str(tmp_path / "out"), *args,
        env=_without_env("CITYNEWS_BASE_URL"),
    )  # fmt: skip
    _one_line_error(result, 2, needle)
    assert not (tmp_path / "out").exists()


def _links(out) -> list[str]:
    """Every URL a feed, the OPML file or the index page links to."""
    found = []
    for path in out.iterdir():
        if path.name.endswith(".xml") or path.name == "feeds.opml":
            root = etree.fromstring(path.read_bytes())
            for el in root.iter():
                for attr in ("href", "xmlUrl", "htmlUrl", "url"):
                    if el.get(attr):
                        found.append(el.get(attr))
                if etree.QName(el).localname == "link" and el.text and el.text.strip():
                    found.append(el.text.strip())
        elif path.name == "index.html":
            doc = lxml_html.fromstring(path.read_bytes())
            found += doc.xpath("//a/@href|//link[@rel!='icon']/@href|//input[@class='url']/@value")
    return found


def test_published_feeds_link_only_absolute_https(db, tmp_path):
    out = tmp_path / "out"
    result = run_cli(
        "feeds", "--db", str(db), "--out", str(out), "--base-url", BASE,
        env=_without_env("CITYNEWS_BASE_URL"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    links = _links(out)
    assert len(links) > 100
    assert [u for u in links if not u.startswith("https://")] == []
    assert f"{BASE}ort-15002000-halle-saale.rss.xml" in links


def test_base_url_from_environment_or_sources_file(db, tmp_path):
    env = {**os.environ, "CITYNEWS_BASE_URL": "https://env.example.org/f"}
    result = run_cli("feeds", "--db", str(db), "--out", str(tmp_path / "a"), env=env)
    assert result.returncode == 0, result.stderr
    assert "https://env.example.org/f/alle.rss.xml" in (tmp_path / "a" / "feeds.opml").read_text()
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[feeds]\nbase_url = "https://toml.example.org/feeds/"\n\n'
        '[sources.x]\ntitle = "X"\nkind = "listing"\nstart_urls = ["https://x.example/"]\n'
        'allowed_domains = ["x.example"]\n',
        encoding="utf-8",
    )
    result = run_cli(
        "feeds", "--db", str(db), "--out", str(tmp_path / "b"), "--sources", str(sources),
        env=_without_env("CITYNEWS_BASE_URL"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    opml = (tmp_path / "b" / "feeds.opml").read_text()
    assert "https://toml.example.org/feeds/alle.rss.xml" in opml


def test_bad_base_url_in_sources_file_names_file_and_key(db, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text('[feeds]\nbase_url = "feeds.example.org"\n[sources.x]\n', encoding="utf-8")
    result = run_cli(
        "feeds", "--db", str(db), "--out", str(tmp_path / "o"), "--sources", str(sources),
        env=_without_env("CITYNEWS_BASE_URL"),
    )  # fmt: skip
    _one_line_error(result, 2, str(sources), "feeds.base_url")


def test_search_takes_several_words(db):
    result = run_cli("search", "Zwilling", "Innenstadt", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "Halle baut einen digitalen Zwilling der Innenstadt" in result.stdout
    assert "search: 1 documents" in result.stderr
    # The README's own example: several words, no "unexpected extra argument".
    result = run_cli("search", "Digitaler", "Zwilling", "--db", str(db))
    assert result.returncode == 0 and result.stderr.startswith("search: "), result.stderr


@pytest.mark.parametrize(
    ("option", "value", "needles"),
    [
        ("--topic", "nonsense", ("unknown topic 'nonsense'", "digitaler-zwilling", "mobilitaet")),
        ("--place", "Nirgendwo", ("unknown place 'Nirgendwo'", "Sachsen-Anhalt")),
        ("--place", "Hale (Saale)", ("unknown place", "Halle (Saale)")),
    ],
)
def test_unknown_filters_exit_2_naming_the_valid_choices(db, option, value, needles):
    result = run_cli("search", "Stadt", "--db", str(db), option, value)
    _one_line_error(result, 2, *needles)


@pytest.mark.parametrize("place", ["Halle (Saale)", "sachsen-anhalt", "15", "Sachsen-Anhalt"])
def test_known_places_filter(db, place):
    result = run_cli("search", "Zwilling", "--db", str(db), "--place", place)
    assert result.returncode == 0, result.stderr
    assert "digitalen Zwilling" in result.stdout


def test_topics_lists_slug_name_rules_and_documents(db):
    result = run_cli("topics", "--db", str(db))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == ["slug", "name", "rules", "documents"]
    rows = {re.split(r"\s{2,}", line)[0]: re.split(r"\s{2,}", line) for line in lines[1:]}
    assert "mobilitaet" in rows and "veranstaltungen" in rows
    assert int(rows["mobilitaet"][2]) > 5
    assert rows["mobilitaet"][3] == "2"


def test_places_looks_a_town_up(db):
    result = run_cli("places", "Halle")
    assert result.returncode == 0, result.stderr
    first = re.split(r"\s{2,}", result.stdout.splitlines()[1])
    assert first[:4] == ["Halle (Saale)", "municipality", "15002000", "Sachsen-Anhalt"]
    assert first[4].startswith("51.4") and ", 11.9" in first[4]
    assert "Halle (Westf.)" in result.stdout


def test_places_unknown_name_is_one_line(db):
    _one_line_error(run_cli("places", "Qwxyzburg"), 2, "no place called 'Qwxyzburg'")


def test_excel_csv_has_bom_and_semicolons(db, tmp_path):
    out = tmp_path / "topics.csv"
    result = run_cli("export", "--db", str(db), "--table", "topics", "--excel", "--out", str(out))
    assert result.returncode == 0, result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, first = raw.decode("utf-8-sig").splitlines()[:2]
    assert header == "slug;name;description;position"
    assert first.startswith("digitaler-zwilling;Digitaler Zwilling & 3D-Stadtmodell;")


def test_the_readme_cron_line_publishes(db, tmp_path):
    readme = (REPO / "README.md").read_text("utf-8")
    line = next(x for x in readme.splitlines() if x.startswith("*/30 ") and "citynews feeds" in x)
    args = line.split("citynews feeds", 1)[1].split(">")[0].split()
    args[args.index("--out") + 1] = str(tmp_path / "www")
    result = run_cli("feeds", "--db", str(db), *args)
    assert result.returncode == 0, result.stderr
    assert "https://example.org/feeds/alle.rss.xml" in (tmp_path / "www" / "feeds.opml").read_text()
