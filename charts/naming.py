"""The one place that decides object names, labels and selectors.

Deployment selectors are immutable: if a selector ever changed, the next sync
would fail until someone deleted the Deployment by hand. So selectors are
built only from the service name and the application instance, never from a
construct path, a hash or anything a refactor could move (no cdk8s name
hashes, no cdk8s.io/metadata.addr labels).

A service taking over a running Deployment may keep its live selector and claim name
(config's keepLive): the pods then carry the live labels besides ours, and everything that
selects the service's pods selects by the live labels, which old and new pods both carry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gitops.config.values import STORAGE_VOLUME, volume_name
from gitops.k8s import servicedns
from gitops.k8s.labels import COMPONENT, INSTANCE, NAME, PART_OF, VERSION
from gitops.k8s.labels import MANAGED_BY as MANAGED_BY_LABEL
from gitops.layout import CLUSTERS, DIST

MANAGED_BY = "honeydue-gitops"


@dataclass(frozen=True)
class Naming:
    """Names for one environment's objects."""

    environment: str
    namespace: str
    part_of: str
    # Live identities config keeps (keepLive): service -> the live selector labels, service -> the live claim.
    kept_selectors: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)
    kept_claims: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def instance(self) -> str:
        return f"{self.part_of}-{self.environment}"

    # Object names. A service's objects share its name; only kinds that can
    # exist more than once per service get a suffix.
    def workload(self, service: str) -> str:
        return service

    def service(self, service: str) -> str:
        return service

    def disruption_budget(self, service: str) -> str:
        return service

    def ingress(self, service: str) -> str:
        return service

    def claim(self, service: str) -> str:
        return self.kept_claims.get(service) or f"{service}-data"

    def settings(self) -> str:
        return f"{self.part_of}-settings"

    def origin_allow_list(self) -> str:
        """The Traefik Middleware that admits only the CDN (it lives beside Traefik, in kube-system)."""
        return f"{self.part_of}-cdn-only"

    @staticmethod
    def default_deny() -> str:
        return "default-deny-ingress"

    def ingress_policy(self, service: str) -> str:
        return f"{service}-ingress"

    @staticmethod
    def default_deny_egress() -> str:
        return "default-deny-egress"

    def egress_policy(self, service: str) -> str:
        return f"{service}-egress"

    def declarations(self) -> str:
        return f"{self.part_of}-declarations"

    # Delivery objects (namespace of the GitOps engine).
    def source(self) -> str:
        """The engine's handle on this repository (Flux GitRepository)."""
        return f"{self.part_of}-gitops"

    def delivery_unit(self, unit: str) -> str:
        """Flux Kustomization / Argo CD Application that applies one unit."""
        return f"{self.part_of}-{unit}"

    def delivery_root(self) -> str:
        """The object that applies dist/clusters/<env>/ itself, so the entry point keeps itself in sync."""
        return f"{self.part_of}-cluster"

    def project(self) -> str:
        return self.part_of

    # Where things land under dist/ and, prefixed with DIST, in the repository.
    def unit_dir(self, unit: str) -> str:
        return f"{self.environment}/{unit}"

    def cluster_dir(self) -> str:
        return f"{CLUSTERS}/{self.environment}"

    @staticmethod
    def repo_path(dist_relative: str) -> str:
        return f"{DIST}/{dist_relative}"

    def internal_host(self, service: str) -> str:
        return servicedns.service_host(self.service(service), self.namespace)

    @staticmethod
    def volume(mount_path: str) -> str:
        """'/app/.next/cache' -> 'app-next-cache' (the rule is config's, which refuses two paths of one name)."""
        return volume_name(mount_path)

    @staticmethod
    def storage_volume() -> str:
        """The volume of a service's storage claim."""
        return STORAGE_VOLUME

    @staticmethod
    def port(service: str, speaks_http: bool) -> str:
        """Name of the service's port (IANA service name: at most 15 characters)."""
        return "http" if speaks_http else service[:15].rstrip("-")

    # Labels.
    def own_selector(self, service: str) -> dict[str, str]:
        """This project's selector labels of a service."""
        return {NAME: service, INSTANCE: self.instance}

    def selector(self, service: str) -> dict[str, str]:
        """Immutable once deployed: never add to or change these. The live selector when config keeps it."""
        kept = self.kept_selectors.get(service)
        return dict(kept) if kept else self.own_selector(service)

    def labels(self, service: str, component: str, version: str | None = None) -> dict[str, str]:
        labels = {
            **self.own_selector(service),
            **self.kept_selectors.get(service, {}),
            COMPONENT: component,
            PART_OF: self.part_of,
            MANAGED_BY_LABEL: MANAGED_BY,
        }
        if version is not None:
            labels[VERSION] = version
        return labels

    def shared_labels(self, component: str) -> dict[str, str]:
        """Labels of objects that belong to the application rather than to one service."""
        return {
            NAME: self.part_of,
            INSTANCE: self.instance,
            COMPONENT: component,
            PART_OF: self.part_of,
            MANAGED_BY_LABEL: MANAGED_BY,
        }
