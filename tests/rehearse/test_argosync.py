"""The Argo CD stand-in's order and pruning, as gitops-engine's sync_tasks.go and sync_context.go have them."""

from __future__ import annotations

from gitops.annotations import ARGO_SYNC_OPTIONS
from gitops.rehearse import argosync


def _obj(
    kind: str, name: str, namespace: str = "app", wave: int | None = None, options: str = "", api: str = "v1"
) -> dict:
    annotations = {}
    if wave is not None:
        annotations[argosync.WAVE] = str(wave)
    if options:
        annotations[ARGO_SYNC_OPTIONS] = options
    meta = {"name": name, "annotations": annotations}
    if kind != "Namespace":
        meta["namespace"] = namespace
    return {"apiVersion": api, "kind": kind, "metadata": meta}


def _app(prune: bool = True, options: tuple[str, ...] = ()) -> dict:
    return {
        "kind": "Application",
        "metadata": {"name": "apps"},
        "spec": {"syncPolicy": {"automated": {"prune": prune}, "syncOptions": list(options)}},
    }


def _names(plan: argosync.Plan) -> list[tuple[int, list[str], list[str]]]:
    return [
        (wave, [t.obj["metadata"]["name"] for t in prunes], [t.obj["metadata"]["name"] for t in applies])
        for wave, prunes, applies in plan.waves
    ]


def test_one_wave_goes_in_kind_order_then_by_name():
    target = [
        _obj("Ingress", "web"),
        _obj("Deployment", "web"),
        _obj("Service", "web"),
        _obj("PersistentVolumeClaim", "data"),
        _obj("ConfigMap", "settings"),
        _obj("Secret", "db"),
        _obj("PodDisruptionBudget", "web"),
        _obj("NetworkPolicy", "deny"),
        _obj("Namespace", "app"),
        _obj("HelmChartConfig", "traefik", api="helm.cattle.io/v1"),
        _obj("Deployment", "api"),
    ]
    assert _names(argosync.plan(_app(), target, [])) == [
        (0, [], ["app", "deny", "web", "db", "settings", "data", "web", "api", "web", "web", "traefik"])
    ]


def test_waves_in_order_and_a_namespace_moves_up_to_its_first_object():
    target = [_obj("Deployment", "late", wave=2), _obj("ConfigMap", "early", wave=-1), _obj("Namespace", "app", wave=5)]
    assert _names(argosync.plan(_app(), target, [])) == [(-1, [], ["app", "early"]), (2, [], ["late"])]


def test_pruning_reverses_waves_runs_first_in_its_wave_and_skips_prune_false():
    previous = [
        _obj("ConfigMap", "a", wave=0),
        _obj("ConfigMap", "b", wave=1),
        _obj("PersistentVolumeClaim", "data", options="Prune=false,Delete=false"),
        _obj("Service", "kept"),
    ]
    target = [_obj("Service", "kept")]
    plan = argosync.plan(_app(), target, previous)
    assert _names(plan) == [(0, ["b"], ["kept"]), (1, ["a"], [])]
    assert [o["metadata"]["name"] for o in plan.kept] == ["data"]


def test_prune_last_goes_after_the_last_wave_and_nothing_prunes_without_automated_prune():
    previous = [_obj("ConfigMap", "old"), _obj("Deployment", "web", wave=3)]
    target = [_obj("Deployment", "web", wave=3)]
    assert _names(argosync.plan(_app(options=("PruneLast=true",)), target, previous)) == [
        (3, [], ["web"]),
        (4, ["old"], []),
    ]
    plan = argosync.plan(_app(prune=False), target, previous)
    assert _names(plan) == [(3, [], ["web"])]
    assert [o["metadata"]["name"] for o in plan.kept] == ["old"]


def test_kinds_outside_the_list_sort_last():
    assert argosync.kind_rank("Namespace") < argosync.kind_rank("Ingress") < argosync.kind_rank("Application") == 0


def test_the_stand_in_substitutes_nothing():
    from gitops.rehearse.argocd import ArgoStandIn

    stand_in = ArgoStandIn(None, None, None, None, None, [])
    assert stand_in.substitutions == [] and stand_in.serve("abc") == "abc"
