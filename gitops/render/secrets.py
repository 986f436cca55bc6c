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

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from gitops.config import reading
from gitops.config.errors import ConfigError, Problem
from gitops.config.loader import LoadedEnvironment, display_path
from gitops.formats import sops
from gitops.formats.sops import SOPS_SUFFIX
from gitops.k8s.manifests import SUFFIXES, described
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


# A SOPS file holds one Secret of a few KB; the same bounds as config (gitops/config/reading.py), worded for it.
BOUNDS = replace(
    reading.BOUNDS,
    what="a Secret file",
    smaller="a Secret holds a few KB of keys: keep large files (certificate bundles, archives) out of git",
)


def _documents(path: Path, shown: str) -> list[tuple[int, object]]:
    """(line, document) pairs of a YAML file; ConfigError when it cannot be read within BOUNDS or does not parse."""
    text = reading.bounded_text(path, shown, BOUNDS)
    try:
        reading.refuse_tags_and_aliases(text, shown, pure=True)
        documents = list(YAML(typ="rt").load_all(text))
    except YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        what = " ".join(str(getattr(err, "problem", None) or err).split())
        raise ConfigError(
            [
                Problem(
                    shown,
                    mark.line + 1 if mark else 0,
                    "(syntax)",
                    f"YAML cannot be read: {what}",
                    "correct the YAML at this line; sops writes valid YAML, so the file was edited after encrypting",
                )
            ]
        ) from None
    return [(getattr(getattr(doc, "lc", None), "line", 0) + 1, doc) for doc in documents if doc is not None]


# Parsing every YAML file is slow; only a file that mentions the kind can hold a Secret.
_MENTIONS_SECRET = re.compile(r"""kind["']?\s*:\s*["']?Secret\b""")


def plaintext_problems(doc: object, shown: str, line: int) -> list[Problem]:
    """One problem per plaintext value of a Secret document (none for any other document)."""
    if not (isinstance(doc, dict) and doc.get("kind") == "Secret"):
        return []
    name = (doc.get("metadata") or {}).get("name", "?") if isinstance(doc.get("metadata"), dict) else "?"
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


def _yaml_files(root: Path, within: Path | None = None) -> tuple[list[Path], list[Problem]]:
    """Every YAML file under root, and a problem for each symlink that leaves within (default: root); synth never
    follows one out of config/."""
    found: list[Path] = []
    problems: list[Problem] = []
    within = within or root
    top = within.resolve()
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        here = Path(directory)
        for name in [*subdirectories, *sorted(names)]:
            path = here / name
            if path.is_symlink() and top not in path.resolve().parents:
                problems.append(
                    Problem(
                        display_path(path),
                        0,
                        "(file)",
                        f"a symlink to {path.resolve()}, outside {display_path(within)}",
                        "put the file itself here: synth reads and publishes only what config/ holds",
                    )
                )
            elif name in names and path.suffix in SUFFIXES and path.is_file():
                found.append(path)
    return found, problems


def scan_for_plaintext(root: Path) -> list[Problem]:
    """Every plaintext Secret value in YAML files under root, and every such file that cannot be read."""
    files, problems = _yaml_files(root)
    for path in files:
        shown = display_path(path)
        try:
            if not _MENTIONS_SECRET.search(reading.bounded_text(path, shown, BOUNDS)):
                continue
            for line, doc in _documents(path, shown):
                problems += plaintext_problems(doc, shown, line)
        except ConfigError as err:
            problems += err.problems
    return problems


def unknown_directories(config_dir: Path, environments: list[str]) -> list[Problem]:
    """Anything in config/secrets/ that is not the directory of an environment config/ defines."""
    root = config_dir / SECRETS_DIR
    if not root.is_dir():
        return []
    problems = []
    for entry in sorted(root.iterdir()):
        if entry.is_dir() and entry.name in environments:
            continue
        what = (
            f"no environment '{entry.name}' (config/{entry.name}.yaml) takes these Secrets"
            if entry.is_dir()
            else "config/secrets/ holds one directory per environment, nothing else"
        )
        problems.append(
            Problem(
                display_path(entry),
                0,
                "(secrets)",
                what,
                f"name the directory after one of {', '.join(environments) or 'no environment yet'}, or remove it",
            )
        )
    return problems


def load_encrypted(config_dir: Path, loaded: LoadedEnvironment) -> tuple[list[EncryptedSecret], list[Problem]]:
    """The environment's encrypted Secrets and every problem with them."""
    directory = config_dir / SECRETS_DIR / loaded.name
    config = loaded.config
    if not directory.is_dir():
        return [], []
    files, problems = _yaml_files(directory, config_dir)
    problems += [
        Problem(
            display_path(entry),
            0,
            "(secrets)",
            f"config/secrets/{loaded.name}/ holds one SOPS-encrypted Secret manifest (.yaml) per file, nothing else",
            "move it elsewhere, or encrypt it as a Secret and name it <secret>.yaml",
        )
        for entry in sorted(directory.iterdir())
        if not (entry.suffix in SUFFIXES and entry.is_file()) and not entry.is_symlink()
    ]
    secrets: list[EncryptedSecret] = []
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
        try:
            documents = _documents(path, shown)
        except ConfigError as err:
            problems += err.problems
            continue
        line, doc = documents[0] if len(documents) == 1 else (0, None)
        meta = doc.get("metadata") if isinstance(doc, dict) else None
        if not isinstance(doc, dict) or doc.get("kind") != "Secret" or not isinstance(meta, dict):
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
        name, namespace = meta.get("name"), meta.get("namespace") or ""
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
        if not isinstance(name, str) or not isinstance(namespace, str):
            field, value = ("metadata.name", name) if not isinstance(name, str) else ("metadata.namespace", namespace)
            problems.append(
                Problem(
                    shown,
                    line,
                    field,
                    f"{field} is {described(value)}, expected text",
                    "write the Secret's name and namespace as text, then encrypt the file again",
                )
            )
            continue
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
        secrets.append(EncryptedSecret(path, name, namespace, reading.bounded_text(path, shown, BOUNDS)))
    return secrets, problems
