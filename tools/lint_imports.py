"""Check the import contracts of pyproject.toml ([tool.importlinter]) with import-linter.

The one import name ``citynews`` is assembled from several folders by setuptools'
``package-dir`` (``pipeline/`` is ``citynews``, ``crawler/`` is ``citynews.crawler`` …).
import-linter reads a package from the one folder its import spec points to, so it would see
``pipeline/`` only. This script lays the Python files out as the installed package in a
temporary folder, puts that first on the import path and runs ``lint-imports`` on it.

    python tools/lint_imports.py        # exit code of lint-imports (0: all contracts kept)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def package_dirs(pyproject: Path) -> dict[str, Path]:
    """Folder of each mapped package (``citynews.crawler`` → ``crawler/``), from pyproject."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    mapping = config["tool"]["setuptools"]["package-dir"]
    return {name: pyproject.parent / folder for name, folder in mapping.items()}


def lay_out(dirs: dict[str, Path], target: Path) -> None:
    """Copy the ``.py`` files of each mapped folder to where the package puts them."""
    # Parents first, so a nested mapping (citynews.crawler) lands inside its parent's copy.
    for name in sorted(dirs, key=lambda n: n.count(".")):
        destination = target.joinpath(*name.split("."))
        shutil.copytree(
            dirs[name],
            destination,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"),
            dirs_exist_ok=True,
        )


def main() -> int:
    pyproject = ROOT / "pyproject.toml"
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
        "lint-imports"
    )
    if linter is None:
        print("lint_imports: lint-imports not found (pip install -e '.[test]')", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="citynews-imports-") as tmp:
        lay_out(package_dirs(pyproject), Path(tmp))
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(filter(None, [tmp, os.environ.get("PYTHONPATH")])),
        )
        done = subprocess.run([linter, "--no-cache", str(pyproject)], env=env, cwd=ROOT)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
