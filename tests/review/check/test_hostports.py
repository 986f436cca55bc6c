"""Host-port rules of `main.py check` (gitops/review/check/hostports.py), on copies of real output."""

from __future__ import annotations

from pathlib import Path

from tests.dist_copies import edit, write
from tests.review.check.support import active, check, one


def _host_daemonset(port: int) -> str:
    return f"""
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: edge-proxy, namespace: kube-system}}
spec:
  selector: {{matchLabels: {{app: edge-proxy}}}}
  template:
    metadata: {{labels: {{app: edge-proxy}}}}
    spec:
      hostNetwork: true
      containers:
        - name: proxy
          image: "proxy:2.1.0"
          ports: [{{name: http, containerPort: {port}}}]
"""


def test_second_host_network_daemonset_on_traefiks_port(prod_copy: Path):
    write(prod_copy / "infrastructure", "daemonset.yaml", _host_daemonset(80))
    outcome = check(prod_copy)
    proxy = one(outcome, "host-port-conflict", "DaemonSet", "edge-proxy")
    assert proxy.field == "spec.template.spec.containers[proxy].ports[http].containerPort"
    assert proxy.message == (
        "port 80/TCP (host network, every node) is also claimed by HelmChartConfig kube-system/traefik "
        "(host network, every node)"
    )
    traefik = one(outcome, "host-port-conflict", "HelmChartConfig", "traefik")
    assert (
        traefik.field
        == "rendered DaemonSet kube-system/traefik: spec.template.spec.containers[traefik].ports[web].containerPort"
    )
    assert traefik.message == (
        "port 80/TCP (host network, every node) is also claimed by DaemonSet kube-system/edge-proxy "
        "(host network, every node)"
    )


def test_host_network_on_another_port_is_fine(prod_copy: Path):
    write(prod_copy / "infrastructure", "daemonset.yaml", _host_daemonset(8081))
    assert active(check(prod_copy), "host-port-conflict") == []


def test_host_ports_pinned_to_the_same_node_or_apart(tmp_path: Path):
    def pod(name: str, node: str) -> str:
        return f"""
apiVersion: v1
kind: Pod
metadata: {{name: {name}}}
spec:
  nodeName: {node}
  containers: [{{name: c, image: "x:1.0.0", ports: [{{containerPort: 9000, hostPort: 9000}}]}}]
"""

    write(tmp_path / "same", "a.yaml", pod("a", "n1") + "---" + pod("b", "n1"))
    found = active(check(tmp_path / "same"), "host-port-conflict")
    assert [(f.name, f.message) for f in found] == [
        ("a", "port 9000/TCP (hostPort, node n1) is also claimed by Pod b (hostPort, node n1)"),
        ("b", "port 9000/TCP (hostPort, node n1) is also claimed by Pod a (hostPort, node n1)"),
    ]
    write(tmp_path / "apart", "a.yaml", pod("a", "n1") + "---" + pod("b", "n2"))
    assert active(check(tmp_path / "apart"), "host-port-conflict") == []


def test_load_balancer_service_claims_ports_through_servicelb(prod_copy: Path):
    edit(
        prod_copy,
        "Service",
        "admin",
        lambda s: s["spec"].update(
            {"type": "LoadBalancer", "ports": [{"name": "http", "port": 80, "targetPort": 3000}]}
        ),
    )
    finding = one(check(prod_copy), "host-port-conflict", "Service", "admin")
    assert finding.message == (
        "port 80/TCP (k3s ServiceLB (type LoadBalancer), every node) is also claimed by "
        "HelmChartConfig kube-system/traefik (host network, every node)"
    )
