"""Waivers: an annotation on the object, with a reason a reviewer can read.

`waive.gitops.myhoneydue.com/<rule-id>: <reason>` on an object turns that
rule's findings on that object into listed, non-failing ones. The waiver
lives beside what it excuses, so it is reviewed in the same diff and
disappears with the object. A waiver without a reason, for a rule that does
not exist, or that no longer waives anything is itself reported: each would
silently hide the next real problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from gitops.annotations import WAIVER_PREFIX
from gitops.k8s.manifests import Resource
from gitops.review.check.context import Context
from gitops.review.check.registry import REGISTRY, rule
from gitops.review.findings import Finding, Issue, Severity, Topic

PREFIX = WAIVER_PREFIX


def waivers(resource: Resource) -> dict[str, str]:
    """rule id -> reason, as annotated on the object (the reason stripped; empty when none was given)."""
    found = {}
    for key, value in resource.annotations.items():
        if isinstance(key, str) and key.startswith(PREFIX):
            found[key[len(PREFIX) :]] = "" if value is None else str(value).strip()
    return found


def apply(findings: list[Finding], by_object: dict[tuple[str, str, str], dict[str, str]]) -> list[Finding]:
    """Mark findings covered by a waiver with a reason on their object."""
    result = []
    for finding in findings:
        reason = by_object.get((finding.kind, finding.namespace, finding.name), {}).get(finding.rule)
        waivable = REGISTRY[finding.rule].waivable
        result.append(replace(finding, waived=reason) if reason and waivable else finding)
    return result


def _annotated(ctx: Context) -> Iterator[tuple[Resource, str, str]]:
    for resource in ctx.resources:
        for rule_id, reason in sorted(waivers(resource).items()):
            yield resource, rule_id, reason


@rule(
    "waiver-reason",
    Topic.WAIVERS,
    Severity.ERROR,
    prevents="findings waived with no record of why, which no reviewer can judge or revisit",
    fix="write the reason as the annotation's value",
    waivable=False,
)
def waiver_reason(ctx: Context) -> Iterator[Issue]:
    for resource, rule_id, reason in _annotated(ctx):
        if not reason:
            yield Issue(
                resource,
                f"metadata.annotations[{PREFIX}{rule_id}]",
                f"the waiver of {rule_id} gives no reason, so it waives nothing",
                "write why the rule does not apply to this object as the annotation's value",
            )


@rule(
    "waiver-unknown-rule",
    Topic.WAIVERS,
    Severity.WARNING,
    prevents="a misspelt waiver that waives nothing while looking like it does",
    fix="use a rule id from `main.py check --list-rules`, or remove the annotation",
    waivable=False,
)
def waiver_unknown_rule(ctx: Context) -> Iterator[Issue]:
    for resource, rule_id, _ in _annotated(ctx):
        if rule_id not in REGISTRY:
            yield Issue(
                resource,
                f"metadata.annotations[{PREFIX}{rule_id}]",
                f"waives {rule_id}, which is not a rule of this check",
                "use a rule id from `main.py check --list-rules`, or remove the annotation",
            )
        elif not REGISTRY[rule_id].waivable:
            yield Issue(
                resource,
                f"metadata.annotations[{PREFIX}{rule_id}]",
                f"waives {rule_id}, which cannot be waived",
                "fix what the rule reports instead, or remove the annotation",
            )


@rule(
    "waiver-unused",
    Topic.WAIVERS,
    Severity.WARNING,
    prevents="stale waivers that would silently excuse a future, unrelated problem of the same rule",
    fix="remove the annotation",
    waivable=False,
    needs_findings=True,
)
def waiver_unused(ctx: Context, findings: list[Finding]) -> Iterator[Issue]:
    reported = {(f.rule, f.kind, f.namespace, f.name) for f in findings}
    for resource, rule_id, reason in _annotated(ctx):
        if not reason or rule_id not in REGISTRY or not REGISTRY[rule_id].waivable:
            continue
        if (rule_id, resource.kind, resource.namespace, resource.name) not in reported:
            yield Issue(
                resource,
                f"metadata.annotations[{PREFIX}{rule_id}]",
                f"waives {rule_id}, which reports nothing on this object",
                "remove the annotation",
            )
