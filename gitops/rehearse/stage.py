"""The stage every rehearsal runs on: the control plane, the environment's nodes, storage, k3s's CRDs.

Built from the commit under test's own dist/ (its declarations ConfigMap holds the node
inventory), before any engine delivers anything. Traefik, which k3s's helm-controller would
install from its HelmChartConfig, is stood in for by a DaemonSet with the chart values' requests,
so that the scheduler reserves on every node what `main.py check` counts (its host ports are
`main.py check`'s hostports rule; the stand-in claims none), and by a thread that writes the
Ingress status Traefik would (edge.py), which Argo CD's health check waits for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gitops.k8s import crds, declared, manifests
from gitops.k8s.declared import Declared, DeclaredCluster
from gitops.k8s.manifests import Resource
from gitops.k8s.quantities import format_cpu, format_memory
from gitops.k8s.requests import demands
from gitops.layout import DIST, engine_dir
from gitops.rehearse import controlplane, edge, flux, nodes, poll, repo, storage
from gitops.rehearse.controlplane import ControlPlane
from gitops.rehearse.environment import Environment
from gitops.rehearse.kube import Api, Kubectl
from gitops.rehearse.procs import ComponentError
from gitops.rehearse.session import Session
from gitops.rehearse.tools import Tools

NODES_READY_TIMEOUT = 60.0
STAND_IN_IMAGE = "registry.k8s.io/pause:3.10"  # never pulled: kwok runs no containers


@dataclass
class Stage:
    plane: ControlPlane
    api: Api
    kubectl: Kubectl
    served: Path  # the bare repository the rehearsal serves and commits to
    plain: Path  # the commit under test's dist/, as committed
    resources: list[Resource]  # dist/<env>/ of the commit under test
    cluster_resources: list[Resource]  # dist/clusters/<env>/
    declared: Declared
    cluster: DeclaredCluster  # declared.cluster, which a stage cannot be built without
    nodes: list[str]
    provisioner: storage.Provisioner
    stand_ins: list[str]
    ingress_status: edge.IngressStatus

    @property
    def namespaces(self) -> list[str]:
        return sorted({r.namespace for r in self.resources if r.kind == "Deployment"})


def _wait_nodes(api: Api, names: list[str], session: Session) -> None:
    waited = poll.until(
        lambda: not set(names) - nodes.ready_nodes(api),
        NODES_READY_TIMEOUT,
        0.2,
        alive=session.supervisor.check_alive,
    )
    if not waited.held:
        missing = sorted(set(names) - nodes.ready_nodes(api))
        raise ComponentError(
            "kwok",
            f"nodes not Ready within {NODES_READY_TIMEOUT:.0f} s: {', '.join(missing)}",
            session.supervisor.processes["kwok"].tail(),
        )


def describe_nodes(cluster: DeclaredCluster) -> str:
    """'3 simulated 4 CPU / 8Gi nodes': the count and sizes config gives, nothing else."""
    sizes = sorted({(n.cpu_millis, n.memory_bytes) for n in cluster.nodes})
    shown = " and ".join(f"{format_cpu(c)} CPU / {format_memory(m)}" for c, m in sizes)
    count = len(cluster.nodes)
    return f"{count} simulated {shown} node{'' if count == 1 else 's'} ({cluster.architecture or 'amd64'})"


def traefik_stand_ins(resources: list[Resource]) -> list[dict]:
    """A DaemonSet per HelmChartConfig that makes its chart a DaemonSet, with the values' requests."""
    found = []
    for demand in demands(resources):
        if demand.resource.kind != "HelmChartConfig":
            continue
        name, namespace = demand.resource.name, demand.resource.namespace
        labels = {"app.kubernetes.io/name": name, "rehearsal.honeydue/stand-in": "helm-chart"}
        requests = {"cpu": f"{demand.per_pod.cpu_millis}m", "memory": str(demand.per_pod.memory_bytes)}
        found.append(
            {
                "apiVersion": "apps/v1",
                "kind": "DaemonSet",
                "metadata": {"name": name, "namespace": namespace, "labels": labels},
                "spec": {
                    "selector": {"matchLabels": labels},
                    "template": {
                        "metadata": {"labels": labels},
                        "spec": {
                            "containers": [{"name": name, "image": STAND_IN_IMAGE, "resources": {"requests": requests}}]
                        },
                    },
                },
            }
        )
    return found


def build(session: Session, tools: Tools, options, env: Environment) -> Stage:
    plane = controlplane.start(session, tools)
    api = plane.api
    kubectl = Kubectl(tools["kubectl"], plane.kubeconfig, session.supervisor)
    served = repo.create_served(session.root, options.repo, [c for c in (options.head, options.base) if c])
    plain = repo.checkout(served, options.head, session.root / "head")
    resources = manifests.load([plain / DIST / env.name])
    cluster_resources = manifests.load([plain / DIST / engine_dir(env.name)])
    inventory = declared.read(resources)
    cluster = inventory.cluster
    if cluster is None:
        raise repo.RepoError(f"dist/{env.name}/ has no declarations ConfigMap with a node inventory")
    nodes.start_kwok(session, tools, plane.kubeconfig)
    names = nodes.create_nodes(api, cluster)
    api.create("/apis/storage.k8s.io/v1/storageclasses", storage.storage_class())
    provisioner = storage.Provisioner(api, disk=session.root / "nodes")
    provisioner.start()
    session.on_close(provisioner.stop)
    flux.install_crds(kubectl, api, crds.K3S)
    _wait_nodes(api, names, session)
    stand_ins = []
    for daemonset in traefik_stand_ins(resources):
        meta = daemonset["metadata"]
        api.create(f"/apis/apps/v1/namespaces/{meta['namespace']}/daemonsets", daemonset)
        stand_ins.append(f"DaemonSet {meta['namespace']}/{meta['name']}")
    ingress_namespaces = sorted({r.namespace for r in resources if r.kind == "Ingress" and r.namespace})
    ingress_status = edge.IngressStatus(api, ingress_namespaces, edge.status_hostnames(resources))
    ingress_status.start()
    session.on_close(ingress_status.stop)
    return Stage(
        plane,
        api,
        kubectl,
        served,
        plain,
        resources,
        cluster_resources,
        inventory,
        cluster,
        names,
        provisioner,
        stand_ins,
        ingress_status,
    )
