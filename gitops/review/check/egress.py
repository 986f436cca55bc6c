"""Egress: every pod is isolated for egress, can still resolve names and reach the Services it is configured
with, and no policy opens every port to every address again.

What a policy selects and allows is gitops/k8s/networkpolicies.py's answer (the generator renders from the same
constants); which Service a URL names is gitops/k8s/servicedns.py's. Host-network pods are left out: network
policies do not apply to them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from gitops.k8s import networkpolicies, servicedns
from gitops.k8s.manifests import Fields
from gitops.k8s.networkpolicies import Destination
from gitops.k8s.selectors import format_labels, format_selector
from gitops.k8s.workloads import PodTemplate, as_int, dig, mapping, sequence
from gitops.review.check.context import Context
from gitops.review.check.registry import rule
from gitops.review.findings import Issue, Severity, Topic


def _policies(ctx: Context) -> list[Fields]:
    return ctx.memo("networkpolicies", lambda: [r.obj for r in ctx.of_kind("NetworkPolicy")])


def _policed(ctx: Context) -> list[PodTemplate]:
    """The pods network policies apply to: every one not on the host network."""
    return [p for p in ctx.pods if p.spec.get("hostNetwork") is not True]


@rule(
    "egress-isolated",
    Topic.POLICY,
    Severity.ERROR,
    prevents="a pod that may connect to any address on any port: whoever takes it over reaches the database, "
    "the other pods and the internet",
    fix="add a default-deny egress NetworkPolicy to the namespace (podSelector: {}, policyTypes: [Egress]) and "
    "allow each workload what it connects to",
)
def egress_isolated(ctx: Context) -> Iterator[Issue]:
    policies = _policies(ctx)
    for pod in _policed(ctx):
        if networkpolicies.isolating(pod.labels, pod.namespace, policies, networkpolicies.EGRESS):
            continue
        yield Issue(
            pod.resource,
            f"{pod.field.rsplit('.', 1)[0]}.metadata.labels" if pod.kind != "Pod" else "metadata.labels",
            f"no NetworkPolicy in namespace {pod.namespace or '(none)'} selects its pods "
            f"({format_labels(pod.labels)}) for egress: they may connect to any address on any port",
            "add a default-deny egress policy (podSelector: {}, policyTypes: [Egress]) to the namespace, with "
            "egress policies allowing what the pods connect to",
        )


@rule(
    "egress-dns",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="a pod isolated for egress that cannot ask the cluster DNS: every name lookup times out, so it "
    "reaches neither Services nor the database",
    fix="allow egress to the cluster DNS: namespaceSelector kubernetes.io/metadata.name=kube-system with "
    "podSelector k8s-app=kube-dns, UDP and TCP port 53",
)
def egress_dns(ctx: Context) -> Iterator[Issue]:
    policies = _policies(ctx)
    for pod in _policed(ctx):
        dns_policy = str(pod.spec.get("dnsPolicy") or "ClusterFirst")
        if dns_policy not in networkpolicies.CLUSTER_DNS_POLICIES:
            continue
        missing = [
            protocol
            for protocol in networkpolicies.DNS_PROTOCOLS
            if not networkpolicies.egress_allowed(
                pod.labels, pod.namespace, networkpolicies.cluster_dns(protocol), policies
            )
        ]
        if not missing:
            continue
        yield Issue(
            pod.resource,
            f"{pod.field}.dnsPolicy",
            f"its pods resolve names through the cluster DNS (dnsPolicy {dns_policy}), and no egress rule allows "
            f"{' or '.join(missing)} port {networkpolicies.DNS_PORT} to it "
            f"({format_labels(networkpolicies.DNS_LABELS)} in {networkpolicies.DNS_NAMESPACE})",
            f"allow egress on {' and '.join(networkpolicies.DNS_PROTOCOLS)} port {networkpolicies.DNS_PORT} to "
            f"namespaceSelector {networkpolicies.NAMESPACE_NAME}={networkpolicies.DNS_NAMESPACE} with podSelector "
            f"{format_labels(networkpolicies.DNS_LABELS)}",
        )


@dataclass(frozen=True)
class _Url:
    field: str
    variable: str
    value: str


def _env_values(ctx: Context, pod: PodTemplate) -> Iterator[_Url]:
    """Each environment variable of the pod's containers whose value the set holds: written in the container,
    or read from a ConfigMap of the set (env and envFrom). Secret values are not in the set."""
    for container in pod.running_containers():
        for index, env in enumerate(sequence(container.spec.get("env"))):
            env = mapping(env)
            name = str(env.get("name") or index)
            field = f"{container.field}.env[{name}]"
            if isinstance(env.get("value"), str):
                yield _Url(field, name, env["value"])
                continue
            ref = mapping(dig(env, "valueFrom", "configMapKeyRef"))
            config_map = ctx.get("ConfigMap", pod.namespace, str(ref.get("name"))) if ref else None
            value = dig(config_map.obj, "data", str(ref.get("key"))) if config_map is not None else None
            if isinstance(value, str):
                yield _Url(field, name, value)
        for index, source in enumerate(sequence(container.spec.get("envFrom"))):
            ref = mapping(mapping(source).get("configMapRef"))
            config_map = ctx.get("ConfigMap", pod.namespace, str(ref.get("name"))) if ref else None
            if config_map is None:
                continue
            prefix = str(mapping(source).get("prefix") or "")
            for key, value in mapping(dig(config_map.obj, "data")).items():
                if isinstance(value, str):
                    yield _Url(f"{container.field}.envFrom[{index}]", f"{prefix}{key}", value)


def _target_port(pod: PodTemplate, target: object) -> tuple[int, str | None] | None:
    """(number, name) of the pod's container port a Service's targetPort names, or None when none matches."""
    for container in pod.running_containers():
        for port in container.ports:
            number = as_int(port.get("containerPort"))
            name = port.get("name")
            if number is None:
                continue
            if (isinstance(target, str) and target == name) or (not isinstance(target, str) and target == number):
                return number, str(name) if name else None
    number = as_int(target)
    return (number, None) if number is not None and not isinstance(target, str) else None


@rule(
    "egress-service-url",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="a pod configured with a Service's URL that its own egress policy, or the Service's pods' ingress "
    "policy, does not let it reach: connections time out while every object looks healthy",
    fix="allow egress from the client's pods to the Service's pods on the target port, and ingress to them from "
    "the client's pods",
)
def egress_service_url(ctx: Context) -> Iterator[Issue]:
    policies = _policies(ctx)
    for pod in _policed(ctx):
        for url in _env_values(ctx, pod):
            parsed = servicedns.url_parts(url.value)
            if parsed is None:
                continue
            _, host, wanted = parsed
            named = servicedns.service_of_host(host, pod.namespace)
            service = ctx.get("Service", named[1], named[0]) if named else None
            if service is None:
                continue
            ports = [mapping(p) for p in sequence(dig(service.obj, "spec", "ports"))]
            if wanted is None and len(ports) == 1:
                wanted = as_int(ports[0].get("port"))
            entry = next((p for p in ports if as_int(p.get("port")) == wanted), None)
            if entry is None:
                continue  # a port the Service does not serve is the routing rules' concern
            selector = mapping(dig(service.obj, "spec", "selector"))
            if not selector:
                continue
            protocol = str(entry.get("protocol") or "TCP")
            for target in ctx.served_by(service.namespace, selector):
                resolved = _target_port(target, entry.get("targetPort", entry.get("port")))
                if resolved is None:
                    continue
                number, name = resolved
                to = Destination(number, protocol, labels=target.labels, namespace=target.namespace, port_name=name)
                where = f"{url.variable} ({url.value}) names Service {service.namespace}/{service.name}"
                if not networkpolicies.egress_allowed(pod.labels, pod.namespace, to, policies):
                    yield Issue(
                        pod.resource,
                        url.field,
                        f"{where}, and no egress rule of the policies selecting its pods allows {protocol} {number} "
                        f"to the pods of {target}",
                        f"allow egress to podSelector {format_labels(target.labels)} on {protocol} port {number}",
                    )
                elif not networkpolicies.admitted(
                    target.labels, target.namespace, number, policies, client=(pod.labels, pod.namespace)
                ):
                    yield Issue(
                        pod.resource,
                        url.field,
                        f"{where}, and the ingress policies of {target} do not admit its pods on port {number}",
                        f"allow ingress to {target} on port {number} from podSelector {format_labels(pod.labels)}",
                    )


@rule(
    "egress-open",
    Topic.POLICY,
    Severity.ERROR,
    prevents="an egress rule that allows every port to every address: it undoes the egress isolation of every pod "
    "it selects",
    fix="list the ports the pods connect to under ports:, and the addresses under to: where they are known",
)
def egress_open(ctx: Context) -> Iterator[Issue]:
    for policy in ctx.of_kind("NetworkPolicy"):
        if not networkpolicies.isolates(policy.obj, networkpolicies.EGRESS):
            continue
        pod_selector = mapping(dig(policy.obj, "spec", "podSelector"))
        selected = (
            f"the pods it selects ({format_selector(pod_selector)})"
            if pod_selector.get("matchLabels") or pod_selector.get("matchExpressions")
            else f"every pod of namespace {policy.namespace or '(none)'}"
        )
        for index, item in enumerate(sequence(dig(policy.obj, "spec", "egress"))):
            how = networkpolicies.opens_everything(mapping(item))
            if how is None:
                continue
            yield Issue(
                policy,
                f"spec.egress[{index}]",
                f"the rule allows {how}, for {selected}",
                "list the ports the pods connect to under ports:, and narrow to: to the addresses where they are known",
            )
