"""What the cutover costs: `main.py adopt` on the reconstructed live cluster and on a 1,000-object export, and
`main.py rehearse --adopt` of prod with the config lines the plan recommends.

Both run on a scratch clone of the project whose config/prod.yaml holds the plan's recommended lines
(synthesized and committed there), so that the plan is safe and the rehearsal takes the cluster over,
as an operator would run them. The 1,000-object export is the fixture's export with old ReplicaSets of
the Deployments (what a real namespace accumulates) and ConfigMaps added until it holds 1,000 objects.
"""

from __future__ import annotations

import copy
import json
import statistics
import subprocess
from pathlib import Path

from gitops.adopt import configlines
from gitops.formats.yamlio import dumps
from gitops.k8s.manifests import load_documents
from gitops.tools.bench.measure import Result, measure, run_once
from gitops.tools.bench.rehearsal import REHEARSAL_SECONDS

FIXTURE = Path("tests") / "fixtures" / "live"
EXPORT_OBJECTS = 1000
ENV = "prod"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def recommended_clone(project: Path, root: Path, env: dict[str, str]) -> Path:
    """A clone of the project with the plan's recommended config lines, synthesized and committed."""
    clone = root / "adopt-clone"
    subprocess.run(["git", "clone", "--quiet", str(project), str(clone)], check=True)
    python = str(project / ".venv" / "bin" / "python")
    done = subprocess.run(
        [python, "main.py", "adopt", "--live", str(project / FIXTURE / "manifests"), "--format", "json"],
        cwd=project, env=env, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode not in (0, 1):
        raise RuntimeError(f"main.py adopt failed: {done.stderr}")
    configlines.apply(clone, json.loads(done.stdout)["configLines"])
    subprocess.run(
        [python, "main.py", "synth", "--config-dir", str(clone / "config"), "--out", str(clone / "dist")],
        cwd=project, env=env, check=True, capture_output=True,
    )  # fmt: skip
    _git(clone, "add", "-A")
    _git(clone, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "--quiet", "-m", "keepLive")
    return clone


def big_export(project: Path, target: Path, count: int = EXPORT_OBJECTS) -> int:
    """The fixture's export grown to count objects; returns how many it holds."""
    items: list[dict] = []
    for doc in load_documents((project / FIXTURE / "export.yaml").read_text()):
        if isinstance(doc, dict):
            items += doc["items"] if isinstance(doc.get("items"), list) else [doc]
    replicasets = [i for i in items if i.get("kind") == "ReplicaSet"]
    configmap = next(i for i in items if i.get("kind") == "ConfigMap" and i["metadata"]["name"] == "honeydue-config")
    added = 0
    while len(items) < count:
        source = replicasets[added % len(replicasets)] if added % 2 == 0 else configmap
        item = copy.deepcopy(source)
        item["metadata"]["name"] = f"{source['metadata']['name']}-{added:04d}"
        item["metadata"].pop("uid", None)
        items.append(item)
        added += 1
    target.write_text(dumps({"apiVersion": "v1", "kind": "List", "items": items}))
    return len(items)


def plans(project: Path, clone: Path, root: Path, env: dict[str, str], runs: int) -> dict[str, Result]:
    python = str(project / ".venv" / "bin" / "python")
    export = root / "export-1000.yaml"
    objects = big_export(project, export)
    base = [python, "main.py", "adopt", "--dist", str(clone / "dist"), "--config-dir", str(clone / "config")]
    found = {}
    for key, live, shown, count in (
        ("adopt-manifests", project / FIXTURE / "manifests", "tests/fixtures/live/manifests", 15),
        ("adopt-export", project / FIXTURE / "export.yaml", "tests/fixtures/live/export.yaml", 28),
        ("adopt-1000", export, f"an export of {objects} objects", objects),
    ):
        found[key] = measure(
            f"adopt: {shown}", [*base, "--live", str(live)], project, env, runs, objects=count,
            shown=f"python main.py adopt --live {shown}",
        )  # fmt: skip
    return found


def rehearse(project: Path, clone: Path, env: dict[str, str], runs: int) -> dict:
    """`main.py rehearse --adopt` of prod on the clone, run after run, with each run's JSON report."""
    command = [
        str(project / ".venv" / "bin" / "python"), "main.py", "rehearse", "--adopt",
        str(project / FIXTURE / "manifests"), "--env", ENV, "--repo", str(clone), "--format", "json",
    ]  # fmt: skip
    result = Result(
        f"rehearse --adopt of {ENV} (the recommended lines)",
        f"python main.py rehearse --adopt tests/fixtures/live/manifests --env {ENV} --format json",
    )
    parts: dict[str, list[float]] = {"control plane start-up": [], "delivery (Flux Ready)": []}
    headline = ""
    for _ in range(runs):
        sample = run_once(command, project, env, capture=True)
        result.samples.append(sample)
        report = next(e for e in json.loads(sample.output)["environments"] if e["env"] == ENV)
        parts["control plane start-up"].append(report["seconds"]["controlPlane"])
        parts["delivery (Flux Ready)"].append(report["seconds"]["delivery"])
        for drill in report["drills"]:
            parts.setdefault(f"drill: {drill['name']}", []).append(drill["seconds"])
        headline = report["headline"]
    print(f"  rehearse --adopt of {ENV}: median {result.median:.0f} s", flush=True)
    return {"result": result, "parts": parts, "headline": headline}


def measure_all(
    project: Path, root: Path, env: dict[str, str], runs: int, rehearsal_runs: int, *, cluster: bool
) -> dict:
    clone = recommended_clone(project, root, env)
    data: dict = {"plans": plans(project, clone, root, env, runs)}
    if cluster:
        data["rehearsal"] = rehearse(project, clone, env, rehearsal_runs)
    return data


def targets(data: dict) -> list[tuple[str, str, bool | None]]:
    rehearsal = data.get("rehearsal")
    if not rehearsal:
        return [("`rehearse --adopt` of prod", "not measured (--no-rehearsal)", None)]
    drill = statistics.median(rehearsal["parts"].get("drill: adopt") or [0.0])
    wall = rehearsal["result"].median
    return [
        (
            f"`rehearse --adopt` of {ENV} ≤ {REHEARSAL_SECONDS} s + the adopt drill's own time",
            f"{wall:.0f} s (drill {drill:.0f} s: target {REHEARSAL_SECONDS + drill:.0f} s)",
            wall <= REHEARSAL_SECONDS + drill,
        )
    ]


def rows(data: dict) -> list[Result]:
    found = list(data["plans"].values())
    if data.get("rehearsal"):
        found.append(data["rehearsal"]["result"])
    return found


def lines(data: dict) -> list[str]:
    rehearsal = data.get("rehearsal")
    out = [
        "## The cutover",
        "",
        "`main.py adopt` plans from the reconstructed live cluster (`tests/fixtures/live/`), as hand-written",
        "manifests, as its export and as an export grown to 1,000 objects (old ReplicaSets and ConfigMaps),",
        "against a clone whose config holds the lines the plan recommends (so the plan is safe).",
    ]
    if rehearsal:
        out += [
            f"`main.py rehearse --adopt` of {ENV} on that clone, {len(rehearsal['result'].samples)} runs. The last "
            f"run's headline: {rehearsal['headline']}",
            "",
            "| Part (from each run's JSON report) | Median s | Min–max s |",
            "| --- | ---: | ---: |",
            *[
                f"| {part} | {statistics.median(values):.1f} | {min(values):.1f}–{max(values):.1f} |"
                for part, values in rehearsal["parts"].items()
                if values
            ],
        ]
    return out
