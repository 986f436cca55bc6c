"""`promote`: the target environment gets the builds the source runs, and a proof it gets nothing else.

The source's builds (what git holds for it: its config file must be committed) are copied into the
target's `images:`, one line per service that differs, digests included; a digest is never
replaced by a bare tag. The target (and any environment following it) is rendered again, and
parity is proved (gitops/ship/parity.py) from git history: the target's rendered change equals the
source's since the source last ran the target's build, field by field, beside the fields each
environment sets for itself. A promotion that fails parity is left in the work tree, uncommitted,
for the operator to read (exit 1).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from gitops.config import LoadedEnvironment
from gitops.config.loader import display_path
from gitops.k8s import images
from gitops.review.diff.gitref import extract
from gitops.review.diff.model import Report
from gitops.review.diff.promotion import Promotion
from gitops.ship import builds, change, git, parity
from gitops.ship.builds import ShipError
from gitops.ship.change import Tree


@dataclass(frozen=True)
class Step:
    service: str
    old: str
    new: str


@dataclass
class Promoted:
    source: str
    target: str
    steps: list[Step]
    file: str
    rendered: list[str] = field(default_factory=list)
    report: Report | None = None
    promotion: Promotion | None = None
    commit: str = ""
    branch: str = ""

    @property
    def holds(self) -> bool:
        return self.promotion is None or self.promotion.holds


def _digest_kept(service: str, source: LoadedEnvironment, target: LoadedEnvironment, old: str, new: str) -> None:
    _, old_digest = images.parse_version(old)
    tag, new_digest = images.parse_version(new)
    if old_digest and not new_digest:
        raise ShipError(
            f"{target.name} runs {service} pinned by digest ({old}); {source.name} runs {new}, a bare tag, and "
            "promote never replaces a digest by a tag",
            f"pin {source.name}'s build by its digest first: main.py set-image {service} {tag}@sha256:<digest> "
            f"--env {source.name}",
        )


def plan(loaded: dict[str, LoadedEnvironment], source_name: str, target_name: str, services: list[str]) -> list[Step]:
    """The builds to copy, checked: environments, services, inheritance, digests."""
    source = builds.environment(loaded, source_name, "--from")
    target = builds.environment(loaded, target_name, "--to")
    if source.name == target.name:
        raise ShipError(
            f"--from and --to both name {source.name}: a promotion goes from one environment to another",
            "promote from the environment that ran the build first, e.g. --from staging --to prod",
        )
    steps = []
    for service in builds.services_of(target, services):
        if service not in source.config.services:
            raise ShipError(f"{source.name} runs no service '{service}' to promote", "name the services both run")
        old, new = str(target.config.images[service]), str(source.config.images[service])
        if target.followed.get(service) == source.name or old == new:
            continue
        refusal = builds.inherited(target, service, loaded)
        if refusal is not None:
            raise refusal
        _digest_kept(service, source, target, old, new)
        steps.append(Step(service, old, new))
    return steps


def promote(
    tree: Tree,
    source_name: str,
    target_name: str,
    services: list[str],
    *,
    allow_dirty: bool = False,
    commit: bool = False,
) -> Promoted:
    with change.holding(tree) as loaded:
        steps = plan(loaded, source_name, target_name, services)
        source, target = loaded[source_name], loaded[target_name]
        # The source's builds are what git holds for it: that is what its cluster runs.
        if git.uncommitted(tree.root, [source.source]):
            raise ShipError(
                f"{display_path(source.source)} has changes not committed to git, and promote copies the builds "
                f"{source.name} runs: what git holds for it",
                f"commit them (and let {source.name} run them first) or stash them, then promote",
            )
        shown = display_path(target.source)
        if not steps:
            return Promoted(source.name, target.name, [], shown)
        if commit:
            change.refuse_unclean_for_commit(tree, "promote")
        change.refuse_uncommitted(tree, [target.source], allow_dirty, "promote")
        head = git.run(tree.root, "rev-parse", "HEAD").decode().strip()
        before = target.source.read_text(encoding="utf-8")
        envs = [target.name, *change.followers(loaded, target.name, [s.service for s in steps])]
        change.edit_and_render(tree, target.source, {("images", s.service): s.new for s in steps}, envs)
        report = change.review(tree, envs)
        promotion = prove(tree, head, source.name, target.name, [s.service for s in steps])
        promotion.config_lines = (
            parity.config_lines(_committed(tree, head, target.source), target.source.read_text(encoding="utf-8"), shown)
            if before
            else []
        )
        report.promotions = [promotion]
        promoted = Promoted(source.name, target.name, steps, shown, envs, report, promotion)
        if commit and promotion.holds:
            names = ", ".join(f"{s.service} {images.short_version(s.new)}" for s in steps)
            branch = f"promote/{target.name}-{'-'.join(s.service for s in steps)}-{builds.short(steps[0].new)}"
            pulled = "".join(f"{images.pin(target.config.services[s.service].image.ref, s.new).text}\n" for s in steps)
            message = f"Promote {names} from {source.name} to {target.name}\n\n{pulled}"
            promoted.commit, promoted.branch = change.commit(tree, [target.source], envs, message, branch)
        return promoted


def _committed(tree: Tree, commit: str, path: Path) -> str | None:
    (blob,) = git.show(tree.root, [f"{commit}:{git.relative(tree.root, path)}"])
    return blob.decode() if blob is not None else None


def prove(tree: Tree, base: str, source: str, target: str, services: list[str]) -> Promotion:
    """Parity of the target as rendered in tree.out_dir against the source and target as committed at base."""
    with tempfile.TemporaryDirectory(prefix="honeydue-promote-") as tmp:
        extract(tree.root, base, [f"{tree.dist}/{source}", f"{tree.dist}/{target}"], Path(tmp))
        request = parity.Request(tree.root, base, tree.dist, Path(tmp) / tree.dist, tree.out_dir)
        return parity.prove(request, source, target, services)
