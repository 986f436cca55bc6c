"""Waiting on the cluster: one loop for every wait of the rehearsal.

Each look runs in the same order: the components are still running (or their death is the
answer), the condition holds (done), the time is up (timed out), a stop condition names why
waiting longer is pointless (say, a pod no node can take), and only then a sleep. The clock is a
parameter, so that tests can drive a wait without sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Clock:
    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


MONOTONIC = Clock()


@dataclass(frozen=True)
class Waited:
    """How a wait ended: the condition held, or it did not and why."""

    held: bool
    seconds: float  # from the start of the wait to the last look
    stopped: str | None = None  # the stop condition's reason, when that ended the wait

    @property
    def timed_out(self) -> bool:
        return not self.held and self.stopped is None

    @property
    def held_after(self) -> float | None:
        """Seconds until the condition held; None when it never did."""
        return self.seconds if self.held else None


def until(
    condition: Callable[[], object],
    timeout: float,
    interval: float = 0.5,
    *,
    stop: Callable[[], str | None] | None = None,
    alive: Callable[[], None] | None = None,
    started: float | None = None,
    clock: Clock = MONOTONIC,
) -> Waited:
    """Look until condition() is true or timeout seconds have passed since started (default: now).

    alive() is called first on every look and raises when a component has died (the
    supervisor's check_alive); stop() returns why waiting longer is pointless, or None.
    """
    begin = clock.now() if started is None else started
    while True:
        if alive is not None:
            alive()
        if condition():
            return Waited(True, clock.now() - begin)
        if clock.now() - begin >= timeout:
            return Waited(False, clock.now() - begin)
        reason = stop() if stop is not None else None
        if reason:
            return Waited(False, clock.now() - begin, reason)
        clock.sleep(interval)


class Stepper:
    """A stand-in controller: step() every period in a daemon thread until stop(); what goes wrong in a step
    (the API server refusing, a connection reset) is kept in errors for the report, not raised."""

    name = "stepper"
    # What a step may meet without ending the loop: set by each stand-in to its API's errors.
    tolerated: tuple[type[Exception], ...] = (OSError,)

    def __init__(self, period: float) -> None:
        self.period = period
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)

    def step(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self.period):
            try:
                self.step()
            except self.tolerated as err:
                if not self._stop.is_set():
                    self.errors.append(str(err))
