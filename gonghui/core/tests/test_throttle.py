"""The shared throttle: one database counter per key, seen alike by every connection."""

from datetime import UTC, datetime, timedelta

import pytest

from gonghui.appeals.tests.conftest import _base_rows_back, concurrent_db, in_threads  # noqa: F401
from gonghui.core import throttle
from gonghui.core.errors import Throttled
from gonghui.core.models import ThrottleCounter
from gonghui.core.sweeps import SWEEPS

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LIMIT = throttle.Limit("test", 3, 600)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.mark.django_db
def test_it_refuses_the_hit_after_the_limit_until_the_window_ends(clock):
    for n in range(1, 4):
        assert throttle.check(LIMIT, "1.2.3.4", message="slow down", code="slow") == n

    with pytest.raises(Throttled) as refused:
        throttle.check(LIMIT, "1.2.3.4", message="slow down", code="slow")

    assert (refused.value.code, refused.value.status) == ("slow", 429)
    assert refused.value.extra["retry_after"] == 600
    assert throttle.check(LIMIT, "5.6.7.8", message="", code="slow") == 1  # another key
    clock.shift(timedelta(minutes=4))
    assert throttle.retry_after(LIMIT, "1.2.3.4") == 360
    clock.shift(timedelta(minutes=6))
    assert throttle.exceeded(LIMIT, "1.2.3.4")  # the window's last second still counts
    clock.shift(1)
    assert not throttle.exceeded(LIMIT, "1.2.3.4")
    assert throttle.check(LIMIT, "1.2.3.4", message="", code="slow") == 1


@pytest.mark.django_db
def test_it_counts_without_hitting_and_forgets_on_clear(clock):
    throttle.hit(LIMIT, "k", n=2)

    assert throttle.count(LIMIT, "k") == 2
    assert not throttle.exceeded(LIMIT, "k")
    throttle.refuse_if_exceeded(LIMIT, "k", message="", code="slow")  # counts nothing
    assert throttle.count(LIMIT, "k") == 2
    throttle.hit(LIMIT, "k")
    with pytest.raises(Throttled):
        throttle.refuse_if_exceeded(LIMIT, "k", message="", code="slow")
    throttle.clear(LIMIT, "k")
    assert throttle.count(LIMIT, "k") == 0


@pytest.mark.django_db
def test_it_stores_no_identity_in_the_clear(clock):
    throttle.hit(LIMIT, "13800138000")

    (row,) = ThrottleCounter.objects.all()
    assert row.key.startswith("test:") and "13800138000" not in row.key
    # Scopes are apart: one phone in two scopes is two counters.
    throttle.hit(throttle.Limit("other", 3, 600), "13800138000")
    assert ThrottleCounter.objects.count() == 2


@pytest.mark.django_db
def test_the_sweep_purges_counters_of_long_ended_windows(clock):
    throttle.hit(LIMIT, "old")
    clock.shift(timedelta(days=1, seconds=1))
    throttle.hit(LIMIT, "new")

    assert SWEEPS["throttle_purge"]() == 1
    assert list(ThrottleCounter.objects.values_list("hits", flat=True)) == [1]


def test_two_connections_share_one_limit(concurrent_db, in_threads):  # noqa: F811
    limit = throttle.Limit("shared", 10, 3600)

    def burst():
        passed = 0
        for _n in range(10):
            try:
                throttle.check(limit, "9.9.9.9", message="", code="slow")
                passed += 1
            except Throttled:
                pass
        return passed

    results = in_threads(burst, burst, burst).results()

    # Thirty hits from three connections at once: exactly the limit passes in all.
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 10
    assert throttle.count(limit, "9.9.9.9") == 30
