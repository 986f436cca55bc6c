"""Kubernetes quantities in every form the API server accepts."""

from __future__ import annotations

import pytest

from gitops.k8s.quantities import QuantityError, cpu_millis, format_cpu, format_memory, memory_bytes


@pytest.mark.parametrize("text, millis", [("250m", 250), ("1", 1000), ("0.5", 500), ("1.5", 1500), (2, 2000),
                                          ("1e3", 1_000_000), ("100u", 1), ("0", 0)])
def test_cpu(text, millis):
    assert cpu_millis(text) == millis


@pytest.mark.parametrize("text, size", [("512Mi", 512 * 2**20), ("1Gi", 2**30), ("1G", 10**9), ("128974848", 128974848),
                                        ("129e6", 129_000_000), ("1k", 1000), ("1Ki", 1024)])
def test_memory(text, size):
    assert memory_bytes(text) == size


@pytest.mark.parametrize("text", ["", "1 Gi", "Gi", "1GB", True, "abc"])
def test_rejects_non_quantities(text):
    with pytest.raises(QuantityError):
        memory_bytes(text)


def test_formatting():
    assert (format_cpu(1500), format_cpu(2000)) == ("1500m", "2")
    assert (format_memory(2**30), format_memory(384 * 2**20), format_memory(1000)) == ("1Gi", "384Mi", "0.0Mi")
