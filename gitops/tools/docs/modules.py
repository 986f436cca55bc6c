"""Which module holds what: every module of main.py, charts/ and gitops/, by its docstring's first line.

The map is read from the tree, so a module added, moved or deleted shows up
here with the next `make synth`; a module without a docstring shows as a gap.
"""

from __future__ import annotations

import ast
from pathlib import Path

from gitops.layout import PROJECT
from gitops.tools.docs.markdown import header, table

# Top-level packages and files, in the order data flows through them.
ROOTS = ("main.py", "charts", "gitops")
NO_DOCSTRING = "(no module docstring)"


def summary(path: Path) -> str:
    """The first line of a module's docstring."""
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    return docstring.strip().splitlines()[0] if docstring else NO_DOCSTRING


def modules(root: Path = PROJECT) -> list[tuple[str, str]]:
    """(path relative to root, summary) for every module, packages before their modules."""
    found = []
    for top in ROOTS:
        base = root / top
        paths = [base] if base.is_file() else sorted(base.rglob("*.py"), key=lambda p: _order(p.relative_to(base)))
        found += [(p.relative_to(root).as_posix(), summary(p)) for p in paths]
    return found


def _order(relative: Path) -> tuple:
    # Within a package: its __init__.py, then its modules, then its subpackages.
    *packages, name = relative.parts
    return (*((1, package) for package in packages), (0, "" if name == "__init__.py" else name))


def page(root: Path = PROJECT) -> str:
    lines = header(
        "Module map",
        "each module's docstring",
        "Every module of the generator and its tools, with the first line of its docstring, in the direction "
        "data flows: `main.py` (the command line), `charts/` (the constructs), then `gitops/` "
        "(config in, render out, Kubernetes semantics, review, tools). [The layout](../layout.md) explains "
        "the packages.",
    )
    lines += table(["Module", "What it holds"], ([f"`{path}`", text] for path, text in modules(root)))
    return "\n".join(lines) + "\n"
