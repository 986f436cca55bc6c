"""What must already be in the cluster for an environment's objects to work, that git does not deliver.

Every Secret and ConfigMap a pod needs before it starts (references.py: env, envFrom, volumes,
projected sources, imagePullSecrets), an Ingress's TLS Secret, and the Secrets the GitOps engine's own
objects name (a Flux GitRepository's credentials, a Kustomization's SOPS decryption key) that no
object of the set provides: the operator creates them by hand, once per cluster (docs/operations.md).
The declarations ConfigMap (declared.py) adds what config declares, with each Secret's type and keys,
even where nothing reads it yet. A Secret committed SOPS-encrypted is an object of the set: the
engine delivers it.

One list, read two ways: `main.py diff` tells the operator what a change adds to it (to create before
merging: otherwise the pods wait in CreateContainerConfigError or ImagePullBackOff and the unit's
health check runs to its timeout) and what nothing needs any more (to delete afterwards); the
rehearsal's bootstrap creates exactly this list, and its converge drill fails any pod that needs
something the list leaves out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from gitops.k8s import references
from gitops.k8s.declared import Declared
from gitops.k8s.manifests import Resource
from gitops.k8s.references import CONFIG_MAP, SECRET
from gitops.k8s.workloads import dig, mapping, pod_template, sequence

OPAQUE = "Opaque"
DOCKER_CONFIG = "kubernetes.io/dockerconfigjson"  # what the kubelet reads pull credentials from
TLS = "kubernetes.io/tls"
# Published into every namespace by kube-controller-manager's root CA publisher.
BUILTIN_CONFIG_MAPS = {"kube-root-ca.crt": frozenset({"ca.crt"})}
# A Kustomization's decryption Secret: kustomize-controller reads every key ending in .agekey.
AGE_KEY = "identity.agekey"


@dataclass(frozen=True)
class Needed:
    """One object the cluster must hold before the objects that read it work."""

    kind: str  # Secret or ConfigMap
    namespace: str
    name: str
    type: str  # the Secret's type; "" for a ConfigMap
    keys: tuple[str, ...]  # the keys that must be in it, sorted
    readers: tuple[str, ...]  # "Deployment honeydue/api": what reads it, sorted; () when only declared
    declared: bool  # listed by the environment's declarations (config's secrets:)
    choices: str = ""  # keys that are alternatives, in words (a GitRepository's credentials)
    undeclared_keys: tuple[str, ...] = ()  # of a declared Secret: keys read that its declaration does not list

    @property
    def ident(self) -> tuple[str, str, str]:
        return self.kind, self.namespace, self.name

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"


@dataclass
class _Entry:
    type: str = ""
    keys: set[str] = field(default_factory=set)
    readers: set[str] = field(default_factory=set)
    declared: bool = False
    choices: str = ""


def _provided(resources: Iterable[Resource]) -> set[tuple[str, str, str]]:
    return {(r.kind, r.namespace, r.name) for r in resources if r.kind in (SECRET, CONFIG_MAP)}


def _engine_references(resource: Resource) -> Iterable[tuple[str, tuple[str, ...], str, str]]:
    """(Secret name, keys, type, alternatives in words) the engine's own objects read."""
    if resource.kind == "GitRepository":
        name = dig(resource.obj, "spec", "secretRef", "name")
        if isinstance(name, str):
            url = str(dig(resource.obj, "spec", "url") or "")
            keys = ("identity", "known_hosts") if url.startswith("ssh://") else ("password", "username")
            yield name, keys, OPAQUE, ""
    elif resource.kind == "Kustomization" and resource.api_version.startswith("kustomize.toolkit.fluxcd.io/"):
        name = dig(resource.obj, "spec", "decryption", "secretRef", "name")
        if isinstance(name, str):
            yield name, (AGE_KEY,), OPAQUE, "any key ending in .agekey"


def needed(resources: list[Resource], declared: Declared | None = None) -> list[Needed]:
    """What the cluster must hold for these objects that they do not provide themselves, in kind/namespace/name
    order. declared: the environment's declarations (declared.read(resources)), whose Secrets count too."""
    provided = _provided(resources)
    entries: dict[tuple[str, str, str], _Entry] = {}

    def add(kind: str, namespace: str, name: object, keys: Iterable[str], reader: str | None) -> _Entry | None:
        if not isinstance(name, str) or not name or (kind, namespace, name) in provided:
            return None
        if kind == CONFIG_MAP and name in BUILTIN_CONFIG_MAPS:
            return None
        entry = entries.setdefault((kind, namespace, name), _Entry(OPAQUE if kind == SECRET else ""))
        entry.keys.update(keys)
        if reader is not None:
            entry.readers.add(reader)
        return entry

    for resource in resources:
        reader = str(resource)
        template = pod_template(resource)
        if template is not None:
            for ref in references.pod_references(template.spec, template.field):
                if ref.optional:
                    continue
                entry = add(ref.kind, resource.namespace, ref.name, ref.keys, reader)
                if entry is not None and ref.pull:
                    entry.type = DOCKER_CONFIG
                    entry.keys.add(".dockerconfigjson")
        if resource.kind == "Ingress":
            for tls in sequence(dig(resource.obj, "spec", "tls")):
                entry = add(SECRET, resource.namespace, mapping(tls).get("secretName"), ("tls.crt", "tls.key"), reader)
                if entry is not None:
                    entry.type = TLS
        for name, engine_keys, kind, choices in _engine_references(resource):
            entry = add(SECRET, resource.namespace, name, engine_keys, reader)
            if entry is not None:
                entry.type, entry.choices = kind, choices
    undeclared: dict[tuple[str, str, str], tuple[str, ...]] = {}
    for (namespace, name), declared_keys in sorted((declared.secrets if declared else {}).items()):
        read = set(entries[(SECRET, namespace, name)].keys) if (SECRET, namespace, name) in entries else set()
        entry = add(SECRET, namespace, name, declared_keys, None)
        if entry is not None and declared is not None:
            entry.declared = True
            entry.type = declared.secret_types.get((namespace, name), entry.type or OPAQUE)
            undeclared[(SECRET, namespace, name)] = tuple(sorted(read - set(declared_keys)))
    return [
        Needed(
            kind,
            namespace,
            name,
            e.type,
            tuple(sorted(e.keys)),
            tuple(sorted(e.readers)),
            e.declared,
            e.choices,
            undeclared.get((kind, namespace, name), ()),
        )
        for (kind, namespace, name), e in sorted(entries.items())
    ]


@dataclass(frozen=True)
class Change:
    """What a change does to the list: an object to create, keys to add, or one nothing needs any more."""

    what: str  # create | add-keys | unused
    needed: Needed
    keys: tuple[str, ...] = ()  # add-keys: the keys to add


def changes(before: list[Needed], after: list[Needed]) -> list[Change]:
    """Creations and added keys (before merging), then what nothing reads any more (after): base to head."""
    old = {n.ident: n for n in before}
    new = {n.ident: n for n in after}
    found = []
    for ident, item in new.items():
        previous = old.get(ident)
        if previous is None:
            found.append(Change("create", item))
            continue
        added = tuple(k for k in item.keys if k not in previous.keys)
        if added:
            found.append(Change("add-keys", item, added))
    for ident, item in old.items():
        current = new.get(ident)
        if item.readers and (current is None or not current.readers):
            # What the head says about it: gone from the list, or left there by its declaration alone.
            found.append(Change("unused", current or replace(item, readers=(), declared=False)))
    return found
