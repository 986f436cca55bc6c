"""Match the objects of two sides by identity and compare each pair field by field."""

from __future__ import annotations

from gitops.review.diff import fields
from gitops.review.diff.load import Side
from gitops.review.diff.model import Counts, ObjectDiff, Status


def compare(old: Side, new: Side) -> list[ObjectDiff]:
    """One entry per object on either side, in kind/namespace/name order."""
    diffs = []
    for key in sorted(set(old.objects) | set(new.objects), key=lambda k: k.sort_key):
        before, after = old.objects.get(key), new.objects.get(key)
        if before is None and after is not None:
            diffs.append(ObjectDiff(key, Status.ADDED, None, after.obj))
        elif after is None and before is not None:
            diffs.append(ObjectDiff(key, Status.REMOVED, before.obj, None))
        elif before is not None and after is not None:
            changes = tuple(fields.objects(before.obj, after.obj))
            status = Status.CHANGED if changes else Status.UNCHANGED
            diffs.append(ObjectDiff(key, status, before.obj, after.obj, changes))
    return diffs


def count(diffs: list[ObjectDiff]) -> Counts:
    counts = Counts()
    for d in diffs:
        setattr(counts, d.status.value, getattr(counts, d.status.value) + 1)
    return counts
