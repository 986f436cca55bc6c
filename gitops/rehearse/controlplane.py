"""etcd, kube-apiserver, kube-controller-manager and kube-scheduler on loopback.

Flags follow what was verified on this machine kind (REFERENCE.md, "A real Kubernetes 1.34
control plane from Go modules"); every listener is 127.0.0.1 on a port from Ports. PodSecurity
admission is on by default in kube-apiserver and honours the namespace labels; RBAC is the
authorizer (with Node, as kubeadm and k3s configure it).
"""

from __future__ import annotations

import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from gitops.rehearse import pki as pkimod
from gitops.rehearse import poll
from gitops.rehearse.kube import Api
from gitops.rehearse.ports import LOOPBACK
from gitops.rehearse.procs import ComponentError, Process
from gitops.rehearse.session import Session
from gitops.rehearse.tools import Tools

READY_TIMEOUT_SECONDS = 60.0
SERVICE_CIDR = "10.96.0.0/16"
# Rehearsal tuning, not production config, so that the lose-node drill takes seconds: the node
# lifecycle controller checks every second and calls a node lost 10 s after its last Lease renewal
# (kwok renews every 2.5 s, nodes.LEASE_SECONDS); pods tolerate an unreachable or not-ready node
# for 2 s instead of the DefaultTolerationSeconds admission plugin's 300 s. Manifests that set
# their own tolerations keep them.
NODE_MONITOR = ("--node-monitor-period=1s", "--node-monitor-grace-period=10s")
TOLERATION = ("--default-not-ready-toleration-seconds=2", "--default-unreachable-toleration-seconds=2")


@dataclass
class ControlPlane:
    api: Api
    kubeconfig: Path
    pki: pkimod.Pki
    started_seconds: float
    processes: dict[str, Process]


def _running(*processes: Process) -> None:
    for process in processes:
        if not process.running():
            raise ComponentError(process.name, f"exited with code {process.popen.returncode}", process.tail())


def _https_ok(url: str, started: float, process: Process) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the component's own self-signed serving cert, loopback only

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(url, context=context, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    if not poll.until(healthy, READY_TIMEOUT_SECONDS, 0.2, alive=lambda: _running(process), started=started).held:
        raise ComponentError(process.name, f"{url} not healthy within {READY_TIMEOUT_SECONDS:.0f} s", process.tail())


def start(session: Session, tools: Tools) -> ControlPlane:
    begin = time.monotonic()
    ports, sup, root = session.ports, session.supervisor, session.root
    pki = pkimod.create(root / "pki")
    etcd_client, etcd_peer = ports.take(), ports.take()
    etcd_url, peer_url = f"http://{LOOPBACK}:{etcd_client}", f"http://{LOOPBACK}:{etcd_peer}"
    etcd = sup.start(
        "etcd",
        [
            tools["etcd"],
            "--name=rehearsal",
            f"--data-dir={root / 'etcd'}",
            "--unsafe-no-fsync",
            f"--listen-client-urls={etcd_url}",
            f"--advertise-client-urls={etcd_url}",
            f"--listen-peer-urls={peer_url}",
            f"--initial-advertise-peer-urls={peer_url}",
            f"--initial-cluster=rehearsal={peer_url}",
            "--initial-cluster-state=new",
            "--log-level=warn",
        ],
    )
    api_port = ports.take()
    server = f"https://{LOOPBACK}:{api_port}"
    apiserver = sup.start(
        "kube-apiserver",
        [
            tools["kube-apiserver"],
            f"--bind-address={LOOPBACK}",
            f"--advertise-address={LOOPBACK}",
            f"--secure-port={api_port}",
            "--endpoint-reconciler-type=none",
            f"--etcd-servers={etcd_url}",
            f"--token-auth-file={pki.token_file}",
            f"--client-ca-file={pki.ca_cert}",
            f"--tls-cert-file={pki.server_cert}",
            f"--tls-private-key-file={pki.server_key}",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            f"--service-account-key-file={pki.service_account_public_key}",
            f"--service-account-signing-key-file={pki.service_account_key}",
            f"--service-cluster-ip-range={SERVICE_CIDR}",
            "--authorization-mode=Node,RBAC",
            f"--cert-dir={root / 'apiserver-certs'}",
            "--profiling=false",
            *TOLERATION,
            "--v=1",
        ],
    )
    kubeconfig = pkimod.kubeconfig(pki, server, root / "kubeconfig")
    api = Api(server, pki.admin_token, pki.ca_cert)
    if not poll.until(
        api.ready, READY_TIMEOUT_SECONDS, 0.1, alive=lambda: _running(etcd, apiserver), started=begin
    ).held:
        raise ComponentError(
            "kube-apiserver", f"/readyz not ready within {READY_TIMEOUT_SECONDS:.0f} s", apiserver.tail()
        )
    auth = [
        f"--kubeconfig={kubeconfig}",
        f"--authentication-kubeconfig={kubeconfig}",
        f"--authorization-kubeconfig={kubeconfig}",
        f"--bind-address={LOOPBACK}",
        "--leader-elect=false",
    ]
    kcm_port, scheduler_port = ports.take(), ports.take()
    kcm = sup.start(
        "kube-controller-manager",
        [
            tools["kube-controller-manager"],
            *auth,
            f"--secure-port={kcm_port}",
            f"--cert-dir={root / 'kcm-certs'}",
            "--use-service-account-credentials",
            f"--service-account-private-key-file={pki.service_account_key}",
            f"--root-ca-file={pki.ca_cert}",
            f"--service-cluster-ip-range={SERVICE_CIDR}",
            *NODE_MONITOR,
            "--v=1",
        ],
    )
    scheduler = sup.start(
        "kube-scheduler",
        [
            tools["kube-scheduler"],
            *auth,
            f"--secure-port={scheduler_port}",
            "--v=1",
        ],
    )
    _https_ok(f"https://{LOOPBACK}:{kcm_port}/healthz", begin, kcm)
    _https_ok(f"https://{LOOPBACK}:{scheduler_port}/healthz", begin, scheduler)
    return ControlPlane(
        api, kubeconfig, pki, time.monotonic() - begin, {p.name: p for p in (etcd, apiserver, kcm, scheduler)}
    )
