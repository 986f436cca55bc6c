"""The stage every rehearsal runs on: the control plane, the environment's nodes, storage, k3s's CRDs.

Built from the commit under test's own dist/ (its declarations ConfigMap holds the node
inventory), before any engine delivers anything. Traefik is what k3s's helm-controller would
install from its HelmChartConfig: the chart k3s bundles, rendered with k3s's values and the
HelmChartConfig (gitops/review/edge.py), applied as rendered (its DaemonSet, ServiceAccount, RBAC,
Service, IngressClass), so the scheduler places the real Traefik pods with their host ports,
requests and priority. No Traefik binary runs (kwok runs no containers): a thread writes the
Ingress status Traefik would (edge.py), which Argo CD's health check waits for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gitops.formats import yamlio
from gitops.k8s import crds, declared, manifests
from gitops.k8s.declared import Declared, DeclaredCluster
from gitops.k8s.manifests import Resource
from gitops.k8s.quantities import format_cpu, format_memory
from gitops.layout import DIST, engine_dir
from gitops.rehearse import controlplane, edge, flux, nodes, poll, repo, storage
from gitops.rehearse.controlplane import ControlPlane
from gitops.rehearse.environment import Environment
from gitops.rehearse.kube import Api, Kubectl
from gitops.rehearse.procs import ComponentError
from gitops.rehearse.session import Session
from gitops.rehearse.tools import Tools
from gitops.review import edge as review_edge
from gitops.review.edge import Rendered

NODES_READY_TIMEOUT = 60.0


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
    charts: list[str]  # the report's line for each chart applied as rendered
    chart_daemonsets: list[Resource]  # the rendered charts' DaemonSets, which must run on every node
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


def traefik_chart(resources: list[Resource]) -> list[Rendered]:
    """What helm-controller would install for each HelmChartConfig of k3s's Traefik: the chart, rendered."""
    found = []
    for config in resources:
        if not review_edge.is_bundled(config):
            continue
        rendered = review_edge.render(config)
        if rendered.refused is not None:
            raise repo.RepoError(
                f"{config.path}: the Traefik chart {review_edge.CHART_VERSION} refuses {config}: {rendered.refused}"
            )
        found.append(rendered)
    return found


def describe_chart(rendered: Rendered) -> str:
    """The report's line for one rendered chart."""
    objects = ", ".join(str(r) for r in rendered.resources)
    return (
        f"Traefik: the chart traefik {review_edge.CHART_VERSION} rendered with k3s's values and "
        f"{rendered.config}, applied as rendered ({objects})"
    )


def _apply_chart(kubectl: Kubectl, rendered: Rendered) -> None:
    text = "".join("---\n" + yamlio.dumps(r.obj) for r in rendered.resources)
    code, out, _ = kubectl.run("apply", "--server-side", "--field-manager=helm", "-f", "-", input=text.encode())
    if code != 0:
        raise ComponentError("traefik", f"kubectl apply of the rendered chart: {out}")


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
    charts = traefik_chart(resources)
    for rendered in charts:
        _apply_chart(kubectl, rendered)
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
        [describe_chart(r) for r in charts],
        [d for r in charts for d in r.find("DaemonSet")],
        ingress_status,
    )
