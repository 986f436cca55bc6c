"""Who writes an object: its field managers, what wrote it (kubectl, k3s, Helm, an engine), and what a
GitOps engine's server-side apply does to fields another manager owns.

- metadata.managedFields (server-side apply, apimachinery/pkg/util/managedfields): one entry per
  manager, operation (Apply or Update) and subresource. `kubectl apply` (client-side) writes as
  kubectl-client-side-apply (Update) and keeps what it applied in the
  kubectl.kubernetes.io/last-applied-configuration annotation; `kubectl create` as kubectl-create,
  `kubectl rollout restart` as kubectl-rollout, `kubectl patch` as kubectl-patch. An Update entry also
  owns the fields the API server defaulted in that request.
- Flux's kustomize-controller v1.9.6 applies as kustomize-controller with force ownership and, for
  every object it applies, hands the entries of managers whose name starts with "kubectl" (and
  before-first-apply), without subresource, to itself and removes the last-applied annotation
  (fluxcd/pkg/ssa: ApplyAll's cleanupMetadata, matchFieldManager by prefix). It does so only after
  the object's server-side dry-run passes; that dry-run keeps every field another manager owns.
- So where ours sets another member of a one-of than the live object (a probe's handler, a
  Deployment's Recreate beside a live rollingUpdate), the dry-run holds both, the API server refuses
  it (e.g. `may not specify more than 1 handler type`) and the cleanup that would have dropped the
  old member never runs: the unit fails at every retry. Observed on the rehearsal's control plane.
- `kubectl apply --server-side --field-manager=kustomize-controller` of what kubectl applied
  (`kubectl apply view-last-applied`) moves the kubectl-client-side-apply entry to
  kustomize-controller (kubectl's migrateToSSAIfNecessary, client-go util/csaupgrade): Flux's first
  apply then owns the old member and drops it. A member that is live only because the API server
  defaulted it (not in the last-applied configuration) is owned by no one after that hand-over, is
  kept by the dry-run, and needs a patch that sets ours first. Observed: the worker's defaulted
  rollingUpdate beside our Recreate.
- k3s's deploy controller applies the files of /var/lib/rancher/k3s/server/manifests/ with wrangler's
  apply (objectset.rio.cattle.io/* annotations and labels), again after every k3s start: a second
  writer beside the engine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from gitops.k8s.manifests import Fields
from gitops.k8s.workloads import CONTAINER_LISTS, dig, mapping, pod_spec_path, sequence

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
CLIENT_SIDE_APPLY = "kubectl-client-side-apply"
KUBECTL_PREFIX = "kubectl"
FLUX_MANAGER = "kustomize-controller"
# What Flux's cleanup hands to itself besides the kubectl* entries.
FLUX_ALSO_TAKES = frozenset({"before-first-apply"})
# Controllers that write their own fields of an object (status, bindings, defaults they own); never a second
# writer of the spec an engine applies. k3s runs the controllers in its own binary, as manager "k3s".
CONTROLLERS = frozenset(
    {"kube-controller-manager", "kube-scheduler", "kube-apiserver", "k3s", "local-path-provisioner", "helm-controller"}
)
K3S_OBJECTSET = "objectset.rio.cattle.io/"
K3S_MANIFESTS = "/var/lib/rancher/k3s/server/manifests"
HELM_RELEASE = "meta.helm.sh/release-name"
FLUX_NAME_LABEL = "kustomize.toolkit.fluxcd.io/name"
ARGO_TRACKING = "argocd.argoproj.io/tracking-id"


@dataclass(frozen=True)
class Manager:
    name: str
    operation: str
    subresource: str

    @property
    def flux_takes_over(self) -> bool:
        """Whether Flux's cleanup hands this entry to kustomize-controller (after a passing dry-run)."""
        return not self.subresource and (self.name.startswith(KUBECTL_PREFIX) or self.name in FLUX_ALSO_TAKES)

    @property
    def controller(self) -> bool:
        return self.subresource == "status" or self.name in CONTROLLERS

    def __str__(self) -> str:
        tail = f"/{self.subresource}" if self.subresource else ""
        return f"{self.name} ({self.operation}{tail})"


def managers(obj: Fields) -> list[Manager]:
    found = []
    for entry in sequence(dig(obj, "metadata", "managedFields")):
        entry = mapping(entry)
        found.append(
            Manager(str(entry.get("manager", "")), str(entry.get("operation", "")), str(entry.get("subresource", "")))
        )
    return found


def last_applied(obj: Fields) -> Fields | None:
    """What `kubectl apply` last applied, from the object's annotation; None when there is none."""
    text = mapping(dig(obj, "metadata", "annotations")).get(LAST_APPLIED)
    if not isinstance(text, str):
        return None
    try:
        found = json.loads(text)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def writer(obj: Fields) -> str:
    """What wrote the object, as far as the object says: "kubectl apply", "k3s auto-deploy", "Helm",
    "Flux", "Argo CD", "kubectl create", or "" when it does not say (a manifest as written)."""
    meta = mapping(obj.get("metadata"))
    annotations, labels = mapping(meta.get("annotations")), mapping(meta.get("labels"))
    if any(str(k).startswith(K3S_OBJECTSET) for k in [*annotations, *labels]):
        return "k3s auto-deploy"
    if HELM_RELEASE in annotations or labels.get("app.kubernetes.io/managed-by") == "Helm":
        return "Helm"
    if FLUX_NAME_LABEL in labels:
        return "Flux"
    if ARGO_TRACKING in annotations:
        return "Argo CD"
    names = {m.name for m in managers(obj)}
    if LAST_APPLIED in annotations or CLIENT_SIDE_APPLY in names:
        return "kubectl apply"
    if "kubectl-create" in names:
        return "kubectl create"
    return ""


def k3s_manifest_file(obj: Fields) -> str | None:
    """The auto-deploy file k3s applied the object from (its Addon's name is the file's base name), if it says."""
    annotations = mapping(dig(obj, "metadata", "annotations"))
    owner = annotations.get(f"{K3S_OBJECTSET}owner-name")
    if isinstance(owner, str) and owner:
        return f"{K3S_MANIFESTS}/{owner}.yaml"
    return None


# --- one-of fields: a union whose members the API server refuses together -------------------------------

PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
PROBES = ("startupProbe", "readinessProbe", "livenessProbe")
HANDLER_MESSAGE = "may not specify more than 1 handler type"
RECREATE_MESSAGE = "may not be specified when strategy `type` is 'Recreate'"
VOLUME_MESSAGE = "may not specify more than 1 volume type"
ENV_MESSAGE = "may not be specified when `value` is not empty"


@dataclass(frozen=True)
class OneOf:
    """A one-of whose live member differs from ours: the merged object the dry-run sees holds both."""

    field: str  # where, e.g. spec.template.spec.containers[redis].readinessProbe
    live: str  # the live member, e.g. exec
    ours: str
    message: str  # the API server's words for the merged object
    applied: bool  # the live member is in what kubectl applied (a hand-over moves it); False: defaulted

    @property
    def path(self) -> str:
        return f"{self.field}.{self.live}"


def _members(value: object, names: tuple[str, ...]) -> set[str]:
    return {name for name in names if name in mapping(value)}


def one_of_conflicts(live: Fields, ours: Fields, applied: Fields | None) -> list[OneOf]:
    """Every one-of where the live object holds a member ours does not set and ours sets another.

    applied is what kubectl applied (the last-applied configuration or the manifest as written); a live
    member missing from it was defaulted by the API server."""
    found: list[OneOf] = []
    applied_obj = applied if applied is not None else {}
    if ours.get("kind") == "Deployment":
        ours_type = dig(ours, "spec", "strategy", "type")
        # apps/v1 SetDefaults_Deployment: no strategy is RollingUpdate, with rollingUpdate 25%/25% filled in.
        live_type = dig(live, "spec", "strategy", "type") or "RollingUpdate"
        live_rolling = dig(live, "spec", "strategy", "rollingUpdate") is not None or live_type == "RollingUpdate"
        if ours_type == "Recreate" and live_rolling:
            written = dig(applied_obj, "spec", "strategy", "rollingUpdate") is not None
            found.append(OneOf("spec.strategy", "rollingUpdate", "Recreate", RECREATE_MESSAGE, written))
    path = pod_spec_path(str(ours.get("kind", "")))
    if path is None:
        return found
    field = ".".join(path)
    live_spec, ours_spec, applied_spec = (mapping(dig(o, *path)) for o in (live, ours, applied_obj))
    for list_name in CONTAINER_LISTS:
        live_containers = _by_name(live_spec.get(list_name))
        applied_containers = _by_name(applied_spec.get(list_name))
        for name, container in _by_name(ours_spec.get(list_name)).items():
            old = live_containers.get(name)
            if old is None:
                continue
            for probe in PROBES:
                ours_members = _members(container.get(probe), PROBE_HANDLERS)
                live_members = _members(old.get(probe), PROBE_HANDLERS)
                applied_members = _members(mapping(applied_containers.get(name)).get(probe), PROBE_HANDLERS)
                for member in sorted(live_members - ours_members):
                    if ours_members:
                        where = f"{field}.{list_name}[{name}].{probe}"
                        found.append(
                            OneOf(where, member, sorted(ours_members)[0], HANDLER_MESSAGE, member in applied_members)
                        )
            live_env, applied_env = _by_name(old.get("env")), _by_name(mapping(applied_containers.get(name)).get("env"))
            for variable, entry in _by_name(container.get("env")).items():
                before = live_env.get(variable)
                if before is not None and "valueFrom" in entry and before.get("value"):
                    where = f"{field}.{list_name}[{name}].env[{variable}]"
                    written = "value" in mapping(applied_env.get(variable))
                    found.append(OneOf(where, "value", "valueFrom", ENV_MESSAGE, written))
    live_volumes, applied_volumes = _by_name(live_spec.get("volumes")), _by_name(applied_spec.get("volumes"))
    for name, volume in _by_name(ours_spec.get("volumes")).items():
        before = live_volumes.get(name)
        if before is None:
            continue
        ours_types, live_types = set(volume) - {"name"}, set(before) - {"name"}
        for member in sorted(live_types - ours_types) if ours_types else []:
            written = member in mapping(applied_volumes.get(name))
            found.append(OneOf(f"{field}.volumes[{name}]", member, sorted(ours_types)[0], VOLUME_MESSAGE, written))
    return found


def _by_name(items: object) -> dict[str, Fields]:
    return {str(i["name"]): i for i in sequence(items) if isinstance(i, dict) and isinstance(i.get("name"), str)}
