"""Traffic: which hosts and paths an Ingress routes, what a Service selects and exposes, and where a workload's
pods may connect out."""

from __future__ import annotations

from collections.abc import Iterator

from gitops.k8s import middlewares, networkpolicies, workloads
from gitops.k8s.workloads import dig, mapping, sequence
from gitops.review.diff.fields import equal, get
from gitops.review.diff.model import MISSING, Status
from gitops.review.diff.rules.context import Context, risk, rule
from gitops.review.findings import Issue, Severity, Topic

DEFAULT_BACKEND = "(default backend)"


def _backend(backend: object) -> str:
    if not isinstance(backend, dict):
        return "?"
    service = backend.get("service")
    if isinstance(service, dict):
        port = service.get("port")
        number = port.get("number", port.get("name", "?")) if isinstance(port, dict) else port or "?"
        return f"{service.get('name', '?')}:{number}"
    resource = backend.get("resource")
    if isinstance(resource, dict):
        return f"{resource.get('kind', '?')} {resource.get('name', '?')}"
    return "?"


def routes(obj: dict | None) -> dict[str, str]:
    """'host/path' (with the pathType when not Prefix) -> backend."""
    spec = mapping(dig(obj, "spec"))
    found: dict[str, str] = {}
    if spec.get("defaultBackend"):
        found[DEFAULT_BACKEND] = _backend(spec["defaultBackend"])
    for entry in sequence(spec.get("rules")):
        if not isinstance(entry, dict):
            continue
        host = entry.get("host") or "*"
        for path in sequence(dig(entry, "http", "paths")):
            if not isinstance(path, dict):
                continue
            kind = path.get("pathType", "Prefix")
            suffix = "" if kind == "Prefix" else f" ({kind})"
            found[f"{host}{path.get('path') or '/'}{suffix}"] = _backend(path.get("backend"))
    return found


def hosts(obj: dict | None) -> list[str]:
    rules = sequence(dig(obj, "spec", "rules"))
    return sorted({str(entry.get("host") or "*") for entry in rules if isinstance(entry, dict)})


@rule(
    "ingress-routes",
    Topic.TRAFFIC,
    Severity.MEDIUM,
    prevents="requests for a host or path that stop being routed or go to another backend, or an "
    "Ingress moved to another ingress class; new Ingresses and routes are listed, as new "
    "public routes",
    fix="confirm each dropped, repointed or new route is intended",
    severity_note="medium (route dropped or repointed, class changed) / low (new routes)",
)
def ingress_routes(context: Context) -> Iterator[Issue]:
    for added in context.with_status(Status.ADDED, kinds={"Ingress"}):
        shown = ", ".join(f"{route} → {backend}" for route, backend in routes(added.new).items())
        yield risk(Severity.LOW, added.key, "spec.rules", f"starts routing {shown or 'nothing yet'}.")
    for changed in context.changed(kinds={"Ingress"}):
        old_class = get(changed.old, "spec", "ingressClassName")
        new_class = get(changed.new, "spec", "ingressClassName")
        if not equal(old_class, new_class):
            old_name = "the default" if old_class is MISSING else str(old_class)
            new_name = "the default" if new_class is MISSING else str(new_class)
            yield risk(
                Severity.MEDIUM,
                changed.key,
                "spec.ingressClassName",
                f"moves from {old_name} ingress class to {new_name}: until that controller picks it up, "
                "its hosts are not routed.",
            )
        before, after = routes(changed.old), routes(changed.new)
        dropped = [r for r in before if r not in after]
        repointed = [r for r in before if r in after and before[r] != after[r]]
        new = [r for r in after if r not in before]
        parts = []
        if dropped:
            parts.append(f"stops routing {', '.join(dropped)}")
        parts += [f"{r} now goes to {after[r]} instead of {before[r]}" for r in repointed]
        if new:
            parts.append(f"starts routing {', '.join(f'{r} → {after[r]}' for r in new)}")
        if parts:
            level = Severity.MEDIUM if dropped or repointed else Severity.LOW
            yield risk(level, changed.key, "spec.rules", "; ".join(parts) + ".")


def _ports(obj: dict) -> dict[str, object]:
    found = {}
    for port in sequence(dig(obj, "spec", "ports")):
        if isinstance(port, dict):
            found[str(port.get("name") or port.get("port"))] = port.get("port")
    return found


@rule(
    "service-routing",
    Topic.TRAFFIC,
    Severity.MEDIUM,
    prevents="a Service whose traffic goes elsewhere or fails: its selector changes, its type changes "
    "(as a NodePort or LoadBalancer it is exposed on every node's address), or a port is "
    "removed",
    fix="confirm the new selector, type and ports with the Service's clients",
)
def services(context: Context) -> Iterator[Issue]:
    for changed in context.changed(kinds={"Service"}):
        old_selector, new_selector = get(changed.old, "spec", "selector"), get(changed.new, "spec", "selector")
        if not equal(old_selector, new_selector):
            yield risk(
                Severity.MEDIUM,
                changed.key,
                "spec.selector",
                "selects different pods: its traffic goes wherever the new selector points.",
            )
        old_type = get(changed.old, "spec", "type") or "ClusterIP"
        new_type = get(changed.new, "spec", "type") or "ClusterIP"
        if old_type != new_type:
            if new_type == "LoadBalancer":
                why = "it becomes reachable from outside the cluster (k3s ServiceLB claims its ports on every node)"
            elif new_type == "NodePort":
                why = "it becomes reachable on a port of every node's address"
            else:
                why = "how clients reach it changes"
            yield risk(Severity.MEDIUM, changed.key, "spec.type", f"type changes from {old_type} to {new_type}: {why}.")
        before, after = _ports(changed.before), _ports(changed.after)
        gone = [name if name == str(port) else f"{name} ({port})" for name, port in before.items() if name not in after]
        if gone:
            yield risk(
                Severity.MEDIUM,
                changed.key,
                "spec.ports",
                f"no longer serves port {', '.join(gone)}: clients using it fail to connect.",
            )


def _port_order(port: str) -> tuple[int, str]:
    number = port.split("/")[0].split("-")[0]
    return (int(number), port) if number.isdigit() else (-1, port)


def _listed(ports: set[str]) -> str:
    return ", ".join(sorted(ports, key=_port_order)) or "nothing"


@rule(
    "egress",
    Topic.TRAFFIC,
    Severity.MEDIUM,
    prevents="a workload whose pods lose a way out: newly isolated for egress, or a port no longer allowed; "
    "a connection the application makes and the policies do not allow times out (destinations within a port are "
    "not compared)",
    fix="confirm every connection the workload makes is declared (config's endpoints and serviceUrls)",
)
def egress(context: Context) -> Iterator[Issue]:
    old_policies = [r.obj for r in context.old.resources if r.kind == "NetworkPolicy"]
    new_policies = [r.obj for r in context.new.resources if r.kind == "NetworkPolicy"]
    if old_policies == new_policies:
        return
    for d in context.with_status(Status.CHANGED, Status.UNCHANGED, kinds=workloads.WORKLOADS):
        old = workloads.pod_template(context.old.objects[d.key])
        new = workloads.pod_template(context.new.objects[d.key])
        if old is None or new is None or new.spec.get("hostNetwork") is True:
            continue
        before = networkpolicies.egress_ports(old.labels, old.namespace, old_policies)
        after = networkpolicies.egress_ports(new.labels, new.namespace, new_policies)
        if after is None or networkpolicies.ANY_PORT in after:
            continue
        if before is None:
            yield risk(
                Severity.MEDIUM,
                d.key,
                new.field,
                f"its pods become isolated for egress: they may connect out only on {_listed(after)}, to the "
                "destinations the policies name; any other connection times out.",
            )
        elif lost := (before - after if networkpolicies.ANY_PORT not in before else {networkpolicies.ANY_PORT}):
            yield risk(
                Severity.MEDIUM,
                d.key,
                new.field,
                f"its pods may no longer connect out on {_listed(lost)} (still allowed: {_listed(after)}).",
            )


def _admitted(obj: dict | None) -> list[str]:
    if obj is None:
        return []
    middleware = middlewares.of([obj])
    return (middleware[0].allowed_sources() or []) if middleware else []


@rule(
    "edge-allow-list",
    Topic.TRAFFIC,
    Severity.HIGH,
    prevents="the CDN's edges refused at the origin (every domain on the entry point answers 403 to them), or the "
    "origin opened to addresses that bypass the CDN",
    fix="compare the ranges with the CDN's published list (cloudflare.com/ips-v4, /ips-v6) before merging",
    severity_note="high (ranges no longer admitted, or the allow-list removed) / medium (ranges admitted)",
)
def edge_allow_list(context: Context) -> Iterator[Issue]:
    kinds = {middlewares.KIND}
    for diff in context.with_status(Status.CHANGED, Status.REMOVED, Status.ADDED, kinds=kinds):
        before, after = _admitted(diff.old), _admitted(diff.new)
        if diff.status is Status.REMOVED and before:
            yield risk(
                Severity.HIGH,
                diff.key,
                "spec.ipAllowList",
                "is removed: an entry point that still names it builds no routers (every domain there answers "
                "404), and one that no longer does answers anyone.",
            )
            continue
        dropped = [r for r in before if r not in after]
        added = [r for r in after if r not in before]
        if dropped and diff.status is Status.CHANGED:
            yield risk(
                Severity.HIGH,
                diff.key,
                "spec.ipAllowList.sourceRange",
                f"stops admitting {', '.join(dropped)}: connections from there get 403 on every domain of the "
                "entry points that use it.",
            )
        if added and diff.status is Status.CHANGED:
            yield risk(
                Severity.MEDIUM,
                diff.key,
                "spec.ipAllowList.sourceRange",
                f"starts admitting {', '.join(added)} directly.",
            )
