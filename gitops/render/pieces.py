"""Render an environment construct by construct, again only where the config a construct read has changed.

Each top-level construct (charts/stack.py `pieces`: the namespace, the settings,
the declarations, the network policies, Traefik, one per service) is rendered
into a chart of its own while gitops/render/tracking.py logs the config it
reads. Rendering a changed config, a construct whose every read finds the same
value is not run again: its objects are the previous render's, as running it
would give (charts/ are functions of config). The rest run for real, in this
process's warm jsii runtime; the delivery objects always do (they list what the
units render). `tests/render/test_pieces.py` holds the result to a whole synth.

`main.py diff` renders the base config and then each config edit of a change
this way (gitops/review/diff/provenance.py): an edit re-renders the few
constructs that read what it changed, not the environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import cast

from gitops.config import LoadedEnvironment
from gitops.config.model import Environment
from gitops.render import runtime
from gitops.render.tracking import Access, Log, Read, TrackedDict, unchanged, wrap

# Every construct names its objects (charts/naming.py), from the namespace and partOf, and selects any service's
# pods by its selector, which a service's keepLive may keep from the running cluster (naming_reads).
NAMING_READS: tuple[Access, ...] = ((("config", "namespace"), Read.VALUE), (("config", "part_of"), Read.VALUE))


def naming_reads(config: Environment) -> list[Access]:
    """What charts/naming.py reads of config, for every construct: NAMING_READS and each service's keepLive."""
    kept = [(("config", "services", name, "keep_live"), Read.VALUE) for name in config.services]
    return [*NAMING_READS, (("config", "services"), Read.KEYS), *kept]


@dataclass(frozen=True)
class RenderedPiece:
    unit: str
    reads: dict[Access, None]
    objects: list[dict]


@dataclass
class Rendition:
    """One environment rendered piece by piece: the config it came from, each piece, and the objects by directory."""

    name: str
    roots: dict[str, object]
    pieces: dict[str, RenderedPiece]
    directories: dict[str, list[dict]]
    rendered: list[str] = field(default_factory=list)  # the pieces this rendition actually ran


def render(
    loaded: LoadedEnvironment,
    previous: Rendition | None = None,
    encrypted_units: AbstractSet[str] = frozenset(),
) -> Rendition:
    """loaded's objects by directory under dist/, rendering only the pieces whose reads differ from previous."""
    runtime.start()
    import cdk8s

    from charts.context import StackContext
    from charts.stack import build_delivery, pieces, unit_chart

    ctx = StackContext.of(loaded)
    roots: dict[str, object] = {"config": loaded.config, "settings": ctx.settings}
    app = cdk8s.App()
    done: dict[str, RenderedPiece] = {}
    ran: list[str] = []
    for piece in pieces(ctx):
        key = f"{piece.unit}/{piece.id}"
        before = previous.pieces.get(key) if previous is not None else None
        if (
            before is not None
            and previous is not None
            and before.unit == piece.unit
            and unchanged(before.reads, previous.roots, roots)
        ):
            done[key] = before
            continue
        log = Log()
        for path, kind in naming_reads(loaded.config):
            log.add(path, kind)
        tracked = StackContext(
            environment=ctx.environment,
            config=cast(Environment, wrap(loaded.config, ("config",), log)),
            naming=ctx.naming,
            settings=cast(dict[str, str], TrackedDict(ctx.settings, ("settings",), log)),
        )
        chart = unit_chart(app, ctx, piece.unit, f"-{piece.id}")
        piece.build(chart, tracked)
        done[key] = RenderedPiece(piece.unit, dict(log.reads), list(chart.to_json()))
        ran.append(key)
    directories: dict[str, list[dict]] = {}
    for unit_piece in done.values():
        directories.setdefault(ctx.naming.unit_dir(unit_piece.unit), []).extend(unit_piece.objects)
    unit_objects = [obj for objects in directories.values() for obj in objects]
    delivery = build_delivery(app, ctx, unit_objects, encrypted_units)
    directories[ctx.naming.cluster_dir()] = list(delivery.to_json())
    return Rendition(loaded.name, roots, done, directories, ran)


def objects(rendition: Rendition) -> Mapping[str, list[dict]]:
    return rendition.directories
