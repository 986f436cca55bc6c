"""Data the cluster keeps: volumes far from their pods, refused claim changes, switched claims, new owners."""

from __future__ import annotations

import json
from pathlib import Path

from tests import dist_copies
from tests.review.diff import kit as diffkit

PVC = "PersistentVolumeClaim"
DATA_DIR = "/var/lib/rancher/k3s/storage/<the directory ending in _honeydue_redis-data>"
MOVE = (
    "Keep redis on ubuntu-8gb-nbg1-2, or move the data first: back up the volume's directory on ubuntu-8gb-nbg1-2, "
    "delete claim redis-data and its volume so it is provisioned on the new node, and restore it there."
)


def test_moving_redis_pinned_node_in_config_leaves_it_pending_forever(synthesized: Path, tmp_path: Path):
    """The issue's first example: storage.node nbg1-2 -> nbg1-1 in config/prod.yaml was 'risks: 0'."""

    def move(config: Path) -> None:
        diffkit.replace_in(config / "prod.yaml", "node: ubuntu-8gb-nbg1-2", "node: ubuntu-8gb-nbg1-1")

    result = diffkit.config_edit(synthesized, tmp_path, move)
    # The rollout line does not promise an end the risk denies.
    assert [w.text for w in result.workloads] == [
        "rollout: Recreate, the 1 pod stops before its replacement starts: 0 of 1 Ready for up to 1 min 30 s "
        "(30 s to stop, 60 s to start); but its new pod can never be scheduled (see risks)"
    ]
    assert diffkit.risks(result) == [
        (
            "high",
            "Deployment honeydue/redis",
            "spec.template.spec.affinity",
            "its pods may now run only on ubuntu-8gb-nbg1-1, but claim redis-data's volume is on ubuntu-8gb-nbg1-2 "
            "(local-path keeps a volume on the node that first mounted it): the new pod stays Pending forever and "
            f"redis is down (its old pod stops first). {MOVE}",
        )
    ]


def _require_arch(arch: str):
    def change(obj: dict) -> None:
        terms = dist_copies.pod_spec(obj)["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        for expression in terms["nodeSelectorTerms"][0]["matchExpressions"]:
            if expression["key"] == "kubernetes.io/arch":
                expression["values"] = [arch]

    return change


def test_any_node_constraint_that_excludes_the_volumes_node_is_judged_the_same(synthesized: Path, tmp_path: Path):
    # Not the hostname this time: an arm64-only pod cannot run on the amd64 node that holds the data.
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "Deployment", "redis", _require_arch("arm64"))
    assert diffkit.risks_of(diffkit.compare(before, after), "Deployment", "redis") == [
        (
            "high",
            "spec.template.spec.affinity",
            "its pods may now run on no declared node, but claim redis-data's volume is on ubuntu-8gb-nbg1-2 "
            "(local-path keeps a volume on the node that first mounted it): the new pod stays Pending forever and "
            f"redis is down (its old pod stops first). {MOVE}",
        )
    ]


def test_the_volumes_node_leaving_the_inventory_is_high(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)

    def drop_node(obj: dict) -> None:
        cluster = json.loads(obj["data"]["cluster.json"])
        cluster["nodes"] = [n for n in cluster["nodes"] if n["name"] != "ubuntu-8gb-nbg1-2"]
        obj["data"]["cluster.json"] = json.dumps(cluster, indent=2)

    dist_copies.edit(after, "ConfigMap", "honeydue-declarations", drop_node)
    dist_copies.edit(after, "Deployment", "redis", lambda o: o["metadata"]["labels"].update(moved="soon"))
    assert diffkit.risks_of(diffkit.compare(before, after), "Deployment", "redis") == [
        (
            "high",
            "",
            "claim redis-data's volume is on ubuntu-8gb-nbg1-2, which leaves the declared nodes: once that node is "
            f"gone, redis's pod stays Pending forever. {MOVE}",
        )
    ]


def test_unpinning_is_low_because_the_volume_still_holds_the_pod(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)

    def unpin(obj: dict) -> None:
        terms = dist_copies.pod_spec(obj)["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        expressions = terms["nodeSelectorTerms"][0]["matchExpressions"]
        expressions[:] = [e for e in expressions if e["key"] != "kubernetes.io/hostname"]

    dist_copies.edit(after, "Deployment", "redis", unpin)
    assert diffkit.risks_of(diffkit.compare(before, after), "Deployment", "redis") == [
        (
            "low",
            "spec.template.spec.affinity",
            "its pods are no longer pinned to ubuntu-8gb-nbg1-2, where claim redis-data's volume is: the volume's own "
            "node affinity still holds them there, so nothing moves, but the placement no longer says so.",
        )
    ]


FAILS = "the infrastructure unit's sync fails, and every unit after it waits"
EMPTY = "forcing it (deleting the claim) gives redis a new, empty volume"


def test_claim_class_and_access_modes_are_refused_and_forcing_them_empties_the_volume(
    synthesized: Path, tmp_path: Path
):
    before, after = diffkit.before_after(synthesized, tmp_path)

    def change(obj: dict) -> None:
        obj["spec"]["storageClassName"] = "longhorn"
        obj["spec"]["accessModes"] = ["ReadWriteMany"]

    dist_copies.edit(after, PVC, "redis-data", change)
    why = f"of a bound claim cannot change: the API server refuses it, so {FAILS}; {EMPTY}. Revert it, or make a new "
    why += "claim, copy the data over and switch to it."
    assert diffkit.risks(diffkit.compare(before, after)) == [
        ("high", f"{PVC} honeydue/redis-data", "spec.accessModes", f"spec.accessModes {why}"),
        ("high", f"{PVC} honeydue/redis-data", "spec.storageClassName", f"spec.storageClassName {why}"),
    ]


def _size(value: str):
    return lambda obj: obj["spec"]["resources"]["requests"].update(storage=value)


def test_a_local_path_claim_can_neither_shrink_nor_grow(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, PVC, "redis-data", _size("1Gi"))
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            f"{PVC} honeydue/redis-data",
            "spec.resources.requests.storage",
            f"a claim cannot shrink (2Gi → 1Gi): the API server refuses it, so {FAILS}; {EMPTY}.",
        )
    ]
    dist_copies.edit(after, PVC, "redis-data", _size("4096Mi"))
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            f"{PVC} honeydue/redis-data",
            "spec.resources.requests.storage",
            "a claim of class local-path cannot grow (2Gi → 4Gi): the class does not allow volume expansion, the API "
            f"server refuses it, so {FAILS}; {EMPTY}.",
        )
    ]
    dist_copies.edit(after, PVC, "redis-data", _size("2048Mi"))
    assert diffkit.risks(diffkit.compare(before, after)) == []


EXPANDABLE = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: longhorn}
provisioner: driver.longhorn.io
allowVolumeExpansion: true
"""


def test_a_claim_grows_on_a_class_that_allows_expansion(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    for side in (before, after):
        dist_copies.write(side / "infrastructure", "storageclass-longhorn.yaml", EXPANDABLE)
        dist_copies.edit(side, PVC, "redis-data", lambda o: o["spec"].update(storageClassName="longhorn"))
    dist_copies.edit(after, PVC, "redis-data", _size("4Gi"))
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "low",
            f"{PVC} honeydue/redis-data",
            "spec.resources.requests.storage",
            "the volume grows (2Gi → 4Gi); its StorageClass allows expansion.",
        )
    ]


def test_pointing_a_volume_at_a_new_claim_starts_it_empty(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    fresh = dist_copies.obj(before, PVC, "redis-data")
    fresh["metadata"]["name"] = "redis-cache"
    dist_copies.write(after / "infrastructure", "persistentvolumeclaim-redis-cache.yaml", json.dumps(fresh))

    def switch(obj: dict) -> None:
        (volume,) = [v for v in dist_copies.pod_spec(obj)["volumes"] if v["name"] == "data"]
        volume["persistentVolumeClaim"]["claimName"] = "redis-cache"

    dist_copies.edit(after, "Deployment", "redis", switch)
    assert diffkit.risks_of(diffkit.compare(before, after), "Deployment", "redis") == [
        (
            "high",
            "spec.template.spec.volumes[data].persistentVolumeClaim.claimName",
            "volume data switches from claim redis-data to redis-cache: the pods start on a new, empty volume, not the "
            "data they had. Copy the data from redis-data to redis-cache before merging, or keep redis-data.",
        )
    ]


def _run_as(uid: int):
    def change(obj: dict) -> None:
        for context in (dist_copies.pod_spec(obj)["securityContext"], dist_copies.container(obj)["securityContext"]):
            context.update(runAsUser=uid, runAsGroup=uid)

    return change


def test_a_new_user_cannot_read_what_the_old_one_wrote_on_a_local_path_volume(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "Deployment", "redis", _run_as(10002))
    assert diffkit.risks_of(diffkit.compare(before, after), "Deployment", "redis") == [
        (
            "high",
            "spec.template.spec.containers[redis].securityContext",
            "container redis now runs as 10002:10002 instead of 10001:10001, but the files of volume data (claim "
            "redis-data on ubuntu-8gb-nbg1-2) belong to 10001:10001 and get no fsGroup ownership: the process can no "
            "longer read or write what it wrote before. Before merging, on ubuntu-8gb-nbg1-2: sudo chown -R "
            f"10002:10002 {DATA_DIR}.",
        )
    ]


def test_a_user_change_without_a_persistent_volume_is_no_state_risk(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "Deployment", "api", _run_as(10002))
    assert diffkit.risks_of(diffkit.compare(before, after), "Deployment", "api") == []
