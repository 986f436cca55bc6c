"""`main.py diff`: git base against a fresh synth, two directories, formats, exit codes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import main
from gitops.render.synth import synth
from tests import dist_copies
from tests.conftest import PROJECT
from tests.review.diff.test_gitref import commit_all, git

LEGACY = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: legacy, namespace: honeydue}\ndata: {k: v}\n"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main.main(["diff", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def repo(tmp_path: Path, config_copy: Path) -> dict[str, str]:
    """A repository whose history holds dist/ three ways: drifted, exact, and without it.

    Its config is a snapshot (config_copy), so synthesizing it gives exactly the `exact` commit.
    """
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "trunk")
    (root / "README.md").write_text("no dist yet\n")
    empty = commit_all(root, "before dist existed")
    synth(config_copy, root / "dist", write_schema=False)
    exact = commit_all(root, "dist as synthesized")
    prod = root / "dist" / "prod"
    dist_copies.edit(prod, "Deployment", "worker", lambda o: o["spec"].update(replicas=2))
    dist_copies.write(prod, "configmap-legacy.yaml", LEGACY)
    drifted = commit_all(root, "dist that the config no longer produces")
    git(root, "checkout", "-q", exact)
    return {"root": str(root), "config": str(config_copy), "empty": empty, "exact": exact, "drifted": drifted}


def _base(repo: dict[str, str], ref: str, *more: str) -> list[str]:
    return ["--repo", repo["root"], "--config-dir", repo["config"], "--base", ref, *more]


def test_base_ref_against_the_synthesized_working_tree(repo, capsys):
    code, out, err = run(capsys, *_base(repo, repo["drifted"], "--env", "prod"))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"dist/ at {repo['drifted']} ({repo['drifted'][:10]}) → working tree, synthesized"
    assert "  [prod] Deployment honeydue/worker: replicas 2 → 1" in lines
    assert (
        "  MEDIUM  [prod] ConfigMap honeydue/legacy: removed from git: the engine prunes it from the cluster." in lines
    )
    code, out, _ = run(capsys, *_base(repo, repo["exact"]))
    assert code == 0
    assert out.splitlines()[1].startswith("no changes (")


def test_fail_on_sets_exit_one_at_or_above_the_level(repo, capsys):
    assert run(capsys, *_base(repo, repo["drifted"], "--env", "prod", "--fail-on", "medium"))[0] == 1
    assert run(capsys, *_base(repo, repo["drifted"], "--env", "prod", "--fail-on", "high"))[0] == 0
    assert run(capsys, *_base(repo, repo["exact"], "--env", "prod", "--fail-on", "medium"))[0] == 0


def test_a_base_without_dist_makes_everything_new(repo, capsys):
    code, out, _ = run(capsys, *_base(repo, repo["empty"], "--env", "prod", "--format", "json"))
    assert code == 0
    assert '"removed": 0' in out and '"unchanged": 0' in out
    assert "dist/prod, dist/clusters/prod: nothing committed at" in out


def test_the_default_base_needs_main_or_origin_main(repo, capsys):
    code, out, err = run(capsys, "--repo", repo["root"], "--config-dir", repo["config"])
    assert (code, out) == (2, "")
    assert err == "diff: no --base given, and neither main nor origin/main exists: pass --base REF\n"
    git(Path(repo["root"]), "branch", "main", repo["drifted"])
    code, out, _ = run(capsys, "--repo", repo["root"], "--config-dir", repo["config"], "--env", "prod")
    assert code == 0
    assert out.splitlines()[0].startswith("dist/ at merge-base of HEAD and main (")


def test_a_bad_ref_and_broken_config_exit_two(repo, capsys, config_copy):
    code, out, err = run(capsys, *_base(repo, "no-such-branch"))
    assert (code, out) == (2, "")
    assert err == f"diff: 'no-such-branch' does not name a commit in {repo['root']}\n"
    (config_copy / "prod.yaml").write_text("services: [unclosed\n")
    code, out, err = run(capsys, *_base(repo, repo["exact"], "--env", "prod"))
    assert (code, out) == (2, "")
    assert err.endswith(" problem(s) in config; nothing was compared.\n")


def _dirty_dist() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--", "dist"], cwd=PROJECT, capture_output=True, text=True, check=True
    ).stdout


def test_base_head_on_the_real_project_reports_no_changes(capsys):
    if _dirty_dist():
        pytest.skip(
            "dist/ has uncommitted changes in this working tree (a change in progress), so HEAD's dist/ "
            "is not what the working tree synthesizes"
        )
    code, out, err = run(capsys, "--base", "HEAD")
    assert (code, err) == (0, "")
    assert out.splitlines()[1].startswith("no changes (")


def test_two_directories_limited_to_one_environment(synthesized: Path, tmp_path: Path, capsys):
    before, after = tmp_path / "before", tmp_path / "after"
    shutil.copytree(synthesized, before)
    shutil.copytree(synthesized, after)
    dist_copies.edit(after / "staging", "Deployment", "api", lambda o: o["spec"].update(replicas=0))
    code, out, _ = run(capsys, "--from", str(before), "--to", str(after), "--env", "prod", "--fail-on", "high")
    assert (code, out.splitlines()[1].startswith("no changes (")) == (0, True)
    code, out, _ = run(capsys, "--from", str(before), "--to", str(after), "--env", "staging", "--fail-on", "high")
    assert code == 1
    assert (
        "  HIGH    [staging] Deployment honeydue/api spec.replicas: scaled from 1 to 0: every pod of it stops."
        in out.splitlines()
    )


def test_whole_dist_trees_keep_environments_apart(synthesized: Path, tmp_path: Path, capsys):
    after = tmp_path / "after"
    shutil.copytree(synthesized, after)
    dist_copies.edit(after / "staging", "Deployment", "api", lambda o: o["spec"].update(replicas=2))
    code, out, _ = run(capsys, "--from", str(synthesized), "--to", str(after))
    lines = out.splitlines()
    assert code == 0
    assert lines[1].startswith("objects: 0 added, 0 removed, 1 changed, ")
    assert "  [staging] Deployment honeydue/api: replicas 1 → 2" in lines
    assert [line.split(":")[0] for line in lines if line.startswith("capacity")] == ["capacity in staging"]


def test_diff_and_check_word_the_one_node_cluster_alike(synthesized: Path, tmp_path: Path, capsys):
    """One answer: on staging's single node, both say the same figures in the same words."""
    after = tmp_path / "after"
    shutil.copytree(synthesized, after)
    dist_copies.edit(after / "staging", "Deployment", "api", lambda o: o["metadata"]["labels"].update(team="core"))
    _, out, _ = run(capsys, "--from", str(synthesized), "--to", str(after))
    (diff_line,) = [line for line in out.splitlines() if line.startswith("capacity in staging: ")]
    assert main.main(["check", str(after / "staging")]) == 0
    (check_line,) = [line.strip() for line in capsys.readouterr().out.splitlines() if "capacity: " in line]
    assert diff_line.removeprefix("capacity in staging: ") == check_line.removeprefix("capacity: ")
    assert diff_line.startswith("capacity in staging: fits on the only node (no node to lose): CPU requests 300m of ")


def test_usage_and_input_errors_exit_two(synthesized: Path, tmp_path: Path, capsys):
    prod = str(synthesized / "prod")
    cases = {
        ("--from", prod): "diff: --from and --to go together\n",
        (
            "--from",
            prod,
            "--to",
            prod,
            "--base",
            "HEAD",
        ): "diff: --base compares git with the working tree; --from/--to compare two directories: pick one\n",
        (
            "--from",
            prod,
            "--to",
            str(tmp_path / "missing"),
        ): f"diff: {tmp_path / 'missing'}: no such file or directory\n",
        ("--from", prod, "--to", prod, "--env", "../etc"): "diff: --env '../etc': not an environment name\n",
        ("--from", prod, "--to", prod, "--env", "qa"): f"diff: no qa under {prod} or {prod}\n",
    }
    for argv, message in cases.items():
        assert run(capsys, *argv) == (2, "", message), argv
    (tmp_path / "bad.yaml").write_text("kind: [\n")
    code, out, err = run(capsys, "--from", prod, "--to", str(tmp_path / "bad.yaml"))
    assert (code, out) == (2, "")
    assert err.startswith(f"diff: {tmp_path / 'bad.yaml'}: not valid YAML: ")
    with pytest.raises(SystemExit) as exited:
        main.main(["diff", "--format", "xml"])
    assert exited.value.code == 2
