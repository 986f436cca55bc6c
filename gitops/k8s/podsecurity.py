"""Pod Security admission: the namespace labels it reads, its levels, and what the restricted level allows.

From k8s.io/pod-security-admission. A namespace sets a level per mode with the label
pod-security.kubernetes.io/<mode> (enforce refuses a pod, audit and warn only report it) and pins
the policy's version with <mode>-version (api/constants.go). The levels are privileged, baseline
and restricted, each stricter than the one before (api/helpers.go); a namespace without the label
gets the admission configuration's default, privileged unless the API server says otherwise.
Among the restricted level's checks (policy/check_*.go): no host namespaces (baseline
already), seccomp RuntimeDefault or Localhost, no capability added but NET_BIND_SERVICE, and only
the volume types below. charts/ writes the labels; check (pss-restricted) and diff
(pod-security-relaxed, security-weakened) read them with this module.
"""

from __future__ import annotations

from typing import Any

from gitops.k8s.workloads import mapping

LABEL_PREFIX = "pod-security.kubernetes.io/"
MODES = ("enforce", "audit", "warn")
LEVELS = ("privileged", "baseline", "restricted")  # least strict first
DEFAULT_LEVEL = "privileged"
RESTRICTED = "restricted"
HOST_NAMESPACES = ("hostNetwork", "hostPID", "hostIPC")
RESTRICTED_SECCOMP = frozenset({"RuntimeDefault", "Localhost"})
RESTRICTED_CAPABILITIES = frozenset({"NET_BIND_SERVICE"})  # the only one a restricted pod may add
RESTRICTED_VOLUMES = frozenset(
    {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}
)


def label(mode: str) -> str:
    """The label that sets a mode's level, e.g. pod-security.kubernetes.io/enforce."""
    return f"{LABEL_PREFIX}{mode}"


def version_label(mode: str) -> str:
    """The label that pins a mode's policy version, e.g. pod-security.kubernetes.io/enforce-version."""
    return f"{LABEL_PREFIX}{mode}-version"


def levels(labels: dict[str, Any] | None) -> dict[str, str | None]:
    """mode -> the level a namespace's labels set for it, None where no label sets one."""
    found = mapping(labels)
    return {mode: (str(found[label(mode)]) if label(mode) in found else None) for mode in MODES}


def strictness(level: str | None) -> int:
    """How strict a level is (0 for privileged); an absent or unknown level counts as the default."""
    level = level or DEFAULT_LEVEL
    return LEVELS.index(level) if level in LEVELS else 0
