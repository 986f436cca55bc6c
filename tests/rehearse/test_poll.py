"""The one wait of the rehearsal, driven by a fake clock: no test sleeps."""

from __future__ import annotations

import pytest

from gitops.rehearse import poll
from gitops.rehearse.procs import ComponentError


class FakeClock:
    def __init__(self, start: float = 100.0) -> None:
        self.time = start
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds

    @property
    def clock(self) -> poll.Clock:
        return poll.Clock(self.now, self.sleep)


def _becomes_true_after(looks: int):
    seen = []

    def condition() -> bool:
        seen.append(True)
        return len(seen) > looks

    return condition, seen


def test_the_condition_holding_ends_the_wait_with_the_time_it_took():
    fake = FakeClock()
    condition, seen = _becomes_true_after(3)
    waited = poll.until(condition, 10, 0.5, clock=fake.clock)
    assert (waited.held, waited.seconds, waited.held_after, waited.timed_out) == (True, 1.5, 1.5, False)
    assert fake.sleeps == [0.5, 0.5, 0.5] and len(seen) == 4


def test_a_condition_that_already_holds_never_sleeps():
    fake = FakeClock()
    assert poll.until(lambda: True, 10, clock=fake.clock).held
    assert fake.sleeps == []


def test_the_timeout_ends_the_wait_after_one_last_look():
    fake = FakeClock()
    condition, seen = _becomes_true_after(1000)
    waited = poll.until(condition, 2, 0.5, clock=fake.clock)
    assert (waited.held, waited.timed_out, waited.seconds, waited.held_after) == (False, True, 2.0, None)
    assert len(seen) == 5  # at 0, 0.5, 1, 1.5 and 2 s


def test_the_timeout_counts_from_started():
    fake = FakeClock(start=100.0)
    waited = poll.until(lambda: False, 5, 1, started=97.0, clock=fake.clock)
    assert waited.timed_out and waited.seconds == 5.0 and fake.sleeps == [1, 1]


def test_a_stop_condition_ends_the_wait_with_its_reason():
    fake = FakeClock()
    reasons = iter([None, None, "pod honeydue/api-1 unschedulable for 20 s"])
    waited = poll.until(lambda: False, 60, 0.5, stop=lambda: next(reasons), clock=fake.clock)
    assert (waited.held, waited.timed_out, waited.stopped, waited.seconds) == (
        False,
        False,
        "pod honeydue/api-1 unschedulable for 20 s",
        1.0,
    )


def test_the_condition_is_looked_at_before_the_stop_condition():
    waited = poll.until(lambda: True, 60, stop=lambda: "stalled", clock=FakeClock().clock)
    assert waited.held and waited.stopped is None


def test_a_dead_component_ends_the_wait_by_raising_before_the_condition_is_asked():
    fake = FakeClock()
    looks = []

    def alive() -> None:
        if fake.time >= 101.0:
            raise ComponentError("kwok", "exited with code 1")

    with pytest.raises(ComponentError, match="kwok: exited with code 1"):
        poll.until(lambda: looks.append(fake.time), 60, 0.5, alive=alive, clock=fake.clock)
    assert looks == [100.0, 100.5]
