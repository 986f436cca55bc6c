"""What a GitOps engine would apply from one synced path, built with the real kustomize.

Neither engine reads our directories as plain files: Flux's kustomize-controller
generates a kustomization.yaml listing every YAML file under the path
(recursively) and builds it with kustomize; Argo CD's directory source with
`recurse: true` reads the same set of files. Building each synced path the
same way proves that what lands in the cluster is exactly what dist/ shows.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from gitops.k8s.manifests import SUFFIXES, Resource, parse
from gitops.layout import TOOLS_DIR

BINARY = TOOLS_DIR / "bin" / "kustomize"
KUSTOMIZATION = "kustomization.yaml"


class KustomizeError(Exception):
    pass


def generated_kustomization(directory: Path) -> str:
    """A kustomization listing every YAML file under directory, as Flux generates one."""
    files = sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
    lines = ["apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization", "resources:"]
    return "\n".join(lines + [f"  - {name}" for name in files]) + "\n"


def build(directory: Path) -> list[Resource]:
    """The objects `kustomize build` yields for a synced path."""
    if not BINARY.exists():
        raise KustomizeError(f"kustomize is not installed at {BINARY}: run `make setup`")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch) / directory.name
        shutil.copytree(directory, work)
        if not (work / KUSTOMIZATION).exists():
            (work / KUSTOMIZATION).write_text(generated_kustomization(work))
        done = subprocess.run([str(BINARY), "build", str(work)], capture_output=True, text=True)
        if done.returncode != 0:
            raise KustomizeError(f"kustomize build {directory} failed: {done.stderr.strip()}")
        return parse(done.stdout, directory)


def synced_paths(engine_objects: list[Resource]) -> dict[str, str]:
    """{object name: repository-relative path} for every Flux Kustomization and Argo CD Application."""
    paths = {}
    for resource in engine_objects:
        spec = resource.obj.get("spec") or {}
        if resource.kind == "Kustomization" and resource.group == "kustomize.toolkit.fluxcd.io":
            paths[resource.name] = spec["path"].removeprefix("./")
        elif resource.kind == "Application" and resource.group == "argoproj.io":
            paths[resource.name] = spec["source"]["path"].removeprefix("./")
    return paths
