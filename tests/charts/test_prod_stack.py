"""One test per fact of the production stack (deployment book, Quick Facts), read from dist/prod."""

from __future__ import annotations

import math

import pytest
from ruamel.yaml import YAML

from gitops.annotations import SETTINGS_HASH, STARTUP_SECONDS, waiver
from gitops.k8s.quantities import cpu_millis, memory_bytes
from tests.dist_copies import container, pod_spec
from tests.manifests import Manifests

WORKLOADS = ("api", "admin", "worker", "redis")
PSS_LABELS = {f"pod-security.kubernetes.io/{mode}": "restricted" for mode in ("enforce", "audit", "warn")}


def _startup_window(c: dict) -> int:
    probe = c["startupProbe"]
    return probe["periodSeconds"] * probe["failureThreshold"] + probe.get("initialDelaySeconds", 0)


def test_namespace_honeydue_enforces_restricted_pod_security(prod: Manifests):
    ns = prod.get("Namespace", "honeydue")
    labels = ns["metadata"]["labels"]
    assert {k: labels[k] for k in PSS_LABELS} == PSS_LABELS
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}-version"] == "v1.34"


def test_api_runs_three_replicas_with_all_three_probes(prod: Manifests):
    api = prod.get("Deployment", "api")
    assert api["spec"]["replicas"] == 3
    c = container(api)
    assert c["readinessProbe"]["httpGet"] == {"path": "/api/health/", "port": 8000, "scheme": "HTTP"}
    # /api/health/ checks Postgres and Redis (config: checksDependencies): liveness, and the startup probe that
    # holds it off, connect to the port, so an outage of either never restarts the API pods.
    for probe in ("livenessProbe", "startupProbe"):
        assert "httpGet" not in c[probe]
        assert c[probe]["tcpSocket"] == {"port": 8000}


def test_admin_liveness_shares_its_dependency_free_root_with_readiness_by_waiver(prod: Manifests):
    admin = prod.get("Deployment", "admin")
    c = container(admin)
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert c[probe]["httpGet"]["path"] == "/"
    assert admin["metadata"]["annotations"]["waive.gitops.myhoneydue.com/liveness-independent"] == (
        "the health path / checks the process alone (config: health.checksDependencies false), so liveness may use it"
    )


def test_redis_probes_connect_and_the_worker_has_none(prod: Manifests):
    redis = container(prod.get("Deployment", "redis"))
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert redis[probe]["tcpSocket"] == {"port": 6379}
    worker = container(prod.get("Deployment", "worker"))
    assert not {"readinessProbe", "livenessProbe", "startupProbe"} & set(worker)


def test_api_startup_window_covers_240_seconds_of_first_boot_migrations(prod: Manifests):
    assert _startup_window(container(prod.get("Deployment", "api"))) >= 240


def test_api_is_spread_across_the_three_nodes(prod: Manifests):
    api = prod.get("Deployment", "api")
    constraints = pod_spec(api)["topologySpreadConstraints"]
    assert constraints == [
        {
            "labelSelector": {"matchLabels": api["spec"]["selector"]["matchLabels"]},
            "matchLabelKeys": ["pod-template-hash"],
            "maxSkew": 1,
            "nodeTaintsPolicy": "Honor",
            "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "DoNotSchedule",
        }
    ]


def test_api_admin_and_redis_have_services_selecting_their_pods(prod: Manifests):
    for name, port in (("api", 8000), ("admin", 3000), ("redis", 6379)):
        service = prod.get("Service", name)
        deployment = prod.get("Deployment", name)
        assert service["spec"]["type"] == "ClusterIP"
        assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
        template_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= template_labels.items()
        assert [p["targetPort"] for p in service["spec"]["ports"]] == [port]
        assert port in [p["containerPort"] for p in container(deployment)["ports"]]


def test_worker_has_no_service(prod: Manifests):
    assert [s["metadata"]["name"] for s in prod.of_kind("Service")] == ["admin", "api", "redis"]


def test_admin_probes_the_root_path(prod: Manifests):
    c = container(prod.get("Deployment", "admin"))
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert c[probe]["httpGet"]["path"] == "/"
        assert c[probe]["httpGet"]["port"] == 3000


def test_admin_startup_window_is_at_least_120_seconds(prod: Manifests):
    assert _startup_window(container(prod.get("Deployment", "admin"))) >= 120


def test_worker_is_a_singleton_that_never_runs_twice(prod: Manifests):
    worker = prod.get("Deployment", "worker")
    assert worker["spec"]["replicas"] == 1
    assert worker["spec"]["strategy"] == {"type": "Recreate"}


def test_redis_is_one_replica_of_the_7_alpine_family(prod: Manifests):
    redis = prod.get("Deployment", "redis")
    assert redis["spec"]["replicas"] == 1
    assert redis["spec"]["strategy"] == {"type": "Recreate"}
    image = container(redis)["image"]
    repository, tag = image.rsplit(":", 1)
    assert repository == "docker.io/library/redis"
    assert tag.startswith("7.") and tag.endswith("-alpine")


def test_redis_keeps_data_on_a_local_path_claim(prod: Manifests):
    claim = prod.get("PersistentVolumeClaim", "redis-data")
    assert claim["spec"]["storageClassName"] == "local-path"
    assert claim["spec"]["accessModes"] == ["ReadWriteOnce"]
    redis = prod.get("Deployment", "redis")
    volumes = {v["name"]: v for v in pod_spec(redis)["volumes"]}
    assert volumes["data"]["persistentVolumeClaim"]["claimName"] == "redis-data"
    mounts = {m["name"]: m["mountPath"] for m in container(redis)["volumeMounts"]}
    assert mounts["data"] == "/data"


def test_redis_is_pinned_to_node_nbg1_2_where_its_volume_lives(prod: Manifests):
    redis = prod.get("Deployment", "redis")
    terms = pod_spec(redis)["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
        "nodeSelectorTerms"
    ]
    assert len(terms) == 1
    expressions = {e["key"]: (e["operator"], e["values"]) for e in terms[0]["matchExpressions"]}
    assert expressions["kubernetes.io/hostname"] == ("In", ["ubuntu-8gb-nbg1-2"])


def _traefik_values(prod: Manifests) -> dict:
    config = prod.get("HelmChartConfig", "traefik", namespace="kube-system")
    return YAML(typ="safe", pure=True).load(config["spec"]["valuesContent"])


def test_traefik_helmchartconfig_targets_the_bundled_chart(prod: Manifests):
    config = prod.get("HelmChartConfig", "traefik")
    assert config["apiVersion"] == "helm.cattle.io/v1"
    assert config["metadata"]["namespace"] == "kube-system"
    assert set(config["spec"]) == {"valuesContent"}


def test_traefik_runs_as_a_host_network_daemonset_serving_port_80(prod: Manifests):
    values = _traefik_values(prod)
    assert values["deployment"]["kind"] == "DaemonSet"
    assert values["hostNetwork"] is True
    assert values["ports"]["web"]["port"] == 80
    assert values["ports"]["web"]["hostPort"] == values["ports"]["web"]["port"]


def test_traefik_update_strategy_can_roll_on_host_ports(prod: Manifests):
    rolling = _traefik_values(prod)["updateStrategy"]["rollingUpdate"]
    assert rolling["maxUnavailable"] >= 1
    assert rolling["maxSurge"] == 0


def test_traefik_service_is_cluster_ip_so_servicelb_leaves_the_ports_alone(prod: Manifests):
    assert _traefik_values(prod)["service"]["type"] == "ClusterIP"


def test_traefik_may_bind_port_80_and_nothing_more(prod: Manifests):
    security = _traefik_values(prod)["securityContext"]
    assert security["capabilities"] == {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}
    assert security["allowPrivilegeEscalation"] is False


def test_traefik_values_explain_themselves(prod: Manifests):
    text = prod.get("HelmChartConfig", "traefik")["spec"]["valuesContent"]
    for key in ("kind: DaemonSet", "hostNetwork: true", "maxUnavailable: 1", "type: ClusterIP", "port: 80"):
        line = next(line for line in text.splitlines() if key in line)
        assert " # " in line, f"no reason given for '{key}'"


def test_ingress_routes_the_three_public_hosts_without_tls(prod: Manifests):
    routes = {}
    for ingress in prod.of_kind("Ingress"):
        assert ingress["apiVersion"] == "networking.k8s.io/v1"
        assert ingress["spec"]["ingressClassName"] == "traefik"
        assert "tls" not in ingress["spec"]
        for rule in ingress["spec"]["rules"]:
            (path,) = rule["http"]["paths"]
            assert (path["path"], path["pathType"]) == ("/", "Prefix")
            routes[rule["host"]] = path["backend"]["service"]["name"]
    assert routes == {
        "api.myhoneydue.com": "api",
        "admin.myhoneydue.com": "admin",
        "myhoneydue.com": "api",
    }


def test_every_workload_has_a_disruption_budget_that_allows_an_eviction(prod: Manifests):
    for name in WORKLOADS:
        deployment = prod.get("Deployment", name)
        budget = prod.get("PodDisruptionBudget", name)
        assert budget["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]
        assert "minAvailable" not in budget["spec"]
        assert budget["spec"]["maxUnavailable"] == 1
        assert budget["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow"


def test_gitea_images_are_pinned_and_pulled_with_the_registry_secret(prod: Manifests):
    for name in ("api", "admin", "worker"):
        deployment = prod.get("Deployment", name)
        image = container(deployment)["image"]
        assert image.startswith("gitea.treytartt.com/")
        assert ":" in image.rsplit("/", 1)[1] and not image.endswith(":latest")
        assert pod_spec(deployment)["imagePullSecrets"] == [{"name": "gitea-registry"}]


def test_public_images_need_no_pull_secret(prod: Manifests):
    assert "imagePullSecrets" not in pod_spec(prod.get("Deployment", "redis"))


def test_every_pod_is_scheduled_on_amd64_nodes_only(prod: Manifests):
    for name in WORKLOADS:
        terms = pod_spec(prod.get("Deployment", name))["affinity"]["nodeAffinity"][
            "requiredDuringSchedulingIgnoredDuringExecution"
        ]["nodeSelectorTerms"]
        for term in terms:
            assert {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]} in term["matchExpressions"]


def test_settings_configmap_holds_the_non_secret_settings(prod: Manifests):
    data = prod.get("ConfigMap", "honeydue-settings")["data"]
    assert data == {
        "SMTP_HOST": "smtp.fastmail.com",
        "SMTP_PORT": "587",
        "B2_REGION": "us-east-005",
        "B2_BUCKET": "honeyDueProd",
        "B2_ENDPOINT": "https://s3.us-east-005.backblazeb2.com",
        "REDIS_URL": "redis://redis.honeydue.svc.cluster.local:6379/0",
        "API_PUBLIC_URL": "https://api.myhoneydue.com",
        "ADMIN_PUBLIC_URL": "https://admin.myhoneydue.com",
    }


def test_secret_values_are_only_referenced_never_rendered(prod: Manifests):
    assert prod.of_kind("Secret") == []
    api_env = {e["name"]: e["valueFrom"] for e in container(prod.get("Deployment", "api"))["env"]}
    assert api_env["DATABASE_URL"] == {"secretKeyRef": {"name": "honeydue-database", "key": "DATABASE_URL"}}
    assert api_env["B2_APPLICATION_KEY"] == {"secretKeyRef": {"name": "honeydue-b2", "key": "B2_APPLICATION_KEY"}}
    assert api_env["SMTP_PASSWORD"] == {"secretKeyRef": {"name": "honeydue-smtp", "key": "SMTP_PASSWORD"}}
    assert all("value" not in e for e in container(prod.get("Deployment", "api"))["env"])


def test_every_container_has_requests_and_a_memory_limit(prod: Manifests):
    for name in WORKLOADS:
        resources = container(prod.get("Deployment", name))["resources"]
        assert cpu_millis(resources["requests"]["cpu"]) > 0
        assert memory_bytes(resources["requests"]["memory"]) > 0
        assert memory_bytes(resources["limits"]["memory"]) >= memory_bytes(resources["requests"]["memory"])


def test_requests_fit_on_two_cx33_nodes_when_one_is_lost(prod: Manifests):
    node_cpu, node_memory = 4000 - 500, (8192 - 1024) * 2**20  # CX33 minus the k3s/etcd reserve
    cpu = memory = 0
    for name in WORKLOADS:
        deployment = prod.get("Deployment", name)
        requests = container(deployment)["resources"]["requests"]
        cpu += cpu_millis(requests["cpu"]) * deployment["spec"]["replicas"]
        memory += memory_bytes(requests["memory"]) * deployment["spec"]["replicas"]
    traefik = _traefik_values(prod)["resources"]["requests"]
    cpu += cpu_millis(traefik["cpu"]) * 2
    memory += memory_bytes(traefik["memory"]) * 2
    assert cpu <= 2 * node_cpu
    assert memory <= 2 * node_memory


def test_every_container_meets_pod_security_restricted(prod: Manifests):
    for name in WORKLOADS:
        deployment = prod.get("Deployment", name)
        spec = pod_spec(deployment)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["hostNetwork"] is False
        for c in spec["containers"]:
            security = c["securityContext"]
            assert security["allowPrivilegeEscalation"] is False
            assert security["capabilities"] == {"drop": ["ALL"]}
            assert security["runAsNonRoot"] is True and security["runAsUser"] != 0
            assert security["seccompProfile"] == {"type": "RuntimeDefault"}
            assert security["readOnlyRootFilesystem"] is True
            assert security["privileged"] is False
        allowed = {
            "configMap",
            "downwardAPI",
            "emptyDir",
            "projected",
            "secret",
            "csi",
            "persistentVolumeClaim",
            "ephemeral",
        }
        for volume in spec.get("volumes", []):
            assert set(volume) - {"name"} <= allowed


def test_every_workload_runs_with_user_and_group_ids_above_the_hosts(prod: Manifests):
    for name in WORKLOADS:
        spec = pod_spec(prod.get("Deployment", name))
        ids = [
            spec["securityContext"][k] for k in ("runAsUser", "runAsGroup", "fsGroup") if k in spec["securityContext"]
        ]
        ids += [c["securityContext"][k] for c in spec["containers"] for k in ("runAsUser", "runAsGroup")]
        assert ids and min(ids) >= 10000, (name, ids)
    # Redis included: its data volume is group-owned by the pod's group.
    assert pod_spec(prod.get("Deployment", "redis"))["securityContext"]["fsGroup"] == 10001


def test_writable_paths_are_emptydir_mounts(prod: Manifests):
    admin = prod.get("Deployment", "admin")
    volumes = {v["name"]: v for v in pod_spec(admin)["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in container(admin)["volumeMounts"]}
    assert set(mounts) == {"/tmp", "/app/.next/cache"}
    assert {path: volumes[name]["emptyDir"] for path, name in mounts.items()} == {
        "/tmp": {"sizeLimit": "64Mi"},
        "/app/.next/cache": {"sizeLimit": "1024Mi"},
    }


@pytest.mark.parametrize(
    "name, size",
    [
        ("admin", "1148Mi"),  # /tmp 64Mi + .next/cache 1Gi + logs 60Mi
        ("api", "316Mi"),  # /tmp 256Mi (uploads) + logs 60Mi
        ("worker", "124Mi"),  # /tmp 64Mi + logs 60Mi
        ("redis", "124Mi"),  # /tmp 64Mi + logs 60Mi; its data is on the claim, not ephemeral
    ],
)
def test_ephemeral_storage_covers_the_scratch_volumes_and_the_logs(prod: Manifests, name: str, size: str):
    resources = container(prod.get("Deployment", name))["resources"]
    assert resources["requests"]["ephemeral-storage"] == size
    assert resources["limits"]["ephemeral-storage"] == size


def test_no_pod_mounts_a_service_account_token(prod: Manifests):
    for name in WORKLOADS:
        assert pod_spec(prod.get("Deployment", name))["automountServiceAccountToken"] is False


def test_pods_reading_settings_carry_a_hash_of_them(prod: Manifests):
    for name in ("api", "admin", "worker"):
        annotations = prod.get("Deployment", name)["spec"]["template"]["metadata"]["annotations"]
        assert len(annotations[SETTINGS_HASH]) == 16
    assert "annotations" not in prod.get("Deployment", "redis")["spec"]["template"]["metadata"]


def test_services_reading_different_settings_get_different_hashes(prod: Manifests):
    hashes = {
        name: prod.get("Deployment", name)["spec"]["template"]["metadata"]["annotations"][SETTINGS_HASH]
        for name in ("api", "admin", "worker")
    }
    assert len(set(hashes.values())) == 3


def test_rolling_services_surge_instead_of_dropping_capacity(prod: Manifests):
    for name in ("api", "admin"):
        strategy = prod.get("Deployment", name)["spec"]["strategy"]
        assert strategy == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}


def test_service_links_are_off_so_they_cannot_shadow_settings(prod: Manifests):
    for name in WORKLOADS:
        assert pod_spec(prod.get("Deployment", name))["enableServiceLinks"] is False


def test_units_split_infrastructure_from_apps(prod: Manifests):
    assert {
        o["kind"] + "/" + o["metadata"]["name"]
        for o in prod.objects
        if prod.unit_of(o["kind"], o["metadata"]["name"]) == "infrastructure"
    } == {
        "Namespace/honeydue",
        "ConfigMap/honeydue-declarations",
        "HelmChartConfig/traefik",
        "Middleware/honeydue-cdn-only",
        "NetworkPolicy/default-deny-ingress",
        "NetworkPolicy/api-ingress",
        "NetworkPolicy/admin-ingress",
        "NetworkPolicy/redis-ingress",
        "NetworkPolicy/default-deny-egress",
        "NetworkPolicy/api-egress",
        "NetworkPolicy/admin-egress",
        "NetworkPolicy/worker-egress",
        "NetworkPolicy/redis-egress",
        "Deployment/redis",
        "Service/redis",
        "PersistentVolumeClaim/redis-data",
        "PodDisruptionBudget/redis",
    }
    assert prod.unit_of("Deployment", "api") == "apps"
    assert prod.unit_of("Ingress", "api") == "apps"
    assert prod.unit_of("ConfigMap", "honeydue-settings") == "apps"  # with the services that read it


def test_startup_windows_follow_the_configured_budget(prod: Manifests):
    for name, budget in (("api", 240), ("admin", 120), ("redis", 60)):
        deployment = prod.get("Deployment", name)
        probe = container(deployment)["startupProbe"]
        assert probe["failureThreshold"] == math.ceil(budget / probe["periodSeconds"])
        # The budget itself travels with the Deployment, for diff to judge a shrinking window against.
        assert deployment["metadata"]["annotations"][STARTUP_SECONDS] == str(budget)
    assert STARTUP_SECONDS not in prod.get("Deployment", "worker")["metadata"]["annotations"]  # no probe to cover it


def test_data_bearing_objects_are_never_pruned(prod: Manifests):
    for kind, name in (("Namespace", "honeydue"), ("PersistentVolumeClaim", "redis-data")):
        annotations = prod.get(kind, name)["metadata"]["annotations"]
        assert annotations["kustomize.toolkit.fluxcd.io/prune"] == "disabled"
        assert "Prune=false" in annotations["argocd.argoproj.io/sync-options"].split(",")


def test_declarations_carry_expected_secrets_and_nodes_without_values(prod: Manifests):
    import json

    data = prod.get("ConfigMap", "honeydue-declarations")["data"]
    secrets = json.loads(data["secrets.json"])
    assert secrets["secrets"]["honeydue-database"] == {"type": "Opaque", "keys": ["DATABASE_URL"]}
    cluster = json.loads(data["cluster.json"])
    assert [n["name"] for n in cluster["nodes"]] == ["ubuntu-8gb-nbg1-1", "ubuntu-8gb-nbg1-2", "ubuntu-8gb-nbg1-3"]
    assert cluster["systemReserved"] == {"cpu": "500m", "memory": "1Gi"}


def test_worker_without_health_checks_carries_the_reason_as_a_waiver(prod: Manifests):
    annotations = prod.get("Deployment", "worker")["metadata"]["annotations"]
    assert annotations[waiver("probes")].startswith("the Asynq worker serves no HTTP or TCP endpoint")
    assert waiver("probes") not in prod.get("Deployment", "api")["metadata"]["annotations"]
