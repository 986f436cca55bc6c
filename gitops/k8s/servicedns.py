"""The DNS names of a Service, and which Service a host name names, as the cluster DNS answers them.

From the Kubernetes DNS specification (kubernetes/dns docs/specification.md, "Schema": a ClusterIP Service
has the A/AAAA record <service>.<ns>.svc.<zone>) and the search path the kubelet writes into a ClusterFirst
pod's resolv.conf (<ns>.svc.<zone> svc.<zone> <zone>, pkg/kubelet/network/dns/dns.go), so a pod may also
write <service>, <service>.<ns> or <service>.<ns>.svc. The zone is k3s's default --cluster-domain.
"""

from __future__ import annotations

from urllib.parse import urlsplit

CLUSTER_DOMAIN = "cluster.local"

# The port a URL connects to when it names none, by scheme: http 80 and https 443 (RFC 9110), redis and rediss
# 6379 (IANA's provisional registration of the redis URI scheme), postgres and postgresql 5432 (libpq's
# connection URIs).
SCHEME_PORTS = {"http": 80, "https": 443, "redis": 6379, "rediss": 6379, "postgres": 5432, "postgresql": 5432}


def service_host(service: str, namespace: str) -> str:
    """The fully qualified name of a Service."""
    return f"{service}.{namespace}.svc.{CLUSTER_DOMAIN}"


def service_of_host(host: str, namespace: str) -> tuple[str, str] | None:
    """(service, namespace) a host name resolves to for a pod of namespace, or None when it names no Service
        (an outside name). A bare one-label name is a Service of the pod's own namespace. An outside name of two
    labels (example.com) reads as a Service of a namespace: callers look the Service up and find none."""
    labels = host.lower().rstrip(".").split(".")
    if not labels or not all(labels):
        return None
    zone = CLUSTER_DOMAIN.split(".")
    if len(labels) == 1:
        return labels[0], namespace
    if len(labels) == 2:
        return labels[0], labels[1]
    if len(labels) == 3 and labels[2] == "svc":
        return labels[0], labels[1]
    if len(labels) == 3 + len(zone) and labels[2] == "svc" and labels[3:] == zone:
        return labels[0], labels[1]
    return None


def url_parts(value: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of a URL, the port its own or its scheme's (None when neither names one); None when
    the value is no URL with a host."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    return parts.scheme, parts.hostname, port if port is not None else SCHEME_PORTS.get(parts.scheme)


def url_port(value: str) -> int | None:
    """The port a URL connects to (its own, or its scheme's), or None when the value is no such URL."""
    parts = url_parts(value)
    return None if parts is None else parts[2]
