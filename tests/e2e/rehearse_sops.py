"""End-to-end: a SOPS-encrypted Secret, committed as docs/operations.md says, decrypted by the real Flux.

A throwaway age key (age-keygen from make setup) encrypts one declared Secret into the clone's
config/secrets/prod/; synth copies it into dist/. With --age-key the rehearsal gives Flux the key
(the sops-age Secret in flux-system) and checks the Secret reached the cluster decrypted; without
one, the same commit rehearses with the file left out and says SOPS was not rehearsed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.e2e import kit as e2ekit
from tests.render.test_secrets import PLAINTEXT

# The Secret tests/render/test_secrets.py round-trips, without its sops block: what the operator encrypts.
SECRET = PLAINTEXT.split("sops:")[0]


@pytest.fixture(scope="module")
def encrypted(tmp_path_factory) -> tuple[Path, Path]:
    """(clone with the encrypted Secret committed, the age key)."""
    tmp = tmp_path_factory.mktemp("sops")
    key = tmp / "age.key"
    subprocess.run([str(e2ekit.BIN / "age-keygen"), "-o", str(key)], check=True, capture_output=True)
    recipient = next(line.split(": ")[1] for line in key.read_text().splitlines() if "public key" in line)
    plain = tmp / "secret.yaml"
    plain.write_text(SECRET)
    ciphertext = subprocess.run(
        [
            str(e2ekit.BIN / "sops"),
            "--encrypt",
            "--age",
            recipient,
            "--encrypted-regex",
            "^(data|stringData)$",
            str(plain),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    clone = e2ekit.clone(tmp)

    def put(repo: Path) -> None:
        target = repo / "config" / "secrets" / "prod" / "database.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(ciphertext)

    e2ekit.commit(clone, [], synth=True, before_synth=put)
    assert "postgres://" not in (clone / "dist/prod/infrastructure/secret-honeydue-database.sops.yaml").read_text()
    return clone, key


def test_flux_decrypts_it_with_the_key(encrypted):
    clone, key = encrypted
    done = e2ekit.rehearse(clone, "prod", "--drill", "converge", "--age-key", str(key))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "  note: SOPS: Secret honeydue/honeydue-database decrypted by Flux (DATABASE_URL)" in done.stdout.splitlines()
    ), done.stdout


def test_without_a_key_it_is_not_rehearsed(encrypted):
    clone, _ = encrypted
    done = e2ekit.rehearse(clone, "prod", "--drill", "converge")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert (
        "  note: SOPS: 1 encrypted Secret(s) not rehearsed (no age key given): left out of the served commit, "
        "created with placeholder values instead" in lines
    ), done.stdout
    assert any(
        line.startswith("  substituted: dist/prod/infrastructure/secret-honeydue-database.sops.yaml: left out")
        for line in lines
    ), done.stdout
