"""The upstream CustomResourceDefinitions of the kinds dist/ uses, read from their controllers' Go modules.

One list, pinned to the releases the clusters run, serves both the offline
schemas kubeconform validates against (gitops/tools/crdschemas.py) and the CRDs
the rehearsal installs in its API server (gitops/rehearse/): a bump is one
reviewed change here, and no CRD is ever written by hand. The Go module proxy
serves each module as a zip that holds the repository's CRD manifests;
`go mod download` puts it in the module cache, so nothing reaches the network
once a machine has it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass

from ruamel.yaml import YAML

from gitops.errors import GitopsError
from gitops.k8s.manifests import Fields

# The rehearsal builds its Flux controllers from these versions too (Makefile REHEARSE_FLUX_VERSION,
# gitops/rehearse/modules/*-controller/go.mod); tests/k8s/test_crds.py holds them to the same number.
FLUX_VERSION = "v1.9.6"
# The release the rehearsal builds Argo CD from (Makefile REHEARSE_ARGOCD_VERSION,
# gitops/rehearse/modules/argocd/go.mod), so the schemas and the CRDs the rehearsal installs are the
# ones the controller that reads them was built with; tests/k8s/test_crds.py holds them equal. v3.2.11 is
# the newest release that builds from the module proxy: v3.2.12 calls settings.ValidateExternalURL,
# which it does not define (controller/cache/info.go), and from v3.3 on upstream's go.mod replaces
# gitops-engine with the copy inside its repository (./gitops-engine), which is no published module.
ARGO_CD_VERSION = "v3.2.11"
# k3s ships helm-controller's CRDs (HelmChart, HelmChartConfig) in every cluster.
HELM_CONTROLLER_VERSION = "v0.17.9"


@dataclass(frozen=True)
class CrdSet:
    """The CRD manifests in one directory of one module release."""

    module: str
    version: str
    directory: str

    @property
    def label(self) -> str:
        return f"{self.module}@{self.version}/{self.directory}"


FLUX = (
    CrdSet("github.com/fluxcd/source-controller", FLUX_VERSION, "config/crd/bases/"),
    CrdSet("github.com/fluxcd/kustomize-controller", FLUX_VERSION, "config/crd/bases/"),
)
ARGO_CD = (CrdSet("github.com/argoproj/argo-cd/v3", ARGO_CD_VERSION, "manifests/crds/"),)
# Upstream's install manifest of the same release: the rehearsal takes Argo CD's settings objects from it
# (argocd-cm, argocd-secret, ...), as `kubectl apply -f install.yaml` creates them.
ARGO_CD_INSTALL = CrdSet("github.com/argoproj/argo-cd/v3", ARGO_CD_VERSION, "manifests/install.yaml")
# The Traefik chart release whose CRDs k3s installs beside Traefik (its traefik-crd chart): k3s 1.34 bundles
# rancher's 37.1.1+up37.1.0; upstream v37.1.1 is the nearest release the module proxy serves (v37.1.2 is
# refused). Only the traefik.io kinds: the directory names a file prefix, not a folder.
TRAEFIK_CHART_VERSION = "v37.1.1+incompatible"
TRAEFIK = (CrdSet("github.com/traefik/traefik-helm-chart", TRAEFIK_CHART_VERSION, "traefik/crds/traefik.io_"),)
K3S = (CrdSet("github.com/k3s-io/helm-controller", HELM_CONTROLLER_VERSION, "pkg/crds/yaml/generated/"), *TRAEFIK)
ALL = FLUX + ARGO_CD + K3S


class CrdError(GitopsError):
    """A module the project pins that the Go module cache or proxy cannot give."""


def _module_zip(crd_set: CrdSet) -> str:
    done = subprocess.run(
        ["go", "mod", "download", "-json", f"{crd_set.module}@{crd_set.version}"],
        capture_output=True,
        text=True,
        env={**os.environ, "GOFLAGS": "-mod=mod"},
    )
    try:
        info = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise CrdError(f"go mod download {crd_set.module}@{crd_set.version}: {done.stderr.strip()}") from None
    if info.get("Error") or not info.get("Zip"):
        raise CrdError(f"go mod download {crd_set.module}@{crd_set.version}: {info.get('Error', 'no zip')}")
    return str(info["Zip"])


def manifests(sets: tuple[CrdSet, ...]) -> list[tuple[str, bytes]]:
    """(label, YAML text) of every CRD file in the sets' directories, in name order."""
    found = []
    for crd_set in sets:
        prefix = f"{crd_set.module}@{crd_set.version}/{crd_set.directory}"
        with zipfile.ZipFile(_module_zip(crd_set)) as archive:
            names = sorted(
                n
                for n in archive.namelist()
                if n.startswith(prefix) and "/" not in n[len(prefix) :] and n.endswith((".yaml", ".yml"))
            )
            for name in names:
                text = archive.read(name)
                if b"kind: CustomResourceDefinition" in text:
                    found.append((name, text))
    if not found:
        raise CrdError(f"no CRDs in {', '.join(s.module for s in sets)}")
    return found


def module_file(crd_set: CrdSet) -> bytes:
    """The one file a set names (its directory is a file's path), from the module release's zip."""
    name = f"{crd_set.module}@{crd_set.version}/{crd_set.directory}"
    with zipfile.ZipFile(_module_zip(crd_set)) as archive:
        try:
            return archive.read(name)
        except KeyError:
            raise CrdError(f"{crd_set.module}@{crd_set.version} has no {crd_set.directory}") from None


def definitions(sets: tuple[CrdSet, ...]) -> list[tuple[str, Fields]]:
    """(label, CustomResourceDefinition) of every CRD in the sets, parsed."""
    return [
        (label, document)
        for label, text in manifests(sets)
        for document in YAML(typ="safe", pure=False).load_all(text)
        if isinstance(document, dict) and document.get("kind") == "CustomResourceDefinition"
    ]


def fingerprint(sets: tuple[CrdSet, ...] = ALL) -> str:
    """Changes whenever a pinned module changes, so whatever was built from them is rebuilt."""
    return "\n".join(crd_set.label for crd_set in sets)


def main(argv: list[str]) -> int:
    """`python -m gitops.k8s.crds download`: fetch every pinned module into the module cache."""
    if argv != ["download"]:
        print("usage: python -m gitops.k8s.crds download", file=sys.stderr)
        return 2
    try:
        for crd_set in ALL:
            _module_zip(crd_set)
    except CrdError as err:
        print(f"crds: {err}", file=sys.stderr)
        return 2
    print(f"crds: {len(ALL)} module releases in the module cache")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
