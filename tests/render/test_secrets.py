"""Secrets: SOPS-encrypted files reach dist/ unchanged and decrypted by Flux; plaintext never does."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gitops.config import ConfigError
from gitops.k8s import manifests
from gitops.render.secrets import scan_for_plaintext
from gitops.render.synth import synth
from tests.conftest import PROJECT
from tests.manifests import Manifests

TOOLS = PROJECT / ".tools" / "bin"
# Shaped like `sops --encrypt --encrypted-regex '^(data|stringData)$'` output; the values are not real ciphertext.
SOPS_SHAPED = """\
apiVersion: v1
kind: Secret
metadata:
    name: honeydue-database
    namespace: honeydue
type: Opaque
stringData:
    DATABASE_URL: ENC[AES256_GCM,data:bm90IGEgcmVhbCBzZWNyZXQ=,iv:AAAA,tag:BBBB,type:str]
sops:
    age:
        - recipient: age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq
          enc: |
            -----BEGIN AGE ENCRYPTED FILE-----
            not-a-real-key
            -----END AGE ENCRYPTED FILE-----
    encrypted_regex: ^(data|stringData)$
    mac: ENC[AES256_GCM,data:AAAA,iv:BBBB,tag:CCCC,type:str]
    version: 3.13.3
"""
PLAINTEXT = SOPS_SHAPED.replace(
    "ENC[AES256_GCM,data:bm90IGEgcmVhbCBzZWNyZXQ=,iv:AAAA,tag:BBBB,type:str]", "postgres://user:pw@host/db"
)


def _put(config: Path, env: str, name: str, text: str) -> Path:
    directory = config / "secrets" / env
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text)
    return path


def _problems(config: Path, out: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        synth(config, out)
    return [str(p) for p in caught.value.problems]


def test_encrypted_secrets_are_copied_unchanged_and_decrypted_by_flux(tmp_path: Path, config_copy: Path):
    _put(config_copy, "prod", "database.yaml", SOPS_SHAPED)
    out = tmp_path / "dist"
    synth(config_copy, out)
    copied = out / "prod" / "infrastructure" / "secret-honeydue-database.sops.yaml"
    assert copied.read_text() == SOPS_SHAPED
    kustomizations = Manifests.load(out / "clusters" / "prod")
    assert kustomizations.get("Kustomization", "honeydue-infrastructure")["spec"]["decryption"] == {
        "provider": "sops",
        "secretRef": {"name": "sops-age"},
    }
    assert "decryption" not in kustomizations.get("Kustomization", "honeydue-apps")["spec"]
    inventory = (out / "prod" / "INVENTORY.md").read_text()
    assert "| honeydue | honeydue-database | Opaque | `DATABASE_URL` | git (SOPS, decrypted by Flux) |" in inventory
    assert "| flux-system | sops-age | Opaque | `identity.agekey` | created by the operator |" in inventory


def test_encrypted_secrets_validate_as_the_object_flux_applies(tmp_path: Path, config_copy: Path):
    from gitops.review import kubeconform

    _put(config_copy, "prod", "database.yaml", SOPS_SHAPED)
    out = tmp_path / "dist"
    synth(config_copy, out)
    result = kubeconform.validate([out / "prod"], "1.34.0")
    assert result.ok, result.output
    # Every generated object and the Secret as Flux applies it (no sops block).
    generated = len(manifests.load([out / "prod"]))
    assert f"Valid: {generated}," in result.output


def test_plaintext_secret_in_config_is_refused(tmp_path: Path, config_copy: Path):
    _put(config_copy, "prod", "database.yaml", PLAINTEXT)
    problems = _problems(config_copy, tmp_path / "dist")
    line = PLAINTEXT.splitlines().index("    DATABASE_URL: postgres://user:pw@host/db") + 1
    assert (
        f"config/secrets/prod/database.yaml:{line}: Secret honeydue-database stringData.DATABASE_URL: "
        "holds a plaintext value; secret values never go into the repository.\n"
        "  fix: encrypt the file with sops (see README, Secrets) or create the Secret in the cluster instead."
    ) in [p.replace(str(config_copy.parent) + "/", "") for p in problems]
    assert not (tmp_path / "dist").exists()


def test_a_plaintext_secret_anywhere_under_config_is_refused(tmp_path: Path, config_copy: Path):
    (config_copy / "examples").mkdir()
    (config_copy / "examples" / "notes.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\ndata: {token: c2VjcmV0}\n"
    )
    problems = _problems(config_copy, tmp_path / "dist")
    assert any("notes.yaml:4: Secret x data.token: holds a plaintext value" in p for p in problems)


def test_argocd_environments_cannot_take_sops_files(tmp_path: Path, config_copy: Path):
    _put(config_copy, "staging", "database.yaml", SOPS_SHAPED)
    problems = _problems(config_copy, tmp_path / "dist")
    assert [p.split(": ", 1)[1] for p in problems] == [
        "(secrets): environment 'staging' is delivered by argocd, which cannot decrypt SOPS files.\n"
        "  fix: create these Secrets in the cluster instead (INVENTORY.md lists them) and remove the directory."
    ]


def test_undeclared_encrypted_secret_is_refused(tmp_path: Path, config_copy: Path):
    _put(config_copy, "prod", "other.yaml", SOPS_SHAPED.replace("name: honeydue-database", "name: other"))
    problems = _problems(config_copy, tmp_path / "dist")
    assert any("metadata.name: secret 'other' is not declared in config." in p for p in problems)


def test_encrypted_secret_missing_a_declared_key_is_refused(tmp_path: Path, config_copy: Path):
    _put(config_copy, "prod", "database.yaml", SOPS_SHAPED.replace("DATABASE_URL:", "DB_URL:"))
    problems = _problems(config_copy, tmp_path / "dist")
    assert any("data: declared keys missing: DATABASE_URL." in p for p in problems)


def test_unencrypted_file_without_sops_metadata_is_refused(tmp_path: Path, config_copy: Path):
    _put(config_copy, "prod", "database.yaml", SOPS_SHAPED.split("sops:")[0])
    problems = _problems(config_copy, tmp_path / "dist")
    assert any("sops: the file is not SOPS-encrypted (no sops metadata)." in p for p in problems)


def test_scan_finds_plaintext_in_any_yaml(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\n---\n"
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n"
        "  ok: ENC[AES256_GCM,data:eA==,iv:aXY=,tag:dGFn,type:str]\n"
        "  bad: hunter2\n"
    )
    problems = scan_for_plaintext(tmp_path)
    assert [(p.key, p.line) for p in problems] == [("Secret s stringData.bad", 11)]


def test_real_sops_round_trip_with_a_throwaway_age_key(tmp_path: Path, config_copy: Path):
    sops, keygen = TOOLS / "sops", TOOLS / "age-keygen"
    assert sops.exists() and keygen.exists(), "sops and age-keygen are installed by make setup"
    key = tmp_path / "age.key"
    subprocess.run([str(keygen), "-o", str(key)], check=True, capture_output=True)
    recipient = next(line.split(": ")[1] for line in key.read_text().splitlines() if "public key" in line)
    plain = tmp_path / "plain.yaml"
    plain.write_text(PLAINTEXT.split("sops:")[0])
    encrypted = subprocess.run(
        [str(sops), "--encrypt", "--age", recipient, "--encrypted-regex", "^(data|stringData)$", str(plain)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    _put(config_copy, "prod", "database.yaml", encrypted)
    out = tmp_path / "dist"
    synth(config_copy, out)
    copied = out / "prod" / "infrastructure" / "secret-honeydue-database.sops.yaml"
    assert copied.read_text() == encrypted
    decrypted = subprocess.run(
        [str(sops), "--decrypt", str(copied)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "SOPS_AGE_KEY_FILE": str(key)},
    ).stdout
    assert "DATABASE_URL: postgres://user:pw@host/db" in decrypted
    assert "postgres://" not in copied.read_text()


def test_a_generated_plaintext_secret_never_reaches_dist(tmp_path: Path, config_copy: Path, monkeypatch):
    import charts.stack
    from gitops.render.output import OutputError

    real = charts.stack.synthesize

    def leaky(environments, encrypted_units=None):
        rendered = real(environments, encrypted_units)
        rendered["prod"]["prod/apps"].append(
            {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "oops"}, "stringData": {"k": "v"}}
        )
        return rendered

    monkeypatch.setattr(charts.stack, "synthesize", leaky)
    with pytest.raises(OutputError, match=re.escape("prod/apps/:0: Secret oops stringData.k: holds a plaintext value")):
        synth(config_copy, tmp_path / "dist")
    assert not (tmp_path / "dist").exists()


DEEP = "a: " + "[" * 5000 + "]" * 5000 + "\n"


@pytest.mark.parametrize(
    "name, data, message",
    [
        (
            "database.yaml",
            SOPS_SHAPED.replace("name: honeydue-database", "name: caf\xe9").encode("latin-1"),
            "config/secrets/prod/database.yaml:4: (file): the file is not UTF-8 text (byte 0xe9 at column 14).\n"
            "  fix: save it as UTF-8; YAML config is UTF-8 text.",
        ),
        (
            "database.yaml",
            SOPS_SHAPED.replace("metadata:\n    name: honeydue-database\n    namespace: honeydue\n", "metadata: [a]\n"),
            "config/secrets/prod/database.yaml:1: (file): expected exactly one Secret manifest with readable kind and "
            "metadata.\n  fix: keep one Secret per file, encrypted with sops --encrypted-regex '^(data|stringData)$'.",
        ),
        (
            "database.yaml",
            SOPS_SHAPED.replace("name: honeydue-database", "name: [honeydue-database]"),
            "config/secrets/prod/database.yaml:1: metadata.name: metadata.name is a list, expected "
            "text.\n  fix: write the Secret's name and namespace as text, then encrypt the file again.",
        ),
        (
            "deep.yaml",
            DEEP,
            "config/secrets/prod/deep.yaml:1: (file): lists and mappings are nested more than 32 levels deep here, the "
            "most a Secret file may nest.\n  fix: flatten the structure; nothing read here nests that deep.",
        ),
        (
            "notes.txt",
            "remember to rotate\n",
            "config/secrets/prod/notes.txt:0: (secrets): config/secrets/prod/ holds one SOPS-encrypted Secret manifest "
            "(.yaml) per file, nothing else.\n  fix: move it elsewhere, or encrypt it as a Secret and name it "
            "<secret>.yaml.",
        ),
    ],
)
def test_every_malformed_file_in_the_secrets_directory_is_a_problem(tmp_path, config_copy, name, data, message):
    path = config_copy / "secrets" / "prod" / name
    path.parent.mkdir(parents=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    done = subprocess.run(
        [sys.executable, str(PROJECT / "main.py"), "synth", "--config-dir", "config", "--out", "dist"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"{message}\n1 problem(s) in config; nothing was written.\n"
    assert not (tmp_path / "dist").exists()


def test_a_secrets_directory_of_no_environment_is_an_error(tmp_path: Path, config_copy: Path):
    _put(config_copy, "qa", "database.yaml", SOPS_SHAPED)
    (config_copy / "secrets" / "README.md").write_text("how to encrypt\n")
    problems = [p.replace(str(config_copy.parent) + "/", "") for p in _problems(config_copy, tmp_path / "dist")]
    assert problems == [
        "config/secrets/README.md:0: (secrets): config/secrets/ holds one directory per environment, nothing else.\n"
        "  fix: name the directory after one of prod, staging, or remove it.",
        "config/secrets/qa:0: (secrets): no environment 'qa' (config/qa.yaml) takes these Secrets.\n"
        "  fix: name the directory after one of prod, staging, or remove it.",
    ]


def test_a_secret_file_that_points_out_of_config_is_refused(tmp_path: Path, config_copy: Path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(SOPS_SHAPED)
    link = config_copy / "secrets" / "prod" / "database.yaml"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    problems = [p.replace(str(config_copy.parent) + "/", "") for p in _problems(config_copy, tmp_path / "dist")]
    assert problems == [
        "config/secrets/prod/database.yaml:0: (file): a symlink to elsewhere.yaml, outside config.\n"
        "  fix: put the file itself here: synth reads and publishes only what config/ holds."
    ]
