"""Simulated nodes: one kwok Node per node of the environment's inventory.

The inventory is the environment's own (the declarations ConfigMap renders config's
cluster.nodes, architecture and systemReserved), so the scheduler sees the machines config
describes. kwok plays every kubelet: it is started once per run, because restarting it
flips every node NotReady for a moment and leaves pods Ready=False (REFERENCE.md).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from gitops.rehearse import project
from gitops.rehearse.kube import Api
from gitops.rehearse.ports import LOOPBACK
from gitops.rehearse.procs import Process
from gitops.rehearse.session import Session
from gitops.rehearse.tools import Tools

# The kubelet's (and k3s's) default --max-pods.
MAX_PODS = 110
KWOK_ANNOTATION = "kwok.x-k8s.io/node"
KWOK_VERSION = "v0.7.0"
# kwok's "general" pod stages: create, then Ready after a delay with jitter, and deletion that
# honours the grace period, so drains and rollouts wait for pods as they would on real nodes.
STAGE_DIR = f"sigs.k8s.io/kwok@{KWOK_VERSION}/kustomize/stage/pod/general"


def _millis(value: int) -> str:
    return f"{value}m"


def node_object(node: project.Cluster, index: int) -> dict:
    """The Node for cluster.nodes[index]: capacity as configured, allocatable minus the reserve."""
    spec = node.nodes[index]
    arch = node.architecture or "amd64"
    allocatable_cpu = spec.cpu_millis - node.reserved_cpu_millis
    allocatable_memory = spec.memory_bytes - node.reserved_memory_bytes
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": spec.name,
            "annotations": {KWOK_ANNOTATION: "fake"},
            "labels": {
                "kubernetes.io/hostname": spec.name,
                "kubernetes.io/arch": arch,
                "kubernetes.io/os": "linux",
                "beta.kubernetes.io/arch": arch,
                "beta.kubernetes.io/os": "linux",
                "type": "kwok",
            },
        },
        "spec": {},
        "status": {
            "capacity": {"cpu": _millis(spec.cpu_millis), "memory": str(spec.memory_bytes), "pods": str(MAX_PODS)},
            "allocatable": {"cpu": _millis(allocatable_cpu), "memory": str(allocatable_memory),
                            "pods": str(MAX_PODS)},
            "nodeInfo": {"architecture": arch, "operatingSystem": "linux", "kubeletVersion": "fake"},
        },
    }


def stage_files() -> list[Path]:
    """kwok's upstream pod stages, from the module cache (make rehearse-tools fetched the module)."""
    cache = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True).stdout.strip()
    directory = Path(cache or os.path.expanduser("~/go/pkg/mod")) / STAGE_DIR
    return sorted(p for p in directory.glob("*.yaml") if p.name != "kustomization.yaml")


def start_kwok(session: Session, tools: Tools, kubeconfig: Path) -> Process:
    stages = stage_files()
    argv = [
        tools["kwok"], f"--kubeconfig={kubeconfig}",
        f"--manage-nodes-with-annotation-selector={KWOK_ANNOTATION}=fake",
        f"--node-ip={LOOPBACK}", f"--server-address={LOOPBACK}:{session.ports.take()}",
        # Leases are what the node lifecycle controller watches; without this flag given, kwok falls
        # back to its deprecated status heartbeat and nodes turn NotReady after ~50 s.
        "--node-lease-duration-seconds=40",
    ]
    argv += [f"--config={stage}" for stage in stages]
    return session.supervisor.start("kwok", argv)


def create_nodes(api: Api, cluster: project.Cluster) -> list[str]:
    names = []
    for index in range(len(cluster.nodes)):
        api.create("/api/v1/nodes", node_object(cluster, index))
        names.append(cluster.nodes[index].name)
    return names


def ready_nodes(api: Api) -> set[str]:
    ready = set()
    for node in api.items("/api/v1/nodes"):
        conditions = {c["type"]: c["status"] for c in (node.get("status") or {}).get("conditions") or []}
        if conditions.get("Ready") == "True":
            ready.add(node["metadata"]["name"])
    return ready
