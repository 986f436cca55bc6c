"""`set-image`: one environment runs a new build of one service, the change the app's CI makes.

The build is written where the environment names it, `images.<service>` of config/<env>.yaml, by a
one-line in-place edit; the environment (and any that follows it) is rendered again, and the
change is reviewed against HEAD. An environment that takes the service's build from another
(shipping.follows) is refused, with the file that names it. With --commit the change is committed
as the environment's shipping.builds says: on a branch of its own for a small pull request, or on
the current branch.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from gitops.config.loader import BASE_FILE, display_path
from gitops.k8s import images
from gitops.k8s.images import short_version
from gitops.review.diff.model import Report
from gitops.ship import builds, change
from gitops.ship.change import Tree


@dataclass(frozen=True)
class Shipped:
    env: str
    service: str
    old: str
    new: str
    file: str  # the config file edited, as shown
    line: int  # its line that changed (0: nothing changed)
    rendered: list[str]  # the environments rendered again
    report: Report | None
    commit: str = ""
    branch: str = ""
    pull_request: bool = False


def set_image(
    tree: Tree, service: str, ref: str, env_name: str, *, allow_dirty: bool = False, commit: bool = False
) -> Shipped:
    with change.holding(tree) as loaded:
        env = builds.environment(loaded, env_name, "--env")
        builds.services_of(env, [service])
        version = builds.requested_version(ref, service, env, display_path(tree.config_dir / BASE_FILE))
        refusal = builds.inherited(env, service, loaded)
        if refusal is not None:
            raise refusal
        shown = display_path(env.source)
        old = str(env.config.images[service])
        if old == version:
            return Shipped(env.name, service, old, version, shown, 0, [], None)
        if commit:
            change.refuse_unclean_for_commit(tree, "set-image")
        change.refuse_uncommitted(tree, [env.source], allow_dirty, "set-image")
        envs = [env.name, *change.followers(loaded, env.name, [service])]
        edit = change.edit_and_render(tree, env.source, {("images", service): version}, envs)
        report = change.review(tree, envs)
        shipped = Shipped(env.name, service, old, version, shown, edit.lines[0], envs, report)
        if not commit:
            return shipped
        pull_request = env.config.shipping.builds == "pull-request"
        branch = f"ship/{env.name}-{service}-{builds.short(version)}" if pull_request else None
        image = env.config.services[service].image.ref
        message = f"{env.name} runs {service} {short_version(version)}\n\n{images.pin(image, version).text}\n"
        sha, on = change.commit(tree, [env.source], envs, message, branch)
        return dataclasses.replace(shipped, commit=sha, branch=on, pull_request=pull_request)
