"""Test helpers over gitops.k8s.manifests: objects looked up by kind and name, never by position."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gitops.k8s import manifests
from gitops.k8s.manifests import Resource


@dataclass
class Manifests:
    root: Path
    resources: list[Resource]

    @classmethod
    def load(cls, root: Path) -> Manifests:
        return cls(root, manifests.load([root]))

    @property
    def objects(self) -> list[dict]:
        return [r.obj for r in self.resources]

    def resource(self, kind: str, name: str, namespace: str | None = None) -> Resource:
        matches = [
            r
            for r in self.resources
            if r.kind == kind and r.name == name and (namespace is None or r.namespace == namespace)
        ]
        assert len(matches) == 1, f"expected one {kind} {name}, found {len(matches)}"
        return matches[0]

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict:
        return self.resource(kind, name, namespace).obj

    def of_kind(self, kind: str) -> list[dict]:
        return [r.obj for r in self.resources if r.kind == kind]

    def unit_of(self, kind: str, name: str) -> str:
        return self.resource(kind, name).path.relative_to(self.root).parts[0]
