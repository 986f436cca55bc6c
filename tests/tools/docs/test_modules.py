"""The module map: every module of main.py, charts/ and gitops/, by the first line of its docstring."""

from __future__ import annotations

from pathlib import Path

from gitops.tools.docs import modules


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_modules_are_listed_package_first_with_their_docstrings_first_line(tmp_path: Path):
    _write(tmp_path, "main.py", '"""The command line.\n\nMore text.\n"""\n')
    _write(tmp_path, "charts/__init__.py", '"""Constructs."""\n')
    _write(tmp_path, "charts/b.py", '"""B."""\n')
    _write(tmp_path, "gitops/__init__.py", '"""Everything else."""\n')
    _write(tmp_path, "gitops/sub/__init__.py", '"""A subpackage."""\n')
    _write(tmp_path, "gitops/sub/m.py", "x = 1\n")
    _write(tmp_path, "gitops/z.py", '"""Z, a module beside the subpackage."""\n')
    assert modules.modules(tmp_path) == [
        ("main.py", "The command line."),
        ("charts/__init__.py", "Constructs."),
        ("charts/b.py", "B."),
        ("gitops/__init__.py", "Everything else."),
        ("gitops/z.py", "Z, a module beside the subpackage."),
        ("gitops/sub/__init__.py", "A subpackage."),
        ("gitops/sub/m.py", modules.NO_DOCSTRING),
    ]


def test_the_page_has_a_row_per_module(tmp_path: Path):
    _write(tmp_path, "main.py", '"""The command line."""\n')
    _write(tmp_path, "charts/__init__.py", '"""Constructs | objects."""\n')
    _write(tmp_path, "gitops/__init__.py", '"""Everything else."""\n')
    rows = [line for line in modules.page(tmp_path).splitlines() if line.startswith("| `")]
    assert rows == [
        "| `main.py` | The command line. |",
        "| `charts/__init__.py` | Constructs \\| objects. |",
        "| `gitops/__init__.py` | Everything else. |",
    ]
