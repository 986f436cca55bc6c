"""`synth --out DIR` loses no file: it writes only where it created the directory, where the directory is empty, or
where every file is one it wrote (listed in its marker); never into, over or around the repository's own directories.

The refusals run the real command in a throwaway copy of the project, with a file of the user's in each place
that must survive.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gitops.render import outdir
from gitops.render.synth import synth
from tests import sandbox
from tests.conftest import CONFIG
from tests.dist_copies import tree

KEEP = "the user's own file\n"


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return sandbox.project(tmp_path_factory.mktemp("outdir"))


def _everything(root: Path) -> dict[str, bytes]:
    """Every file under root but Python's bytecode caches, which the command under test writes as it starts."""
    return {name: data for name, data in tree(root).items() if "__pycache__" not in name}


def _synth(work: Path, *args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(work / "main.py"), "synth", *args],
        cwd=cwd or work,
        capture_output=True,
        text=True,
        env=env or sandbox.ENV,
    )


REPOSITORY_FIX = "  fix: write to dist/ (leave out --out) or to a new or empty directory outside it.\n"
WHOLE = "and synth replaces its output directory whole; nothing was written.\n"


@pytest.mark.parametrize(
    "out, message",
    [
        ("config", f"cannot write to config: it is the repository's config/ directory, {WHOLE}{REPOSITORY_FIX}"),
        ("config/out", f"cannot write to config/out: it is inside the repository's config/ directory, {WHOLE}"),
        (".git", f"cannot write to .git: it is the repository's .git/ directory, {WHOLE}{REPOSITORY_FIX}"),
        ("gitops", f"cannot write to gitops: it is the repository's gitops/ directory, {WHOLE}{REPOSITORY_FIX}"),
        (
            ".",
            f"cannot write to .: it is the repository itself, {WHOLE}"
            "  fix: write to dist/ (leave out --out) or to a new or empty directory.\n",
        ),
        ("..", "it is a directory that holds the repository, "),
    ],
)
def test_the_repository_and_its_own_directories_are_refused(work: Path, out: str, message: str):
    (work / "config" / "mine.txt").write_text(KEEP)
    before = _everything(work.parent)
    done = _synth(work, "--out", out)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("synth: ")
    assert message in done.stderr
    assert done.stderr.count("\n") == 2, "one sentence and its fix"
    assert _everything(work.parent) == before, "nothing written, nothing removed, no lock file"


def test_the_repository_root_is_refused_from_another_directory(work: Path, tmp_path: Path):
    before = _everything(work)
    done = _synth(work, "--out", str(work), cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"synth: cannot write to {work}: it is the repository itself, {WHOLE}" + (
        "  fix: write to dist/ (leave out --out) or to a new or empty directory.\n"
    )
    assert _everything(work) == before
    assert list(tmp_path.iterdir()) == []


def test_a_directory_of_the_users_is_refused(work: Path, tmp_path: Path):
    mine = tmp_path / "manifests"
    mine.mkdir()
    (mine / "notes.txt").write_text(KEEP)
    done = _synth(work, "--out", str(mine))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"synth: cannot write to {mine}: it is not empty and synth did not write it (it has no .synthesized file "
        f"listing synth's files), {WHOLE}"
        "  fix: give --out a new or empty directory, or move what it holds elsewhere.\n"
    )
    assert (mine / "notes.txt").read_text() == KEEP
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifests"], "no lock file, no staging directory"


def test_a_file_of_the_users_in_a_directory_synth_wrote_is_refused_and_kept(work: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = _synth(work, "--out", str(out))
    assert first.returncode == 0, first.stderr
    (out / "prod" / "notes.txt").write_text(KEEP)
    (out / "README.md").write_text(KEEP)
    before = tree(out)
    done = _synth(work, "--out", str(out))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"synth: cannot write to {out}: it holds 2 file(s) synth did not write and git does not track "
        "(README.md, prod/notes.txt), "
        f"{WHOLE}"
        f"  fix: move them out of {out} (synth lists its own files in {out}/.synthesized), then run synth again.\n"
    )
    assert tree(out) == before


def test_a_merge_brings_files_the_marker_does_not_list_and_git_holds_them_so_synth_replaces_them(
    work: Path, tmp_path: Path
):
    out = tmp_path / "repo" / "dist"
    assert _synth(work, "--out", str(out)).returncode == 0
    (out / "prod" / "from-the-other-branch.yaml").write_text("kind: ConfigMap\n")
    git = ["git", "-C", str(tmp_path / "repo"), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "merged"], check=True)
    (out / "prod" / "notes.txt").write_text(KEEP)
    refused = _synth(work, "--out", str(out))
    assert refused.returncode == 2 and "1 file(s) synth did not write and git does not track (prod/notes.txt)" in (
        refused.stderr
    )
    (out / "prod" / "notes.txt").unlink()
    done = _synth(work, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert not (out / "prod" / "from-the-other-branch.yaml").exists()


def test_a_file_is_not_an_output_directory(work: Path, tmp_path: Path):
    target = tmp_path / "out.yaml"
    target.write_text(KEEP)
    done = _synth(work, "--out", str(target))
    assert (done.returncode, done.stderr) == (
        2,
        f"synth: cannot write to {target}: it is a file, not a directory, {WHOLE}  fix: give --out a directory.\n",
    )
    assert target.read_text() == KEEP


def test_a_new_an_empty_and_its_own_directory_are_written(work: Path, tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for out in (tmp_path / "new" / "deep", empty, empty):
        done = _synth(work, "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert (out / "prod" / "apps" / "deployment-api.yaml").is_file()
    assert tree(empty) == tree(work / "dist"), "the same bytes as dist/, marker included"


def test_the_cdk8s_cli_directory_gets_the_same_guard(work: Path, tmp_path: Path):
    """CDK8S_OUTDIR is set by `cdk8s synth`, and may be left over in a shell: config/ is never emptied for it."""
    (work / "config" / "mine.txt").write_text(KEEP)
    before = _everything(work)
    done = _synth(work, "--out", str(tmp_path / "dist"), env={**sandbox.ENV, "CDK8S_OUTDIR": "config"})
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"synth: cannot write to config: it is the repository's config/ directory, {WHOLE}{REPOSITORY_FIX}"
    )
    assert _everything(work) == before
    assert not (tmp_path / "dist").exists(), "refused before anything is written"


def test_the_cdk8s_cli_directory_is_written_like_dist(work: Path, tmp_path: Path):
    mirrored = tmp_path / "cli-out"
    done = _synth(work, "--out", str(tmp_path / "dist"), env={**sandbox.ENV, "CDK8S_OUTDIR": str(mirrored)})
    assert done.returncode == 0, done.stderr
    assert tree(mirrored) == tree(tmp_path / "dist")


def test_only_the_directories_a_run_replaces_must_be_synths(tmp_path: Path):
    out = tmp_path / "dist"
    (out / "prod").mkdir(parents=True)
    (out / outdir.MARKER).write_text(outdir.marker_text([]))
    (out / "staging").mkdir()
    (out / "staging" / "mine.txt").write_text(KEEP)
    outdir.claim(out, ["prod", "clusters/prod"], [])
    with pytest.raises(outdir.OutputDirError, match=r"synth did not write and git does not track \(staging/mine.txt\)"):
        outdir.claim(out, None, [])


def test_a_symlink_in_the_output_is_not_synths(tmp_path: Path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / outdir.MARKER).write_text(outdir.marker_text([]))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "link").symlink_to(elsewhere)
    with pytest.raises(outdir.OutputDirError, match=r"\(link\)"):
        outdir.claim(out, None, [])


def test_the_marker_lists_every_file_synth_wrote(synthesized: Path):
    listed = outdir.listed(synthesized)
    assert listed == set(outdir.files_in(synthesized))
    assert "prod/INVENTORY.md" in listed and "prod/apps/deployment-api.yaml" in listed


def test_staging_left_by_a_dead_run_is_removed_but_a_lookalike_of_the_users_is_kept(tmp_path: Path):
    out = tmp_path / "out"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".out.{int(dead.stdout)}.abc"
    (stale / "new").mkdir(parents=True)
    lookalike = tmp_path / f".out.{int(dead.stdout)}.notes"
    lookalike.mkdir()
    (lookalike / "mine.txt").write_text(KEEP)
    synth(CONFIG, out, write_schema=False)
    assert not stale.exists()
    assert (lookalike / "mine.txt").read_text() == KEEP
