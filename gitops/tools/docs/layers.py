"""The layers of the code, read from the import contracts (.importlinter) that `make test` enforces.

The picture this module draws is the one README.md and docs/layout.md show; a test holds both to it,
so the documented layering is always the enforced one.
"""

from __future__ import annotations

import configparser
from pathlib import Path

from gitops.layout import PROJECT
from gitops.tools.docs.markdown import header, table
from gitops.tools.docs.modules import summary

CONTRACTS = PROJECT / ".importlinter"


def _contracts(path: Path) -> list[dict[str, str]]:
    parser = configparser.ConfigParser()
    parser.read(path, encoding="utf-8")
    return [dict(parser[section]) for section in parser.sections() if section.startswith("importlinter:contract:")]


def layers(path: Path = CONTRACTS) -> list[list[str]]:
    """The layers contract's layers, top first, each a list of its independent packages."""
    (contract,) = [c for c in _contracts(path) if c.get("type") == "layers"]
    return [[part.strip() for part in line.split("|")] for line in contract["layers"].split("\n") if line.strip()]


def shown(module: str, root: Path = PROJECT) -> str:
    """A dotted module as a path in the tree: a package as its directory, a module as its file."""
    relative = Path(*module.split("."))
    return f"{relative.as_posix()}/" if (root / relative).is_dir() else f"{relative.as_posix()}.py"


def picture(path: Path = CONTRACTS, root: Path = PROJECT) -> str:
    """One line per layer, top first: each may import the lines below it, never those above;
    packages on one line (`|`) do not import each other."""
    return "\n".join(" | ".join(shown(module, root) for module in layer) for layer in layers(path)) + "\n"


def page(path: Path = CONTRACTS, root: Path = PROJECT) -> str:
    lines = header(
        "Layers",
        "the import contracts (`.importlinter`)",
        "Each line may import from the lines below it and never from one above; packages on one line, "
        "separated by `|`, do not import each other. `main.py` calls `gitops/cli/app.py` and nothing else. "
        "`make test` runs `lint-imports`, which fails on any import that breaks a contract and names it.",
    )
    lines += ["```", *picture(path, root).splitlines(), "```", ""]
    rows = []
    for layer in layers(path):
        for module in layer:
            file = root / Path(*module.split("."))
            source = file / "__init__.py" if file.is_dir() else file.with_suffix(".py")
            rows.append([f"`{shown(module, root)}`", summary(source)])
    lines += table(["Package", "What it holds"], rows)
    others = [c["name"] for c in _contracts(path) if c.get("type") != "layers"]
    lines += ["", "The other contracts:", "", *[f"- {name}" for name in others]]
    return "\n".join(lines) + "\n"
