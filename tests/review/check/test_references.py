"""Reference rules of `main.py check` (gitops/review/check/references.py): what pods and Ingresses name must exist."""

from __future__ import annotations

from pathlib import Path

from tests.dist_copies import container, edit, write
from tests.review.check.support import active, check, one


def _env_ref(name: str, field: str, value: str):
    def change(deployment: dict) -> None:
        for env in container(deployment, "api")["env"]:
            if env["name"] == name:
                ref = env["valueFrom"].get("secretKeyRef") or env["valueFrom"]["configMapKeyRef"]
                ref[field] = value

    return change


def test_secret_that_is_neither_in_the_set_nor_declared(prod_copy: Path):
    edit(prod_copy, "Deployment", "api", _env_ref("DATABASE_URL", "name", "honeydue-databse"))
    finding = one(check(prod_copy), "reference-unresolved", "Deployment", "api")
    assert finding.field == "spec.template.spec.containers[api].env[DATABASE_URL].valueFrom.secretKeyRef"
    assert finding.message == (
        "Secret honeydue-databse does not exist in namespace honeydue: not in this set and not declared in a "
        "declarations ConfigMap (known secrets in honeydue: gitea-registry, honeydue-app, honeydue-b2, "
        "honeydue-database, honeydue-smtp)"
    )


def test_declared_secret_without_the_key(prod_copy: Path):
    edit(prod_copy, "Deployment", "api", _env_ref("DATABASE_URL", "key", "DATABASE_URI"))
    finding = one(check(prod_copy), "reference-unresolved", "Deployment", "api")
    assert finding.message == "Secret honeydue-database (declared) has no key DATABASE_URI (its keys: DATABASE_URL)"


def test_configmap_without_the_key(prod_copy: Path):
    edit(prod_copy, "Deployment", "api", _env_ref("REDIS_URL", "key", "REDIS_ADDR"))
    finding = one(check(prod_copy), "reference-unresolved", "Deployment", "api")
    assert finding.field == "spec.template.spec.containers[api].env[REDIS_URL].valueFrom.configMapKeyRef"
    assert finding.message.startswith("ConfigMap honeydue-settings (in this set) has no key REDIS_ADDR (its keys: ")


def test_optional_reference_may_be_missing(prod_copy: Path):
    def optional(deployment: dict) -> None:
        _env_ref("DATABASE_URL", "name", "honeydue-databse")(deployment)
        for env in container(deployment, "api")["env"]:
            if env["name"] == "DATABASE_URL":
                env["valueFrom"]["secretKeyRef"]["optional"] = True

    edit(prod_copy, "Deployment", "api", optional)
    assert active(check(prod_copy), "reference-unresolved") == []


def test_pull_secret_claim_and_mount_references(prod_copy: Path):
    edit(
        prod_copy,
        "Deployment",
        "admin",
        lambda d: d["spec"]["template"]["spec"]["imagePullSecrets"][0].update({"name": "gitea"}),
    )
    edit(
        prod_copy,
        "Deployment",
        "redis",
        lambda d: d["spec"]["template"]["spec"]["volumes"][1]["persistentVolumeClaim"].update({"claimName": "redis"}),
    )
    edit(
        prod_copy,
        "Deployment",
        "worker",
        lambda d: container(d, "worker")["volumeMounts"][0].update({"name": "scratch"}),
    )
    outcome = check(prod_copy)
    admin = one(outcome, "reference-unresolved", "Deployment", "admin")
    assert admin.field == "spec.template.spec.imagePullSecrets[0]"
    assert admin.message.startswith("Secret gitea does not exist in namespace honeydue: not in this set")
    redis = [f for f in active(outcome, "reference-unresolved") if f.name == "redis"]
    assert [(f.field, f.message) for f in redis] == [
        (
            "spec.template.spec.volumes[data].persistentVolumeClaim.claimName",
            "PersistentVolumeClaim redis does not exist in namespace honeydue in this set: the pod stays Pending",
        )
    ]
    worker = one(outcome, "reference-unresolved", "Deployment", "worker")
    assert worker.field == "spec.template.spec.containers[worker].volumeMounts[scratch]"
    assert worker.message == "mounts volume scratch, which the pod does not define (volumes: tmp)"


def test_pull_secret_of_the_wrong_type(prod_copy: Path):
    write(
        prod_copy / "apps",
        "secret.yaml",
        """
apiVersion: v1
kind: Secret
metadata: {name: gitea-registry, namespace: honeydue}
type: Opaque
data: {token: "ENC[AES256_GCM,data:abc=,iv:aXY=,tag:dGFn,type:str]"}
""",
    )
    finding = one(check(prod_copy), "reference-unresolved", "Deployment", "api")
    assert finding.message == (
        "Secret gitea-registry is of type Opaque; the kubelet only reads pull credentials from "
        "kubernetes.io/dockercfg or kubernetes.io/dockerconfigjson"
    )


HAND_WRITTEN_POD = """
apiVersion: v1
kind: Pod
metadata: {name: job, namespace: ns}
spec:
  containers:
    - name: job
      image: "tool:1.0.0"
      envFrom: [{secretRef: {name: creds}}]
      env:
        - {name: CA, valueFrom: {configMapKeyRef: {name: kube-root-ca.crt, key: ca.crt}}}
      volumeMounts: [{name: conf, mountPath: /etc/conf}]
  volumes:
    - name: conf
      projected:
        sources:
          - configMap: {name: conf, items: [{key: app.ini, path: app.ini}]}
"""


def test_hand_written_references_resolve_only_inside_the_set(tmp_path: Path):
    write(tmp_path, "pod.yaml", HAND_WRITTEN_POD)
    found = {(f.field, f.message) for f in active(check(tmp_path), "reference-unresolved")}
    assert found == {
        (
            "spec.containers[job].envFrom[0].secretRef",
            "Secret creds does not exist in namespace ns: not in this set and not declared in a declarations "
            "ConfigMap (known secrets in ns: none)",
        ),
        (
            "spec.volumes[conf].projected.sources[0].configMap",
            "ConfigMap conf does not exist in namespace ns: not in this set",
        ),
    }


def test_hand_written_references_resolved_by_objects_in_the_set(tmp_path: Path):
    write(tmp_path, "pod.yaml", HAND_WRITTEN_POD)
    write(
        tmp_path,
        "objects.yaml",
        """
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: ns}
stringData: {token: "ENC[AES256_GCM,data:eA==,iv:aXY=,tag:dGFn,type:str]"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: conf, namespace: ns}
data: {app.ini: "[main]"}
""",
    )
    assert active(check(tmp_path), "reference-unresolved") == []


def test_ingress_tls_secret_must_exist(prod_copy: Path):
    edit(
        prod_copy,
        "Ingress",
        "admin",
        lambda i: i["spec"].update({"tls": [{"hosts": ["admin.myhoneydue.com"], "secretName": "admin-tls"}]}),
    )
    finding = one(check(prod_copy), "reference-unresolved", "Ingress", "admin")
    assert finding.field == "spec.tls[0].secretName"
