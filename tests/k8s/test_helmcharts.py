"""Which of a Traefik container's entry points a node's own address answers (gitops/k8s/helmcharts.py)."""

from __future__ import annotations

from gitops.k8s.helmcharts import node_entry_points

ARGS = [
    "--entryPoints.traefik.address=127.0.0.1:8080/tcp",
    "--entryPoints.web.address=:8000/tcp",
    "--entryPoints.websecure.address=:8443/tcp",
]


def _opened(pod: dict, ports: list[dict]) -> list[tuple[str, int]]:
    return [(entry.name, port) for entry, port in node_entry_points(pod, {"args": ARGS, "ports": ports})]


def test_on_the_host_network_every_entry_point_off_the_loopback():
    assert _opened({"hostNetwork": True}, []) == [("web", 8000), ("websecure", 8443)]


def test_otherwise_only_an_entry_point_a_host_port_forwards_to():
    ports = [
        {"name": "web", "containerPort": 8000, "hostPort": 80, "protocol": "TCP"},
        {"name": "websecure", "containerPort": 8443, "protocol": "TCP"},
        {"name": "traefik", "containerPort": 8080, "hostPort": 8080, "hostIP": "127.0.0.1"},
        {"name": "web-udp", "containerPort": 8000, "hostPort": 8000, "protocol": "UDP"},
    ]
    assert _opened({}, ports) == [("web", 80)]
