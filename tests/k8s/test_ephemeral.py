"""gitops/k8s/ephemeral.py: what the kubelet counts against a pod's ephemeral-storage, read from any pod spec."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from charts.workload import ephemeral_storage
from gitops.config.model import Service
from gitops.k8s import ephemeral
from gitops.k8s.quantities import memory_bytes
from gitops.k8s.workloads import pod_template
from tests import inmemory

MI = 2**20


def _pod(**spec: object):
    template = pod_template(inmemory.resources([inmemory.deployment("app", {"app": "app"}, **spec)])[0])
    assert template is not None
    return template


def _limited(name: str, limit: str, **fields: object) -> dict:
    return {
        "name": name,
        "image": "registry.example/app:1.2.3",
        "resources": {"limits": {"ephemeral-storage": limit}},
        **fields,
    }


def test_the_log_allowance_is_the_kubelets_rotation_and_one_file_more():
    assert ephemeral.LOG_ALLOWANCE == 60 * MI  # (containerLogMaxFiles 5 + 1) x containerLogMaxSize 10Mi


def test_the_pod_limit_adds_running_containers_and_takes_the_largest_init_container():
    pod = _pod(
        containers=[_limited("app", "100Mi"), _limited("sidecar-ish", "50Mi")],
        initContainers=[_limited("migrate", "120Mi"), _limited("log-shipper", "30Mi", restartPolicy="Always")],
    )
    # app 100Mi + sidecar-ish 50Mi + the restartable init container 30Mi, against migrate's 120Mi alone.
    assert ephemeral.pod_limit(pod) == 180 * MI
    bigger_init = _pod(containers=[_limited("app", "100Mi")], initContainers=[_limited("migrate", "1Gi")])
    assert ephemeral.pod_limit(bigger_init) == 1024 * MI


def test_no_limit_anywhere_is_no_pod_limit():
    assert ephemeral.pod_limit(_pod()) is None


def test_only_disk_backed_emptydirs_are_scratch():
    pod = _pod(
        volumes=[
            {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}},
            {"name": "shm", "emptyDir": {"medium": "Memory"}},
            {"name": "cache", "emptyDir": {}},
            {"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
        ]
    )
    assert [(s.name, s.size_limit) for s in ephemeral.scratch_volumes(pod)] == [("tmp", 64 * MI), ("cache", None)]
    # Every sizeLimit, and the one container's logs.
    assert ephemeral.pod_needs(pod) == 64 * MI + 60 * MI


@given(sizes=st.lists(st.integers(1, 4096), max_size=3))
def test_the_generators_limit_is_exactly_what_check_requires(sizes):
    """charts/ derives the limit from config's sizes; check, reading the rendered pod, accepts it and nothing less."""
    paths = [f"/scratch/{i}" for i in range(len(sizes))]
    service = Service.model_validate(
        {
            "component": "backend",
            "image": "registry.example/owner/app",
            "health": {"kind": "none", "reason": "a test"},
            "resources": {"cpu": "10m", "memory": "16Mi", "memoryLimit": "16Mi"},
            "writablePaths": paths,
            "scratch": {"paths": {path: f"{size}Mi" for path, size in zip(paths, sizes, strict=True)}},
        }
    )
    limit = memory_bytes(ephemeral_storage(service))
    assert limit == (sum(sizes) + 60) * MI

    def rendered(amount: int) -> dict:
        quantity = f"{amount // MI}Mi"
        workload = inmemory.deployment(
            "app",
            {"app": "app"},
            volumes=[{"name": f"v{i}", "emptyDir": {"sizeLimit": f"{size}Mi"}} for i, size in enumerate(sizes)],
        )
        workload["spec"]["template"]["spec"]["containers"][0]["resources"] = {
            "requests": {"ephemeral-storage": quantity},
            "limits": {"ephemeral-storage": quantity},
        }
        return workload

    assert inmemory.check_findings([rendered(limit)], "ephemeral-storage") == []
    assert len(inmemory.check_findings([rendered(limit - MI)], "ephemeral-storage")) == 1
