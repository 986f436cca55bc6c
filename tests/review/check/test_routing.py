"""Routing rules of `main.py check` (gitops/review/check/routing.py): Services and Ingresses on real output."""

from __future__ import annotations

from pathlib import Path

from gitops.review.findings import Severity
from tests.dist_copies import edit, write
from tests.review.check.support import active, check, one


def test_service_selector_matching_no_workload(prod_copy: Path):
    edit(prod_copy, "Service", "api", lambda s: s["spec"]["selector"].update({"app.kubernetes.io/name": "apii"}))
    finding = one(check(prod_copy), "service-selector", "Service", "api")
    assert finding.severity is Severity.ERROR
    assert finding.namespace == "honeydue"
    assert finding.field == "spec.selector"
    assert finding.message == (
        "selector app.kubernetes.io/instance=honeydue-prod, app.kubernetes.io/name=apii matches the pod labels of "
        "no workload in namespace honeydue (workloads there: Deployment honeydue/admin, Deployment honeydue/api, "
        "Deployment honeydue/redis, Deployment honeydue/worker)"
    )


def test_service_selector_subset_of_labels_and_selectorless_services_pass(tmp_path: Path):
    write(
        tmp_path,
        "app.yaml",
        """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web, tier: front}}
    spec: {containers: [{name: web, image: "web:1.2.3", ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: external-db}
spec: {ports: [{port: 5432}]}
""",
    )
    outcome = check(tmp_path)
    assert active(outcome, "service-selector") == []
    assert active(outcome, "service-target-port") == []


def test_service_target_port_number_not_on_the_pods(prod_copy: Path):
    edit(prod_copy, "Service", "admin", lambda s: s["spec"]["ports"][0].update({"targetPort": 3001}))
    finding = one(check(prod_copy), "service-target-port", "Service", "admin")
    assert finding.field == "spec.ports[http].targetPort"
    assert finding.message == (
        "targetPort 3001 is no container port number of Deployment honeydue/admin (its ports: http=3000)"
    )


def test_service_target_port_name_must_name_a_container_port(prod_copy: Path):
    edit(prod_copy, "Service", "admin", lambda s: s["spec"]["ports"][0].update({"targetPort": "web"}))
    finding = one(check(prod_copy), "service-target-port", "Service", "admin")
    assert (
        finding.message
        == "targetPort web is no container port name of Deployment honeydue/admin (its ports: http=3000)"
    )


def test_service_target_port_by_name_resolves(prod_copy: Path):
    edit(prod_copy, "Service", "admin", lambda s: s["spec"]["ports"][0].update({"targetPort": "http"}))
    assert active(check(prod_copy), "service-target-port") == []


def test_ingress_backend_names_a_missing_service(prod_copy: Path):
    edit(
        prod_copy,
        "Ingress",
        "admin",
        lambda i: i["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"].update({"name": "admn"}),
    )
    finding = one(check(prod_copy), "ingress-backend", "Ingress", "admin")
    assert finding.field == "spec.rules[0].http.paths[0].backend.service.name"
    assert finding.message == "Service admn does not exist in namespace honeydue (Services there: admin, api, redis)"


def test_ingress_backend_port_number_not_on_the_service(prod_copy: Path):
    edit(
        prod_copy,
        "Ingress",
        "admin",
        lambda i: i["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"].update({"port": {"number": 80}}),
    )
    finding = one(check(prod_copy), "ingress-backend", "Ingress", "admin")
    assert finding.field == "spec.rules[0].http.paths[0].backend.service.port.number"
    assert finding.message == "Service admin has no port 80 (its ports: 3000)"


def test_ingress_backend_port_by_name(prod_copy: Path):
    def port(name: str):
        return lambda i: i["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"].update(
            {"port": {"name": name}}
        )

    edit(prod_copy, "Ingress", "admin", port("http"))
    assert active(check(prod_copy), "ingress-backend") == []
    edit(prod_copy, "Ingress", "admin", port("web"))
    finding = one(check(prod_copy), "ingress-backend", "Ingress", "admin")
    assert finding.message == "Service admin has no port named web (its port names: http)"


def test_two_ingresses_claiming_the_same_host_and_path(prod_copy: Path):
    edit(prod_copy, "Ingress", "admin", lambda i: i["spec"]["rules"][0].update({"host": "myhoneydue.com"}))
    outcome = check(prod_copy)
    admin = one(outcome, "ingress-duplicate-route", "Ingress", "admin")
    api = one(outcome, "ingress-duplicate-route", "Ingress", "api")
    assert admin.field == "spec.rules[0].http.paths[0]"
    assert (
        admin.message == "host myhoneydue.com path / is also routed by Ingress honeydue/api spec.rules[1].http.paths[0]"
    )
    assert (
        api.message == "host myhoneydue.com path / is also routed by Ingress honeydue/admin spec.rules[0].http.paths[0]"
    )


def test_same_host_on_another_path_is_no_duplicate(prod_copy: Path):
    def move(ingress: dict) -> None:
        ingress["spec"]["rules"][0]["host"] = "myhoneydue.com"
        ingress["spec"]["rules"][0]["http"]["paths"][0]["path"] = "/admin"

    edit(prod_copy, "Ingress", "admin", move)
    assert active(check(prod_copy), "ingress-duplicate-route") == []
