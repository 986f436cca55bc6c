"""Flux objects that make the committed dist/ reach the cluster (dist/clusters/<env>/).

One GitRepository for this repository and one Kustomization per delivery
unit, ordered by the unit graph (charts/delivery.py). A root Kustomization
applies dist/clusters/<env>/ itself, so once the operator has applied that
directory by hand, changes to it arrive through git like everything else.
"""

from __future__ import annotations

import cdk8s
from constructs import Construct

from charts.context import StackContext
from charts.delivery import MINIMUM_TIMEOUT_SECONDS, UNITS, timeout_seconds
from gitops.config.quantities import format_duration

SOURCE_API = "source.toolkit.fluxcd.io/v1"
KUSTOMIZE_API = "kustomize.toolkit.fluxcd.io/v1"

# The artifact Flux builds holds only dist/: nothing else in the repository is
# meant for the cluster, and .gitignore syntax keeps it that small.
SOURCE_IGNORE = "/*\n!/dist/\n"


def _object(scope: Construct, id: str, api_version: str, kind: str, metadata: cdk8s.ApiObjectMetadata, spec: dict):
    obj = cdk8s.ApiObject(scope, id, api_version=api_version, kind=kind, metadata=metadata)
    obj.add_json_patch(cdk8s.JsonPatch.add("/spec", spec))
    return obj


class FluxDelivery(Construct):
    def __init__(self, scope: Construct, id: str, *, ctx: StackContext, encrypted_units: set[str]):
        super().__init__(scope, id)
        naming = ctx.naming
        delivery = ctx.config.delivery
        flux, repository = delivery.flux, delivery.repository
        labels = naming.shared_labels("delivery")

        def metadata(name: str) -> cdk8s.ApiObjectMetadata:
            return cdk8s.ApiObjectMetadata(name=name, namespace=flux.namespace, labels=labels)

        source = {
            "interval": flux.source_interval,
            "url": repository.url,
            "ref": {"branch": repository.branch},
            "ignore": SOURCE_IGNORE,
        }
        if repository.secret_ref:
            source["secretRef"] = {"name": repository.secret_ref}
        _object(self, "source", SOURCE_API, "GitRepository", metadata(naming.source()), source)
        source_ref = {"kind": "GitRepository", "name": naming.source()}

        _object(self, "root", KUSTOMIZE_API, "Kustomization", metadata(naming.delivery_root()), {
            "interval": flux.interval,
            "retryInterval": flux.retry_interval,
            "timeout": format_duration(MINIMUM_TIMEOUT_SECONDS),
            "path": "./" + naming.repo_path(naming.cluster_dir()),
            "prune": True,
            # The root only has to apply the unit Kustomizations; each of them
            # reports its own health, so waiting here would double every timeout.
            "wait": False,
            "sourceRef": source_ref,
        })

        for unit in UNITS:
            spec = {
                "interval": flux.interval,
                "retryInterval": flux.retry_interval,
                "timeout": format_duration(timeout_seconds(ctx.config, unit.name)),
                "path": "./" + naming.repo_path(naming.unit_dir(unit.name)),
                "prune": True,
                "wait": True,
                "sourceRef": source_ref,
            }
            if unit.depends_on:
                spec["dependsOn"] = [{"name": naming.delivery_unit(dep)} for dep in unit.depends_on]
            if unit.name in encrypted_units:
                spec["decryption"] = {"provider": "sops", "secretRef": {"name": flux.decryption_secret}}
            _object(self, f"unit-{unit.name}", KUSTOMIZE_API, "Kustomization",
                    metadata(naming.delivery_unit(unit.name)), spec)
