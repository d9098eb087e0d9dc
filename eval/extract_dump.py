"""Dump what ``citynews extract`` makes of every HTML page of the shared corpus.

One JSON line per page (sorted keys, sorted by path): the public ``extract`` record plus
the sanitized HTML and the listing teasers, so that a refactoring of the extraction can be
checked byte for byte::

    .venv/bin/python eval/extract_dump.py > /tmp/before.jsonl
    # ... change the code ...
    .venv/bin/python eval/extract_dump.py > /tmp/after.jsonl
    cmp /tmp/before.jsonl /tmp/after.jsonl

Pages are read as ``citynews extract PATH`` reads them (raw bytes, the file's URI as URL;
``.html.gz`` files decompressed first). Prints "skipped: ../shared not found" on stderr and
exits 0 when the corpus is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"

_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")


def pages(corpus: Path) -> Iterator[tuple[Path, bytes, str]]:
    """(path, raw bytes, URL) of every HTML page under ``corpus``, in path order."""
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        name = path.name.lower()
        if not name.endswith(_SUFFIXES):
            continue
        if name.endswith(".gz"):
            with gzip.open(path, "rb") as fh:
                body = fh.read()
            url = path.with_suffix("").resolve().as_uri()
        else:
            body = path.read_bytes()
            url = path.resolve().as_uri()
        yield path, body, url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"skipped: {args.corpus} not found", file=sys.stderr)
        return 0

    from citynews.normalize.document import Normalizer, document_json
    from citynews.normalize.extract import extract_teasers

    normalizer = Normalizer()
    normalizer.preload()
    out = sys.stdout
    for count, (path, body, url) in enumerate(pages(args.corpus)):
        if args.limit is not None and count >= args.limit:
            break
        doc = normalizer(body, url)
        record = document_json(doc)
        record["path"] = str(path.relative_to(args.corpus))
        record["content_html"] = doc.content_html
        record["listing_teasers"] = [
            [t.title, t.url, t.published.isoformat() if t.published else None]
            for t in extract_teasers(body, url)
        ]
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
