"""One answer to "is this SOPS ciphertext?" for synth and `main.py check`, and it is sops' own."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops.formats import sops
from gitops.render.secrets import plaintext_fields
from tests.dist_copies import write
from tests.review.check.support import active, check

# The shape Cipher.Encrypt writes (getsops/sops aes/cipher.go); the values are not real ciphertext.
CIPHERTEXT = "ENC[AES256_GCM,data:bm90IGEgcmVhbCBzZWNyZXQ=,iv:AAAA,tag:BBBB,type:str]"


def _synth_refuses(value: object) -> bool:
    return bool(plaintext_fields({"kind": "Secret", "stringData": {"KEY": value}}))


def _check_refuses(tmp_path: Path, value: object) -> bool:
    write(
        tmp_path,
        "secret.yaml",
        f"apiVersion: v1\nkind: Secret\nmetadata: {{name: s, namespace: ns}}\nstringData: {{KEY: {value!r}}}\n".replace(
            "None", "null"
        ),
    )
    return bool(active(check(tmp_path), "plaintext-secret"))


@pytest.mark.parametrize(
    "value, refused",
    [
        (CIPHERTEXT, False),
        ("ENC[AES256_GCM,data:abc=,iv:aXY=,tag:dGFn,type:int]", False),
        ("hunter2", True),
        ("ENC[]", True),
        ("ENC[AES256_GCM,data:eA==,type:str]", True),
        ("ENC[AES256_GCM,data:eA==,iv:aXY=,tag:dGFn,type:str] trailing", True),
        ("ENC[AES256_GCM,data:e A,iv:aXY=,tag:dGFn,type:str]", True),
        ("ENC[AES256_GCM,data:eA==,iv:aXY=,tag:dGFn,type:unknown]", True),
        ("", False),
        (None, False),
    ],
)
def test_synth_and_check_refuse_the_same_values(tmp_path: Path, value: object, refused: bool):
    assert sops.is_plaintext(value) is refused
    assert _synth_refuses(value) is refused
    assert _check_refuses(tmp_path, value) is refused


def test_a_value_without_iv_and_tag_is_plaintext_to_synth_and_check_alike(tmp_path: Path):
    # Before, synth took any ENC[<word>,data:...] and check any ENC[...]; sops writes (and decrypts) only this shape.
    value = "ENC[AES256_GCM,data:abc,type:str]"
    assert _synth_refuses(value) and _check_refuses(tmp_path, value)


def test_an_empty_value_sops_leaves_unencrypted_passes_synth_and_check_alike(tmp_path: Path):
    # Cipher.Encrypt returns "" for an empty value, so a real sops file holds it as is; synth used to refuse it.
    assert not _synth_refuses("") and not _check_refuses(tmp_path, "")
