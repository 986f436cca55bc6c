"""Reading rendered manifests back, looked up by kind and name (never by position)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gitops import yamlio


@dataclass
class Manifests:
    root: Path
    objects: list[dict] = field(default_factory=list)
    files: dict[tuple[str, str, str], Path] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Manifests:
        found = cls(root)
        for path in sorted(root.rglob("*.yaml")):
            for obj in yamlio.loads_all(path.read_text()):
                found.objects.append(obj)
                found.files[cls.key(obj)] = path
        return found

    @staticmethod
    def key(obj: dict) -> tuple[str, str, str]:
        meta = obj["metadata"]
        return obj["kind"], meta.get("namespace", ""), meta["name"]

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict:
        matches = [
            o for o in self.objects
            if o["kind"] == kind and o["metadata"]["name"] == name
            and (namespace is None or o["metadata"].get("namespace") == namespace)
        ]
        assert len(matches) == 1, f"expected one {kind} {name}, found {len(matches)}"
        return matches[0]

    def of_kind(self, kind: str) -> list[dict]:
        return [o for o in self.objects if o["kind"] == kind]

    def unit_of(self, kind: str, name: str) -> str:
        obj = self.get(kind, name)
        return self.files[self.key(obj)].relative_to(self.root).parts[0]


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def container(workload: dict, name: str | None = None) -> dict:
    containers = pod_spec(workload)["containers"]
    name = name or workload["metadata"]["name"]
    matches = [c for c in containers if c["name"] == name]
    assert len(matches) == 1, f"no container {name} in {workload['metadata']['name']}"
    return matches[0]
