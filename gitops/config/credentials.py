"""Settings that look like credentials: the settings ConfigMap is plaintext in git and in the cluster.

A setting is refused when its key names a credential (a word such as
PASSWORD, TOKEN or SECRET, or a *_KEY such as API_KEY), or its value has the
shape of one: a URL with a password in it, a private key block, a JSON Web
Token, a token with a well-known issuer prefix, or a long random-looking
string. config may declare a key not secret, with the reason
(`notSecret:`); everything else that looks secret belongs in a Secret.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Whole words of a key (split at '_') that name a credential.
SECRET_WORDS = frozenset(
    {
        "PASSWORD",
        "PASSWD",
        "PASS",
        "PWD",
        "SECRET",
        "SECRETS",
        "TOKEN",
        "TOKENS",
        "CREDENTIAL",
        "CREDENTIALS",
        "APIKEY",
        "PASSPHRASE",
        "PRIVATE",
    }
)

_PREFIXED_TOKEN = re.compile(
    # GitHub (ghp_, gho_, ghs_, github_pat_), GitLab (glpat-), Slack (xox?-), Stripe (sk_live_/rk_live_),
    # AWS access key ids (AKIA...), npm (npm_), PyPI (pypi-).
    r"^(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|glpat-[\w-]{20,}|xox[abposr]-[\w-]{10,}|"
    r"[sr]k_(?:live|test)_\w{16,}|A[KS]IA[A-Z0-9]{16}|npm_[A-Za-z0-9]{30,}|pypi-[\w-]{50,})$"
)
_JWT = re.compile(r"^eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}$")
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
# 32+ characters of a base64 or hex alphabet with letters and digits mixed and nothing else: the
# shape of a generated key. Words, hostnames, paths and URLs all contain other characters.
_RANDOM = re.compile(r"^(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9+/=_-]{32,}$")


def credential_shape(key: str, value: str) -> str | None:
    """Why key: value looks like a credential, or None."""
    words = key.upper().split("_")
    named = sorted(set(words) & SECRET_WORDS)
    if named:
        return f"its name contains {named[0]}"
    if words[-1] == "KEY":
        return "its name ends in KEY"
    if _has_password(value):
        return "its value is a URL with a password in it"
    if _PRIVATE_KEY.search(value):
        return "its value is a private key"
    if _JWT.match(value):
        return "its value is a JSON Web Token"
    if _PREFIXED_TOKEN.match(value):
        return "its value has the shape of an access token"
    if _RANDOM.match(value):
        return "its value looks like a generated key (32 or more random letters and digits)"
    return None


def _has_password(value: str) -> bool:
    if "://" not in value:
        return False
    try:
        return bool(urlsplit(value.strip()).password)
    except ValueError:
        return False
