"""Integrity rules of `main.py check`: every cross-object mistake is caught on a copy of real output."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops.review.check.findings import Severity
from tests.check_support import active, check, container, copy_env, edit, one, write


@pytest.fixture
def prod_copy(synthesized: Path, tmp_path: Path) -> Path:
    return copy_env(synthesized, tmp_path)


# --- Services ------------------------------------------------------------------------------------

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
    write(tmp_path, "app.yaml", """
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
""")
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
    assert finding.message == "targetPort web is no container port name of Deployment honeydue/admin (its ports: http=3000)"


def test_service_target_port_by_name_resolves(prod_copy: Path):
    edit(prod_copy, "Service", "admin", lambda s: s["spec"]["ports"][0].update({"targetPort": "http"}))
    assert active(check(prod_copy), "service-target-port") == []


# --- Ingress -------------------------------------------------------------------------------------

def test_ingress_backend_names_a_missing_service(prod_copy: Path):
    edit(prod_copy, "Ingress", "admin",
         lambda i: i["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"].update({"name": "admn"}))
    finding = one(check(prod_copy), "ingress-backend", "Ingress", "admin")
    assert finding.field == "spec.rules[0].http.paths[0].backend.service.name"
    assert finding.message == "Service admn does not exist in namespace honeydue (Services there: admin, api, redis)"


def test_ingress_backend_port_number_not_on_the_service(prod_copy: Path):
    edit(prod_copy, "Ingress", "admin",
         lambda i: i["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"].update({"port": {"number": 80}}))
    finding = one(check(prod_copy), "ingress-backend", "Ingress", "admin")
    assert finding.field == "spec.rules[0].http.paths[0].backend.service.port.number"
    assert finding.message == "Service admin has no port 80 (its ports: 3000)"


def test_ingress_backend_port_by_name(prod_copy: Path):
    def port(name: str):
        return lambda i: i["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"].update({"port": {"name": name}})

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
    assert admin.message == "host myhoneydue.com path / is also routed by Ingress honeydue/api spec.rules[1].http.paths[0]"
    assert api.message == "host myhoneydue.com path / is also routed by Ingress honeydue/admin spec.rules[0].http.paths[0]"


def test_same_host_on_another_path_is_no_duplicate(prod_copy: Path):
    def move(ingress: dict) -> None:
        ingress["spec"]["rules"][0]["host"] = "myhoneydue.com"
        ingress["spec"]["rules"][0]["http"]["paths"][0]["path"] = "/admin"

    edit(prod_copy, "Ingress", "admin", move)
    assert active(check(prod_copy), "ingress-duplicate-route") == []


# --- Disruption budgets --------------------------------------------------------------------------

def test_pdb_selecting_no_workload(prod_copy: Path):
    edit(prod_copy, "PodDisruptionBudget", "api",
         lambda p: p["spec"]["selector"]["matchLabels"].update({"app.kubernetes.io/name": "apx"}))
    finding = one(check(prod_copy), "pdb-selector", "PodDisruptionBudget", "api")
    assert finding.message == (
        "selector app.kubernetes.io/instance=honeydue-prod, app.kubernetes.io/name=apx selects the pods of no workload "
        "in namespace honeydue (workloads there: Deployment honeydue/admin, Deployment honeydue/api, "
        "Deployment honeydue/redis, Deployment honeydue/worker)"
    )


def test_pdb_selector_with_match_expressions(prod_copy: Path):
    def expressions(pdb: dict) -> None:
        pdb["spec"]["selector"] = {"matchExpressions": [
            {"key": "app.kubernetes.io/name", "operator": "In", "values": ["api"]},
            {"key": "app.kubernetes.io/instance", "operator": "Exists"},
        ]}

    edit(prod_copy, "PodDisruptionBudget", "api", expressions)
    outcome = check(prod_copy)
    assert active(outcome, "pdb-selector") == []
    assert active(outcome, "pdb-overlap") == []


def _budget(**spec):
    def change(pdb: dict) -> None:
        pdb["spec"].pop("maxUnavailable", None)
        pdb["spec"].update(spec)
    return change


def test_the_worker_budget_min_available_1_blocks_drains(prod_copy: Path):
    edit(prod_copy, "PodDisruptionBudget", "worker", _budget(minAvailable=1))
    finding = one(check(prod_copy), "pdb-blocks-drain", "PodDisruptionBudget", "worker")
    assert finding.field == "spec.minAvailable"
    assert finding.message == (
        "minAvailable 1 allows 0 voluntary evictions at 1 expected pod(s) (Deployment honeydue/worker: 1 replica(s)): "
        "a node drain would wait forever"
    )


@pytest.mark.parametrize("spec, blocks", [
    ({"maxUnavailable": 0}, True),
    ({"minAvailable": 3}, True),
    ({"minAvailable": "100%"}, True),
    ({"minAvailable": "67%"}, True),  # ceil(2.01) = 3 of 3
    ({"minAvailable": "66%"}, False),  # ceil(1.98) = 2 of 3
    ({"minAvailable": 2}, False),
    ({"maxUnavailable": "10%"}, False),  # rounds up to 1
    ({"maxUnavailable": 1}, False),
])
def test_budget_arithmetic_at_three_replicas(prod_copy: Path, spec: dict, blocks: bool):
    edit(prod_copy, "PodDisruptionBudget", "api", _budget(**spec))
    found = [f for f in active(check(prod_copy), "pdb-blocks-drain") if f.name == "api"]
    assert bool(found) is blocks


def test_budget_value_that_is_not_a_number(prod_copy: Path):
    edit(prod_copy, "PodDisruptionBudget", "api", _budget(minAvailable="half"))
    finding = one(check(prod_copy), "pdb-blocks-drain", "PodDisruptionBudget", "api")
    assert finding.message == "minAvailable 'half' is neither a number nor a percentage"


def test_two_budgets_over_one_workload(prod_copy: Path):
    write(prod_copy / "apps", "extra-pdb.yaml", """
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api-extra, namespace: honeydue}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app.kubernetes.io/name: api}}
""")
    outcome = check(prod_copy)
    extra = one(outcome, "pdb-overlap", "PodDisruptionBudget", "api-extra")
    assert extra.message == "the pods of Deployment honeydue/api are also selected by PodDisruptionBudget honeydue/api"
    assert one(outcome, "pdb-overlap", "PodDisruptionBudget", "api").message == (
        "the pods of Deployment honeydue/api are also selected by PodDisruptionBudget honeydue/api-extra"
    )


# --- References ----------------------------------------------------------------------------------

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
    edit(prod_copy, "Deployment", "admin",
         lambda d: d["spec"]["template"]["spec"]["imagePullSecrets"][0].update({"name": "gitea"}))
    edit(prod_copy, "Deployment", "redis",
         lambda d: d["spec"]["template"]["spec"]["volumes"][1]["persistentVolumeClaim"].update({"claimName": "redis"}))
    edit(prod_copy, "Deployment", "worker",
         lambda d: container(d, "worker")["volumeMounts"][0].update({"name": "scratch"}))
    outcome = check(prod_copy)
    admin = one(outcome, "reference-unresolved", "Deployment", "admin")
    assert admin.field == "spec.template.spec.imagePullSecrets[0]"
    assert admin.message.startswith("Secret gitea does not exist in namespace honeydue: not in this set")
    redis = [f for f in active(outcome, "reference-unresolved") if f.name == "redis"]
    assert [(f.field, f.message) for f in redis] == [(
        "spec.template.spec.volumes[data].persistentVolumeClaim.claimName",
        "PersistentVolumeClaim redis does not exist in namespace honeydue in this set: the pod stays Pending",
    )]
    worker = one(outcome, "reference-unresolved", "Deployment", "worker")
    assert worker.field == "spec.template.spec.containers[worker].volumeMounts[scratch]"
    assert worker.message == "mounts volume scratch, which the pod does not define (volumes: tmp)"


def test_pull_secret_of_the_wrong_type(prod_copy: Path):
    write(prod_copy / "apps", "secret.yaml", """
apiVersion: v1
kind: Secret
metadata: {name: gitea-registry, namespace: honeydue}
type: Opaque
data: {token: "ENC[AES256_GCM,data:abc=,iv:aXY=,tag:dGFn,type:str]"}
""")
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
        ("spec.containers[job].envFrom[0].secretRef",
         "Secret creds does not exist in namespace ns: not in this set and not declared in a declarations "
         "ConfigMap (known secrets in ns: none)"),
        ("spec.volumes[conf].projected.sources[0].configMap", "ConfigMap conf does not exist in namespace ns: not in this set"),
    }


def test_hand_written_references_resolved_by_objects_in_the_set(tmp_path: Path):
    write(tmp_path, "pod.yaml", HAND_WRITTEN_POD)
    write(tmp_path, "objects.yaml", """
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: ns}
stringData: {token: "ENC[AES256_GCM,data:eA==,iv:aXY=,tag:dGFn,type:str]"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: conf, namespace: ns}
data: {app.ini: "[main]"}
""")
    assert active(check(tmp_path), "reference-unresolved") == []


def test_ingress_tls_secret_must_exist(prod_copy: Path):
    edit(prod_copy, "Ingress", "admin",
         lambda i: i["spec"].update({"tls": [{"hosts": ["admin.myhoneydue.com"], "secretName": "admin-tls"}]}))
    finding = one(check(prod_copy), "reference-unresolved", "Ingress", "admin")
    assert finding.field == "spec.tls[0].secretName"


# --- Node-local volumes --------------------------------------------------------------------------

def _redis_hostnames(values: list[str] | None):
    def change(deployment: dict) -> None:
        term = deployment["spec"]["template"]["spec"]["affinity"]["nodeAffinity"][
            "requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0]
        expressions = [e for e in term["matchExpressions"] if e["key"] != "kubernetes.io/hostname"]
        if values is not None:
            expressions.append({"key": "kubernetes.io/hostname", "operator": "In", "values": values})
        term["matchExpressions"] = expressions
    return change


def test_local_volume_user_not_pinned(prod_copy: Path):
    edit(prod_copy, "Deployment", "redis", _redis_hostnames(None))
    finding = one(check(prod_copy), "local-volume-pinning", "Deployment", "redis")
    assert finding.field == "spec.template.spec.affinity.nodeAffinity"
    assert finding.message == "uses node-local volume redis-data (storageClassName local-path) but may be scheduled on any node"


def test_local_volume_user_pinned_to_two_nodes(prod_copy: Path):
    edit(prod_copy, "Deployment", "redis", _redis_hostnames(["ubuntu-8gb-nbg1-1", "ubuntu-8gb-nbg1-2"]))
    finding = one(check(prod_copy), "local-volume-pinning", "Deployment", "redis")
    assert finding.message == (
        "uses node-local volume redis-data (storageClassName local-path) but may be scheduled on "
        "ubuntu-8gb-nbg1-1, ubuntu-8gb-nbg1-2"
    )


def test_local_volume_user_pinned_to_a_node_not_in_the_inventory(prod_copy: Path):
    edit(prod_copy, "Deployment", "redis", _redis_hostnames(["ubuntu-8gb-nbg1-9"]))
    finding = one(check(prod_copy), "local-volume-pinning", "Deployment", "redis")
    assert finding.message == (
        "uses node-local volume redis-data (storageClassName local-path) and is pinned to node ubuntu-8gb-nbg1-9, "
        "which is not in the declared node inventory (ubuntu-8gb-nbg1-1, ubuntu-8gb-nbg1-2, ubuntu-8gb-nbg1-3): "
        "the pod would stay Pending"
    )


def test_node_selector_pins_as_well_as_affinity(prod_copy: Path):
    def selector(deployment: dict) -> None:
        _redis_hostnames(None)(deployment)
        deployment["spec"]["template"]["spec"]["nodeSelector"] = {"kubernetes.io/hostname": "ubuntu-8gb-nbg1-2"}

    edit(prod_copy, "Deployment", "redis", selector)
    assert active(check(prod_copy), "local-volume-pinning") == []


def test_local_volume_claim_without_prune_protection(prod_copy: Path):
    edit(prod_copy, "PersistentVolumeClaim", "redis-data", lambda c: c["metadata"].pop("annotations"))
    finding = one(check(prod_copy), "local-volume-prune", "PersistentVolumeClaim", "redis-data")
    assert finding.field == "metadata.annotations"
    assert finding.message == (
        "node-local volume (storageClassName local-path, reclaimPolicy Delete) is not protected from pruning: "
        "a prune deletes the claim and the data on the node"
    )


@pytest.mark.parametrize("metadata", [
    {"annotations": {"argocd.argoproj.io/sync-options": "Delete=false, Prune=false"}},
    {"labels": {"kustomize.toolkit.fluxcd.io/prune": "disabled"}},
])
def test_either_engine_protection_is_enough(prod_copy: Path, metadata: dict):
    def protect(claim: dict) -> None:
        claim["metadata"].pop("annotations")
        for key, value in metadata.items():
            claim["metadata"].setdefault(key, {}).update(value)

    edit(prod_copy, "PersistentVolumeClaim", "redis-data", protect)
    assert active(check(prod_copy), "local-volume-prune") == []


# --- Host ports ----------------------------------------------------------------------------------

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
    assert traefik.field == "spec.valuesContent (ports.web.port)"
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
    edit(prod_copy, "Service", "admin", lambda s: s["spec"].update({"type": "LoadBalancer", "ports": [
        {"name": "http", "port": 80, "targetPort": 3000}]}))
    finding = one(check(prod_copy), "host-port-conflict", "Service", "admin")
    assert finding.message == (
        "port 80/TCP (k3s ServiceLB (type LoadBalancer), every node) is also claimed by "
        "HelmChartConfig kube-system/traefik (host network, every node)"
    )


def test_an_object_defined_twice(prod_copy: Path):
    original = prod_copy / "apps" / "service-api.yaml"
    copy = prod_copy / "apps" / "service-api-copy.yaml"
    copy.write_text(original.read_text())
    found = sorted((str(f.file), f.message) for f in active(check(prod_copy), "duplicate-object"))
    assert found == [
        (str(copy), f"is also defined in {original} (document 1)"),
        (str(original), f"is also defined in {copy} (document 1)"),
    ]


def test_same_name_in_another_namespace_or_kind_is_no_duplicate(tmp_path: Path):
    write(tmp_path, "a.yaml", """
apiVersion: v1
kind: ConfigMap
metadata: {name: x, namespace: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: x, namespace: b}
---
apiVersion: v1
kind: Secret
metadata: {name: x, namespace: a}
""")
    assert active(check(tmp_path), "duplicate-object") == []
