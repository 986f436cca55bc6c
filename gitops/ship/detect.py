"""The promotions in a change, for `main.py diff`: a service whose build changes in one environment to the
build another environment already ran before the change.

A pull request made by `main.py promote` is found this way whoever opened it, and so is a
hand-edited one: its comment then leads with the parity verdict (gitops/ship/parity.py). So is the
change that skips staging: a production environment (cluster.production) and another getting the
same new build at once, as they did while builds lived in config/base.yaml; its verdict fails.
"""

from __future__ import annotations

from pathlib import Path

from gitops.config.loader import display_path
from gitops.k8s import declared
from gitops.layout import CLUSTERS
from gitops.review.diff.gitref import GitError
from gitops.review.diff.load import Loader
from gitops.review.diff.promotion import ConfigLine, Promotion, ServiceParity
from gitops.ship import git, parity
from gitops.ship.history import image_of, is_workload_of


def _builds(env_dir: Path, loader: Loader) -> dict[str, str]:
    """service -> image of each workload under an environment's directory."""
    if not env_dir.is_dir():
        return {}
    side = loader.load(str(env_dir), [env_dir])
    found = {}
    for resource in side.objects.values():
        meta = resource.obj.get("metadata") or {}
        service = (meta.get("labels") or {}).get("app.kubernetes.io/name")
        if isinstance(service, str) and is_workload_of(resource.obj, service):
            image = image_of(resource.obj, service)
            if image:
                found[service] = image
    return found


def _production(env_dir: Path, loader: Loader) -> bool:
    """Whether the environment's declarations say its cluster serves real users (cluster.production)."""
    if not env_dir.is_dir():
        return False
    try:
        cluster = declared.read(loader.load(str(env_dir), [env_dir]).resources).cluster
    except declared.DeclarationError:
        return False
    return cluster is not None and cluster.production


def _environments(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name != CLUSTERS) if root.is_dir() else []


def promotions(request: parity.Request, config_dir: Path | None = None) -> list[Promotion]:
    """Every promotion the change from request.base_dist to request.new_dist makes, with its parity.

    With config_dir (the change's config/), each promotion also lists the lines of the target's
    config file the change sets beside the promoted builds.
    """
    loader = Loader()
    envs = sorted(set(_environments(request.base_dist)) & set(_environments(request.new_dist)))
    before = {env: _builds(request.base_dist / env, loader) for env in envs}
    after = {env: _builds(request.new_dist / env, loader) for env in envs}
    found: dict[tuple[str, str], list[str]] = {}
    untried: dict[tuple[str, str], list[ServiceParity]] = {}
    production = {env for env in envs if _production(request.new_dist / env, loader)}
    for target in envs:
        for service, image in sorted(after[target].items()):
            if before[target].get(service) in (None, image):
                continue
            sources = [env for env in envs if env != target and before[env].get(service) == image]
            at_once = [env for env in envs if env != target and after[env].get(service) == image]
            if sources:
                found.setdefault((sources[0], target), []).append(service)
            elif at_once and target in production and at_once[0] not in production:
                # The way builds reached prod while they lived in base.yaml: staging has not run it.
                untried.setdefault((at_once[0], target), []).append(
                    ServiceParity(
                        service,
                        parity.version_of(before[target].get(service)),
                        parity.version_of(image),
                        None,
                        None,
                        problem=f"this change gives {service} {parity.version_of(image)} to {at_once[0]} and {target} "
                        f"at once: {at_once[0]} has not run it",
                    )
                )
    results = []
    for source, target in sorted(set(found) | set(untried)):
        services = found.get((source, target), [])
        promotion = parity.prove(request, source, target, services) if services else Promotion(source, target, [])
        promotion.services += untried.get((source, target), [])
        if config_dir is not None:
            promotion.config_lines = _config_lines(request, config_dir / f"{target}.yaml")
        results.append(promotion)
    return results


def _config_lines(request: parity.Request, path: Path) -> list[ConfigLine]:
    if not path.is_file():
        return []
    try:
        (before,) = git.show(request.root, [f"{request.base}:{git.relative(request.root, path)}"])
    except GitError:
        return []
    return parity.config_lines(
        before.decode() if before else None, path.read_text(encoding="utf-8"), display_path(path)
    )
