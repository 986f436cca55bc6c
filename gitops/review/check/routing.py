"""Traffic paths: Ingress -> Service -> pod ports. Each hop must name something that exists.

A Service whose selector matches no pods, or whose targetPort no container
declares, is accepted by the API server and simply has no endpoints: the
site answers 503 and nothing in the rollout fails.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from gitops.k8s.manifests import Resource
from gitops.k8s.selectors import format_labels
from gitops.k8s.workloads import PodTemplate, dig, mapping, sequence
from gitops.review.check.context import Context
from gitops.review.check.registry import rule
from gitops.review.findings import Issue, Severity, Topic


def _selector(service: Resource) -> dict:
    """The selector of a Service whose endpoints Kubernetes manages; {} when it has none to check."""
    spec = mapping(service.obj.get("spec"))
    if spec.get("type") == "ExternalName":
        return {}
    # Without a selector the endpoints are written by hand or by another controller.
    return mapping(spec.get("selector"))


def selected_pods(ctx: Context, service: Resource) -> list[PodTemplate]:
    selector = _selector(service)
    return ctx.served_by(service.namespace, selector)


@rule(
    "service-selector",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="a Service with no endpoints: requests through it fail with 503 although every pod is healthy",
    fix="make spec.selector a subset of the target workload's spec.template.metadata.labels",
)
def service_selector(ctx: Context) -> Iterator[Issue]:
    for service in ctx.of_kind("Service"):
        selector = _selector(service)
        if not selector or selected_pods(ctx, service):
            continue
        yield Issue(
            service,
            "spec.selector",
            f"selector {format_labels(selector)} matches the pod labels of no workload in namespace "
            f"{service.namespace or '(none)'} (workloads there: {ctx.workload_names(service.namespace)})",
            "copy the selector from the target workload's spec.selector.matchLabels; if the pods come from "
            "outside this set, waive with an annotation naming where they come from",
        )


def _describe_ports(pod: PodTemplate) -> str:
    ports = []
    for container in pod.running_containers():
        for port in container.ports:
            number = port.get("containerPort")
            ports.append(f"{port['name']}={number}" if port.get("name") else str(number))
    return ", ".join(ports) or "none declared"


def _has_port(pod: PodTemplate, target: object) -> bool:
    for container in pod.running_containers():
        for port in container.ports:
            if isinstance(target, int) and not isinstance(target, bool):
                if port.get("containerPort") == target:
                    return True
            elif port.get("name") == target:
                return True
    return False


@rule(
    "service-target-port",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="traffic sent to a port nothing listens on (numeric), or a Service port with no endpoints (named)",
    fix="set targetPort to a containerPort number or port name of the selected containers",
)
def service_target_port(ctx: Context) -> Iterator[Issue]:
    for service in ctx.of_kind("Service"):
        pods = selected_pods(ctx, service)
        for index, port in enumerate(sequence(dig(service.obj, "spec", "ports"))):
            port = mapping(port)
            target = port.get("targetPort", port.get("port"))
            if isinstance(target, str) and target.isdigit():
                target = int(target)
            label = port.get("name") or index
            for pod in pods:
                if _has_port(pod, target):
                    continue
                what = "number" if isinstance(target, int) else "name"
                yield Issue(
                    service,
                    f"spec.ports[{label}].targetPort",
                    f"targetPort {target} is no container port {what} of {pod} (its ports: {_describe_ports(pod)})",
                    f"use one of {pod}'s container ports, or declare {target} in its container's ports",
                )


def _backends(ingress: Resource) -> Iterator[tuple[dict, str]]:
    spec = mapping(ingress.obj.get("spec"))
    if "defaultBackend" in spec:
        yield mapping(spec["defaultBackend"]), "spec.defaultBackend"
    for r, item in enumerate(sequence(spec.get("rules"))):
        for p, path in enumerate(sequence(dig(item, "http", "paths"))):
            yield mapping(mapping(path).get("backend")), f"spec.rules[{r}].http.paths[{p}].backend"


@rule(
    "ingress-backend",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="a route that answers 404/503 because its Service or Service port does not exist",
    fix="name an existing Service in the Ingress's namespace and one of its spec.ports (number or name)",
)
def ingress_backend(ctx: Context) -> Iterator[Issue]:
    for ingress in ctx.of_kind("Ingress"):
        for backend, field in _backends(ingress):
            service_ref = mapping(backend.get("service"))
            if not service_ref:
                continue  # a resource backend, not a Service
            name = service_ref.get("name")
            service = ctx.get("Service", ingress.namespace, str(name))
            if service is None:
                services = ", ".join(sorted(s.name for s in ctx.of_kind("Service") if s.namespace == ingress.namespace))
                yield Issue(
                    ingress,
                    f"{field}.service.name",
                    f"Service {name} does not exist in namespace {ingress.namespace or '(none)'} "
                    f"(Services there: {services or 'none'})",
                    "name one of those Services, or add the Service to the set",
                )
                continue
            ports = [mapping(p) for p in sequence(dig(service.obj, "spec", "ports"))]
            wanted = mapping(service_ref.get("port"))
            if "number" in wanted:
                known = [p.get("port") for p in ports]
                if wanted["number"] not in known:
                    yield Issue(
                        ingress,
                        f"{field}.service.port.number",
                        f"Service {name} has no port {wanted['number']} (its ports: "
                        f"{', '.join(str(k) for k in known) or 'none'})",
                        "use one of the Service's spec.ports[].port numbers",
                    )
            elif "name" in wanted:
                known = [p.get("name") for p in ports if p.get("name")]
                if wanted["name"] not in known:
                    yield Issue(
                        ingress,
                        f"{field}.service.port.name",
                        f"Service {name} has no port named {wanted['name']} (its port names: "
                        f"{', '.join(str(k) for k in known) or 'none'})",
                        "use one of the Service's spec.ports[].name values",
                    )


def _ingress_class(ingress: Resource) -> str:
    spec = mapping(ingress.obj.get("spec"))
    return str(spec.get("ingressClassName") or ingress.annotations.get("kubernetes.io/ingress.class") or "")


@rule(
    "ingress-duplicate-route",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="two backends fighting over one URL: which one serves it depends on controller internals",
    fix="keep each host+path in exactly one Ingress rule",
)
def ingress_duplicate_route(ctx: Context) -> Iterator[Issue]:
    # Routes only collide within one ingress class: another controller serves the other class.
    claims: dict[tuple[str, str, str], list[tuple[Resource, str]]] = defaultdict(list)
    for ingress in ctx.of_kind("Ingress"):
        for r, item in enumerate(sequence(dig(ingress.obj, "spec", "rules"))):
            host = str(mapping(item).get("host") or "*")
            for p, path in enumerate(sequence(dig(item, "http", "paths"))):
                route = str(mapping(path).get("path") or "/")
                claims[(_ingress_class(ingress), host, route)].append((ingress, f"spec.rules[{r}].http.paths[{p}]"))
    for (_, host, route), owners in claims.items():
        if len(owners) < 2:
            continue
        for ingress, field in owners:
            others = "; ".join(f"{o} {o_field}" for o, o_field in owners if not (o is ingress and o_field == field))
            yield Issue(
                ingress,
                field,
                f"host {host} path {route} is also routed by {others}",
                "remove the duplicate rule, or give one of them a different host or path",
            )
