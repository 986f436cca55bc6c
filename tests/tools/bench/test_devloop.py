"""The developer-loop measurements' harness: what a fresh clone's install could start from (no timing is asserted)."""

from __future__ import annotations

from gitops.tools.bench.devloop import package_sources


def test_package_sources_name_the_pip_cache_and_local_wheels(tmp_path):
    python = tmp_path / "python"
    python.write_text(f"#!/bin/sh\necho {tmp_path / 'cache'}\n")
    python.chmod(0o755)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "wheel").write_bytes(b"x" * 3 * 2**20)
    assert package_sources(python, {}) == "pip cache 3 MB"
    (tmp_path / "wheels").mkdir()
    assert package_sources(python, {"PIP_FIND_LINKS": str(tmp_path / "wheels")}) == "pip cache 3 MB"
    (tmp_path / "wheels" / "cdk8s-2.70.115-py3-none-any.whl").write_bytes(b"")
    assert package_sources(python, {"PIP_FIND_LINKS": f"{tmp_path / 'wheels'} /nowhere"}) == (
        "pip cache 3 MB; 1 local wheels (PIP_FIND_LINKS)"
    )
