"""Secrets in the repository: SOPS-encrypted or not at all.

With Flux, an environment may keep its Secrets in git as SOPS-encrypted
manifests under config/secrets/<env>/; synth copies them byte for byte into
the infrastructure unit and the Kustomization decrypts them in the cluster.
Argo CD cannot decrypt SOPS, so its environments create Secrets out of band
(INVENTORY.md lists which).

Whatever the engine, a Secret whose data/stringData values are not SOPS
ciphertext (gitops/formats/sops.py) must never be written to config/ or dist/: synth fails
on one anywhere under config/ and on one in what it is about to write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from gitops.config.errors import Problem
from gitops.config.loader import LoadedEnvironment, display_path
from gitops.formats import sops
from gitops.formats.sops import SOPS_SUFFIX
from gitops.k8s.workloads import mapping
from gitops.layout import INFRASTRUCTURE

SECRETS_DIR = "secrets"
# The unit whose directory holds them: applied before the services that read them.
UNIT = INFRASTRUCTURE
_VALUE_FIELDS = ("data", "stringData")


@dataclass(frozen=True)
class EncryptedSecret:
    """One SOPS-encrypted Secret manifest, kept exactly as committed."""

    source: Path
    name: str
    namespace: str
    text: str

    @property
    def file_name(self) -> str:
        return f"secret-{self.name}{SOPS_SUFFIX}"


def plaintext_fields(document: dict) -> list[tuple[str, str, int | None]]:
    """(field, key, line) of every value of a Secret document that is not SOPS ciphertext."""
    found: list[tuple[str, str, int | None]] = []
    for field in _VALUE_FIELDS:
        values = document.get(field) or {}
        if not isinstance(values, dict):
            found.append((field, "", None))
            continue
        for key, value in values.items():
            if sops.is_plaintext(value):
                line = values.lc.key(key)[0] + 1 if isinstance(values, CommentedMap) else None
                found.append((field, str(key), line))
    return found


def _documents(path: Path) -> list[tuple[int, object]]:
    """(line, document) pairs of a YAML file; unreadable files yield nothing (their owner reports them)."""
    try:
        return [
            (getattr(getattr(doc, "lc", None), "line", 0) + 1, doc)
            for doc in YAML(typ="rt").load_all(path.read_text())
            if doc is not None
        ]
    except YAMLError:
        return []


# Parsing every YAML file is slow; only a file that mentions the kind can hold a Secret.
_MENTIONS_SECRET = re.compile(r"""kind["']?\s*:\s*["']?Secret\b""")


def plaintext_problems(doc: object, shown: str, line: int) -> list[Problem]:
    """One problem per plaintext value of a Secret document (none for any other document)."""
    if not (isinstance(doc, dict) and doc.get("kind") == "Secret"):
        return []
    name = mapping(doc.get("metadata")).get("name", "?")
    return [
        Problem(
            shown,
            at or line,
            f"Secret {name} {field}.{key}".rstrip("."),
            "holds a plaintext value; secret values never go into the repository",
            "encrypt the file with sops (see README, Secrets) or create the Secret in the cluster instead",
        )
        for field, key, at in plaintext_fields(doc)
    ]


def scan_for_plaintext(root: Path) -> list[Problem]:
    """Every plaintext Secret value in YAML files under root."""
    problems = []
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()):
        if not _MENTIONS_SECRET.search(path.read_text()):
            continue
        for line, doc in _documents(path):
            problems += plaintext_problems(doc, display_path(path), line)
    return problems


def load_encrypted(config_dir: Path, loaded: LoadedEnvironment) -> tuple[list[EncryptedSecret], list[Problem]]:
    """The environment's encrypted Secrets and every problem with them."""
    directory = config_dir / SECRETS_DIR / loaded.name
    files = sorted(p for p in directory.glob("*.y*ml") if p.is_file()) if directory.is_dir() else []
    config = loaded.config
    secrets: list[EncryptedSecret] = []
    problems: list[Problem] = []
    if files and config.delivery.engine != "flux":
        problems.append(
            Problem(
                display_path(directory),
                0,
                "(secrets)",
                f"environment '{loaded.name}' is delivered by {config.delivery.engine}, "
                "which cannot decrypt SOPS files",
                "create these Secrets in the cluster instead (INVENTORY.md lists them) and remove the directory",
            )
        )
        return [], problems
    for path in files:
        shown = display_path(path)
        documents = _documents(path)
        line, doc = documents[0] if len(documents) == 1 else (0, None)
        if not isinstance(doc, dict) or doc.get("kind") != "Secret":
            problems.append(
                Problem(
                    shown,
                    1,
                    "(file)",
                    "expected exactly one Secret manifest with readable kind and metadata",
                    "keep one Secret per file, encrypted with sops --encrypted-regex '^(data|stringData)$'",
                )
            )
            continue
        meta = mapping(doc.get("metadata"))
        name, namespace = meta.get("name", ""), meta.get("namespace", "")
        if "sops" not in doc:
            problems.append(
                Problem(
                    shown,
                    line,
                    "sops",
                    "the file is not SOPS-encrypted (no sops metadata)",
                    "encrypt it: sops --encrypt --encrypted-regex '^(data|stringData)$' "
                    f"--age <recipient> --in-place {shown}",
                )
            )
        for field, key, at in plaintext_fields(doc):
            problems.append(
                Problem(
                    shown,
                    at or line,
                    f"{field}.{key}".rstrip("."),
                    "holds a plaintext value",
                    "encrypt the file with sops; never commit secret values",
                )
            )
        declared = config.secrets.get(name)
        if declared is None:
            problems.append(
                Problem(
                    shown,
                    line,
                    "metadata.name",
                    f"secret '{name}' is not declared in config",
                    f"declare it under secrets in config/{loaded.name}.yaml or config/base.yaml",
                )
            )
            continue
        if namespace != config.namespace:
            problems.append(
                Problem(
                    shown,
                    line,
                    "metadata.namespace",
                    f"namespace '{namespace}' is not the environment's namespace",
                    f"set metadata.namespace: {config.namespace}",
                )
            )
        present = {str(k) for field in _VALUE_FIELDS for k in mapping(doc.get(field))}
        missing = [key for key in declared.keys if key not in present]
        if missing:
            problems.append(
                Problem(
                    shown,
                    line,
                    "data",
                    f"declared keys missing: {', '.join(missing)}",
                    "add them to the Secret before encrypting, or remove them from the declaration",
                )
            )
        secrets.append(EncryptedSecret(path, name, namespace, path.read_text()))
    return secrets, problems
