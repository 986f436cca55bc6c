"""Measuring one command: its memory read from /proc, percentiles of its times (no timing is asserted)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from gitops.tools.bench.measure import Result, Sample, run_once, tree_rss


def test_memory_of_a_process_tree_is_read_from_proc():
    total, largest = tree_rss(os.getpid())
    assert largest > 10 * 2**20
    assert total >= largest


def test_a_run_records_the_memory_of_the_child():
    sample = run_once(
        [sys.executable, "-c", "b = bytearray(64 * 2**20); import time; time.sleep(0.2)"], Path.cwd(), dict(os.environ)
    )
    assert sample.largest_bytes >= 64 * 2**20
    assert sample.peak_bytes >= sample.largest_bytes


def test_percentiles_are_nearest_rank():
    result = Result("x", "x", [Sample(float(seconds), 0) for seconds in range(1, 21)])
    assert (result.percentile(0.5), result.percentile(0.95), result.percentile(1.0)) == (10.0, 19.0, 20.0)
    assert (result.median, result.low, result.high) == (10.5, 1.0, 20.0)
