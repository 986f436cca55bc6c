"""Simulated nodes: one kwok Node per node of the environment's inventory.

The inventory is the environment's own (the declarations ConfigMap renders config's
cluster.nodes, architecture and systemReserved), so the scheduler sees the machines config
describes. kwok plays every kubelet: it is started once per run, because restarting it
flips every node NotReady for a moment and leaves pods Ready=False (REFERENCE.md).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from gitops.k8s import status
from gitops.k8s.declared import DeclaredCluster
from gitops.k8s.placement import ARCH_LABEL, HOSTNAME_LABEL, OS_LABEL
from gitops.k8s.workloads import mapping
from gitops.rehearse.kube import Api
from gitops.rehearse.ports import LOOPBACK
from gitops.rehearse.procs import ComponentError, Process
from gitops.rehearse.session import Session
from gitops.rehearse.tools import Tools

# The kubelet's (and k3s's) default --max-pods.
MAX_PODS = 110
# kwok manages the nodes carrying this label. A label, not an annotation: kwok selects labels on the
# API server's watch, which reports a node whose label changes away as gone, so kwok lets go of it
# (stops renewing its Lease: the lose-node drill); an annotation selector is applied to events and
# kwok keeps a node whose annotation changes.
KWOK_LABEL = "kwok.x-k8s.io/node"
MANAGED = "fake"
KWOK_VERSION = "v0.7.0"
# kwok's upstream "general" pod stages (create, Ready, delete, ...), read from the module cache.
STAGE_DIR = f"sigs.k8s.io/kwok@{KWOK_VERSION}/kustomize/stage/pod/general"
# Rehearsal tuning, not production config: each stage's delay and jitter in milliseconds, shorter
# than upstream's (1 s plus up to 5 s; deletion up to the whole grace period) so that the drills fit
# in two minutes, and still not zero: an evicted pod's replacement takes 1.3 to 2.6 s to turn
# Ready, so a second eviction of the same Deployment meets its PodDisruptionBudget (kubectl drain
# then retries every 5 s) and a rollout waits for each new pod.
STAGE_DELAYS = {"pod-create": (300, 300), "pod-ready": (1000, 1000), "pod-delete": (500, 500)}
OTHER_STAGE_DELAY = (300, 300)
# Rehearsal tuning: kwok renews each node's Lease every quarter of this (2.5 s); the controller
# manager's grace period (controlplane.py) is set against it, so a lost node is noticed in seconds.
LEASE_SECONDS = 10


# The kubelet reports its root filesystem as the node's ephemeral-storage, and the scheduler fits every pod's
# ephemeral-storage request against it. Config states no disk sizes (the capacity rule leaves disk out:
# docs/hardening.md, "Ephemeral storage"), so each simulated node has a CX33's 80 GB disk (deployment book,
# Quick Facts), less the 10% the kubelet's default hard eviction threshold (nodefs.available) keeps free.
DISK_BYTES = 80 * 10**9
ALLOCATABLE_DISK_BYTES = DISK_BYTES * 9 // 10


def _millis(value: int) -> str:
    return f"{value}m"


def node_object(node: DeclaredCluster, index: int) -> dict:
    """The Node for cluster.nodes[index]: capacity as configured, allocatable minus the reserve; a disk for
    the pods' ephemeral-storage."""
    spec = node.nodes[index]
    arch = node.architecture or "amd64"
    allocatable_cpu = spec.cpu_millis - node.reserved_cpu_millis
    allocatable_memory = spec.memory_bytes - node.reserved_memory_bytes
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": spec.name,
            "labels": {
                HOSTNAME_LABEL: spec.name,
                ARCH_LABEL: arch,
                OS_LABEL: "linux",
                "beta.kubernetes.io/arch": arch,
                "beta.kubernetes.io/os": "linux",
                "type": "kwok",
                KWOK_LABEL: MANAGED,
            },
        },
        "spec": {},
        "status": {
            "capacity": {
                "cpu": _millis(spec.cpu_millis),
                "memory": str(spec.memory_bytes),
                "ephemeral-storage": str(DISK_BYTES),
                "pods": str(MAX_PODS),
            },
            "allocatable": {
                "cpu": _millis(allocatable_cpu),
                "memory": str(allocatable_memory),
                "ephemeral-storage": str(ALLOCATABLE_DISK_BYTES),
                "pods": str(MAX_PODS),
            },
            "nodeInfo": {"architecture": arch, "operatingSystem": "linux", "kubeletVersion": "fake"},
        },
    }


def upstream_stage_files() -> list[Path]:
    """kwok's upstream pod stages, from the module cache (make rehearse-tools fetched the module)."""
    cache = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True).stdout.strip()
    directory = (Path(cache) if cache else Path("~/go/pkg/mod").expanduser()) / STAGE_DIR
    return sorted(p for p in directory.glob("*.yaml") if p.name != "kustomization.yaml")


def tuned_stage(stage: dict) -> dict:
    """The stage with the rehearsal's delays; what it matches and what it writes are upstream's."""
    delay, jitter = STAGE_DELAYS.get(stage["metadata"]["name"], OTHER_STAGE_DELAY)
    spec = dict(stage["spec"])
    timing = {k: v for k, v in mapping(spec.get("delay")).items() if k != "jitterDurationFrom"}
    spec["delay"] = {**timing, "durationMilliseconds": delay, "jitterDurationMilliseconds": jitter}
    return {**stage, "spec": spec}


def stage_files(directory: Path) -> list[Path]:
    """The upstream stages, tuned, written as JSON (valid YAML) into directory."""
    import json

    from ruamel.yaml import YAML

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for source in upstream_stage_files():
        stage = tuned_stage(YAML(typ="safe").load(source.read_text()))
        target = directory / source.name
        target.write_text(json.dumps(stage, indent=1))
        written.append(target)
    return written


def start_kwok(session: Session, tools: Tools, kubeconfig: Path) -> Process:
    stages = stage_files(session.root / "kwok-stages")
    if not stages:
        # Without stages kwok would leave every pod Pending, and every drill would fail for nothing.
        raise ComponentError("kwok", f"no pod stages in the module cache ({STAGE_DIR}); run `make rehearse-tools`")
    argv = [
        tools["kwok"],
        f"--kubeconfig={kubeconfig}",
        f"--manage-nodes-with-label-selector={KWOK_LABEL}={MANAGED}",
        f"--node-ip={LOOPBACK}",
        f"--server-address={LOOPBACK}:{session.ports.take()}",
        # Leases are what the node lifecycle controller watches; without this flag given, kwok falls
        # back to its deprecated status heartbeat and nodes turn NotReady after ~50 s.
        f"--node-lease-duration-seconds={LEASE_SECONDS}",
    ]
    argv += [f"--config={stage}" for stage in stages]
    return session.supervisor.start("kwok", argv)


def create_nodes(api: Api, cluster: DeclaredCluster) -> list[str]:
    names = []
    for index in range(len(cluster.nodes)):
        api.create("/api/v1/nodes", node_object(cluster, index))
        names.append(cluster.nodes[index].name)
    return names


def ready_nodes(api: Api) -> set[str]:
    return {node["metadata"]["name"] for node in api.items("/api/v1/nodes") if status.node_ready(node)}
