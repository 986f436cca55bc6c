"""The benchmark of the largest and deepest inputs: what it writes is what it names, and its targets."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from gitops.bounds import scan
from gitops.config.reading import BOUNDS as CONFIG_BOUNDS
from gitops.k8s import manifests
from gitops.tools.bench import bounds
from gitops.tools.bench.measure import Result, Sample
from gitops.tools.bench.workloads import (
    FIXED_OBJECTS,
    OBJECTS_PER_SERVICE,
    REALISTIC_SERVICES,
    SIZES,
    services_for,
    synthetic_config,
)
from tests.conftest import CONFIG, PROJECT


def test_the_inputs_are_as_deep_large_and_expanded_as_named():
    assert bounds.nested(3) == "[[[]]]"
    lists = bounds.alias_bomb()
    assert lists.count("\n") == 9 and lists.startswith("a0: &a0 [lol")
    wide = manifests.LIMITS.__class__(**{**vars(manifests.LIMITS), "values": 10**10})
    assert scan(lists, wide).values > 9**9  # every alias counted as what it repeats


def test_the_largest_config_is_at_the_bounds_and_says_one_problem():
    text = bounds.largest_config((CONFIG / "prod.yaml").read_text())
    assert CONFIG_BOUNDS.bytes * 0.95 < len(text.encode()) <= CONFIG_BOUNDS.bytes
    assert scan(text, CONFIG_BOUNDS).values <= CONFIG_BOUNDS.values


def test_the_largest_stack_is_as_many_objects_as_one_load_reads_in_configs_within_their_bounds():
    services = bounds.services_at_bound()
    objects = bounds.ENVIRONMENTS * (FIXED_OBJECTS + OBJECTS_PER_SERVICE * services)
    assert manifests.TOTAL_OBJECTS - bounds.ENVIRONMENTS * OBJECTS_PER_SERVICE < objects <= manifests.TOTAL_OBJECTS
    stack = bounds.largest_stack(services)
    assert sorted(stack) == [f"bench-{n}" for n in range(1, bounds.ENVIRONMENTS + 1)]
    for text in stack.values():
        assert scan(text, CONFIG_BOUNDS).values <= CONFIG_BOUNDS.values


def test_every_synthetic_stack_the_benchmark_synthesizes_is_within_configs_bounds():
    """`make bench` synthesizes these; config's bounds must let each through (1,000 objects: 7,300 values)."""
    for services in (*map(services_for, SIZES), REALISTIC_SERVICES):
        text = synthetic_config(services)
        assert len(text.encode()) <= CONFIG_BOUNDS.bytes
        assert scan(text, CONFIG_BOUNDS).values <= CONFIG_BOUNDS.values


def _result(name: str, seconds: float, peak_mb: float) -> Result:
    return Result(name, "x", [Sample(seconds, int(peak_mb * 2**20))] * 3)


def test_targets_hold_every_row_to_seconds_and_memory():
    rows = bounds.targets(
        {
            "bounds-config-deep": _result("config nested 60,000 levels: refused", 0.4, 40),
            "bounds-check-largest": _result("`check` of 3,000 objects", 11.5, 600),
            "synth-all": _result("synth", 1.0, 100),
        }
    )
    assert rows == [
        ("config nested 60,000 levels: refused in ≤ 10 s and ≤ 1024 MB", "0.40 s, 40 MB", True),
        ("`check` of 3,000 objects in ≤ 10 s and ≤ 1024 MB", "11.50 s, 600 MB", False),
    ]
    assert bounds.targets({}) == [("the largest and deepest inputs", "not measured", None)]


# What each input is refused for, as main.py says it on stderr: a refusal for any other reason (a path that does
# not exist, a config problem of another kind) would measure something else.
PROD_LINES = (CONFIG / "prod.yaml").read_text().count("\n")
REFUSED_FOR = {
    # at the line the nesting is on: the one after prod.yaml's own
    "bounds-config-deep": f"prod.yaml:{PROD_LINES + 1}: (file): lists and mappings are nested more than 32 levels deep",
    "bounds-config-huge": "prod.yaml:0: (file): the file is larger than 128 KiB, the most a config file may hold",
    "bounds-config-largest": "unknownKey: unknown key 'unknownKey'.",
    "bounds-secret-deep": "secrets/prod/database.yaml:1: (file): lists and mappings are nested more than 32 levels",
    "bounds-check-deep": "deep/object.yaml:1: lists and mappings are nested more than 100 levels deep here",
    "bounds-check-huge": "MiB of YAML in all, more than the 16 MiB the review reads at once",
    "bounds-check-bomb": "the document holds more than 250,000 values (an alias counting as what it repeats)",
    "bounds-diff-deep": "deep/object.yaml:1: lists and mappings are nested more than 100 levels deep here",
}


def test_every_input_is_refused_or_judged_as_its_row_names(tmp_path: Path):
    """Every command run once as the benchmark runs it, on a stack of one service per environment."""
    outcomes: dict[str, tuple[str, int, str]] = {}

    def together(specs, env, count):
        for key, name, command, cwd, _ in specs:
            done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
            outcomes[key] = (name, done.returncode, done.stdout + done.stderr)
        return {}

    python = str(PROJECT / ".venv" / "bin" / "python")
    original = bounds.services_at_bound
    try:
        bounds.services_at_bound = lambda: 1  # type: ignore[assignment]  # a small stack: synth runs, but quickly
        bounds.measure(PROJECT, tmp_path, python, dict(os.environ), 1, together)
    finally:
        bounds.services_at_bound = original  # type: ignore[assignment]
    assert list(outcomes) == [*REFUSED_FOR, "bounds-check-largest", "bounds-diff-largest"]
    for key, message in REFUSED_FOR.items():
        _, code, output = outcomes[key]
        assert code == 0, (key, output)  # the wrapper turns the expected exit 2 into 0, anything else fails the row
        assert message in output, (key, output)
        assert "Traceback" not in output, (key, output)
    assert "1 problem(s) in config" in outcomes["bounds-config-largest"][2]  # the file is otherwise accepted
    objects = bounds.ENVIRONMENTS * (FIXED_OBJECTS + OBJECTS_PER_SERVICE)
    name, code, output = outcomes["bounds-check-largest"]
    assert code == 0 and f"({objects} objects, {bounds.ENVIRONMENTS} environments)" in name, (name, output)
    assert "1 set:" in output, output  # checked, its findings reported (exit 1 counts as judged)
    name, code, output = outcomes["bounds-diff-largest"]
    assert code == 0 and f"no changes ({objects} objects compared)" in output, (name, output)
