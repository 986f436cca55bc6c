"""Label values the API server accepts: at most 63 characters, alphanumeric at both ends.

kubeconform's schemas type a label value as any string, so an object carrying a
longer or malformed one validates and is then refused whole by the API server
(a Deployment with it never exists; Flux's unit fails at its dry run). Labels
the project writes come from config (partOf, the environment name, image tags),
so a long enough value there reaches dist/. Checked: every object's labels, pod
template labels, and matchLabels of selectors; and the labels Flux adds to every
object a Kustomization applies, its name and namespace (fluxcd/pkg/ssa,
ResourceManager.SetOwnerLabels: kustomize.toolkit.fluxcd.io/name and /namespace),
so a Kustomization name over 63 characters makes every apply of its unit fail.
"""

from __future__ import annotations

from collections.abc import Iterator

from gitops.k8s import labels
from gitops.k8s.workloads import dig, mapping
from gitops.review.check.context import Context
from gitops.review.check.registry import rule
from gitops.review.findings import Issue, Severity, Topic

FLUX_GROUP = "kustomize.toolkit.fluxcd.io"
# Where labels live in the objects the project renders.
_LABEL_MAPS = (
    ("metadata", "labels"),
    ("spec", "template", "metadata", "labels"),
    ("spec", "selector", "matchLabels"),
    ("spec", "jobTemplate", "spec", "template", "metadata", "labels"),
)


@rule(
    "label-value",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="an object the API server refuses whole for one label value over 63 characters or with a "
    "character a label cannot hold (kubeconform accepts any string there)",
    fix="shorten the config value the label is made of (partOf, an environment name, an image tag)",
)
def label_value(ctx: Context) -> Iterator[Issue]:
    for resource in ctx.resources:
        for path in _LABEL_MAPS:
            for key, value in sorted(mapping(dig(resource.obj, *path)).items()):
                problem = labels.value_problem(value)
                if problem:
                    yield Issue(
                        resource,
                        ".".join(path) + f".{key}",
                        f'Invalid value: "{value}": {problem}',
                        "shorten the config value this label is made of (partOf, the environment "
                        "name, an image tag) to fit 63 characters",
                    )
        if resource.kind == "Kustomization" and resource.obj.get("apiVersion", "").startswith(FLUX_GROUP + "/"):
            for field, value in (("metadata.name", resource.name), ("metadata.namespace", resource.namespace)):
                problem = labels.value_problem(value or "")
                if problem:
                    yield Issue(
                        resource,
                        field,
                        f"Flux labels every object it applies with "
                        f'{FLUX_GROUP}/{field.split(".")[1]}: "{value}": {problem}',
                        "shorten partOf (Kustomization names are <partOf>-<unit>) to fit 63 characters",
                    )
