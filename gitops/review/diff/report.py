"""Two sides in, one Report out: matched objects, field changes, risks, and the workload summary.

Each environment is its own cluster, so rules that look across objects (budgets
and their workloads, capacity against the declared nodes) run once per
environment, on that environment's objects only.
"""

from __future__ import annotations

from dataclasses import replace

from gitops.k8s import placement
from gitops.review.diff import actions, rules
from gitops.review.diff.compare import compare, count
from gitops.review.diff.load import Side
from gitops.review.diff.model import Counts, Report, WorkloadSummary
from gitops.review.diff.rules.capacity import capacity_line
from gitops.review.diff.rules.context import Context
from gitops.review.diff.summary import workload_summaries
from gitops.review.findings import Severity


def build(old: Side, new: Side) -> Report:
    report = Report(old.label, new.label, [], Counts(), [], [])
    notes: list[str] = []
    for scope in sorted(old.scopes | new.scopes):
        diffs = compare(old.only(scope), new.only(scope))
        counts = count(diffs)
        context = Context(old.only(scope), new.only(scope), diffs, scope)
        report.diffs += diffs
        report.risks += rules.evaluate(context)
        cluster = context.new_cluster or context.old_cluster
        nodes = (
            None if cluster is None else [placement.node_labels(n.name, cluster.architecture) for n in cluster.nodes]
        )
        report.workloads += workload_summaries(diffs, nodes)
        for name in ("added", "removed", "changed", "unchanged"):
            setattr(report.counts, name, getattr(report.counts, name) + getattr(counts, name))
        if counts.any_change:
            line = capacity_line(context)
            if line is not None:
                report.capacity.append(line)
        report.actions += actions.of(context)
        notes += context.notes
    report.risks = rules.order(report.risks)
    report.workloads = _unfinished_rollouts(report)
    for side in (old, new):
        for path in side.skipped:
            notes.append(f"{side.label}: {path.name} skipped (a kustomize build file, not a cluster object)")
    report.notes = list(dict.fromkeys(notes))
    return report


def _unfinished_rollouts(report: Report) -> list[WorkloadSummary]:
    """A rollout whose new pod can never be scheduled (the volume-node risk) does not end when the line says."""
    stuck = {r.subject for r in report.risks if r.rule == "volume-node" and r.severity is Severity.HIGH}
    found = []
    for summary in report.workloads:
        if summary.key in stuck:
            items = tuple(
                replace(item, text=f"{item.text}; but its new pod can never be scheduled (see risks)")
                if item.topic == "rollout"
                else item
                for item in summary.items
            )
            summary = replace(summary, items=items)
        found.append(summary)
    return found
