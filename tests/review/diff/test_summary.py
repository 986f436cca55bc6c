"""The per-workload summary: image, replica, probe and resource changes in one line each."""

from __future__ import annotations

from pathlib import Path

from gitops.review.diff.summary import image_change, split_image
from tests import dist_copies
from tests.review.diff import kit as diffkit

AGENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: agent, namespace: honeydue}
spec:
  replicas: 1
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: "registry.example:5000/ops/agent:2.1"}]
"""


def _summary(result) -> dict[str, list[str]]:
    return {str(w.key): [item.text for item in w.items] for w in result.workloads}


def test_image_references_split_tag_from_registry_port_and_digest():
    assert split_image("registry.example:5000/ops/agent:2.1") == ("registry.example:5000/ops/agent", "2.1")
    assert split_image("registry.example:5000/ops/agent") == ("registry.example:5000/ops/agent", "(no tag)")
    assert split_image("redis:7@sha256:ab12") == ("redis", "7@sha256:ab12")
    assert split_image("redis:7@sha256:" + "ab" * 32) == ("redis", "7@sha256:abababababab…")


def test_a_digest_change_is_an_image_change():
    old, new = "a.io/x/api:1@sha256:" + "a" * 64, "a.io/x/api:1@sha256:" + "b" * 64
    assert image_change(old, new) == "image api 1@sha256:aaaaaaaaaaaa… → 1@sha256:bbbbbbbbbbbb…"
    assert image_change("a.io/x/api:1", old) == "image api 1 → 1@sha256:aaaaaaaaaaaa…"
    # Digests that agree on the shown part are shown whole.
    assert image_change(old, old[:-1] + "c") == f"image api 1@sha256:{'a' * 64} → 1@sha256:{'a' * 63}c"
    assert image_change("a/api:1", "a/api:2") == "image api 1 → 2"
    assert image_change("a/api:1", "b/api:1") == "image a/api:1 → b/api:1"


def test_the_realistic_change_summarizes_image_and_replicas(synthesized: Path, tmp_path: Path):
    before, after, old_tag = diffkit.realistic_change(synthesized, tmp_path)
    assert _summary(diffkit.compare(before, after)) == {
        "Deployment honeydue/api": [f"image honeydue-api {old_tag} → {diffkit.NEW_API_TAG}", diffkit.API_ROLLOUT],
        "Deployment honeydue/worker": ["replicas 1 → 2"],
    }


def test_probe_and_resource_changes_are_listed_per_field(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)

    def tune(obj: dict) -> None:
        api = dist_copies.container(obj, "api")
        api["startupProbe"]["failureThreshold"] = 60
        del api["livenessProbe"]
        scratch = api["resources"]["requests"]["ephemeral-storage"]
        api["resources"] = {"requests": {"cpu": "300m", "memory": "512Mi", "ephemeral-storage": scratch}}

    dist_copies.edit(
        before,
        "Deployment",
        "api",
        lambda o: dist_copies.container(o, "api")["resources"].update(limits={"memory": "1Gi"}),
    )
    dist_copies.edit(after, "Deployment", "api", tune)
    old = dist_copies.container(dist_copies.obj(before, "Deployment", "api"), "api")
    assert _summary(diffkit.compare(before, after)) == {
        "Deployment honeydue/api": [
            f"startupProbe.failureThreshold {old['startupProbe']['failureThreshold']} → 60",
            "livenessProbe removed",
            "limits.memory 1Gi → (none)",
            f"requests.cpu {old['resources']['requests']['cpu']} → 300m",
            "rollout: 3 pods, 1 at a time (3 waves), at least 3 of 3 Ready; worst case 15 min (3 × 300 s)",
        ]
    }


def test_added_and_removed_workloads_and_containers(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.write(after, "agent.yaml", AGENT)
    dist_copies.remove(after, "Deployment", "admin")

    def sidecar(obj: dict) -> None:
        dist_copies.pod_spec(obj)["containers"].append(
            {"name": "exporter", "image": "oliver006/redis_exporter:v1.62.0"}
        )

    dist_copies.edit(after, "Deployment", "redis", sidecar)
    assert _summary(diffkit.compare(before, after)) == {
        "Deployment honeydue/admin": ["removed"],
        "Deployment honeydue/agent": ["added: 1 replica(s), image agent:2.1"],
        "Deployment honeydue/redis": [
            "container exporter: added, image redis_exporter:v1.62.0",
            "rollout: Recreate, the 1 pod stops before its replacement starts: 0 of 1 Ready until it runs "
            "(30 s to stop, no probe bounds its start)",
        ],
    }


def _touch_template(obj: dict) -> None:
    obj["spec"]["template"]["metadata"].setdefault("annotations", {})["restartedAt"] = "now"


def _retune_traefik(obj: dict) -> None:
    obj["spec"]["valuesContent"] += "logs:\n  general:\n    level: INFO\n"


def test_each_workload_says_what_its_rollout_does(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    for name in ("api", "admin", "worker", "redis"):
        dist_copies.edit(after, "Deployment", name, _touch_template)
    dist_copies.edit(after, "HelmChartConfig", "traefik", _retune_traefik)
    assert _summary(diffkit.compare(before, after)) == {
        "Deployment honeydue/admin": [
            "rollout: 2 pods, 1 at a time (2 waves), at least 2 of 2 Ready; worst case 4 min (2 × 120 s)"
        ],
        "Deployment honeydue/api": [diffkit.API_ROLLOUT],
        "Deployment honeydue/redis": [
            "rollout: Recreate, the 1 pod stops before its replacement starts: 0 of 1 Ready for up to 1 min 30 s "
            "(30 s to stop, 60 s to start)"
        ],
        "Deployment honeydue/worker": [
            "rollout: Recreate, the 1 pod stops before its replacement starts: 0 of 1 Ready until it runs "
            "(30 s to stop, no probe bounds its start)"
        ],
        "HelmChartConfig kube-system/traefik": [
            "rollout on every node: 3 pods, 1 node at a time (3 waves), at least 2 of 3 Ready, each old pod stops "
            "before its replacement starts; worst case 4 min 36 s (3 × 92 s: 60 s to stop, 32 s to start)"
        ],
    }


def test_on_the_one_node_staging_cluster_traefik_is_down_while_it_rolls(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path, "staging")
    dist_copies.edit(after, "HelmChartConfig", "traefik", _retune_traefik)
    assert _summary(diffkit.compare(before, after))["HelmChartConfig kube-system/traefik"] == [
        "rollout on every node: 1 pod, 1 node at a time (1 wave), at least 0 of 1 Ready, each old pod stops "
        "before its replacement starts; worst case 1 min 32 s (1 × 92 s: 60 s to stop, 32 s to start)"
    ]


def test_scaling_alone_rolls_nothing(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "Deployment", "api", lambda o: o["spec"].update(replicas=4))
    assert _summary(diffkit.compare(before, after)) == {"Deployment honeydue/api": ["replicas 3 → 4"]}
