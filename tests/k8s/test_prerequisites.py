"""What the cluster must hold that git does not deliver: read from the pods, the engine and the declarations."""

from __future__ import annotations

from pathlib import Path

from gitops.k8s import declared, manifests, prerequisites
from gitops.k8s.manifests import Resource


def _needed(*roots: Path) -> dict[str, prerequisites.Needed]:
    resources = manifests.load(list(roots))
    return {str(n): n for n in prerequisites.needed(resources, declared.read(resources))}


def test_prod_needs_its_declared_secrets_and_flux_its_credentials(synthesized: Path):
    found = _needed(synthesized / "prod", synthesized / "clusters" / "prod")
    assert sorted(found) == [
        "Secret flux-system/honeydue-gitops-auth",
        "Secret honeydue/gitea-registry",
        "Secret honeydue/honeydue-app",
        "Secret honeydue/honeydue-b2",
        "Secret honeydue/honeydue-database",
        "Secret honeydue/honeydue-smtp",
    ]
    b2 = found["Secret honeydue/honeydue-b2"]
    assert (b2.type, b2.keys, b2.declared) == ("Opaque", ("B2_APPLICATION_KEY", "B2_KEY_ID"), True)
    assert b2.readers == ("Deployment honeydue/api", "Deployment honeydue/worker")
    registry = found["Secret honeydue/gitea-registry"]
    assert (registry.type, registry.keys) == ("kubernetes.io/dockerconfigjson", (".dockerconfigjson",))
    auth = found["Secret flux-system/honeydue-gitops-auth"]
    assert (auth.keys, auth.readers, auth.declared) == (
        ("password", "username"),  # an https:// repository
        ("GitRepository flux-system/honeydue-gitops",),
        False,
    )


POD = """\
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: ns}
spec:
  containers:
    - name: app
      image: app:1
      envFrom: [{configMapRef: {name: tuning}}, {secretRef: {name: maybe, optional: true}}]
      env:
        - {name: A, valueFrom: {secretKeyRef: {name: committed, key: a}}}
  volumes:
    - {name: ca, configMap: {name: kube-root-ca.crt}}
    - {name: certs, secret: {secretName: certs, items: [{key: ca.pem, path: ca.pem}]}}
---
apiVersion: v1
kind: Secret
metadata: {name: committed, namespace: ns}
data: {a: eA==}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: ns}
spec:
  tls: [{hosts: [a.example], secretName: web-tls}]
"""


def test_what_the_set_holds_the_cluster_publishes_or_is_optional_is_not_needed(tmp_path: Path):
    (tmp_path / "pod.yaml").write_text(POD)
    found = _needed(tmp_path)
    assert {name: (n.type, n.keys) for name, n in found.items()} == {
        "ConfigMap ns/tuning": ("", ()),
        "Secret ns/certs": ("Opaque", ("ca.pem",)),
        "Secret ns/web-tls": ("kubernetes.io/tls", ("tls.crt", "tls.key")),
    }


def _n(name: str, keys: tuple[str, ...], readers: tuple[str, ...] = ("Deployment ns/app",)) -> prerequisites.Needed:
    return prerequisites.Needed("Secret", "ns", name, "Opaque", keys, readers, True)


def test_a_change_creates_adds_keys_and_leaves_unused_objects_behind():
    before = [_n("kept", ("a",)), _n("old", ("x",)), _n("quiet", ("q",))]
    after = [_n("kept", ("a", "b")), _n("new", ("n",)), _n("quiet", ("q",), readers=())]
    assert [(c.what, c.needed.name, c.keys) for c in prerequisites.changes(before, after)] == [
        ("add-keys", "kept", ("b",)),
        ("create", "new", ()),
        ("unused", "old", ()),
        ("unused", "quiet", ()),
    ]


def test_a_resource_without_pods_needs_nothing():
    resource = Resource({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}, Path("c.yaml"), 0)
    assert prerequisites.needed([resource]) == []
