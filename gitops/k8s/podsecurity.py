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


def restricted_violations(spec: dict[str, Any]) -> list[str]:
    """The restricted checks a pod spec fails, named as the API server's refusal names them
    (`violates PodSecurity "restricted:v1.34": allowPrivilegeEscalation != false, ...`), in that order.

    The checks of policy/check_*.go that a pod template decides: host namespaces, privileged, volume
    types (hostPath among them), host ports, allowPrivilegeEscalation, capabilities, runAsNonRoot,
    runAsUser 0 and seccomp, on every container and init container."""
    pod = mapping(spec.get("securityContext"))
    containers = [
        mapping(c) for key in ("initContainers", "containers") for c in (spec.get(key) or []) if isinstance(c, dict)
    ]
    own = [mapping(c.get("securityContext")) for c in containers]
    found = []
    if any(spec.get(key) is True for key in HOST_NAMESPACES):
        found.append("host namespaces")
    if any(sc.get("privileged") is True for sc in own):
        found.append("privileged")
    volumes = [mapping(v) for v in (spec.get("volumes") or []) if isinstance(v, dict)]
    if any("hostPath" in v for v in volumes):
        found.append("hostPath volumes")
    if any(mapping(p).get("hostPort") for c in containers for p in (c.get("ports") or [])):
        found.append("hostPort")
    if any(sc.get("allowPrivilegeEscalation") is not False for sc in own):
        found.append("allowPrivilegeEscalation != false")
    for sc in own:
        capabilities = mapping(sc.get("capabilities"))
        added = {str(a) for a in (capabilities.get("add") or [])}
        if "ALL" not in [str(d) for d in (capabilities.get("drop") or [])] or added - RESTRICTED_CAPABILITIES:
            found.append("unrestricted capabilities")
            break
    if any(v for v in volumes if any(k not in RESTRICTED_VOLUMES for k in v if k != "name") and "hostPath" not in v):
        found.append("restricted volume types")
    if pod.get("runAsNonRoot") is False or any(
        sc.get("runAsNonRoot") is False or (sc.get("runAsNonRoot") is not True and pod.get("runAsNonRoot") is not True)
        for sc in own
    ):
        found.append("runAsNonRoot != true")
    if pod.get("runAsUser") == 0 or any(sc.get("runAsUser") == 0 for sc in own):
        found.append("runAsUser=0")
    pod_seccomp = mapping(pod.get("seccompProfile")).get("type")
    if (pod_seccomp is not None and pod_seccomp not in RESTRICTED_SECCOMP) or any(
        (t := mapping(sc.get("seccompProfile")).get("type")) not in RESTRICTED_SECCOMP
        and not (t is None and pod_seccomp in RESTRICTED_SECCOMP)
        for sc in own
    ):
        found.append("seccompProfile")
    return found


# What a proxy on the node's own address needs beyond the restricted level, as restricted_violations names
# it: the host network (and, through it, its ports as host ports), and root, because without ambient
# capabilities only root can use NET_BIND_SERVICE to bind a port below 1024.
HOST_NETWORK_PROXY_NEEDS = frozenset({"host namespaces", "hostPort", "runAsNonRoot != true", "runAsUser=0"})


def host_network_proxy_excess(spec: dict[str, Any]) -> list[str]:
    """What a host-network proxy's pod spec asks for beyond what it needs (HOST_NETWORK_PROXY_NEEDS):
    every other restricted check it fails, the node's PID or IPC namespace, and a writable root
    filesystem on any container (not a Pod Security check: a proxy writes nothing there)."""
    found = [v for v in restricted_violations(spec) if v not in HOST_NETWORK_PROXY_NEEDS]
    found += [f"{key}: true" for key in ("hostPID", "hostIPC") if spec.get(key) is True]
    containers = [
        mapping(c) for key in ("initContainers", "containers") for c in (spec.get(key) or []) if isinstance(c, dict)
    ]
    if any(mapping(c.get("securityContext")).get("readOnlyRootFilesystem") is not True for c in containers):
        found.append("readOnlyRootFilesystem != true")
    return found
