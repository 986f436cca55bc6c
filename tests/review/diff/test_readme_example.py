"""The review comment the README shows is what `main.py diff` writes for the change it describes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests import sandbox
from tests.conftest import PROJECT
from tests.review.diff.kit import replace_in

START = "<!-- README example: tests/review/diff/test_readme_example.py regenerates it -->\n"
END = "\n<!-- end of the README example -->"
# The commit the comment compares with is named by its hash, which every commit changes.
COMMIT = re.compile(r"(dist/ at HEAD \()[0-9a-f]{10}(\))")


def test_the_readme_shows_the_comment_for_its_example_change(tmp_path: Path):
    work = sandbox.project(tmp_path)
    prod = work / "config" / "prod.yaml"
    replace_in(prod, "      node: ubuntu-8gb-nbg1-2    # hetzner1", "      node: ubuntu-8gb-nbg1-1    # hetzner2")
    replace_in(prod, "    replicas: 3\n", "    replicas: 4\n")
    done = subprocess.run(
        [sys.executable, "main.py", "diff", "--base", "HEAD", "--env", "prod", "--format", "md"],
        cwd=work,
        capture_output=True,
        text=True,
        env=sandbox.ENV,
    )
    assert done.returncode == 0, done.stderr
    readme = (PROJECT / "README.md").read_text()
    shown = readme[readme.index(START) + len(START) : readme.index(END)]
    assert COMMIT.sub(r"\1…\2", shown) == COMMIT.sub(r"\1…\2", done.stdout.rstrip("\n"))
