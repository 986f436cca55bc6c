"""What dist/ as just written does against dist/ at HEAD, in `main.py diff`'s text form.

The pieces are diff's own (gitref, Loader, report, render_text); only the
caching is the watcher's: HEAD's side is extracted and parsed once per
commit, and the loader parses a file of the new side only when its text
changed, so a round costs the comparison and little else.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from gitops.layout import DIST
from gitops.review.diff import render_text, report
from gitops.review.diff.gitref import extract, resolve
from gitops.review.diff.load import Loader, Side

NEW_LABEL = f"{DIST}/ (working tree)"


class HeadReview:
    def __init__(self, repo: Path) -> None:
        self._repo = repo
        self._scratch = tempfile.TemporaryDirectory(prefix="honeydue-watch-")
        self._commit = ""
        self._loader = Loader()
        self._old = Side("")
        self._notes: list[str] = []

    def close(self) -> None:
        self._scratch.cleanup()

    def _head(self) -> None:
        commit = resolve(self._repo, "HEAD")
        if commit == self._commit:
            return
        base = Path(self._scratch.name) / commit
        found = extract(self._repo, commit, [DIST], base)
        self._commit, self._loader = commit, Loader()
        label = f"{DIST}/ at HEAD ({commit[:10]})"
        self._old = self._loader.load(label, [base / DIST] if found else [], base / DIST)
        self._notes = [] if found else [f"{DIST}: nothing committed at HEAD; every object is new"]

    def text(self, out_dir: Path) -> str:
        self._head()
        new = self._loader.load(NEW_LABEL, [out_dir] if out_dir.exists() else [], out_dir)
        result = report.build(self._old, new)
        result.notes = self._notes + result.notes
        return render_text.render(result)
