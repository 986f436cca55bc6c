"""Flux objects that make the committed dist/ reach the cluster (dist/clusters/<env>/).

One GitRepository for this repository and one Kustomization per delivery
unit, ordered by the unit graph (charts/delivery.py). A root Kustomization
applies dist/clusters/<env>/ itself, so once the operator has applied that
directory by hand, changes to it arrive through git like everything else.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

import cdk8s
from constructs import Construct

from charts.context import StackContext
from charts.custom import custom_object
from charts.delivery import MINIMUM_TIMEOUT_SECONDS, UNITS, timeout_seconds
from gitops.config.values import format_duration

SOURCE_API = "source.toolkit.fluxcd.io/v1"
KUSTOMIZE_API = "kustomize.toolkit.fluxcd.io/v1"

# The artifact Flux builds holds only dist/: nothing else in the repository is
# meant for the cluster, and .gitignore syntax keeps it that small.
SOURCE_IGNORE = "/*\n!/dist/\n"


class FluxDelivery(Construct):
    def __init__(self, scope: Construct, id: str, *, ctx: StackContext, encrypted_units: AbstractSet[str]):
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
        custom_object(
            self,
            "source",
            api_version=SOURCE_API,
            kind="GitRepository",
            metadata=metadata(naming.source()),
            spec=source,
        )
        source_ref = {"kind": "GitRepository", "name": naming.source()}

        custom_object(
            self,
            "root",
            api_version=KUSTOMIZE_API,
            kind="Kustomization",
            metadata=metadata(naming.delivery_root()),
            spec={
                "interval": flux.interval,
                "retryInterval": flux.retry_interval,
                "timeout": format_duration(MINIMUM_TIMEOUT_SECONDS),
                "path": "./" + naming.repo_path(naming.cluster_dir()),
                "prune": True,
                # The root only has to apply the unit Kustomizations; each of them
                # reports its own health, so waiting here would double every timeout.
                "wait": False,
                "sourceRef": source_ref,
            },
        )

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
            custom_object(
                self,
                f"unit-{unit.name}",
                api_version=KUSTOMIZE_API,
                kind="Kustomization",
                metadata=metadata(naming.delivery_unit(unit.name)),
                spec=spec,
            )
