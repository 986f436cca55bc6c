"""What our synth is measured against, and where its own time goes.

- the jsii floor: an empty cdk8s App synthesized with cdk8s and cdk8s-plus
  imported, the least any synth through cdk8s-plus can cost (FLOOR_CODE);
- bare cdk8s: the objects our synth produced, rebuilt as plain cdk8s
  ApiObjects from their dicts (no cdk8s-plus, no config), written the same way;
- the writer alone: the same dicts written to YAML with no cdk8s at all;
- phases: one synth in one process, split into its parts.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

FLOOR_CODE = "import sys, cdk8s, cdk8s_plus_28; cdk8s.App(outdir=sys.argv[1]).synth()"


def bare(objects_file: Path, out: Path) -> None:
    """Rebuild the objects as plain cdk8s ApiObjects, synthesize and write them."""
    import cdk8s

    from gitops.render import output

    objects = json.loads(objects_file.read_text())
    shutil.rmtree(out, ignore_errors=True)
    app = cdk8s.App()
    chart = cdk8s.Chart(app, "bare", disable_resource_name_hashes=True)
    for index, obj in enumerate(objects):
        meta = obj["metadata"]
        api = cdk8s.ApiObject(
            chart,
            f"o{index}",
            api_version=obj["apiVersion"],
            kind=obj["kind"],
            metadata=cdk8s.ApiObjectMetadata(
                name=meta["name"],
                namespace=meta.get("namespace"),
                labels=meta.get("labels"),
                annotations=meta.get("annotations"),
            ),
        )
        patches = [
            cdk8s.JsonPatch.add(f"/{key}", value)
            for key, value in obj.items()
            if key not in ("apiVersion", "kind", "metadata")
        ]
        if patches:
            api.add_json_patch(*patches)
    output.write_unit(out, chart.to_json(), "bench", "")


def writer(objects_file: Path, out: Path) -> None:
    """Write the objects with the project's writer and nothing else."""
    from gitops.render import output

    shutil.rmtree(out, ignore_errors=True)
    output.write_unit(out, json.loads(objects_file.read_text()), "bench", "")


class _Timed:
    """Total seconds and calls of a function, counted while it is wrapped in place (a context manager)."""

    def __init__(self, owner: object, name: str) -> None:
        self.seconds, self.calls = 0.0, 0
        self._owner, self._name = owner, name
        self._original: Callable = getattr(owner, name)

    def __enter__(self) -> _Timed:
        original = self._original

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        setattr(self._owner, self._name, timed)
        return self

    def __exit__(self, *exc: object) -> None:
        setattr(self._owner, self._name, self._original)


def phases(config_dir: Path, out: Path) -> dict:
    """One synth of every environment in this process, in the order synth does it, timed part by part."""
    clock = [time.perf_counter()]
    found: dict = {}

    def lap(label: str) -> None:
        now = time.perf_counter()
        found[label] = now - clock[0]
        clock[0] = now

    from gitops.render import runtime

    runtime.spawn()
    lap("start Node.js (it boots and loads cdk8s meanwhile)")
    import gitops.render.synth as synth
    from gitops.config import load_environments

    lap("import config models and loader")
    jobs = synth.jobs_for(config_dir, load_environments(config_dir, None))
    lap("load and check config")
    runtime.start()
    import cdk8s
    import jsii._kernel.providers.process as jsii_process

    import charts.plus

    lap("import cdk8s and cdk8s-plus (their Python side)")
    runtime.ready()
    lap("wait for Node.js to boot and load them")
    import charts.stack  # noqa: F401 - timed for its import alone

    lap("import charts/")
    shutil.rmtree(out, ignore_errors=True)
    with (
        _Timed(jsii_process._NodeProcess, "send") as calls,
        _Timed(cdk8s.Chart, "to_json") as to_json,
        _Timed(synth, "write_rendered") as written,
    ):
        outcomes = synth.render(jobs, out)
    lap("render")
    render = found.pop("render")
    found["constructs (jsii calls, less toJson)"] = render - to_json.seconds - written.seconds
    found["toJson (cdk8s resolves every object)"] = to_json.seconds
    found["write YAML, inventory, SOPS files"] = written.seconds
    synth.schema_text()
    lap("config/schema.json export")
    return {
        "phases": found,
        "jsii_calls": calls.calls,
        "jsii_seconds": calls.seconds,
        "objects": sum(outcome.files for outcome in outcomes),
    }
