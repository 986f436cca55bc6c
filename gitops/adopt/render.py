"""The cutover plan as text (a terminal), Markdown (a pull request or an issue) or JSON (the rehearsal, tools)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from gitops.adopt.model import SECTIONS, TITLES, ConfigLine, Plan

FORMAT = "honeydue-gitops/adopt/v1"


def _flow(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        plain = value and all(c.isalnum() or c in "-._/" for c in value) and not value[0].isdigit()
        return value if plain else json.dumps(value)
    return json.dumps(value)


def config_yaml(lines: list[ConfigLine]) -> dict[str, list[str]]:
    """file -> the YAML to merge into it, as nested keys (each keepLive with its reason)."""
    trees: dict[str, dict[str, Any]] = {}
    for line in lines:
        node = trees.setdefault(line.file, {})
        for key in line.path[:-1]:
            node = node.setdefault(key, {})
        value = line.value
        if isinstance(value, dict) and line.path[-1] == "keepLive":
            node[line.path[-1]] = {**value, "reason": line.why}
        else:
            node[line.path[-1]] = (value, line.why)
    return {file: _emit(tree, 0) for file, tree in trees.items()}


def _emit(tree: dict[str, Any], depth: int) -> list[str]:
    out = []
    pad = "  " * depth
    for key, value in tree.items():
        if isinstance(value, tuple):
            out.append(f"{pad}{key}: {_flow(value[0])}   # {value[1]}")
        elif isinstance(value, dict) and key == "keepLive":
            out.append(f"{pad}{key}:")
            out += [f"{pad}  {k}: {_flow(v)}" for k, v in value.items()]
        elif isinstance(value, dict):
            out.append(f"{pad}{key}:")
            out += _emit(value, depth + 1)
        else:
            out.append(f"{pad}{key}: {_flow(value)}")
    return out


def _verdict(plan: Plan) -> str:
    if plan.safe:
        return "safe: no blocking item (no data loss, no multi-replica service at 0, every drain completes, one writer)"
    return f"NOT SAFE: {len(plan.blocking)} blocking item(s); the config lines below take them away"


def text(plan: Plan) -> str:
    kind = "an export" if plan.exported else "hand-written manifests"
    lines = [f"adopt: {plan.env} (namespace {plan.namespace}) from {', '.join(plan.live)} ({kind})", _verdict(plan)]
    for section in SECTIONS:
        items = plan.section(section)
        if not items:
            continue
        lines += ["", f"{TITLES[section]}:"]
        for item in items:
            mark = "BLOCKING " if item.blocking else ""
            lines.append(f"  {mark}{item.object}: {item.what}")
            lines += [f"    - {d}" for d in item.details]
            if item.config:
                lines.append("    fixed by: " + ", ".join(f"{c.file} {c.key}" for c in item.config))
            if item.steps:
                lines.append("    steps: " + ", ".join(item.steps))
            if item.source:
                lines.append(f"    live: {item.source}")
    if plan.config_lines:
        lines += ["", "Config lines that take the blocking items away:"]
        for file, body in config_yaml(plan.config_lines).items():
            lines.append(f"  {file}:")
            lines += [f"    {line}" for line in body]
    lines += ["", "Steps:"]
    for index, step in enumerate(plan.steps, 1):
        lines.append(f"  {index}. [{step.id}] {step.title}")
        lines.append(f"     why: {step.why}")
        lines += [f"     $ {c.text}" for c in step.commands]
        if step.expect:
            lines.append(f"     expect: {step.expect}")
        if step.rollback:
            lines.append(f"     rollback: {step.rollback}")
    lines += [f"note: {n}" for n in plan.notes]
    if plan.set_aside:
        lines.append(
            f"note: {len(plan.set_aside)} object(s) the cluster made itself, set aside (ReplicaSets, "
            "EndpointSlices, volumes, ...)"
        )
    return "\n".join(lines) + "\n"


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def markdown(plan: Plan) -> str:
    lines = [f"### Cutover plan: {plan.env}", "", f"**{_verdict(plan)}**", ""]
    for section in SECTIONS:
        items = plan.section(section)
        if not items:
            continue
        lines += [f"#### {TITLES[section]}", "", "| Object | What happens | Fixed by |", "| --- | --- | --- |"]
        for item in items:
            what = ("**blocking** " if item.blocking else "") + item.what
            if item.details:
                what += "<br>" + "<br>".join(_cell(d) for d in item.details)
            fix = ", ".join(f"`{c.key}`" for c in item.config) or ", ".join(f"step {s}" for s in item.steps)
            lines.append(f"| {_cell(item.object)} | {_cell(what)} | {fix} |")
        lines.append("")
    if plan.config_lines:
        lines += ["#### Config lines", ""]
        for file, body in config_yaml(plan.config_lines).items():
            lines += [f"`{file}`:", "", "```yaml", *body, "```", ""]
    lines += ["#### Steps", ""]
    for index, step in enumerate(plan.steps, 1):
        lines += [f"{index}. **{step.title}** (`{step.id}`): {step.why}", ""]
        if step.commands:
            lines += ["   ```sh", *[f"   {c.text}" for c in step.commands], "   ```", ""]
        if step.expect:
            lines.append(f"   Expect: {step.expect}")
        if step.rollback:
            lines.append(f"   Rollback: {step.rollback}")
        lines.append("")
    return "\n".join(lines)


def as_json(plan: Plan) -> str:
    body = {
        "format": FORMAT,
        "env": plan.env,
        "namespace": plan.namespace,
        "live": plan.live,
        "exported": plan.exported,
        "safe": plan.safe,
        "blocking": len(plan.blocking),
        "items": [asdict(i) for i in plan.items],
        "configLines": [
            {"file": c.file, "path": list(c.path), "value": c.value, "why": c.why} for c in plan.config_lines
        ],
        "steps": [asdict(s) for s in plan.steps],
        "predictions": [asdict(p) for p in plan.predictions],
        "notes": plan.notes,
        "setAside": plan.set_aside,
    }
    return json.dumps(body, indent=2, default=str) + "\n"
