"""Where an object lives in the API server: its resource name, its scope and its REST path.

- A kind's resource is its plural in lower case, as apimachinery guesses it and as every built-in
  type is registered (UnsafeGuessKindToResource, k8s.io/apimachinery pkg/api/meta/restmapper.go):
  "y" becomes "ies", a final "s" takes "es", anything else takes "s".
- Most kinds live in a namespace; the cluster-scoped ones among the kinds a GitOps repository
  holds are listed below (their types' +genclient:nonNamespaced, `kubectl api-resources
  --namespaced=false`).
- The path is /api/v1 for the core group and /apis/<group>/<version> for the others, then
  namespaces/<namespace> for a namespaced object, then the resource and the name.
"""

from __future__ import annotations

from urllib.parse import quote

CLUSTER_SCOPED = frozenset(
    {
        "Namespace",
        "Node",
        "PersistentVolume",
        "StorageClass",
        "IngressClass",
        "PriorityClass",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
    }
)


def resource(kind: str) -> str:
    """The kind's resource name (Deployment -> deployments, NetworkPolicy -> networkpolicies)."""
    singular = kind.lower()
    if singular.endswith("s"):
        return singular + "es"
    if singular.endswith("y"):
        return singular[:-1] + "ies"
    return singular + "s"


def namespaced(kind: str) -> bool:
    return kind not in CLUSTER_SCOPED


def path(api_version: str, kind: str, namespace: str, name: str) -> str:
    """The object's REST path, e.g. /apis/apps/v1/namespaces/honeydue/deployments/api."""
    group, _, version = api_version.rpartition("/")
    base = f"/apis/{group}/{version}" if group else f"/api/{version}"
    scope = f"/namespaces/{quote(namespace)}" if namespace and namespaced(kind) else ""
    return f"{base}{scope}/{resource(kind)}/{quote(name)}"
