"""kwok Node objects come from the environment's own node inventory."""

from __future__ import annotations

from pathlib import Path

from gitops.k8s import declared, manifests
from gitops.rehearse import nodes


def _cluster(synthesized: Path, env: str) -> declared.DeclaredCluster:
    return declared.read(manifests.load([synthesized / env])).cluster


def _node(objects: list[dict], name: str) -> dict:
    (found,) = [o for o in objects if o["kind"] == "Node" and o["metadata"]["name"] == name]
    return found


def test_one_node_per_prod_node_with_capacity_minus_the_reserve(synthesized: Path):
    cluster = _cluster(synthesized, "prod")
    objects = [nodes.node_object(cluster, i) for i in range(len(cluster.nodes))]
    assert sorted(o["metadata"]["name"] for o in objects) == [
        "ubuntu-8gb-nbg1-1",
        "ubuntu-8gb-nbg1-2",
        "ubuntu-8gb-nbg1-3",
    ]
    node = _node(objects, "ubuntu-8gb-nbg1-2")
    assert "annotations" not in node["metadata"]
    labels = node["metadata"]["labels"]
    assert labels["kwok.x-k8s.io/node"] == "fake"  # what kwok is told to manage
    assert labels["kubernetes.io/hostname"] == "ubuntu-8gb-nbg1-2"
    assert labels["kubernetes.io/arch"] == "amd64"
    assert labels["kubernetes.io/os"] == "linux"
    assert node["status"]["capacity"] == {
        "cpu": "4000m",
        "memory": str(8 * 2**30),
        "ephemeral-storage": "80000000000",
        "pods": "110",
    }
    assert node["status"]["allocatable"] == {
        "cpu": "3500m",
        "memory": str(7 * 2**30),
        "ephemeral-storage": "72000000000",
        "pods": "110",
    }


def test_staging_node_follows_its_smaller_machine(synthesized: Path):
    cluster = _cluster(synthesized, "staging")
    node = _node([nodes.node_object(cluster, i) for i in range(len(cluster.nodes))], "honeydue-staging-1")
    assert node["status"]["capacity"]["cpu"] == "2000m"
    assert node["status"]["capacity"]["memory"] == str(4 * 2**30)
    reserved = cluster.reserved_memory_bytes
    assert node["status"]["allocatable"]["memory"] == str(4 * 2**30 - reserved)


def test_architecture_comes_from_the_inventory():
    cluster = declared.DeclaredCluster(
        nodes=[declared.DeclaredNode("mac-1", 8000, 16 * 2**30)],
        reserved_cpu_millis=0,
        reserved_memory_bytes=0,
        architecture="arm64",
    )
    node = nodes.node_object(cluster, 0)
    assert node["metadata"]["labels"]["kubernetes.io/arch"] == "arm64"
    assert node["status"]["nodeInfo"]["architecture"] == "arm64"
