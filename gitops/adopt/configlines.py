"""The plan's config lines written into config/<env>.yaml, as the operator would paste them (comments kept).

For the tests and the benchmark that take a cutover with the recommended lines applied; `main.py adopt`
itself never writes anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML


def apply(root: Path, lines: Iterable[Mapping[str, Any]]) -> None:
    """Merge each line ({"file", "path", "value", "why"}, as the JSON plan has them) into root/<file> (root: the
    repository's top); a keepLive line gets its reason."""
    yaml = YAML()
    for line in lines:
        path = root / str(line["file"])  # root: the repository; file: e.g. config/prod.yaml
        doc = yaml.load(path.read_text())
        node = doc
        keys = list(line["path"])
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        value = line["value"]
        if keys[-1] == "keepLive" and isinstance(value, Mapping):
            value = {**value, "reason": line["why"]}
        node[keys[-1]] = value
        with path.open("w") as out:
            yaml.dump(doc, out)
