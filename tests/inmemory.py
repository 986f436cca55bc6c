"""Run `main.py check` and `main.py diff` on objects held in memory: no files, so property tests stay fast."""

from __future__ import annotations

from pathlib import Path

from gitops.k8s import declared
from gitops.k8s.manifests import Resource
from gitops.review.check import engine
from gitops.review.check.context import Context
from gitops.review.diff import report
from gitops.review.diff.load import Side, key_of

HERE = Path("in-memory.yaml")


def resources(objects: list[dict]) -> list[Resource]:
    return [Resource(obj, HERE, index) for index, obj in enumerate(objects)]


def check(objects: list[dict]):
    found = resources(objects)
    return engine.check(Context("test", [HERE], found, declared.read(found)))


def check_findings(objects: list[dict], rule: str) -> list[tuple[str, str, str, str]]:
    """(kind, name, field, message) of the unwaived findings of one rule."""
    return [(f.kind, f.name, f.field, f.message) for f in check(objects).active if f.rule == rule]


def side(label: str, objects: list[dict]) -> Side:
    return Side(label, {key_of(r): r for r in resources(objects)})


def diff(before: list[dict], after: list[dict]):
    return report.build(side("before", before), side("after", after))


def diff_risks(before: list[dict], after: list[dict]) -> list[tuple[str, str, str, str]]:
    """(level, object, field, message) of every risk."""
    return [(r.severity.label, str(r.subject), r.field, r.message) for r in diff(before, after).risks]


def deployment(name: str, labels: dict, replicas: object = 1, namespace: str = "ns", **pod: object) -> dict:
    spec: dict = {
        "selector": {"matchLabels": labels},
        "template": {
            "metadata": {"labels": labels},
            "spec": {"containers": [{"name": name, "image": "registry.example/app:1.2.3"}], **pod},
        },
    }
    if replicas is not None:
        spec["replicas"] = replicas
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def budget(name: str, selector: object, namespace: str = "ns", **settings: object) -> dict:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"selector": selector, **settings},
    }
