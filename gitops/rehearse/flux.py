"""Flux as the README's bootstrap installs it, with the controllers run as local processes.

`flux install` would run source-controller and kustomize-controller as Deployments; here the
same releases run on this machine against the rehearsal's API server (admin credentials,
loopback listeners) after their CRDs and the flux-system namespace are created, which is
what the controllers need from `flux install`.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from gitops.k8s import crds, status
from gitops.k8s.workloads import dig, mapping, sequence
from gitops.rehearse import poll
from gitops.rehearse.kube import Api, Kubectl
from gitops.rehearse.ports import LOOPBACK
from gitops.rehearse.procs import ComponentError
from gitops.rehearse.session import Session
from gitops.rehearse.tools import Tools

KUSTOMIZATIONS = "/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/{ns}/kustomizations"
GITREPOSITORIES = "/apis/source.toolkit.fluxcd.io/v1/namespaces/{ns}/gitrepositories"
RECONCILE_ANNOTATION = "reconcile.fluxcd.io/requestedAt"
# Rehearsal tuning, not production config: how soon kustomize-controller re-checks a unit whose
# dependsOn is not Ready yet (--requeue-dependency, 30 s by default). The manifests' dependsOn is
# unchanged; the rehearsal only waits less between the checks.
REQUEUE_DEPENDENCY = "1s"
# Ready=False reasons that mean "not yet" rather than "failed" (fluxcd/pkg/apis/meta reasons).
WAITING = {"Progressing", "DependencyNotReady", "ProgressingWithRetry", ""}


def install_crds(kubectl: Kubectl, api: Api, sets: tuple[crds.CrdSet, ...], timeout: float = 60) -> list[str]:
    """Apply every CRD of the sets and wait until each is Established; returns the CRD names."""
    names = []
    for label, text in crds.manifests(sets):
        code, out, _ = kubectl.run("apply", "--server-side", "--force-conflicts", "-o", "name", "-f", "-", input=text)
        if code != 0:
            raise ComponentError("crds", f"{label} was not accepted: {out}")
        names += [line.split("/", 1)[1] for line in out.splitlines() if "/" in line]
    waiting = list(names)

    def established() -> bool:
        while waiting:
            crd = api.find(f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{waiting[0]}")
            if not (crd and status.is_true(crd, "Established")):
                return False
            waiting.pop(0)
        return True

    if not poll.until(established, timeout, 0.1).held:
        raise ComponentError("crds", f"{waiting[0]} not Established within {timeout:.0f} s")
    return names


def start_controllers(session: Session, tools: Tools, kubeconfig: str, namespace: str) -> None:
    # Their temporary build directories (kustomize-controller builds each revision under $TMPDIR) live in the
    # session's directory: removed with it, and out of reach of whatever else cleans the machine's /tmp.
    scratch = session.root / "tmp"
    scratch.mkdir(exist_ok=True)
    env = {**os.environ, "KUBECONFIG": kubeconfig, "RUNTIME_NAMESPACE": namespace, "TMPDIR": str(scratch)}
    common = ["--watch-all-namespaces", "--enable-leader-election=false", "--log-level=info", "--log-encoding=json"]
    storage_port = session.ports.take()
    artifacts = session.root / "flux-artifacts"
    artifacts.mkdir(exist_ok=True)
    session.supervisor.start(
        "source-controller",
        [
            tools["source-controller"],
            *common,
            f"--metrics-addr={LOOPBACK}:{session.ports.take()}",
            f"--health-addr={LOOPBACK}:{session.ports.take()}",
            f"--storage-path={artifacts}",
            f"--storage-addr={LOOPBACK}:{storage_port}",
            f"--storage-adv-addr={LOOPBACK}:{storage_port}",
        ],
        env=env,
    )
    session.supervisor.start(
        "kustomize-controller",
        [
            tools["kustomize-controller"],
            *common,
            f"--metrics-addr={LOOPBACK}:{session.ports.take()}",
            f"--health-addr={LOOPBACK}:{session.ports.take()}",
            f"--requeue-dependency={REQUEUE_DEPENDENCY}",
        ],
        env=env,
    )


@dataclass
class UnitState:
    name: str
    depends_on: list[str]
    ready_after: float | None = None
    revision: str | None = None
    message: str = ""
    reason: str = ""
    failed: bool = False  # Ready=False for a reason other than waiting, at the commit under test


@dataclass
class FluxWait:
    """Time to Ready of every Kustomization, measured from `started`."""

    units: dict[str, UnitState] = field(default_factory=dict)
    timed_out: bool = False
    stalled: str | None = None  # why the wait stopped before every unit was Ready

    def order_violations(self) -> list[str]:
        found = []
        for unit in self.units.values():
            for dep in unit.depends_on:
                other = self.units.get(dep)
                if (
                    unit.ready_after is not None
                    and other
                    and (other.ready_after is None or other.ready_after > unit.ready_after)
                ):
                    found.append(f"{unit.name} became Ready before {dep}, which it dependsOn")
        return found


def request_reconcile(api: Api, namespace: str, kind_path: str, name: str) -> None:
    """What `flux reconcile` does: annotate the object with the time of the request."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()) + f".{time.time_ns() % 10**9}"
    api.merge_patch(
        f"{kind_path.format(ns=namespace)}/{name}", {"metadata": {"annotations": {RECONCILE_ANNOTATION: stamp}}}
    )


def wait_ready(
    api: Api, session: Session, namespace: str, revision: str, started: float, timeout: float, stalled=lambda: None
) -> FluxWait:
    """Poll until every Kustomization is Ready at revision (a commit id prefix), or timeout, or
    stalled() names a reason the health checks cannot pass (say, a pod no node can take)."""
    state = FluxWait()

    def settled() -> bool:
        items = api.items(KUSTOMIZATIONS.format(ns=namespace))
        for item in items:
            name = item["metadata"]["name"]
            unit = state.units.setdefault(
                name, UnitState(name, [str(mapping(d).get("name")) for d in sequence(dig(item, "spec", "dependsOn"))])
            )
            ready = status.condition(item, "Ready")
            unit.message, unit.reason = ready.get("message", ""), ready.get("reason", "")
            applied = dig(item, "status", "lastAppliedRevision")
            unit.revision = applied if isinstance(applied, str) and applied else None
            at_revision = unit.revision is not None and revision in unit.revision
            if ready.get("status") == "True" and at_revision and unit.ready_after is None:
                unit.ready_after = time.monotonic() - started
            attempted = str(dig(item, "status", "lastAttemptedRevision") or "")
            unit.failed = ready.get("status") == "False" and unit.reason not in WAITING and revision in attempted
        failed = {u.name for u in state.units.values() if u.failed}
        blocked = {u.name for u in state.units.values() if failed & set(u.depends_on)}
        return bool(items) and all(
            u.ready_after is not None or u.name in failed | blocked for u in state.units.values()
        )

    waited = poll.until(settled, timeout, stop=stalled, alive=session.supervisor.check_alive, started=started)
    state.timed_out, state.stalled = waited.timed_out, waited.stopped
    return state
