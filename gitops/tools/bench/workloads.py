"""What the benchmark runs on: sandbox copies of the project, synthetic stacks of a given size."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from gitops.layout import PROJECT

SIZES = (10, 100, 1000)
# A large but realistic stack: what a speed-up must win at to be kept (the -O restart, BENCHMARKS.md).
REALISTIC_SERVICES = 300
# A synthetic environment has this many objects besides its services (namespace,
# settings, declarations, default deny of ingress and of egress, Traefik config, Flux source and
# 3 Kustomizations).
FIXED_OBJECTS = 10
OBJECTS_PER_SERVICE = 4  # Deployment, Service, PodDisruptionBudget, egress NetworkPolicy

SOURCES = ("main.py", "cdk8s.yaml", "charts", "gitops", "config")
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false"]


def sandbox(project: Path, root: Path, *, committed: bool = False) -> Path:
    """A copy of the project's sources with its installed tools linked in.

    committed: with dist/ too, committed to a git repository of its own, for
    what compares with HEAD (`synth --watch`).
    """
    work = root / "project"
    work.mkdir(parents=True)
    names = (*SOURCES, "dist") if committed else SOURCES
    for name in names:
        source = project / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, work / name)
    for name in (".venv", "node_modules", ".tools"):
        (work / name).symlink_to(PROJECT / name)
    if committed:
        subprocess.run([*GIT, "init", "-q"], cwd=work, check=True)
        subprocess.run([*GIT, "add", *names], cwd=work, check=True)
        subprocess.run([*GIT, "commit", "-q", "-m", "bench"], cwd=work, check=True)
    return work


def synthetic_config(services: int) -> str:
    """An environment of `services` identical small services, for scaling measurements."""
    lines = [
        "cluster:",
        '  kubernetesVersion: "1.34"',
        "  nodes:",
        '    - {name: node-1, cpu: "64", memory: 256Gi}',
        '    - {name: node-2, cpu: "64", memory: 256Gi}',
        "delivery:",
        "  engine: flux",
        "  repository:",
        "    url: https://git.example.com/bench/manifests.git",
        "registry: {host: registry.example.com, pullSecret: registry}",
        "traefik:",
        "  resources: {cpu: 100m, memory: 128Mi, memoryLimit: 256Mi}",
        "secrets:",
        "  registry: {type: kubernetes.io/dockerconfigjson, keys: [.dockerconfigjson]}",
        "services:",
    ]
    for index in range(services):
        lines += [
            f"  svc-{index:04d}:",
            "    component: backend",
            "    image: registry.example.com/bench/svc",
            "    port: 8080",
            "    health: {kind: tcp}",
            "    resources: {cpu: 10m, memory: 32Mi, memoryLimit: 64Mi}",
        ]
    lines.append("images:")
    lines += [f"  svc-{index:04d}: 1.0.{index}" for index in range(services)]
    return "\n".join(lines) + "\n"


def services_for(size: int) -> int:
    return max(1, round((size - FIXED_OBJECTS) / OBJECTS_PER_SERVICE))


def objects_json(dist: Path, target: Path) -> int:
    """Every object under dist as one JSON list (the references' input); returns how many."""
    from gitops.k8s import manifests

    objects = [r.obj for r in manifests.load([dist])]
    target.write_text(json.dumps(objects))
    return len(objects)
