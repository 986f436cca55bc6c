"""One object, one definition: the same group/kind/namespace/name twice in a set.

kustomize (and so a Flux Kustomization) refuses to build a path that holds
an object twice; plain `kubectl apply` or Argo CD would apply both, and the
later file silently wins. Either way the reviewer read one version and the
cluster may get the other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from gitops.k8s.manifests import Resource
from gitops.review.check.context import Context, shown
from gitops.review.check.registry import rule
from gitops.review.findings import Issue, Severity, Topic


@rule(
    "duplicate-object",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="a Flux build that fails on an object defined twice, or (kubectl, Argo CD) one definition silently "
    "overwriting the other",
    fix="keep one definition of each object; rename or delete the other",
)
def duplicate_object(ctx: Context) -> Iterator[Issue]:
    seen: dict[tuple[str, str, str, str], list[Resource]] = defaultdict(list)
    for resource in ctx.resources:
        seen[resource.key].append(resource)
    for copies in seen.values():
        if len(copies) < 2:
            continue
        for resource in copies:
            others = ", ".join(f"{shown(o.path)} (document {o.document + 1})" for o in copies if o is not resource)
            yield Issue(
                resource,
                "metadata.name",
                f"is also defined in {others}",
                "keep one definition of the object and delete the other",
            )
