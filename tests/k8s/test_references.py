"""The Secrets and ConfigMaps a pod names, with the fields that name them (gitops/k8s/references.py)."""

from __future__ import annotations

from gitops.k8s.references import Reference, pod_references

SPEC = {
    "initContainers": [{"name": "migrate", "envFrom": [{"configMapRef": {"name": "settings"}}]}],
    "containers": [
        {
            "name": "api",
            "env": [
                {"name": "DB", "valueFrom": {"secretKeyRef": {"name": "database", "key": "URL"}}},
                {"name": "PLAIN", "value": "x"},
            ],
            "envFrom": [{"secretRef": {"name": "smtp", "optional": True}}],
        }
    ],
    "volumes": [
        {"name": "certs", "secret": {"secretName": "tls", "items": [{"key": "tls.crt", "path": "c"}]}},
        {"name": "all", "projected": {"sources": [{"configMap": {"name": "ca"}}, {"serviceAccountToken": {}}]}},
        {"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
    ],
    "imagePullSecrets": [{"name": "registry"}],
}


def test_every_reference_the_kubelet_resolves_in_the_order_of_the_spec():
    assert list(pod_references(SPEC, "spec.template.spec")) == [
        Reference(
            "ConfigMap", "settings", (), False, "spec.template.spec.initContainers[migrate].envFrom[0].configMapRef"
        ),
        Reference(
            "Secret", "database", ("URL",), False, "spec.template.spec.containers[api].env[DB].valueFrom.secretKeyRef"
        ),
        Reference("Secret", "smtp", (), True, "spec.template.spec.containers[api].envFrom[0].secretRef"),
        Reference("Secret", "tls", ("tls.crt",), False, "spec.template.spec.volumes[certs].secret"),
        Reference("ConfigMap", "ca", (), False, "spec.template.spec.volumes[all].projected.sources[0].configMap"),
        Reference("Secret", "registry", (), False, "spec.template.spec.imagePullSecrets[0]", pull=True),
    ]


def test_malformed_entries_are_skipped_not_fatal():
    assert list(pod_references({"containers": ["x", {"env": "y"}], "volumes": None}, "spec")) == []
