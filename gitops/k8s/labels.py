"""Kubernetes' recommended label keys (app.kubernetes.io/*, "Recommended Labels" in the Kubernetes docs).

charts/naming.py decides the values; the declarations reader
(gitops/k8s/declared.py) finds its ConfigMap by the component key. What a label
value may be is here too, for the generator (images.py derives the version label
with it) and for `main.py check` (the label-value rule).
"""

from __future__ import annotations

import re

RECOMMENDED_PREFIX = "app.kubernetes.io/"
NAME = "app.kubernetes.io/name"
INSTANCE = "app.kubernetes.io/instance"
COMPONENT = "app.kubernetes.io/component"
PART_OF = "app.kubernetes.io/part-of"
VERSION = "app.kubernetes.io/version"
MANAGED_BY = "app.kubernetes.io/managed-by"

# A label value: at most 63 characters, empty or alphanumeric at both ends with '-', '_', '.' between
# (k8s.io/apimachinery pkg/util/validation, IsValidLabelValue). The API server refuses any other.
VALUE_MAX = 63
_VALUE = re.compile(r"(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?", re.ASCII)
_INNER = re.compile(r"[^-A-Za-z0-9_.]", re.ASCII)
# A label key: an optional DNS subdomain prefix and '/', then a name of at most 63 characters that starts and
# ends with an alphanumeric (apimachinery IsQualifiedName).
_KEY_NAME = re.compile(r"[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?", re.ASCII)
_KEY_PREFIX = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*", re.ASCII)


def value_problem(value: object) -> str | None:
    """Why the API server refuses value as a label value, in its own words, or None."""
    if not isinstance(value, str):
        return "must be a string"
    if len(value) > VALUE_MAX:
        return f"must be no more than {VALUE_MAX} characters"
    if not _VALUE.fullmatch(value):
        return (
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
            "and must start and end with an alphanumeric character"
        )
    return None


def key_problem(key: object) -> str | None:
    """Why the API server refuses key as a label key (IsQualifiedName), or None."""
    if not isinstance(key, str):
        return "must be a string"
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or len(prefix) > 253 or not _KEY_PREFIX.fullmatch(prefix)):
        return "the prefix before '/' must be a lowercase DNS subdomain of at most 253 characters"
    if not _KEY_NAME.fullmatch(name):
        return (
            "a label key's name must be at most 63 alphanumeric characters, '-', '_' or '.', starting and "
            "ending with an alphanumeric character"
        )
    return None


def safe_value(text: str) -> str:
    """text as a valid label value: other characters dropped, cut to 63, trimmed to alphanumeric ends."""
    kept = re.sub(r"^[^A-Za-z0-9]+", "", _INNER.sub("", text))[:VALUE_MAX]
    return re.sub(r"[^A-Za-z0-9]+$", "", kept)
