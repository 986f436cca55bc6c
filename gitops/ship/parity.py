"""Promotion parity: prod gets what staging ran, and nothing else.

For each promoted service, two changes are compared, each over the same window of git history:

- staging's, from the commit at which it last ran the build prod runs before the promotion (the
  baseline: "since staging last matched prod") to what staging runs now (git at the base of the
  change, which is what Argo CD applies), and
- prod's, from the same baseline commit to prod as the change renders it.

Every field either change touches in the service's objects (its workload, Service, Ingress,
disruption budget, network policy: the objects labelled app.kubernetes.io/name=<service>) must end
the same in prod as in staging, except the fields each environment sets for itself. Those are
declared once, in the models (gitops/config/model.py marks them PerEnvironment); RENDERED below says
what each becomes in the rendered objects, and tests hold the two to each other and to the real
difference between dist/staging and dist/prod. Anything else that differs is listed, with the
object, the field, both values and whose change touched it: prod gets something staging never ran,
or staging ran something prod would not get.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from gitops.annotations import SETTINGS_HASH, SINGLETON_ROLLOUT_RULE, waiver
from gitops.config.model import per_environment_fields
from gitops.k8s import images, labels, workloads
from gitops.review.diff import fields
from gitops.review.diff.gitref import extract
from gitops.review.diff.load import Loader
from gitops.review.diff.model import MISSING, Embedded, FieldPath, Named
from gitops.review.diff.promotion import ConfigLine, Difference, Promotion, ServiceParity, Since
from gitops.review.findings import ObjectKey
from gitops.ship.history import history, image_of, is_workload_of

Tokens = tuple[str, ...]
ANY, REST, ITEM = "*", "**", "[]"
# Kinds whose pod template the containers' patterns apply to.
_TEMPLATE = "spec.template.spec.containers[]"


@dataclass(frozen=True)
class Rendered:
    """Where a config field shows in a service's objects: a kind ('*': any) and a path pattern."""

    kind: str
    pattern: Tokens

    def matches(self, kind: str, path: Tokens) -> bool:
        return self.kind in (ANY, kind) and _match(self.pattern, path)


def rendered(kind: str, dotted: str, *keys: str) -> Rendered:
    """'spec.template.spec.containers[].resources.**' (+ keys holding dots, as they are) as a Rendered."""
    tokens: list[str] = []
    for part in dotted.split(".") if dotted else []:
        name, _, rest = part.partition("[]")
        tokens.append(name)
        if _ or rest:
            tokens.append(ITEM)
    return Rendered(kind, (*tokens, *keys))


# What each field an environment sets for itself (gitops/config/model.py, PerEnvironment) becomes in a
# service's objects. A field that renders nothing into them maps to (). `images` is what a promotion
# copies: it is compared, never set aside.
RENDERED: dict[str, tuple[Rendered, ...]] = {
    "cluster.nodes": (
        rendered("NetworkPolicy", "spec.ingress[].from[].ipBlock.**"),
        rendered("NetworkPolicy", "spec.egress[].to[].ipBlock.**"),
    ),
    "cluster.production": (),
    "cluster.systemReserved": (),
    "delivery": (),
    "edge.statusHostname": (),
    "images": (),
    "services.*.args": (rendered(ANY, f"{_TEMPLATE}.args"),),
    "services.*.hosts": (rendered("Ingress", "spec.**"),),
    "services.*.replicas": (
        rendered(ANY, "spec.replicas"),
        rendered(ANY, "spec.template.spec.topologySpreadConstraints.**"),
        rendered(ANY, "metadata.annotations", waiver(SINGLETON_ROLLOUT_RULE)),
        rendered("PodDisruptionBudget", "spec.**"),
    ),
    "services.*.resources": (rendered(ANY, f"{_TEMPLATE}.resources.**"),),
    # A writable path's size, and the container's ephemeral-storage derived from it.
    "services.*.scratch": (
        rendered(ANY, "spec.template.spec.volumes[].emptyDir.sizeLimit"),
        rendered(ANY, f"{_TEMPLATE}.resources.**"),
    ),
    "services.*.storage.node": (rendered(ANY, "spec.template.spec.affinity.**"),),
    # Settings and the public hosts in them: the digest of what a pod reads.
    "settings": (rendered(ANY, "spec.template.metadata.annotations", SETTINGS_HASH),),
    "shipping": (),
    "traefik.resources": (),
}
# The environment's own name, in the instance label of every object and every selector.
ENVIRONMENT_NAME = (rendered(ANY, REST, labels.INSTANCE),)


def _match(pattern: Tokens, path: Tokens) -> bool:
    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == REST:
        return any(_match(rest, path[i:]) for i in range(len(path) + 1))
    if not path:
        return False
    return head in (ANY, path[0]) and _match(rest, path[1:])


def tokens(path: FieldPath) -> Tokens:
    """A field path as patterns read it: list items as '[]', nothing inside an embedded document."""
    out: list[str] = []
    for segment in path:
        if isinstance(segment, Embedded):
            break
        out.append(ITEM if isinstance(segment, (Named, int)) else str(segment))
    return tuple(out)


def per_environment(kind: str, path: FieldPath) -> str | None:
    """The config field (or '(environment name)') a rendered field belongs to, if it is set per environment."""
    at = tokens(path)
    if any(r.matches(kind, at) for r in ENVIRONMENT_NAME):
        return "(environment name)"
    return next((key for key, found in RENDERED.items() if any(r.matches(kind, at) for r in found)), None)


def declared_fields() -> set[str]:
    """The fields the models mark as set per environment."""
    return {key for key, _ in per_environment_fields()}


# --- one service's objects in the four states -------------------------------------------------------------

Objects = dict[tuple[str, str, str, str], dict[str, Any]]


def service_objects(root: Path, service: str, loader: Loader) -> Objects:
    """The objects under root (one environment's directory) that belong to service, by kind/namespace/name."""
    if not root.exists():
        return {}
    side = loader.load(str(root), [root])
    found: Objects = {}
    for key, resource in side.objects.items():
        meta = workloads.mapping(resource.obj.get("metadata"))
        if workloads.mapping(meta.get("labels")).get(labels.NAME) == service:
            found[(key.kind, key.namespace, key.name, key.api_version)] = resource.obj
    return found


def workload_image(objects: Objects, service: str) -> str | None:
    return next((image_of(obj, service) for obj in objects.values() if is_workload_of(obj, service)), None)


def _touched(before: Objects, after: Objects) -> dict[tuple[str, str, str, str], list[FieldPath]]:
    touched: dict[tuple[str, str, str, str], list[FieldPath]] = {}
    for key in set(before) | set(after):
        paths = [c.path for c in fields.diff(before.get(key, MISSING), after.get(key, MISSING))]
        if paths:
            touched[key] = paths
    return touched


def _related(a: FieldPath, b: FieldPath) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


@dataclass(frozen=True)
class States:
    """A service's objects: the source and the target at the baseline, the source now, the target as changed."""

    source_then: Objects
    target_then: Objects
    source_now: Objects
    target_new: Objects


def compare(states: States, source: str, target: str) -> tuple[list[Difference], list[str]]:
    """The differences that break parity, and the per-environment config fields whose change was set aside."""
    by_source = _touched(states.source_then, states.source_now)
    by_target = _touched(states.target_then, states.target_new)
    differences: list[Difference] = []
    aside: set[str] = set()
    for key in sorted(set(by_source) | set(by_target)):
        kind = key[0]
        subject = ObjectKey(*key, scope=target)
        source_paths, target_paths = by_source.get(key, []), by_target.get(key, [])
        for path in source_paths + target_paths:
            field = per_environment(kind, path)
            if field is not None and field != "(environment name)":
                aside.add(field)
        new, now = states.target_new.get(key), states.source_now.get(key)
        if new is None or now is None:
            if new is not None or now is not None:
                side = (
                    target
                    if target_paths and not source_paths
                    else source
                    if source_paths and not target_paths
                    else "both"
                )
                differences.append(
                    Difference(
                        subject,
                        "",
                        MISSING if new is None else "(present)",
                        MISSING if now is None else "(present)",
                        side,
                    )
                )
            continue
        for change in (leaf for c in fields.diff(new, now) for leaf in fields.leaves(c)):
            if per_environment(kind, change.path) is not None:
                continue
            in_source = any(_related(change.path, p) for p in source_paths)
            in_target = any(_related(change.path, p) for p in target_paths)
            if not (in_source or in_target):
                continue  # a difference both already had at the baseline, which this promotion does not touch
            side = "both" if in_source and in_target else source if in_source else target
            differences.append(Difference(subject, fields.render_path(change.path), change.old, change.new, side))
    return differences, sorted(aside)


# --- the promotion as a whole -------------------------------------------------------------------------------


def version_of(image: str | None) -> str:
    """The version part of an image reference, for display ('(none)' for no image)."""
    if image is None:
        return "(none)"
    try:
        return images.split(image).version or image
    except images.ImageError:
        return image


def _extract(root: Path, commit: str, dist: str, envs: Iterable[str], into: Path) -> Path:
    extract(root, commit, [f"{dist}/{env}" for env in envs], into)
    return into / dist


@dataclass(frozen=True)
class Request:
    """What a parity proof needs: the repository, the commit the change starts from, both dist/ trees."""

    root: Path
    base: str  # the commit the change starts from (HEAD for `promote`, the merge-base for a pull request)
    dist: str  # dist/'s path in the repository
    base_dist: Path  # a dist/ holding the source's and the target's directories as committed at base
    new_dist: Path  # dist/ as the change renders it


def prove(request: Request, source: str, target: str, services: list[str]) -> Promotion:
    """Parity for each service the change promotes from source to target."""
    loader = Loader()
    results: list[ServiceParity] = []
    with tempfile.TemporaryDirectory(prefix="honeydue-parity-") as tmp:
        at_baseline: dict[str, Path] = {}
        for service in services:
            source_now = service_objects(request.base_dist / source, service, loader)
            target_then_base = service_objects(request.base_dist / target, service, loader)
            target_new = service_objects(request.new_dist / target, service, loader)
            old, new = workload_image(target_then_base, service), workload_image(target_new, service)
            running = workload_image(source_now, service)
            manifest = _manifest(request.base_dist / source, service, loader)
            if old is None or new is None or running is None or manifest is None:
                results.append(
                    ServiceParity(
                        service,
                        version_of(old),
                        version_of(new),
                        None,
                        None,
                        problem=f"{service} runs in only one of {source} and {target}",
                    )
                )
                continue
            builds = history(request.root, request.base, f"{request.dist}/{source}/{manifest}", service)
            started = builds.running_since(running)
            since = Since(started.short, started.date, started.subject) if started else None
            if new != running:
                results.append(
                    ServiceParity(
                        service,
                        version_of(old),
                        version_of(new),
                        since,
                        None,
                        problem=f"{target} would run {version_of(new)}, but {source} runs {version_of(running)}: "
                        f"{source} has not run that build",
                    )
                )
                continue
            baseline = builds.last_ran(old, request.base)
            if baseline is None:
                results.append(
                    ServiceParity(
                        service,
                        version_of(old),
                        version_of(new),
                        since,
                        None,
                        problem=f"{source} never ran {target}'s build {version_of(old)} (in {request.dist}/{source}/"
                        f"{manifest}'s history): there is no point from which to compare the two changes",
                    )
                )
                continue
            if baseline not in at_baseline:
                at_baseline[baseline] = _extract(
                    request.root, baseline, request.dist, (source, target), Path(tmp) / baseline
                )
            then = at_baseline[baseline]
            states = States(
                source_then=service_objects(then / source, service, loader),
                target_then=service_objects(then / target, service, loader),
                source_now=source_now,
                target_new=target_new,
            )
            differences, aside = compare(states, source, target)
            results.append(
                ServiceParity(
                    service,
                    version_of(old),
                    version_of(new),
                    since,
                    baseline[:10],
                    tuple(differences),
                    tuple(_short_field(f) for f in aside),
                )
            )
    return Promotion(source, target, results)


def _short_field(key: str) -> str:
    return key.removeprefix("services.*.")


def _manifest(env_dir: Path, service: str, loader: Loader) -> str | None:
    """The path, under the environment's directory, of the file that holds service's workload."""
    if not env_dir.exists():
        return None
    side = loader.load(str(env_dir), [env_dir])
    for resource in side.objects.values():
        if is_workload_of(resource.obj, service):
            return resource.path.relative_to(env_dir).as_posix()
    return None


# --- the target's config lines set beside the promoted builds ------------------------------------------------


def _leaves(node: object, path: tuple[str | int, ...] = ()) -> dict[tuple[str | int, ...], tuple[object, int]]:
    """Every scalar (and empty container) of a round-trip tree, with its line."""
    found: dict[tuple[str | int, ...], tuple[object, int]] = {}
    if isinstance(node, CommentedMap):
        for key in node:
            line = node.lc.key(key)[0] + 1
            value = node[key]
            if isinstance(value, (CommentedMap, CommentedSeq)) and len(value):
                found.update(_leaves(value, (*path, str(key))))
            else:
                found[(*path, str(key))] = (value, line)
    elif isinstance(node, CommentedSeq):
        for index, value in enumerate(node):
            line = node.lc.item(index)[0] + 1
            if isinstance(value, (CommentedMap, CommentedSeq)) and len(value):
                found.update(_leaves(value, (*path, index)))
            else:
                found[(*path, index)] = (value, line)
    return found


def _is_per_environment(path: tuple[str | int, ...], declared: set[str]) -> bool:
    keys = [str(p) if not isinstance(p, int) else "" for p in path]
    for field in declared:
        parts = field.split(".")
        if len(keys) >= len(parts) and all(want in ("*", have) for want, have in zip(parts, keys, strict=False)):
            return True
    return False


def config_lines(before: str | None, after: str, shown: str) -> list[ConfigLine]:
    """The values of a config file that changed, other than those set per environment (images included)."""
    yaml = YAML(typ="rt")
    try:
        old = _leaves(yaml.load(before)) if before else {}
        new = _leaves(yaml.load(after))
    except YAMLError:
        return []
    declared = declared_fields()
    lines = []
    for path in sorted(set(old) | set(new), key=lambda p: (new.get(p, old.get(p, (None, 0)))[1], str(p))):
        was, now = old.get(path, (MISSING, 0))[0], new.get(path, (MISSING, 0))
        if was == now[0] or _is_per_environment(path, declared):
            continue
        key = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")
        lines.append(ConfigLine(shown, now[1] or old.get(path, (None, 0))[1], key, was, now[0]))
    return lines
