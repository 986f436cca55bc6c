"""The layers as README.md and docs/layout.md draw them are the ones the import contracts enforce."""

from __future__ import annotations

from pathlib import Path

from gitops.tools.docs import layers
from tests.conftest import PROJECT

CONTRACTS = """\
[importlinter]
root_packages =
    pkg

[importlinter:contract:layers]
name = Layers
type = layers
layers =
    pkg.top
    pkg.left | pkg.right
    pkg.base

[importlinter:contract:other]
name = Something else holds
type = independence
modules =
    pkg.left
    pkg.right
"""


def _tree(tmp_path: Path) -> Path:
    (tmp_path / ".importlinter").write_text(CONTRACTS)
    for package in ("top", "left"):
        (tmp_path / "pkg" / package).mkdir(parents=True)
        (tmp_path / "pkg" / package / "__init__.py").write_text(f'"""The {package} package."""\n')
    for module in ("right", "base"):
        (tmp_path / "pkg" / f"{module}.py").write_text(f'"""The {module} module."""\n')
    return tmp_path


def test_the_picture_is_the_layers_contract_top_first_packages_as_directories(tmp_path: Path):
    root = _tree(tmp_path)
    assert layers.picture(root / ".importlinter", root) == "pkg/top/\npkg/left/ | pkg/right.py\npkg/base.py\n"


def test_the_page_lists_each_package_with_its_docstring_and_the_other_contracts(tmp_path: Path):
    root = _tree(tmp_path)
    page = layers.page(root / ".importlinter", root)
    assert "```\npkg/top/\npkg/left/ | pkg/right.py\npkg/base.py\n```\n" in page
    assert "| `pkg/right.py` | The right module. |" in page
    assert page.endswith("The other contracts:\n\n- Something else holds\n")


def test_readme_and_layout_draw_the_enforced_layers():
    fenced = f"```\n{layers.picture()}```\n"
    for doc in ("README.md", "docs/layout.md"):
        assert fenced in (PROJECT / doc).read_text(), f"{doc} does not show the layers of .importlinter"
