"""Every environment with both engines: valid, and exactly what each synced path applies.

For each (environment, engine) the whole output is synthesized into a
temporary directory, validated with kubeconform, and every path Flux or
Argo CD syncs is built with the real kustomize; the objects each unit yields
must be exactly the objects dist/ holds for it: none missing, none extra,
none applied by two units.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops.config import environment_names, load
from gitops.k8s import manifests
from gitops.layout import CLUSTERS
from gitops.render import secrets
from gitops.render.synth import synth
from gitops.review import kubeconform
from tests import kustomize
from tests.conftest import CONFIG

ENGINES = ("flux", "argocd")
CASES = [(env, engine) for env in environment_names(CONFIG) for engine in ENGINES]


def _with_engine(name: str, engine: str):
    loaded = load(name, CONFIG)
    config = loaded.config
    delivery = config.delivery.model_copy(update={"engine": engine})
    return type(loaded)(name=loaded.name, source=loaded.source, config=config.model_copy(update={"delivery": delivery}))


@pytest.fixture(scope="module", params=CASES, ids=[f"{env}-{engine}" for env, engine in CASES])
def rendered(request, tmp_path_factory) -> tuple[str, str, Path]:
    env, engine = request.param
    root = tmp_path_factory.mktemp(f"{env}-{engine}")
    synth(CONFIG, root / "dist", write_schema=False, environments=[_with_engine(env, engine)])
    return env, engine, root


def _canonical(resource: manifests.Resource) -> str:
    return json.dumps(resource.obj, sort_keys=True)


def test_output_validates_with_kubeconform(rendered):
    env, _, root = rendered
    version = load(env, CONFIG).config.cluster.kubernetes_patch_version
    result = kubeconform.validate([root / "dist" / env, root / "dist" / CLUSTERS / env], version)
    assert result.ok, result.output


def test_engine_objects_match_the_engine(rendered):
    env, engine, root = rendered
    kinds = sorted({r.kind for r in manifests.load([root / "dist" / CLUSTERS / env])})
    expected = {"flux": ["GitRepository", "Kustomization"], "argocd": ["AppProject", "Application"]}[engine]
    assert kinds == expected


def test_every_synced_path_builds_to_exactly_its_unit(rendered):
    env, _, root = rendered
    engine_objects = manifests.load([root / "dist" / CLUSTERS / env])
    paths = kustomize.synced_paths(engine_objects)
    assert sorted(paths.values()) == sorted(
        [f"dist/{env}/infrastructure", f"dist/{env}/apps", f"dist/{CLUSTERS}/{env}"]
    )
    applied: dict[tuple, str] = {}
    for unit, path in paths.items():
        directory = root / path
        built = kustomize.build(directory)
        on_disk = manifests.load([directory])
        assert sorted(map(_canonical, built)) == sorted(map(_canonical, on_disk)), f"{unit} differs from {path}"
        for resource in built:
            assert resource.key not in applied, f"{resource} applied by {applied.get(resource.key)} and {unit}"
            applied[resource.key] = unit
    everything = manifests.load([root / "dist" / env, root / "dist" / CLUSTERS / env])
    assert sorted(r.key for r in everything) == sorted(applied)


def test_data_is_protected_from_pruning(rendered):
    env, _, root = rendered
    for resource in manifests.load([root / "dist" / env]):
        if resource.kind in ("PersistentVolumeClaim", "Namespace"):
            assert resource.annotations["kustomize.toolkit.fluxcd.io/prune"] == "disabled", resource
            assert "Prune=false" in resource.annotations["argocd.argoproj.io/sync-options"].split(","), resource


def test_no_plaintext_secret_values(rendered):
    _, _, root = rendered
    assert secrets.scan_for_plaintext(root / "dist") == []
