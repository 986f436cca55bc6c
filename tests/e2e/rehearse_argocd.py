"""End-to-end: staging delivered by the real Argo CD, from a base commit to a change, as a pull request is.

`make rehearse`'s main run (rehearse_project.py) delivers each environment's head; this one has
Argo CD converge the base, then move to the head the way a push reaches it (the served branch moves,
every Application is hard-refreshed, automated sync applies it): the rollout drill watches that
move, the prune drill then makes its own commit. A change to a workload of each unit (the api in
`honeydue-apps`, Redis in `honeydue-infrastructure`) makes both child Applications sync.
"""

from __future__ import annotations

from pathlib import Path

from tests.e2e import kit as e2ekit

CHANGE = [
    (
        "config/staging.yaml",
        "    resources: {cpu: 100m, memory: 256Mi, memoryLimit: 512Mi}",
        "    resources: {cpu: 150m, memory: 256Mi, memoryLimit: 512Mi}",
    ),
    (
        "config/staging.yaml",
        "    resources: {cpu: 50m, memory: 64Mi, memoryLimit: 128Mi}\n",
        "    resources: {cpu: 60m, memory: 64Mi, memoryLimit: 128Mi}\n",
    ),
]


def test_argo_cd_rolls_a_change_from_its_base(tmp_path: Path, capsys):
    clone = e2ekit.clone(tmp_path)
    e2ekit.commit(clone, CHANGE, synth=True)
    done = e2ekit.rehearse(clone, "staging", "--base", "HEAD~1")
    with capsys.disabled():
        print("\n" + done.stdout + done.stderr, end="")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "staging: passed"
    units = next(line for line in lines if line.startswith("  units: "))
    assert [part.split(" Synced and Healthy in ")[0] for part in units.removeprefix("  units: ").split(", ")] == [
        "honeydue-infrastructure (wave 0)",
        "honeydue-apps (wave 1)",
        "honeydue-cluster (root)",
    ]
    rollout = next(line for line in lines if line.startswith("  rollout ("))
    assert "rolled api: never below 1 ready, redis: never 2 at once" in rollout, rollout
    assert any(line.startswith("  prune (") and "(drill commit, then restored)" in line for line in lines)
    assert "  note: left by Prune=false: Namespace honeydue, PersistentVolumeClaim honeydue/redis-data" in lines


def test_a_changed_setting_reaches_the_pods_it_rolls(tmp_path: Path, capsys):
    """A setting lives in a ConfigMap and rolls the pods that read it (the settings hash): the pods must
    start once the ConfigMap holds the new value. Argo CD syncs each Application on its own, in any
    order (the rehearsal refreshes the latest wave first), so the ConfigMap has to travel in the
    unit of its readers; in another unit the pods could start with the old value and keep it."""
    clone = e2ekit.clone(tmp_path)
    e2ekit.commit(
        clone, [("config/staging.yaml", "B2_BUCKET: honeyDueStaging\n", "B2_BUCKET: honeyDueStaging2\n")], True
    )
    done = e2ekit.rehearse(clone, "staging", "--base", "HEAD~1", "--drill", "rollout")
    with capsys.disabled():
        print("\n" + done.stdout + done.stderr, end="")
    assert done.returncode == 0, done.stdout + done.stderr
    rollout = next(line for line in done.stdout.splitlines() if line.startswith("  rollout ("))
    assert "rolled api: never below 1 ready, worker: never 2 at once" in rollout, rollout
