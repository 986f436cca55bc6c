"""The settings ConfigMap, and the hash that rolls pods when a setting they read changes.

Environment variables read from a ConfigMap are fixed when a pod starts, so a
changed setting would otherwise reach the pods only at their next restart.
Each pod template carries a hash of exactly the settings it reads: changing
one changes the template, and Kubernetes rolls just those pods.
"""

from __future__ import annotations

import hashlib
import json

import cdk8s
from constructs import Construct

from charts.context import StackContext
from charts.plus import kplus


def settings_hash(settings: dict[str, str], keys: list[str]) -> str:
    """Stable digest of the named settings (order of keys does not matter)."""
    payload = json.dumps({key: settings[key] for key in sorted(keys)}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def app_config_map(scope: Construct, *, ctx: StackContext, name: str, component: str, data: dict[str, str]) -> None:
    """A ConfigMap of the application as a whole (not of one service) in its namespace."""
    kplus.ConfigMap(
        scope,
        "configmap",
        metadata=cdk8s.ApiObjectMetadata(
            name=name, namespace=ctx.naming.namespace, labels=ctx.naming.shared_labels(component)
        ),
        data=data,
    )


class SettingsMap(Construct):
    """The ConfigMap every service reads its settings from."""

    def __init__(self, scope: Construct, id: str, *, ctx: StackContext):
        super().__init__(scope, id)
        app_config_map(self, ctx=ctx, name=ctx.naming.settings(), component="settings", data=ctx.settings)
