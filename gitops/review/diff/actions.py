"""What the operator must do by hand for a change to work, per environment: before merging, and after.

Before merging: create every Secret or ConfigMap the change starts to need that git does not deliver,
add the keys it starts to read (gitops/k8s/prerequisites.py, the list the rehearsal's bootstrap
creates too), and give a persistent volume's files to the user its pods now run as
(rules/state.py). Otherwise the pods wait in CreateContainerConfigError, ImagePullBackOff or a
crash loop, and the unit's health check runs to its timeout. After merging: what nothing reads any
more, to delete once the change is live.
"""

from __future__ import annotations

from gitops.k8s import prerequisites, references
from gitops.k8s.prerequisites import Change, Needed
from gitops.review.diff.model import Action
from gitops.review.diff.rules import state
from gitops.review.diff.rules.context import Context


def _keys(keys: tuple[str, ...]) -> str:
    return f"key{'s' if len(keys) != 1 else ''} {', '.join(keys)}"


def _readers(item: Needed) -> str:
    if not item.readers:
        return "declared in config; nothing reads it yet"
    verb = "reads" if len(item.readers) == 1 else "read"
    return f"{', '.join(item.readers)} {verb} it"


def _text(change: Change) -> str:
    item = change.needed
    kind = f"{item.kind} {item.namespace}/{item.name}" if item.namespace else f"{item.kind} {item.name}"
    if change.what == "unused":
        still = " (still declared under secrets: in config: remove it there too)" if item.declared else ""
        return f"delete {kind} once the change is live: nothing reads it any more{still}"
    if item.kind == references.SECRET and not item.declared:
        undeclared = "; it is not declared under secrets: in config, declare it there"
    elif item.undeclared_keys:
        undeclared = f"; add {', '.join(item.undeclared_keys)} to its keys under secrets: in config"
    else:
        undeclared = ""
    if change.what == "add-keys":
        return f"add {_keys(change.keys)} to {kind}: {_readers(item)}{undeclared}"
    typed = f" ({item.type})" if item.type else ""
    keys = f" with {_keys(item.keys)}" if item.keys else ""
    choices = f" ({item.choices})" if item.choices else ""
    return f"create {kind}{typed}{keys}{choices}: {_readers(item)}{undeclared}"


def _secrets(context: Context) -> list[Action]:
    before = prerequisites.needed(context.old.resources, context.old_declared) if context.old.objects else []
    after = prerequisites.needed(context.new.resources, context.new_declared)
    return [
        Action("after" if change.what == "unused" else "before", context.scope, _text(change))
        for change in prerequisites.changes(before, after)
    ]


def _owners(context: Context) -> list[Action]:
    found = []
    for change in state.owner_changes(context):
        command = state.chown_command(change)
        if command is None or change.ownership:
            continue
        where = f"on node {change.node}" if change.node else "on the node that holds it"
        found.append(
            Action(
                "before",
                context.scope,
                f"{where}, give the files of {change.what} to {change.after}: container {change.container} of "
                f"{change.key.local} runs as {change.after} from now on",
                command,
            )
        )
    return found


def of(context: Context) -> list[Action]:
    """The actions one environment's change asks for."""
    return _secrets(context) + _owners(context)
