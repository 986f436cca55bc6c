"""Objects of kinds cdk8s-plus has no construct for (HelmChartConfig, Flux and Argo CD kinds)."""

from __future__ import annotations

import cdk8s
from constructs import Construct


def custom_object(
    scope: Construct, id: str, *, api_version: str, kind: str, metadata: cdk8s.ApiObjectMetadata, spec: dict
) -> cdk8s.ApiObject:
    obj = cdk8s.ApiObject(scope, id, api_version=api_version, kind=kind, metadata=metadata)
    # ApiObject takes only apiVersion, kind and metadata from Python; the rest goes in as a patch.
    obj.add_json_patch(cdk8s.JsonPatch.add("/spec", spec))
    return obj
