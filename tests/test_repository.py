"""Repository hygiene the README promises: no lock files, no package index addresses, pinned tools."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import PROJECT


def _tracked() -> list[str]:
    return subprocess.run(["git", "ls-files"], cwd=PROJECT, capture_output=True, text=True, check=True).stdout.split()


def test_no_lock_files_are_tracked():
    locks = {"Pipfile.lock", "package-lock.json", "yarn.lock", "npm-shrinkwrap.json"}
    assert [f for f in _tracked() if f.rsplit("/", 1)[-1] in locks] == []


def test_pipfile_pins_every_package_exactly():
    text = (PROJECT / "Pipfile").read_text()
    pins = re.findall(r'^"?([\w.-]+)"? = "(.*)"$', text, flags=re.M)
    packages = [(name, spec) for name, spec in pins if name != "python_version"]
    assert packages
    for name, spec in packages:
        assert re.fullmatch(r"==\d+(\.\d+)*", spec), f"{name} is not pinned exactly: {spec}"
    assert "[[source]]" not in text


def test_cdk8s_cli_is_pinned_exactly():
    text = (PROJECT / "package.json").read_text()
    assert re.search(r'"cdk8s-cli": "\d+\.\d+\.\d+"', text)
    assert "package-lock=false" in (PROJECT / ".npmrc").read_text()


def test_cdk8s_plus_is_imported_in_exactly_one_module():
    """cdk8s-plus is published per Kubernetes minor; moving to another one must be a one-line change."""
    importing = []
    for name in _tracked():
        if name.endswith(".py"):
            text = (PROJECT / name).read_text()
            if re.search(r"^\s*(import|from) cdk8s_plus_\d+", text, flags=re.M):
                importing.append(name)
    assert importing == ["charts/plus.py"]
