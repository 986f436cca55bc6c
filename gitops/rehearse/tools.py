"""Where `make rehearse-tools` put the binaries, and what versions they report.

The Makefile pins the versions and builds into .tools/cluster/<component>-<version>/bin/;
the rehearsal takes whichever single build of each component is there and asks the binary
itself for its version, so the report states what really ran. Redis is Debian's build, unpacked
beside .tools/cluster/ into .tools/redis-<version>/bin/ (`make redis-tools`); where the Makefile
cannot unpack it (not Linux) the operator's redis-server on PATH is used.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from gitops.errors import InputError

# binary -> the directory prefix its build lands in
BINARIES = {
    "etcd": "etcd",
    "kube-apiserver": "kubernetes",
    "kube-controller-manager": "kubernetes",
    "kube-scheduler": "kubernetes",
    "kubectl": "kubernetes",
    "kwok": "kwok",
    "source-controller": "flux",
    "kustomize-controller": "flux",
    # One binary that acts as the component it is started as (symlinks, Makefile ARGOCD_NAMES); the
    # repo-server also runs `argocd` itself, from the same directory, as git's askpass helper.
    "argocd": "argocd",
    "argocd-repo-server": "argocd",
    "argocd-application-controller": "argocd",
}
REDIS = "redis-server"
VERSION_ARGS = {
    "etcd": ["--version"],
    "kube-apiserver": ["--version"],
    "kubectl": ["version", "--client"],
    "kwok": ["--version"],
    "argocd": ["version", "--client", "--short"],
    REDIS: ["--version"],
}


class ToolsMissing(InputError):
    """The binaries are not built: bad input to the command, exit 2, naming what to run."""


@dataclass(frozen=True)
class Tools:
    paths: dict[str, Path]

    def __getitem__(self, name: str) -> str:
        return str(self.paths[name])

    def versions(self) -> dict[str, str]:
        """Each component's version as its binary reports it (Flux's from its build directory)."""
        found = {}
        for name, args in VERSION_ARGS.items():
            done = subprocess.run([self[name], *args], capture_output=True, text=True, timeout=30)
            match = re.search(r"v?\d+\.\d+\.\d+[^\s,\"]*", (done.stdout + done.stderr).replace("v=", "v"))
            found[name] = match.group(0) if match else "unknown"
        flux = self.paths["source-controller"].parent.parent.name.removeprefix("flux-")
        found["source-controller"] = found["kustomize-controller"] = flux
        found["argocd-repo-server"] = found["argocd-application-controller"] = found.pop("argocd")
        return found


def _redis(root: Path) -> Path | None:
    """Debian's redis-server unpacked beside root (Makefile REDIS_DIR), else the one on PATH."""
    candidates = sorted(root.parent.glob(f"redis-*/bin/{REDIS}"))
    if len(candidates) == 1:
        return candidates[0]
    on_path = shutil.which(REDIS) if not candidates else None
    return Path(on_path) if on_path else None


def locate(root: Path) -> Tools:
    """The binaries under root (.tools/cluster) and Redis beside it, or ToolsMissing naming what to run.

    The paths are absolute: the processes started from them (Argo CD's among them) run in other directories."""
    paths, missing, where = {}, [], root.absolute()
    for binary, prefix in BINARIES.items():
        candidates = sorted(where.glob(f"{prefix}-*/bin/{binary}"))
        if len(candidates) != 1:
            missing.append(binary if not candidates else f"{binary} (several builds: {len(candidates)})")
            continue
        paths[binary] = candidates[0]
    redis = _redis(where)
    if redis is None:
        missing.append(REDIS)
    else:
        paths[REDIS] = redis
    if missing:
        raise ToolsMissing(f"{root}: missing {', '.join(missing)}; run `make rehearse-tools`")
    return Tools(paths)
