"""Annotation keys that the generator writes and the review tools read.

One definition for both sides: if the generator's spelling and the gate's
ever differed, protection would silently stop being recognised.
"""

from __future__ import annotations

from typing import Any

# Flux and Argo CD skip pruning objects marked like this (REFERENCE.md): for data-bearing
# objects (local-path PVCs, namespaces) a prune deletes data.
FLUX_PRUNE = "kustomize.toolkit.fluxcd.io/prune"
ARGO_SYNC_OPTIONS = "argocd.argoproj.io/sync-options"
# Argo CD applies objects (and a root Application its children) in the order of this annotation's integer.
ARGO_SYNC_WAVE = "argocd.argoproj.io/sync-wave"
PRUNE_PROTECTION = {FLUX_PRUNE: "disabled", ARGO_SYNC_OPTIONS: "Prune=false,Delete=false"}
FLUX, ARGO_CD = "Flux", "Argo CD"

# Keys of our own live under a domain the operator owns.
DOMAIN = "gitops.myhoneydue.com"
# Pod templates carry a digest of the settings they read, so a changed setting rolls the pods.
SETTINGS_HASH = f"{DOMAIN}/settings-hash"
# A workload's declared slowest start, first boot included (config startupSeconds), on the Deployment: diff
# judges a shrinking probe window against it (rules/scaling.py, startup-window-shrinks).
STARTUP_SECONDS = f"{DOMAIN}/startup-seconds"
# `main.py check` skips rule R on an object annotated waive.gitops.myhoneydue.com/R: <reason>.
WAIVER_PREFIX = f"waive.{DOMAIN}/"


# Rules of `main.py check` that config can waive: the gate registers them under these ids and the
# generator writes their waivers (charts/workload.py, charts/traefik.py).
PROBES_RULE = "probes"
SINGLETON_ROLLOUT_RULE = "singleton-rollout"
ORIGIN_RULE = "origin-allow-list"
LIVENESS_RULE = "liveness-independent"


def waiver(rule: str) -> str:
    return f"{WAIVER_PREFIX}{rule}"


def _metadata(obj: dict[str, Any], field: str) -> dict[str, Any]:
    # This module sits below gitops/k8s and cannot use its accessors (workloads.mapping and dig).
    meta = obj.get("metadata")
    found = meta.get(field) if isinstance(meta, dict) else None
    return found if isinstance(found, dict) else {}


def argo_sync_options(obj: dict[str, Any]) -> set[str]:
    """The sync options an object's Argo CD annotation sets, split at commas as Argo CD splits them."""
    text = str(_metadata(obj, "annotations").get(ARGO_SYNC_OPTIONS) or "")
    return {part.strip() for part in text.split(",") if part.strip()}


def prune_protected_by(obj: dict[str, Any]) -> tuple[str, ...]:
    """The engines that will not prune this object when it leaves git (Flux accepts a label or an annotation)."""
    engines = []
    if "disabled" in (_metadata(obj, "labels").get(FLUX_PRUNE), _metadata(obj, "annotations").get(FLUX_PRUNE)):
        engines.append(FLUX)
    if "Prune=false" in argo_sync_options(obj):
        engines.append(ARGO_CD)
    return tuple(engines)
