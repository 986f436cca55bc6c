"""`main.py synth --watch`: on every change under config/ or charts/, synthesize as `synth` does, then review it.

A round is `synth` itself (gitops/render/synth.py, in this process's jsii
runtime, which stays warm between rounds), so dist/ and config/schema.json
get exactly the bytes a plain `make synth` would write. Config problems print
as `synth` prints them, without a traceback, and the watch goes on.

New code (charts/, gitops/ or main.py changed) ends the loop: the watch
returns the changed path and the command starts itself again, a cold start
that `make bench` times too. Reloading modules into a live jsii runtime
could leave old classes referenced from the new ones.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO

from gitops.errors import GitopsError
from gitops.layout import PROJECT
from gitops.watch.changes import changed, snapshot

POLL_SECONDS = 0.05
# Printed when a round is done; `make bench` times a round up to this line.
WAITING = "watching config/ and charts/ for changes (Ctrl-C stops)"


def _shown(path: Path, project: Path) -> str:
    try:
        return str(path.relative_to(project))
    except ValueError:
        return str(path)


def watch(
    config_dir: Path,
    out_dir: Path,
    names: list[str] | None,
    *,
    project: Path = PROJECT,
    interval: float = POLL_SECONDS,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
) -> Path:
    """Synthesize and review now and after every change, until the code under charts/ or gitops/ changes
    (returned)."""
    from gitops.config.loader import SCHEMA_FILE
    from gitops.render.synth import synth
    from gitops.watch.review import HeadReview

    inputs = [config_dir]
    code = [project / "charts", project / "gitops", project / "main.py"]
    skip = frozenset({config_dir / SCHEMA_FILE})  # synth writes it
    review = HeadReview(project)

    def round_(reason: str) -> None:
        started = time.perf_counter()
        print(reason, file=stdout, flush=True)
        try:
            result = synth(config_dir, out_dir, names)
            synthesized = time.perf_counter()
            stdout.write(review.text(out_dir))
            print(
                f"synthesized {', '.join(result.environments)} in {synthesized - started:.2f} s, "
                f"reviewed in {time.perf_counter() - synthesized:.2f} s",
                file=stdout,
            )
        except GitopsError as err:
            print(err.report("synth", "written"), file=stderr, flush=True)
        print(WAITING, file=stdout, flush=True)

    try:
        before = snapshot(inputs + code, skip)
        round_("synthesizing and comparing with HEAD")
        while True:
            time.sleep(interval)
            now = snapshot(inputs + code, skip)
            if now == before:
                continue
            # One save can be several writes (an editor truncates, then writes): look again until a look
            # finds nothing new, so a round never synthesizes, or reports errors in, a half-written file.
            while True:
                time.sleep(interval)
                settled = snapshot(inputs + code, skip)
                if settled == now:
                    break
                now = settled
            paths = changed(before, now)
            before = now
            if not paths:  # written and put back as it was
                continue
            for path in paths:
                if any(path == root or root in path.parents for root in code):
                    return path
            round_("changed: " + ", ".join(_shown(path, project) for path in paths))
    finally:
        review.close()
