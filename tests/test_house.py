"""The house rules' checkers: the module-size limit and the import contracts' package layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.lint_imports import lay_out, package_dirs
from tools.module_size import Rule, physical_lines, problems

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("data", "lines"),
    [
        (b"", 0),
        (b"x = 1\n", 1),
        (b"x = 1", 1),  # a last line without newline counts
        (b'"""Doc."""\n\n# comment\n\nx = 1\n', 5),  # blank lines and comments count
        (b"a\r\nb\r\n", 2),
    ],
)
def test_physical_lines(tmp_path: Path, data: bytes, lines: int) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(data)
    assert physical_lines(path) == lines


def _tree(tmp_path: Path, sizes: dict[str, int]) -> Path:
    for name, lines in sizes.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n" * lines)
    return tmp_path


@pytest.mark.parametrize(
    ("sizes", "allow", "expected"),
    [
        ({"pkg/a.py": 10, "pkg/sub/b.py": 10}, [], []),
        ({"pkg/a.py": 10, "pkg/sub/b.py": 11}, [], ["pkg/sub/b.py: 11 lines (more than 10)"]),
        ({"pkg/a.py": 11}, ["pkg/a.py"], []),
        # An allow-list entry that is no longer needed is reported, so the list cannot go stale.
        ({"pkg/a.py": 10}, ["pkg/a.py"], ["pkg/a.py: within 10 lines or gone"]),
        # Only the configured folders count.
        ({"other/big.py": 99, "pkg/a.py": 1}, [], []),
    ],
)
def test_module_size_problems(
    tmp_path: Path, sizes: dict[str, int], allow: list[str], expected: list[str]
) -> None:
    root = _tree(tmp_path, sizes)
    found = problems(root, Rule(max_lines=10, folders=("pkg",), allow=frozenset(allow)))
    assert [m.split(";")[0] for m in found] == expected


def test_import_contracts_see_the_installed_layout(tmp_path: Path) -> None:
    # import-linter must see citynews.crawler and citynews.feeds inside citynews, as installed.
    dirs = package_dirs(ROOT / "pyproject.toml")
    lay_out(dirs, tmp_path)
    package = tmp_path / "citynews"
    for module in ("model.py", "normalize/extract.py", "crawler/settings.py", "feeds/build.py"):
        assert (package / module).is_file(), module
    assert not list(package.rglob("__pycache__"))
