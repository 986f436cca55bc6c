"""Fields the API server refuses to update: selectors, StatefulSet templates, clusterIP, Job templates."""

from __future__ import annotations

from pathlib import Path

from tests import dist_copies
from tests.review.diff import kit as diffkit

PVC = "PersistentVolumeClaim"
STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: honeydue}
spec:
  replicas: 1
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres:17}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: %s}}}
"""
JOB = """\
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: honeydue}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: "migrate:%s"}]
"""


def test_a_changed_deployment_selector_is_high(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "Deployment", "api", lambda o: o["spec"]["selector"]["matchLabels"].update(tier="web"))
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            "Deployment honeydue/api",
            "spec.selector",
            "spec.selector is immutable: the apply is rejected until the object is deleted and recreated, which "
            "restarts all its pods.",
        )
    ]


def test_statefulset_volume_claim_templates_cannot_change(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(STATEFULSET % "1Gi")
    (tmp_path / "b.yaml").write_text(STATEFULSET % "2Gi")
    assert diffkit.risks(diffkit.compare(tmp_path / "a.yaml", tmp_path / "b.yaml")) == [
        (
            "high",
            "StatefulSet honeydue/db",
            "spec.volumeClaimTemplates",
            "a StatefulSet's spec.volumeClaimTemplates cannot be updated: "
            "the apply is rejected until the StatefulSet is deleted and recreated "
            "(existing claims keep the old template).",
        )
    ]


def test_service_cluster_ip_and_headless_transitions_need_recreation(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(before, "Service", "redis", lambda o: o["spec"].update(clusterIP="10.43.0.10"))
    dist_copies.edit(after, "Service", "redis", lambda o: o["spec"].update(clusterIP="10.43.0.11"))
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            "Service honeydue/redis",
            "spec.clusterIP",
            "clusterIP is immutable (10.43.0.10 → 10.43.0.11): the apply is rejected until the Service is deleted and "
            "recreated.",
        )
    ]
    dist_copies.edit(after, "Service", "redis", lambda o: o["spec"].update(clusterIP="None"))
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            "Service honeydue/redis",
            "spec.clusterIP",
            "switching between headless (clusterIP None) and a virtual IP needs the Service deleted and recreated: an "
            "apply alone is rejected or leaves it as it was.",
        )
    ]


def test_a_headless_service_cannot_become_a_node_port(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(before, "Service", "redis", lambda o: o["spec"].update(clusterIP="None"))
    dist_copies.edit(after, "Service", "redis", lambda o: o["spec"].update(clusterIP="None", type="NodePort"))
    assert diffkit.risks_of(diffkit.compare(before, after), "Service", "redis") == [
        (
            "high",
            "spec.type",
            "a headless Service cannot become NodePort in place: it needs a virtual IP, so it must "
            "be deleted and recreated.",
        ),
        (
            "medium",
            "spec.type",
            "type changes from ClusterIP to NodePort: it becomes reachable on a port of every node's address.",
        ),
    ]


def test_a_job_template_is_immutable(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(JOB % "1")
    (tmp_path / "b.yaml").write_text(JOB % "2")
    assert diffkit.risks(diffkit.compare(tmp_path / "a.yaml", tmp_path / "b.yaml")) == [
        (
            "high",
            "Job honeydue/migrate",
            "spec.template",
            "a Job's spec.template is immutable: the apply is rejected; delete the Job (or give it a new name) to run "
            "the new version.",
        )
    ]
