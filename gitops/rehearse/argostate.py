"""An Application's status as Argo CD writes it, read for the rehearsal: delivered, failing, or what it kept.

Field names are argo-cd v3.2.11's (pkg/apis/application/v1alpha1/types.go: ApplicationStatus,
SyncStatus, HealthStatus, OperationState, SyncOperationResult, ResourceStatus,
ApplicationCondition). Argo CD's own words are quoted as it wrote them; only its retry suffix is
cut, since the attempt number and clock time would make a report line differ run to run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

API = "/apis/argoproj.io/v1alpha1/namespaces/{ns}"
APPLICATIONS = API + "/applications"
APPPROJECTS = API + "/appprojects"
REFRESH = "argocd.argoproj.io/refresh"  # application_annotations.go, AnnotationKeyRefresh
# gitops-engine pkg/sync/sync_context.go, pruneObject: what a sync reports for an object it left because
# the object says Prune=false.
NO_PRUNE = "ignored (no prune)"
# controller/appcontroller.go, processRequestedAppOperation: "<message>. Retrying attempt #N at <time>."
RETRYING = re.compile(r"\. Retrying attempt #\d+ at [^.]*\.$")
DONE, FAILED = ("Succeeded",), ("Failed", "Error")
# Health statuses that name a reason the Application is not Healthy (gitops-engine pkg/health/health.go);
# Missing is left out: it only says the object was not applied yet.
UNWELL = ("Progressing", "Degraded", "Suspended", "Unknown")
FEW = 3
# A sync that failed twice the same way (the first attempt and one retry) is Argo CD's verdict: its retries
# (the Application's syncPolicy.retry) back off for minutes and meet the same refusal.
RETRIED = 2


def _status(app: dict) -> dict:
    status = app.get("status")
    return status if isinstance(status, dict) else {}


def _field(obj: object, *keys: str) -> object:
    for key in keys:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def _items(value: object) -> list[dict]:
    """The mappings of a list field (Argo CD's resources, results, conditions)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _words(value: object) -> str:
    """A message on one line, as Argo CD wrote it."""
    return " ".join(str(value or "").split())


def name(app: dict) -> str:
    return str(app["metadata"]["name"])


def revision(app: dict) -> str:
    """The commit the Application compared against last (its targetRevision, resolved)."""
    return str(_field(_status(app), "sync", "revision") or "")


def sync_status(app: dict) -> str:
    return str(_field(_status(app), "sync", "status") or "Unknown")


def health(app: dict) -> tuple[str, str]:
    """(status, message) of the Application's health."""
    found = _field(_status(app), "health")
    found = found if isinstance(found, dict) else {}
    return str(found.get("status") or "Unknown"), str(found.get("message") or "")


def operation(app: dict) -> dict:
    found = _status(app).get("operationState")
    return found if isinstance(found, dict) else {}


def operation_revision(app: dict) -> str:
    state = operation(app)
    return str(_field(state, "syncResult", "revision") or _field(state, "operation", "sync", "revision") or "")


def operation_message(app: dict) -> str:
    """The operation's message without the retry suffix."""
    return RETRYING.sub("", str(operation(app).get("message") or "")).strip()


def retries(app: dict) -> int:
    return int(operation(app).get("retryCount") or 0)


def _ref(resource: dict) -> str:
    namespace = resource.get("namespace") or ""
    return f"{resource.get('kind', '')} {namespace + '/' if namespace else ''}{resource.get('name', '')}"


def out_of_sync(app: dict) -> list[str]:
    """The Application's objects that differ from git ("Kind ns/name")."""
    return sorted(_ref(r) for r in _items(_status(app).get("resources")) if r.get("status") == "OutOfSync")


def kept(app: dict, commit: str) -> list[str]:
    """Objects the last sync to commit left in the cluster although git no longer holds them (Prune=false)."""
    if operation_revision(app) != commit:
        return []
    results = _items(_field(operation(app), "syncResult", "resources"))
    return sorted(_ref(r) for r in results if r.get("message") == NO_PRUNE)


def conditions(app: dict) -> list[str]:
    """Argo CD's conditions on the Application, "Type: message", as it wrote them."""
    return [f"{c.get('type', '')}: {_words(c.get('message'))}" for c in _items(_status(app).get("conditions"))]


def errors(app: dict) -> list[str]:
    """The conditions that are errors (ComparisonError, InvalidSpecError, SyncError, UnknownError)."""
    return [c for c in conditions(app) if c.split(":", 1)[0].endswith("Error")]


def busy(app: dict) -> bool:
    """A sync has been asked for (spec-level operation) or is running."""
    return bool(app.get("operation")) or operation(app).get("phase") == "Running"


def delivered(app: dict, commit: str) -> bool:
    """Argo CD has compared the Application with commit, applied it, and found it Healthy: Synced, or
    OutOfSync only by objects its sync to commit left because they say Prune=false."""
    if revision(app) != commit or busy(app) or health(app)[0] != "Healthy":
        return False
    if sync_status(app) == "Synced":
        return operation_revision(app) != commit or operation(app).get("phase") in DONE
    differing = out_of_sync(app)
    return sync_status(app) == "OutOfSync" and bool(differing) and set(differing) <= set(kept(app, commit))


def refused(app: dict, commit: str) -> str | None:
    """Argo CD's verdict when it has given up on commit or retries the same failure: its message, else None."""
    phase = operation(app).get("phase")
    if operation_revision(app) != commit:
        return None
    if phase in FAILED:
        return f"sync {phase}: {operation_message(app)}"
    if phase == "Running" and retries(app) >= RETRIED:
        return f"sync failed, and again when Argo CD retried it: {operation_message(app)}"
    return None


def resource_lines(app: dict, commit: str) -> list[str]:
    """Argo CD's words on the objects that hold the Application back: each object the sync to commit
    failed, each whose health is not Healthy, then those merely OutOfSync (named when few)."""
    lines = []
    if operation_revision(app) == commit:
        for result in _items(_field(operation(app), "syncResult", "resources")):
            if result.get("status") == "SyncFailed":
                lines.append(f"{_ref(result)}: SyncFailed: {_words(result.get('message'))}")
    differing = []
    for resource in _items(_status(app).get("resources")):
        state = str(resource.get("status") or "")
        found = resource.get("health")
        said = str(found.get("status") or "") if isinstance(found, dict) else ""
        message = _words(found.get("message")) if isinstance(found, dict) else ""
        if said in UNWELL or state == "Unknown":
            lines.append(
                f"{_ref(resource)}: {state or 'no sync status'}, {said or 'no health'}"
                + (f": {message}" if message else "")
            )
        elif state == "OutOfSync":
            differing.append(_ref(resource))
    if len(differing) > FEW:
        lines.append(f"{len(differing)} objects OutOfSync")
    else:
        lines += [f"{ref}: OutOfSync" for ref in differing]
    return lines


@dataclass(frozen=True)
class Verdict:
    """What Argo CD said about one Application that did not reach the commit, and what would fix it."""

    what: str
    events: tuple[str, ...]
    fix: str


def fix_for(text: str) -> str:
    """The fix Argo CD's words point at (a text never matched gets the general one)."""
    if "not permitted in project" in text or "is not permitted" in text or "InvalidSpecError" in text:
        return (
            "allow it in the AppProject or keep it out of the unit: charts/argocd.py derives the project's "
            "destinations and kinds from what each unit renders"
        )
    if "ComparisonError" in text or "Failed to load target state" in text or "rpc error" in text:
        return "make the directory render for Argo CD's repo-server: its message names the file and the error"
    if "SyncFailed" in text or "failed to apply" in text or "SyncError" in text or text.startswith("sync "):
        return "change the object so that the API server accepts Argo CD's server-side apply: its message says why"
    return "the object Argo CD's health check waits on: see its health message and events"


def verdict(app: dict, commit: str) -> Verdict:
    """The report's line for an Application not delivered at commit: Argo CD's words, verbatim."""
    status, message = health(app)
    compared = revision(app)
    parts = [f"{sync_status(app)} and {status}"]
    if compared != commit:
        parts[0] += f", compared with {compared[:12]} (not the served commit)" if compared else ", never compared"
    if message:
        parts.append(f"health: {message}")
    said = refused(app, commit)
    if said:
        parts.append(said)
    elif operation(app) and operation_revision(app) == commit:
        parts.append(f"operation {operation(app).get('phase')}: {operation_message(app)}")
    parts += conditions(app)
    what = "; ".join(parts)
    events = tuple(resource_lines(app, commit))
    return Verdict(what, events, fix_for(" ".join([what, *events])))
