"""SOPS files: whether a Secret value is ciphertext as sops itself writes it, and the file as Flux applies it.

sops (aes/cipher.go in getsops/sops) writes every encrypted value as
ENC[AES256_GCM,data:<base64>,iv:<base64>,tag:<base64>,type:<type>] and reads
back only what matches that shape. It leaves an empty string as it is
(Cipher.Encrypt returns "" for one), so an empty value is not plaintext, and
neither is null, which the API server reads as an empty string.

synth (refusing plaintext under config/ and in dist/) and `main.py check`
(the plaintext-secret rule) both decide with this module.
"""

from __future__ import annotations

import re

from ruamel.yaml import YAML

from gitops.bounds import Bounds, scan
from gitops.formats import yamlio

# Marks files whose top-level `sops` metadata the engine strips when it decrypts.
SOPS_SUFFIX = ".sops.yaml"

_BASE64 = r"[A-Za-z0-9+/]+={0,2}"
# The types Cipher.Decrypt knows.
_TYPES = "str|int|int64|float|bytes|bool|comment"
_CIPHERTEXT = re.compile(rf"ENC\[AES256_GCM,data:{_BASE64},iv:{_BASE64},tag:{_BASE64},type:(?:{_TYPES})\]")


def is_encrypted(value: object) -> bool:
    """A value in sops' encrypted form."""
    return isinstance(value, str) and _CIPHERTEXT.fullmatch(value) is not None


def is_plaintext(value: object) -> bool:
    """A value that would reveal a secret: not empty, and not sops ciphertext."""
    return value not in (None, "") and not is_encrypted(value)


# A SOPS file holds one Secret of a few KB (gitops/render/secrets.py reads config's with the same bounds).
BOUNDS = Bounds(bytes=128 * 2**10, depth=32, values=20_000, pure_bytes=128 * 2**10, what="a SOPS file")


def without_sops_metadata(text: str) -> str:
    """The manifest as the cluster receives it once Flux has decrypted it (values left encrypted).

    OutOfBounds or YAMLError for text that cannot be read within BOUNDS.
    """
    scan(text, BOUNDS)
    documents = []
    for doc in YAML(typ="rt").load_all(text):
        if isinstance(doc, dict):
            doc.pop("sops", None)
        documents.append(yamlio.dumps(doc))
    return "---\n".join(documents)
