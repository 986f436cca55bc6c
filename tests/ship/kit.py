"""A throwaway repository holding the project's config/ and dist/, for the shipping commands to edit and commit.

Each test gets its own git repository with one commit (config/ with the tests' builds of tests/builds.py,
dist/ as synth writes it), runs `main.py set-image` or `main.py promote` on it in this process, from its root
(so paths read as config/staging.yaml), and commits what it wants history to hold.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.builds import pinned_config

DIGEST = "sha256:" + "0123456789abcdef" * 4
# An environment that runs what staging runs (shipping.follows), but for Redis, which it pins.
QA = """\
# yaml-language-server: $schema=./schema.json
cluster:
  nodes:
    - {name: qa-1, cpu: "2", memory: 4Gi}
delivery:
  engine: flux
traefik:
  resources: {cpu: 50m, memory: 64Mi, memoryLimit: 128Mi}
settings:
  B2_BUCKET: honeyDueQa
services:
  api:
    hosts: [api-qa.myhoneydue.com]
    resources: {cpu: 50m, memory: 128Mi, memoryLimit: 256Mi}
  admin:
    hosts: [admin-qa.myhoneydue.com]
    resources: {cpu: 50m, memory: 128Mi, memoryLimit: 256Mi}
  worker:
    resources: {cpu: 50m, memory: 128Mi, memoryLimit: 256Mi}
  redis:
    storage: {node: qa-1}
    resources: {cpu: 50m, memory: 64Mi, memoryLimit: 128Mi}
shipping:
  follows: staging
images:
  redis: 7.2.5-alpine
"""
API_REPOSITORY = "gitea.treytartt.com/treytartt/honeydue-api"


@dataclass
class Repo:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def dist(self) -> Path:
        return self.root / "dist"

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True, check=True)
        return done.stdout

    def commit(self, message: str) -> str:
        self.git("add", "--all")
        self.git("commit", "--quiet", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def main(self, *args: str) -> tuple[int, str, str]:
        """main.py ARGS against this repository, in this process: (exit code, stdout, stderr)."""
        import main

        options = {"--repo": str(self.root), "--config-dir": str(self.config), "--out": str(self.dist)}
        takes = {"diff": ("--repo", "--config-dir"), "check": ("--config-dir",)}.get(args[0], tuple(options))
        tree = [part for option in takes for part in (option, options[option])]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.chdir(self.root), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main.main([*args, *tree])
        return code, out.getvalue(), err.getvalue()

    def edit(self, file: str, old: str, new: str) -> int:
        """Replace old with new in config/<file>; the 1-based line of the change."""
        path = self.config / file
        text = path.read_text()
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, 1))
        return text[: text.index(old)].count("\n") + 1

    def synth(self) -> None:
        from gitops.render.synth import synth

        synth(self.config, self.dist, write_schema=False)

    def snapshot(self) -> dict[str, bytes]:
        return {
            str(p.relative_to(self.root)): p.read_bytes()
            for top in (self.config, self.dist)
            for p in sorted(top.rglob("*"))
            if p.is_file()
        }

    def changed_lines(self, path: str) -> list[tuple[str, str]]:
        """(removed, added) line pairs of the work tree's change to path against HEAD."""
        diff = self.git("diff", "--unified=0", "--", path)
        removed = [line[1:] for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
        added = [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
        return list(zip(removed, added, strict=True))


def make_repo(root: Path, synthesized: Path) -> Repo:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(pinned_config(), root / "config")
    shutil.copytree(synthesized, root / "dist")
    (root / ".gitignore").write_text(".dist.lock\n")
    repo = Repo(root)
    repo.git("init", "--quiet", "--initial-branch=main")
    repo.git("config", "user.email", "ci@example.com")
    repo.git("config", "user.name", "CI")
    repo.commit("The stack as the deployment book describes it")
    return repo
