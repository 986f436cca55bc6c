"""What the Swarm-to-K3s migration learned, one sentence per incident, for the risks that would repeat one.

From the deployment book's bug list (commit 6f303dbb; tests/charts/test_seed_regressions.py keeps one
test per bug on the generating side). A risk that crosses the same threshold names its incident, so
the reviewer reads what happened the last time, not only what may happen.
"""

from __future__ import annotations

# startupProbe failureThreshold 12 -> 48 in deploy-k3s/manifests/api/deployment.yaml.
STARTUP = (
    "the migration's API restarts: MigrateWithLock serializes the replicas' first boot and can take 240 s, and a "
    "startup probe of 12 × 5 s killed the API mid-migration, over and over"
)
# worker replicas 2 -> 1 in deploy/swarm-stack.prod.yml.
SINGLETON = (
    "the migration's two workers: Asynq's scheduler is a singleton, and each copy enqueued every periodic job, "
    "so every job ran twice"
)
# worker minAvailable 1 -> 0 in deploy-k3s/manifests/pod-disruption-budgets.yaml.
DRAIN = (
    "the migration's worker budget: minAvailable 1 on its single replica allowed no eviction, and every node "
    "drain (k3s upgrade, reboot) hung on it"
)


def recalled(lesson: str) -> str:
    """The sentence a risk ends with."""
    return f"Seen before: {lesson}."
