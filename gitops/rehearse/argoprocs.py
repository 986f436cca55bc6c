"""Argo CD's repo-server and application-controller, and the Redis they cache in, as local processes.

What upstream's install manifest runs as Deployments and a StatefulSet runs here in the rehearsal's
session (one process group, one log file each, the same cleanup), with the rehearsal's admin
kubeconfig instead of the controller's ServiceAccount. Every flag and variable below was needed
on loopback (argo-cd v3.2.11; each is named with why):

- Redis: `--bind 127.0.0.1`, no RDB or AOF file (a cache), its directory inside the session.
- repo-server: its gRPC and metrics listeners on 127.0.0.1 (defaults 0.0.0.0:8081 and :8084), plain
  gRPC (`--disable-tls`, so the controller says `--repo-server-plaintext`), and git's askpass helper
  found: git runs with GIT_ASKPASS=argocd (util/askpass/server.go), so `argocd` must be on PATH.
  ARGOCD_GPG_ENABLED=false, or it initialises a keyring under /app/config/gpg and exits; the askpass
  socket, TMPDIR (it clones into $TMPDIR/_argocd-repo) and every data path (common/common.go's
  defaults are container paths under /app/config) point into the session, so nothing is left behind.
- application-controller: ARGOCD_FAKE_IN_CLUSTER=true, so that the in-cluster destination
  (https://kubernetes.default.svc, which the project's Applications name) is reached through
  KUBECONFIG instead of a pod's service account (pkg/apis/application/v1alpha1/cluster_constants.go);
  HOME in the session (client-go's discovery cache); `--persist-resource-health`, so that each
  object's health message is in the Application's status for the report. Its metrics listener
  cannot be bound to 127.0.0.1, so it runs in a network namespace of its own (netns.py), bridged to
  exactly the three ports it dials: the API server, Redis and the repo-server.
"""

from __future__ import annotations

import os
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from gitops.rehearse import netns, poll
from gitops.rehearse.ports import LOOPBACK
from gitops.rehearse.procs import ComponentError, Process
from gitops.rehearse.session import Session
from gitops.rehearse.tools import REDIS, Tools

READY_TIMEOUT = 60.0
REDIS_NAME, REPO_SERVER, CONTROLLER = "redis", "argocd-repo-server", "argocd-application-controller"


@dataclass(frozen=True)
class ArgoProcesses:
    """Where each component listens (all 127.0.0.1), for the report."""

    redis: int
    repo_server: int
    repo_server_metrics: int
    controller_metrics: int  # inside the controller's own network namespace
    network_namespace: Path  # the directory of the controller's bridges

    def describe(self) -> str:
        return (
            f"Redis on {LOOPBACK}:{self.redis}, repo-server on {LOOPBACK}:{self.repo_server} (metrics "
            f":{self.repo_server_metrics}), application-controller in a network namespace of its own "
            f"(metrics :{self.controller_metrics} there), bridged to the API server, Redis and the repo-server"
        )


def _dirs(root: Path) -> dict[str, Path]:
    found = {name: root / name for name in ("tls", "ssh", "gpg-source", "gpg-keys", "plugins", "tmp", "netns")}
    for path in found.values():
        path.mkdir(parents=True, exist_ok=True)
    return found


def _until(ready: Callable[[], bool], process: Process, what: str) -> None:
    """Poll ready() until true; the process's death or READY_TIMEOUT is a ComponentError with its log."""

    def alive() -> None:
        if not process.running():
            raise ComponentError(process.name, f"exited with code {process.popen.returncode}", process.tail())

    if not poll.until(ready, READY_TIMEOUT, interval=0.1, alive=alive).held:
        raise ComponentError(process.name, f"{what} not within {READY_TIMEOUT:.0f} s", process.tail())


def _redis_pong(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start(session: Session, tools: Tools, kubeconfig: Path, api_server: str, namespace: str) -> ArgoProcesses:
    """Redis, then the repo-server, then the controller (watching namespace); each healthy before the next."""
    sup, ports = session.supervisor, session.ports
    home = session.root / "argocd"
    dirs = _dirs(home)
    binaries = str(Path(tools["argocd"]).parent)  # where `argocd` is, for git's askpass
    common = {
        **os.environ,
        "PATH": f"{binaries}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "TMPDIR": str(dirs["tmp"]),
        "ARGOCD_TLS_DATA_PATH": str(dirs["tls"]),
        "ARGOCD_SSH_DATA_PATH": str(dirs["ssh"]),
    }
    redis_port = ports.take()
    redis = sup.start(
        REDIS_NAME,
        [
            tools[REDIS],
            "--port",
            str(redis_port),
            "--bind",
            LOOPBACK,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(home),
        ],
    )
    _until(lambda: _redis_pong(redis_port), redis, "PING answered")
    repo_port, repo_metrics = ports.take(), ports.take()
    repo_server = sup.start(
        REPO_SERVER,
        [
            tools["argocd-repo-server"],
            f"--address={LOOPBACK}",
            f"--port={repo_port}",
            f"--metrics-address={LOOPBACK}",
            f"--metrics-port={repo_metrics}",
            "--disable-tls",
            f"--redis={LOOPBACK}:{redis_port}",
            "--loglevel=info",
            "--logformat=text",
        ],
        env={
            **common,
            "ARGOCD_GPG_ENABLED": "false",
            "ARGOCD_GNUPGHOME": str(dirs["gpg-keys"]),
            "ARGOCD_GPG_DATA_PATH": str(dirs["gpg-source"]),
            "ARGOCD_PLUGINSOCKFILEPATH": str(dirs["plugins"]),
            "ARGOCD_ASK_PASS_SOCK": str(home / "reposerver-ask-pass.sock"),
        },
    )
    _until(lambda: _http_ok(f"http://{LOOPBACK}:{repo_metrics}/healthz"), repo_server, "/healthz answered")
    api_port = urlsplit(api_server).port
    if api_port is None:
        raise ComponentError(CONTROLLER, f"no port in the API server's URL {api_server}")
    bridged = [api_port, redis_port, repo_port]
    relay = netns.Relay(dirs["netns"], bridged)
    session.on_close(relay.stop)
    controller_metrics = ports.take()
    controller = sup.start(
        CONTROLLER,
        netns.command(
            dirs["netns"],
            bridged,
            [controller_metrics],
            [
                tools["argocd-application-controller"],
                f"--namespace={namespace}",
                f"--redis={LOOPBACK}:{redis_port}",
                f"--repo-server={LOOPBACK}:{repo_port}",
                "--repo-server-plaintext",
                f"--metrics-port={controller_metrics}",
                # Each object's health in the Application's status, not only in Redis' resource tree (the
                # default since v3.0, read by argocd-server, which does not run): the report quotes it.
                "--persist-resource-health",
                "--loglevel=info",
                "--logformat=text",
            ],
        ),
        env={**common, "KUBECONFIG": str(kubeconfig), "ARGOCD_FAKE_IN_CLUSTER": "true"},
    )
    health = netns.from_path(dirs["netns"], controller_metrics)
    _until(lambda: netns.http_get(health) == 200, controller, "/healthz answered")
    return ArgoProcesses(redis_port, repo_port, repo_metrics, controller_metrics, dirs["netns"])
