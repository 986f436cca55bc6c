"""Schema validation of rendered manifests with kubeconform, fully offline.

Schemas come from .tools/schemas (built by `make setup` from the
kubernetes-validate package and gitops/tools/schemas/); kubeconform never reaches
the network, and a kind without a schema is an error, never skipped.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.error import YAMLError

from gitops.bounds import OutOfBounds
from gitops.formats.sops import SOPS_SUFFIX, without_sops_metadata
from gitops.k8s.manifests import ManifestError, read_text
from gitops.layout import TOOLS_DIR

BINARY = TOOLS_DIR / "bin" / "kubeconform"
SCHEMAS = TOOLS_DIR / "schemas"


def builtin_dir(root: Path, version: str) -> Path:
    """Where the standalone built-in schemas for Kubernetes ``version`` (e.g. "1.34.0") live."""
    return root / f"v{version}-standalone-strict"


def crd_dir(root: Path, version: str) -> Path:
    """Where custom resource schemas live, laid out as <group>/<kind>_<version>.json."""
    return root / f"v{version}-crd"


@dataclass(frozen=True)
class Result:
    ok: bool
    output: str


def command(paths: list[Path], kubernetes_version: str, schemas: Path = SCHEMAS) -> list[str]:
    builtin = builtin_dir(schemas, kubernetes_version)
    crds = crd_dir(schemas, kubernetes_version)
    return [
        str(BINARY),
        "-strict",
        "-summary",
        "-kubernetes-version",
        kubernetes_version,
        "-schema-location",
        f"{builtin}/{{{{ .ResourceKind }}}}{{{{ .KindSuffix }}}}.json",
        "-schema-location",
        f"{crds}/{{{{ .Group }}}}/{{{{ .ResourceKind }}}}_{{{{ .ResourceAPIVersion }}}}.json",
        *(str(p) for p in paths),
    ]


def validate(paths: list[Path], kubernetes_version: str, schemas: Path = SCHEMAS) -> Result:
    if not BINARY.exists():
        return Result(False, f"kubeconform is not installed at {BINARY}: run `make setup`")
    if not (builtin_dir(schemas, kubernetes_version) / ".complete").exists():
        return Result(False, f"no schemas for Kubernetes {kubernetes_version} under {schemas}: run `make setup`")
    encrypted = sorted(
        f for p in paths for f in ([p] if p.is_file() else p.rglob(f"*{SOPS_SUFFIX}")) if f.name.endswith(SOPS_SUFFIX)
    )
    with tempfile.TemporaryDirectory(prefix="sops-stripped-") as scratch:
        # A SOPS file carries a top-level `sops` block that Flux removes when it
        # decrypts; validate the object the cluster will receive instead.
        for index, path in enumerate(encrypted):
            stripped = Path(scratch) / f"{index}-{path.name.removesuffix(SOPS_SUFFIX)}.yaml"
            try:
                stripped.write_text(without_sops_metadata(read_text(path)))
            except (ManifestError, OutOfBounds, YAMLError) as err:
                return Result(False, f"{path}: cannot be read as a SOPS file: {getattr(err, 'problem', None) or err}")
        cmd = command([*paths, *([Path(scratch)] if encrypted else [])], kubernetes_version, schemas)
        cmd[1:1] = ["-ignore-filename-pattern", re.escape(SOPS_SUFFIX) + "$"] if encrypted else []
        done = subprocess.run(cmd, capture_output=True, text=True)
    return Result(done.returncode == 0, (done.stdout + done.stderr).strip())
