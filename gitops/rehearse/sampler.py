"""Watch Deployments while a drill disturbs them: minimum ready, maximum alive, time at zero."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field

from gitops.k8s import status
from gitops.k8s.workloads import dig, replicas
from gitops.rehearse import cluster
from gitops.rehearse.kube import Api, ApiError


@dataclass
class Track:
    name: str  # namespace/name
    replicas: int
    min_ready: int | None = None
    max_alive: int = 0
    zero_since: float | None = None
    zero_seconds: float = 0.0
    zero_nodes: set[str] = field(default_factory=set)  # where its pods were when it went to 0

    def observe(self, ready: int, alive: int, nodes: set[str], now: float) -> None:
        self.min_ready = ready if self.min_ready is None else min(self.min_ready, ready)
        self.max_alive = max(self.max_alive, alive)
        if ready == 0 and self.zero_since is None:
            self.zero_since = now
            self.zero_nodes |= nodes
        elif ready > 0 and self.zero_since is not None:
            self.zero_seconds += now - self.zero_since
            self.zero_since = None

    def close(self, now: float) -> None:
        if self.zero_since is not None:
            self.zero_seconds += now - self.zero_since
            self.zero_since = None


class Sampler:
    def __init__(self, api: Api, namespaces: list[str], period: float = 0.25) -> None:
        self.api, self.namespaces, self.period = api, namespaces, period
        self.tracks: dict[str, Track] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sampler", daemon=True)

    def sample(self) -> None:
        now = time.monotonic()
        for ns in self.namespaces:
            pods = self.api.items(cluster.PODS.format(ns=ns))
            for deployment in self.api.items(cluster.DEPLOYMENTS.format(ns=ns)):
                key = f"{ns}/{deployment['metadata']['name']}"
                mine = [p for p in pods if cluster.selected(deployment, p)]
                track = self.tracks.setdefault(key, Track(key, replicas(deployment) or 0))
                track.observe(
                    sum(status.pod_ready(p) for p in mine),
                    sum(status.pod_alive(p) for p in mine),
                    {str(node) for p in mine if (node := dig(p, "spec", "nodeName"))},
                    now,
                )

    def _loop(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(ApiError, OSError):  # a missed sample; the next one follows
                self.sample()
            self._stop.wait(self.period)

    def __enter__(self) -> Sampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        now = time.monotonic()
        for track in self.tracks.values():
            track.close(now)
