"""Per-container and per-object policy: resources, probes, images, secrets at rest, API tokens."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gitops.annotations import PROBES_RULE
from gitops.formats import sops
from gitops.k8s import images
from gitops.k8s import probes as probes_k8s
from gitops.k8s.quantities import QuantityError, cpu_millis, memory_bytes
from gitops.k8s.workloads import Container, as_int, mapping
from gitops.review.check.context import Context
from gitops.review.check.registry import rule
from gitops.review.findings import Issue, Severity, Topic

# --- resources -----------------------------------------------------------------------------------

_REQUIRED = (("requests", "cpu"), ("requests", "memory"), ("limits", "memory"))
_PARSERS = {"cpu": cpu_millis, "memory": memory_bytes}


def _quantity(values: dict, section: str, key: str, container: Container, issues: list[Issue], owner) -> int | None:
    if key not in values:
        return None
    try:
        amount = _PARSERS[key](values[key])
    except QuantityError:
        issues.append(
            Issue(
                owner,
                f"{container.field}.resources.{section}.{key}",
                f"{section}.{key} {values[key]!r} is not a Kubernetes quantity: the API server rejects the pod",
                "write it as e.g. 250m or 0.25 (CPU), 256Mi or 1Gi (memory)",
            )
        )
        return None
    if amount < 0:
        issues.append(
            Issue(
                owner,
                f"{container.field}.resources.{section}.{key}",
                f"{section}.{key} {values[key]} is negative",
                "use a positive quantity",
            )
        )
        return None
    return amount


@rule(
    "resources",
    Topic.POLICY,
    Severity.ERROR,
    prevents="pods the scheduler packs blindly (no requests), that can take a node's memory (no limit), "
    "or that the API server rejects (unparseable quantity, request above limit)",
    fix="set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container",
)
def resources(ctx: Context) -> Iterator[Issue]:
    for pod in ctx.pods:
        for container in pod.containers():
            declared = mapping(container.spec.get("resources"))
            sections = {s: mapping(declared.get(s)) for s in ("requests", "limits")}
            issues: list[Issue] = []
            for section, key in _REQUIRED:
                if key not in sections[section]:
                    issues.append(
                        Issue(
                            pod.resource,
                            f"{container.field}.resources.{section}.{key}",
                            f"container {container.name} has no {section}.{key}",
                            f"set resources.{section}.{key}",
                        )
                    )
            amounts = {
                (s, k): _quantity(sections[s], s, k, container, issues, pod.resource)
                for s in ("requests", "limits")
                for k in ("cpu", "memory")
            }
            for key in ("cpu", "memory"):
                request, limit = amounts[("requests", key)], amounts[("limits", key)]
                if request is not None and limit is not None and request > limit:
                    issues.append(
                        Issue(
                            pod.resource,
                            f"{container.field}.resources.requests.{key}",
                            f"requests.{key} {sections['requests'][key]} exceeds "
                            f"limits.{key} {sections['limits'][key]}: the API server rejects the pod",
                            f"raise limits.{key} or lower requests.{key}",
                        )
                    )
            yield from issues


# --- probes --------------------------------------------------------------------------------------

PROBES = ("readinessProbe", "livenessProbe")
SLOW_START_SECONDS = 30  # a liveness delay this long says "this container starts slowly"


@rule(
    PROBES_RULE,
    Topic.POLICY,
    Severity.ERROR,
    prevents="traffic sent to pods that are not ready (no readiness probe), hung pods never restarted "
    "(no liveness probe), rollouts that report success while the new pods are broken",
    fix="add readinessProbe and livenessProbe; if the container has nothing to probe, waive with "
    "waive.gitops.myhoneydue.com/probes: <why> (the generator does this for health: none)",
)
def probes(ctx: Context) -> Iterator[Issue]:
    for pod in ctx.pods:
        if not pod.long_running:
            continue
        for container in pod.containers(init=False):
            for probe in PROBES:
                if not isinstance(container.spec.get(probe), dict):
                    yield Issue(
                        pod.resource,
                        f"{container.field}.{probe}",
                        f"container {container.name} of a long-running {pod.kind} has no {probe}",
                        f"add a {probe} (httpGet, tcpSocket, grpc or exec)",
                    )


def _probe_port(probe: dict) -> tuple[str, object] | None:
    for handler in ("httpGet", "tcpSocket", "grpc"):
        if isinstance(probe.get(handler), dict) and "port" in probe[handler]:
            return handler, probe[handler]["port"]
    return None


@rule(
    "probe-port",
    Topic.INTEGRITY,
    Severity.ERROR,
    severity_note="error (named port missing) / warning (number not declared)",
    prevents="a probe that can never succeed because its port does not exist: liveness kills the pod in a loop, "
    "readiness keeps it out of service forever",
    fix="probe a port the container declares (its name or containerPort)",
)
def probe_port(ctx: Context) -> Iterator[Issue]:
    for pod in ctx.pods:
        for container in pod.containers():
            names = {p["name"] for p in container.ports if isinstance(p.get("name"), str) and p["name"]}
            numbers = {as_int(p.get("containerPort")) for p in container.ports}
            for probe_name in ("startupProbe", *PROBES):
                probe = container.spec.get(probe_name)
                found = _probe_port(probe) if isinstance(probe, dict) else None
                if found is None:
                    continue
                handler, port = found
                field = f"{container.field}.{probe_name}.{handler}.port"
                number = as_int(port)
                if number is None and not (isinstance(port, str) and port in names):
                    yield Issue(
                        pod.resource,
                        field,
                        f"{probe_name} probes port {port}, which container {container.name} does not name "
                        f"(named ports: {', '.join(sorted(str(n) for n in names)) or 'none'}): the probe always fails",
                        "use one of the container's port names or a port number",
                    )
                elif number is not None and numbers and number not in numbers:
                    yield Issue(
                        pod.resource,
                        field,
                        f"{probe_name} probes port {number}, which container {container.name} does not declare "
                        f"(containerPorts: {', '.join(str(n) for n in sorted(n for n in numbers if n))})",
                        "probe the port the application listens on, and declare it in ports",
                        Severity.WARNING,
                    )


@rule(
    "startup-probe",
    Topic.POLICY,
    Severity.ERROR,
    severity_note="warning (liveness delay used instead of a startup probe) / error (startup window shorter "
    "than the liveness delay)",
    prevents="slow starters killed before they come up (the API's 240 s first boot, the admin's 120 s), or "
    "hangs left undetected for the whole initial delay",
    fix="add a startupProbe whose window (initialDelaySeconds + periodSeconds x failureThreshold) covers the "
    "slowest start, and drop the liveness initialDelaySeconds",
)
def startup_probe(ctx: Context) -> Iterator[Issue]:
    # The signal, from the YAML alone: a liveness initialDelaySeconds of 30 s or more is the author saying
    # "this starts slowly". Without a startup probe that guess is the only protection; with one whose
    # window is shorter than that delay, the startup probe kills the container before the time the
    # author expects it to need.
    for pod in ctx.pods:
        for container in pod.containers(init=False):
            liveness = probes_k8s.timing(container.spec.get("livenessProbe"))
            if liveness is None:
                continue
            delay = liveness.initial_delay_seconds
            if not isinstance(container.spec.get("startupProbe"), dict):
                if delay >= SLOW_START_SECONDS:
                    yield Issue(
                        pod.resource,
                        f"{container.field}.startupProbe",
                        f"container {container.name} has no startupProbe but its livenessProbe waits "
                        f"initialDelaySeconds {delay}: a start slower than that is killed, and every restart "
                        f"leaves a hang unnoticed for {delay} s",
                        f"add a startupProbe with a window of at least {delay} s and remove the liveness delay",
                        Severity.WARNING,
                    )
                continue
            startup = probes_k8s.timing(container.spec.get("startupProbe"))
            if startup is None:
                continue  # a field the API server refuses: kubeconform reports it
            window = startup.window_seconds
            if window < delay:
                yield Issue(
                    pod.resource,
                    f"{container.field}.startupProbe",
                    f"container {container.name}'s startupProbe gives up after {window} s, before the {delay} s "
                    "its livenessProbe initialDelaySeconds allows for starting: slow starts are killed",
                    f"raise startupProbe.failureThreshold so periodSeconds x failureThreshold covers {delay} s",
                )


# --- images --------------------------------------------------------------------------------------

_VERSION = re.compile(r"^v?(\d+)((?:\.\d+)*)(?=$|[-_+])")
MOVING_TAGS = {
    "stable",
    "edge",
    "lts",
    "main",
    "master",
    "nightly",
    "dev",
    "develop",
    "current",
    "alpine",
    "slim",
    "mainline",
    "rolling",
    "beta",
    "rc",
}


def image_tag_problem(image: str) -> tuple[Severity, str] | None:
    try:
        ref = images.split(image)
    except images.ImageError as err:
        return Severity.ERROR, f"{err.what}: the kubelet cannot pull it"
    if ref.digest:
        return None  # a digest pins the content whatever the tag says
    if ref.tag is None:
        return Severity.ERROR, "has no tag, so it pulls latest: every node may run a different build"
    tag = ref.tag
    if tag == images.FLOATING_TAG:
        return Severity.ERROR, "uses the tag latest: every node may run a different build"
    match = _VERSION.match(tag)
    # A first component of 5+ digits is a date or build number, not a major version.
    if match and len(match.group(1)) <= 4:
        components = 1 + match.group(2).count(".")
        if components < 3:
            return (
                Severity.WARNING,
                f"uses the floating tag {tag} ({components} version component(s)): "
                "it moves to new releases without a change in git",
            )
    elif tag in MOVING_TAGS:
        return Severity.WARNING, f"uses the moving tag {tag}: it changes without a change in git"
    return None


@rule(
    "image-tag",
    Topic.POLICY,
    Severity.ERROR,
    severity_note="error (no tag, latest) / warning (floating: fewer than three version components, or a moving "
    "name such as stable)",
    prevents="unreviewed upgrades and nodes running different builds of one Deployment",
    fix="pin a full version (7.4.2-alpine), a commit tag, or a digest (@sha256:...)",
)
def image_tag(ctx: Context) -> Iterator[Issue]:
    for pod in ctx.pods:
        for container in pod.containers():
            image = container.spec.get("image")
            if not isinstance(image, str):
                continue
            problem = image_tag_problem(image)
            if problem:
                severity, what = problem
                yield Issue(
                    pod.resource,
                    f"{container.field}.image",
                    f"image {image} {what}",
                    "pin a full version (e.g. 7.4.2-alpine), a build tag, or a digest",
                    severity,
                )


@rule(
    "image-digest",
    Topic.POLICY,
    Severity.WARNING,
    severity_note="warning, only where the declarations ConfigMap says the cluster is production "
    "(config: cluster.production)",
    prevents="a production pod that pulls whatever its tag names today: a tag pushed again, or a registry that "
    "was tampered with, changes what runs without a change in git",
    fix="pin production images by digest: registry/owner/name:tag@sha256:<digest>",
)
def image_digest(ctx: Context) -> Iterator[Issue]:
    cluster = ctx.declared.cluster
    if cluster is None or not cluster.production:
        return
    for pod in ctx.pods:
        for container in pod.containers():
            image = container.spec.get("image")
            if not isinstance(image, str):
                continue
            try:
                pinned = images.split(image).digest is not None
            except images.ImageError:
                continue  # image-tag reports a reference that cannot be pulled
            if not pinned:
                yield Issue(
                    pod.resource,
                    f"{container.field}.image",
                    f"image {image} goes to production by tag alone, without a digest",
                    f"append the digest the registry reports for it: {image}@sha256:<digest>",
                )


# --- secrets and tokens --------------------------------------------------------------------------


@rule(
    "plaintext-secret",
    Topic.POLICY,
    Severity.ERROR,
    prevents="secret values readable by anyone with access to the repository (base64 is not encryption)",
    fix="encrypt the file with SOPS (Flux decrypts it with spec.decryption), or keep the Secret out of git and "
    "declare it in config under secrets:",
)
def plaintext_secret(ctx: Context) -> Iterator[Issue]:
    for secret in ctx.of_kind("Secret"):
        for section in ("data", "stringData"):
            for key, value in mapping(secret.obj.get(section)).items():
                if not sops.is_plaintext(value):
                    continue
                yield Issue(
                    secret,
                    f"{section}.{key}",
                    f"{section}.{key} is stored in plain text (not a SOPS ENC[...] value)",
                    "encrypt it with sops --encrypt --encrypted-regex '^(data|stringData)$', or remove the Secret "
                    "from git and create it in the cluster",
                )


@rule(
    "service-account-token",
    Topic.POLICY,
    Severity.WARNING,
    prevents="an API credential mounted into pods that never call the Kubernetes API, usable by anyone who "
    "gets code execution in the container",
    fix="automountServiceAccountToken: false on the pod (true where it does call the API)",
)
def service_account_token(ctx: Context) -> Iterator[Issue]:
    for pod in ctx.pods:
        if isinstance(pod.spec.get("automountServiceAccountToken"), bool):
            continue  # explicit either way: the author decided
        account = str(pod.spec.get("serviceAccountName") or pod.spec.get("serviceAccount") or "default")
        service_account = ctx.get("ServiceAccount", pod.namespace, account)
        if service_account is not None and service_account.obj.get("automountServiceAccountToken") is False:
            continue
        yield Issue(
            pod.resource,
            f"{pod.field}.automountServiceAccountToken",
            f"automountServiceAccountToken is not set, so a token of ServiceAccount {account} is mounted into "
            "every pod",
            "set automountServiceAccountToken: false, or true if the pod calls the Kubernetes API",
        )
