"""The CRD module pins: one list for the kubeconform schemas and the rehearsal, and the same Flux and Argo CD
releases that the rehearsal builds its controllers from."""

from __future__ import annotations

import re

from gitops.k8s import crds
from gitops.layout import PROJECT
from gitops.tools import crdschemas


def _makefile_variable(name: str) -> str:
    (value,) = re.findall(rf"^{name}\s*:=\s*(\S+)$", (PROJECT / "Makefile").read_text(), flags=re.M)
    return value


def test_the_rehearsal_builds_the_flux_controllers_whose_crds_are_pinned():
    assert _makefile_variable("REHEARSE_FLUX_VERSION") == crds.FLUX_VERSION
    for controller in ("source-controller", "kustomize-controller"):
        go_mod = (PROJECT / "gitops" / "rehearse" / "modules" / controller / "go.mod").read_text()
        assert re.search(rf"^\s*github\.com/fluxcd/{controller} {re.escape(crds.FLUX_VERSION)}\b", go_mod, re.M), (
            controller
        )


def test_the_rehearsal_builds_the_argo_cd_whose_crds_are_pinned():
    assert _makefile_variable("REHEARSE_ARGOCD_VERSION") == crds.ARGO_CD_VERSION
    go_mod = (PROJECT / "gitops" / "rehearse" / "modules" / "argocd" / "go.mod").read_text()
    assert re.search(rf"^\s*github\.com/argoproj/argo-cd/v3 {re.escape(crds.ARGO_CD_VERSION)}\b", go_mod, re.M)
    assert {crd_set.version for crd_set in crds.ARGO_CD} == {crds.ARGO_CD_VERSION}


def test_every_pinned_module_is_named_once():
    modules = [(crd_set.module, crd_set.directory) for crd_set in crds.ALL]
    assert len(modules) == len(set(modules))
    assert {crd_set.version for crd_set in crds.FLUX} == {crds.FLUX_VERSION}


def test_the_schemas_are_built_from_the_engines_crds_and_say_so():
    assert crdschemas.SETS == crds.FLUX + crds.ARGO_CD + crds.TRAEFIK
    assert crdschemas.fingerprint() == (
        f"github.com/fluxcd/source-controller@{crds.FLUX_VERSION}/config/crd/bases/\n"
        f"github.com/fluxcd/kustomize-controller@{crds.FLUX_VERSION}/config/crd/bases/\n"
        f"github.com/argoproj/argo-cd/v3@{crds.ARGO_CD_VERSION}/manifests/crds/\n"
        f"github.com/traefik/traefik-helm-chart@{crds.TRAEFIK_CHART_VERSION}/traefik/crds/traefik.io_"
    )


def test_a_module_that_cannot_be_downloaded_is_named(monkeypatch):
    class Done:
        stdout = '{"Error": "not found: 403 Forbidden"}'
        stderr = ""

    monkeypatch.setattr(crds.subprocess, "run", lambda *a, **k: Done())
    missing = crds.CrdSet("example.com/none", "v0.0.1", "crds/")
    try:
        crds.manifests((missing,))
    except crds.CrdError as err:
        assert str(err) == "go mod download example.com/none@v0.0.1: not found: 403 Forbidden"
    else:
        raise AssertionError("no CrdError")
