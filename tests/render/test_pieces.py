"""Rendering construct by construct gives a whole synth's objects, and re-runs only what read a changed value."""

from __future__ import annotations

import json

from charts.stack import synthesize
from gitops.config import LoadedEnvironment, load_environments
from gitops.render import pieces
from tests.conftest import CONFIG


def _canonical(directories: dict[str, list[dict]]) -> dict[str, list[str]]:
    return {d: sorted(json.dumps(o, sort_keys=True) for o in objs) for d, objs in directories.items() if objs}


def _with(loaded: LoadedEnvironment, service: str, **update: object) -> LoadedEnvironment:
    config = loaded.config
    services = {**config.services, service: config.services[service].model_copy(update=update)}
    return LoadedEnvironment(loaded.name, loaded.source, config.model_copy(update={"services": services}))


def test_pieces_render_what_a_whole_synth_renders():
    environments = load_environments(CONFIG)
    whole = synthesize(environments)
    for loaded in environments:
        assert _canonical(dict(pieces.render(loaded).directories)) == _canonical(whole[loaded.name])


def test_an_edit_reruns_only_the_constructs_that_read_it_and_matches_a_whole_synth():
    prod = next(e for e in load_environments(CONFIG) if e.name == "prod")
    first = pieces.render(prod)
    edited = _with(prod, "api", replicas=5)
    again = pieces.render(edited, first)
    assert again.rendered == ["apps/service-api"]
    assert _canonical(dict(again.directories)) == _canonical(synthesize([edited])["prod"])


def test_a_change_to_what_many_constructs_read_reruns_them_all():
    prod = next(e for e in load_environments(CONFIG) if e.name == "prod")
    first = pieces.render(prod)
    config = prod.config.model_copy(update={"namespace": "honeydue-two"})
    again = pieces.render(LoadedEnvironment(prod.name, prod.source, config), first)
    assert len(again.rendered) == len(first.rendered)


def test_a_kept_live_selector_reruns_every_construct_that_selects_by_it_and_matches_a_whole_synth():
    """The network policies select api's pods (and let them reach Redis) by naming.selector: keepLive is read by all."""
    from gitops.config.model import KeepLive

    prod = next(e for e in load_environments(CONFIG) if e.name == "prod")
    first = pieces.render(prod)
    edited = _with(prod, "api", keep_live=KeepLive.model_validate({"selector": {"app": "api"}, "reason": "live"}))
    again = pieces.render(edited, first)
    assert "infrastructure/network-policies" in again.rendered and "apps/service-api" in again.rendered
    assert _canonical(dict(again.directories)) == _canonical(synthesize([edited])["prod"])
