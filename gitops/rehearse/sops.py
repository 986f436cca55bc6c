"""SOPS-encrypted Secrets in the rehearsal: decrypted by the real Flux with a given age key, or not rehearsed.

With a key (`--age-key`, a throwaway one in the end-to-end test), the bootstrap creates the
decryption Secret as docs/operations.md says (`kubectl -n flux-system create secret generic
sops-age --from-file=identity.agekey=...`), and the rehearsal checks that each encrypted Secret
reached the cluster decrypted, with its declared keys. Without one (CI has no production key),
the served commit leaves the encrypted files out, the bootstrap creates those Secrets with
placeholder values like every other declared Secret, and the decryption Secret is created
empty (kustomize-controller only needs it to exist when nothing is encrypted); the report
says that SOPS was not rehearsed.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from gitops.formats import sops as ciphertext
from gitops.k8s.manifests import Resource
from gitops.k8s.workloads import dig, mapping
from gitops.rehearse.kube import Api, Kubectl
from gitops.rehearse.procs import ComponentError

AGE_KEY_FILE = "identity.agekey"  # the key name operations.md gives; kustomize-controller reads *.agekey


@dataclass(frozen=True)
class Encrypted:
    namespace: str
    name: str
    keys: tuple[str, ...]
    path: str  # repository-relative file


@dataclass(frozen=True)
class SopsPlan:
    encrypted: tuple[Encrypted, ...]
    key: Path | None

    @property
    def rehearsed(self) -> bool:
        return bool(self.encrypted) and self.key is not None

    def left_out(self) -> list[str]:
        """The files the served commit leaves out: every encrypted one, when there is no key."""
        return [] if self.key is not None else [e.path for e in self.encrypted]

    def placeholders(self) -> set[tuple[str, str]]:
        """(namespace, name) of Secrets the bootstrap must not create: Flux creates them decrypted."""
        return {(e.namespace, e.name) for e in self.encrypted} if self.rehearsed else set()


def plan(resources: list[Resource], checkout: Path, key: Path | None) -> SopsPlan:
    found = []
    for resource in resources:
        if resource.kind == "Secret" and "sops" in resource.obj:
            keys = sorted({*mapping(resource.obj.get("data")), *mapping(resource.obj.get("stringData"))})
            found.append(
                Encrypted(resource.namespace, resource.name, tuple(keys), str(resource.path.relative_to(checkout)))
            )
    return SopsPlan(tuple(sorted(found, key=lambda e: (e.namespace, e.name))), key)


def decryption_secrets(cluster_resources: list[Resource]) -> list[tuple[str, str]]:
    """(namespace, name) of every decryption Secret the Kustomizations name."""
    found: set[tuple[str, str]] = set()
    for resource in cluster_resources:
        name = dig(resource.obj, "spec", "decryption", "secretRef", "name")
        if resource.kind == "Kustomization" and isinstance(name, str) and name:
            found.add((resource.namespace, name))
    return sorted(found)


def create_decryption_secrets(kubectl: Kubectl, sops_plan: SopsPlan, names: list[tuple[str, str]]) -> None:
    for namespace, name in names:
        argv = ["-n", namespace, "create", "secret", "generic", name]
        if sops_plan.key is not None:
            argv.append(f"--from-file={AGE_KEY_FILE}={sops_plan.key}")
        code, out, _ = kubectl.run(*argv)
        if code != 0:
            raise ComponentError("bootstrap", f"creating the decryption Secret {namespace}/{name}: {out}")


def still_encrypted(secret: dict) -> list[str]:
    """Keys of a live Secret whose value is still SOPS ciphertext."""
    found = []
    for key, value in mapping(secret.get("data")).items():
        try:
            text = base64.b64decode(value).decode()
        except (ValueError, UnicodeDecodeError):
            continue
        if ciphertext.is_encrypted(text):
            found.append(key)
    return sorted(found)


def verify(api: Api, sops_plan: SopsPlan) -> tuple[list[str], list[str]]:
    """(problems, facts) about each encrypted Secret once Flux has applied it."""
    problems, facts = [], []
    for item in sops_plan.encrypted:
        live = api.find(f"/api/v1/namespaces/{item.namespace}/secrets/{item.name}")
        ref = f"{item.namespace}/{item.name}"
        if live is None:
            problems.append(f"Secret {ref} from {item.path} never reached the cluster")
            continue
        missing = sorted(set(item.keys) - set(mapping(live.get("data"))))
        encrypted = still_encrypted(live)
        if missing or encrypted:
            problems.append(
                f"Secret {ref}: "
                + "; ".join(
                    ([f"keys missing: {', '.join(missing)}"] if missing else [])
                    + ([f"still encrypted: {', '.join(encrypted)}"] if encrypted else [])
                )
            )
        else:
            facts.append(f"Secret {ref} decrypted by Flux ({', '.join(item.keys)})")
    return problems, facts


def note(sops_plan: SopsPlan, facts: list[str]) -> str:
    if not sops_plan.encrypted:
        return "SOPS: no encrypted Secrets in this environment"
    if sops_plan.key is None:
        return (
            f"SOPS: {len(sops_plan.encrypted)} encrypted Secret(s) not rehearsed (no age key given): "
            "left out of the served commit, created with placeholder values instead"
        )
    return "SOPS: " + "; ".join(facts) if facts else "SOPS: nothing decrypted"
