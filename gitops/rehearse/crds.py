"""CustomResourceDefinitions from the upstream Go modules in the module cache, never by hand.

`make rehearse-tools` downloads the modules (the Makefile pins them); here their CRD
directories are read as the module zips' files.
"""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from dataclasses import dataclass

FLUX_VERSION = "v1.9.6"


@dataclass(frozen=True)
class CrdSet:
    module: str
    version: str
    directory: str


FLUX = (
    CrdSet("github.com/fluxcd/source-controller", FLUX_VERSION, "config/crd/bases/"),
    CrdSet("github.com/fluxcd/kustomize-controller", FLUX_VERSION, "config/crd/bases/"),
)
ARGOCD = (CrdSet("github.com/argoproj/argo-cd/v3", "v3.5.7", "manifests/crds/"),)
# k3s ships helm-controller's CRDs (HelmChart, HelmChartConfig) in every cluster.
K3S = (CrdSet("github.com/k3s-io/helm-controller", "v0.17.9", "pkg/crds/yaml/generated/"),)


class CrdError(Exception):
    pass


def _zip(crd_set: CrdSet) -> str:
    done = subprocess.run(["go", "mod", "download", "-json", f"{crd_set.module}@{crd_set.version}"],
                          capture_output=True, text=True, env={**os.environ, "GOFLAGS": "-mod=mod"})
    try:
        info = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise CrdError(f"go mod download {crd_set.module}@{crd_set.version}: {done.stderr.strip()}") from None
    if info.get("Error") or not info.get("Zip"):
        raise CrdError(f"go mod download {crd_set.module}@{crd_set.version}: {info.get('Error', 'no zip')}")
    return info["Zip"]


def manifests(sets: tuple[CrdSet, ...]) -> list[tuple[str, bytes]]:
    """(label, YAML text) of every CRD file in the sets' directories, in name order."""
    found = []
    for crd_set in sets:
        prefix = f"{crd_set.module}@{crd_set.version}/{crd_set.directory}"
        with zipfile.ZipFile(_zip(crd_set)) as archive:
            names = sorted(n for n in archive.namelist()
                           if n.startswith(prefix) and "/" not in n[len(prefix):] and n.endswith((".yaml", ".yml")))
            for name in names:
                text = archive.read(name)
                if b"kind: CustomResourceDefinition" in text:
                    found.append((name, text))
    if not found:
        raise CrdError(f"no CRDs in {', '.join(s.module for s in sets)}")
    return found
