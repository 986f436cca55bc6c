"""The builds the tests are written against.

`main.py set-image` and `main.py promote` change the `images:` lines of config/<env>.yaml each time a
build ships, and the pull request that does it runs `make test` like any other. So tests that render,
edit or ship the project's config start from a copy of config/ in which every environment runs the
builds below: the same files, the same lines, only those values differ. A build shipped to staging
alone (staging ahead of prod) or to both then changes no test's expectations.
"""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import tempfile
from pathlib import Path

from tests.conftest import CONFIG

BUILDS = {"api": "6f303dbbaa", "admin": "6f303dbbaa", "worker": "6f303dbbaa", "redis": "7.4.2-alpine"}

_TOP_LEVEL = re.compile(r"^[^\s#]")
_ENTRY = re.compile(r"^(?P<indent>\s+)(?P<service>[A-Za-z0-9][\w.-]*):\s*(?P<value>[^\s#].*)?$")


def pin_text(text: str) -> str:
    """An environment file's text with each of BUILDS' services under `images:` running its build here."""
    lines = text.splitlines(keepends=True)
    inside = False
    for number, line in enumerate(lines):
        if _TOP_LEVEL.match(line):
            inside = line.rstrip() == "images:"
            continue
        entry = _ENTRY.match(line.rstrip("\n"))
        if inside and entry and entry["value"] and entry["service"] in BUILDS:
            ending = "\n" if line.endswith("\n") else ""
            lines[number] = f"{entry['indent']}{entry['service']}: {BUILDS[entry['service']]}{ending}"
    return "".join(lines)


def pin(config: Path) -> None:
    """Pin the builds of every environment file under config/ (base.yaml holds none)."""
    for path in sorted(config.glob("*.yaml")):
        text = path.read_text()
        pinned = pin_text(text)
        if pinned != text:
            path.write_text(pinned)


@functools.cache
def pinned_config() -> Path:
    """A copy of the project's config/ with BUILDS pinned, made once per test process, read-only by convention."""
    root = Path(tempfile.mkdtemp(prefix="honeydue-tests-config-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    target = root / "config"
    shutil.copytree(CONFIG, target)
    pin(target)
    return target
