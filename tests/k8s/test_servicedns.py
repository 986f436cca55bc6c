"""A Service's DNS names, and which Service a host names (gitops/k8s/servicedns.py)."""

from __future__ import annotations

from gitops.k8s import servicedns


def test_the_names_a_pod_may_use_for_a_service():
    assert servicedns.service_host("redis", "honeydue") == "redis.honeydue.svc.cluster.local"
    for host in ("redis", "redis.honeydue", "redis.honeydue.svc", "redis.honeydue.svc.cluster.local."):
        assert servicedns.service_of_host(host, "honeydue") == ("redis", "honeydue"), host
    assert servicedns.service_of_host("redis", "other") == ("redis", "other")


def test_outside_names_name_no_service():
    assert servicedns.service_of_host("smtp.fastmail.com", "honeydue") is None
    assert servicedns.service_of_host("s3.us-east-005.backblazeb2.com", "honeydue") is None
    assert servicedns.service_of_host("redis.honeydue.svc.example.org", "honeydue") is None


def test_the_port_a_url_connects_to():
    assert servicedns.url_port("redis://redis.honeydue.svc.cluster.local:6379/0") == 6379
    assert servicedns.url_port("https://s3.us-east-005.backblazeb2.com") == 443
    assert servicedns.url_port("postgresql://u@ep-x.neon.tech/db") == 5432
    assert servicedns.url_port("gopher://example.org/") is None
    assert servicedns.url_port("smtp.fastmail.com") is None
    assert servicedns.url_port("http://host:99999/") is None
