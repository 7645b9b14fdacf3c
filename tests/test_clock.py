"""The controllable clock (docs/behaviour/admin.md A5/A6 semantics)."""
import threading
from datetime import UTC, datetime, timedelta

import pytest

from mockserver.clock import Clock, isoformat_z

T0 = datetime(2025, 7, 3, 12, 0, tzinfo=UTC)


class FakeSource:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


def test_runs_with_the_source_by_default():
    source = FakeSource()
    clock = Clock(source)
    source.now += timedelta(seconds=5)
    assert clock.now() == T0 + timedelta(seconds=5)


def test_freeze_advance_unfreeze():
    source = FakeSource()
    clock = Clock(source)
    clock.freeze()
    source.now += timedelta(seconds=30)
    assert clock.now() == T0
    clock.advance(10)
    assert clock.now() == T0 + timedelta(seconds=10)
    clock.unfreeze()
    source.now += timedelta(seconds=1)
    assert clock.now() == T0 + timedelta(seconds=11)


def test_advance_while_running_and_reset():
    source = FakeSource()
    clock = Clock(source)
    clock.advance(3600)
    assert clock.now() == T0 + timedelta(hours=1)
    clock.reset()
    assert clock.now() == T0 and not clock.frozen


def test_set_freezes_at_the_instant_and_takes_naive_as_utc():
    clock = Clock(FakeSource())
    clock.set(datetime(2030, 1, 1))
    assert clock.frozen and clock.now() == datetime(2030, 1, 1, tzinfo=UTC)


def test_cannot_move_backwards():
    with pytest.raises(ValueError):
        Clock(FakeSource()).advance(-1)


@pytest.mark.parametrize("instant, text", [
    (datetime(2025, 7, 3, 12, 38, 45, 563379, tzinfo=UTC), "2025-07-03T12:38:45.563379Z"),
    (datetime(2025, 7, 3, 12, 38, 45, tzinfo=UTC), "2025-07-03T12:38:45Z"),
])
def test_isoformat_z(instant, text):
    assert isoformat_z(instant) == text


def test_a_pinned_clock_answers_one_reading_on_its_thread_only():
    source = FakeSource()
    clock, other = Clock(source), Clock(source)
    seen = []
    with clock.pinned() as now:
        assert now == T0
        source.now = T0 + timedelta(seconds=5)
        clock.advance(60)
        seen.append(clock.now())
        elsewhere = threading.Thread(target=lambda: seen.append(clock.now()))
        elsewhere.start()
        elsewhere.join()
        seen.append(other.now())  # another mock's clock is not pinned
    seen.append(clock.now())
    assert seen == [T0, T0 + timedelta(seconds=65), T0 + timedelta(seconds=5), T0 + timedelta(seconds=65)]
