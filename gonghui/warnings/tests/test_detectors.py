from datetime import UTC, datetime, timedelta

from gonghui.warnings import detectors
from gonghui.warnings.detectors import Item

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def item(i, hours_ago, category="wages", district=1, street=11, employer="", words=()):
    return Item(
        i, NOW - timedelta(hours=hours_ago), category, district, street, employer, frozenset(words)
    )


def test_it_computes_the_poisson_tail():
    assert detectors.poisson_tail(0, 2.0) == 1.0
    assert abs(detectors.poisson_tail(1, 2.0) - (1 - 0.1353352832)) < 1e-9
    assert detectors.poisson_tail(10, 0.5) < 1e-8


def test_it_flags_an_employer_with_many_wage_appeals_in_the_window():
    items = [item(i, i * 10, employer="e7") for i in range(3)]
    found = detectors.employer_clusters(items, NOW)
    assert [f.subject for f in found] == ["employer:e7"]
    assert sorted(found[0].evidence) == [0, 1, 2]
    # Two only, or spread beyond the window, or about other things: nothing.
    assert detectors.employer_clusters(items[:2], NOW) == []
    old = [item(i, 24 * 4 * i, employer="e7") for i in range(3)]
    assert detectors.employer_clusters(old, NOW) == []
    other = [item(i, i, category="membership", employer="e7") for i in range(5)]
    assert detectors.employer_clusters(other, NOW) == []


def test_it_flags_a_category_far_above_its_own_baseline_in_a_street():
    background = [item(i, 30 + i * 24, category="injury") for i in range(28)]  # ~1 a day
    burst = [item(100 + i, i, category="injury") for i in range(6)]
    found = detectors.area_surges(background + burst, NOW)
    assert found and found[0].subject == "area:street:11:injury"
    assert found[0].stats["count"] == 6
    # The district warning is left out: the street one covers it.
    assert not any(f.subject.startswith("area:district") for f in found)
    # The same six on a street that always has about six a day: no alarm.
    busy = [item(200 + i, 30 + i * 4, category="injury") for i in range(28 * 6)]
    assert detectors.area_surges(busy + burst, NOW) == []


def test_it_flags_a_new_word_surging_across_appeals():
    background = [item(i, 30 + i * 5, words={"工资", "老板"}) for i in range(100)]
    surge = [item(500 + i, i * 2, street=10 + i, words={"工资", "暴雷"}) for i in range(6)]
    found = detectors.term_surges(background + surge, NOW)
    assert [f.term for f in found] == ["暴雷"]
    assert detectors.term_surges(background + surge[:3], NOW) == []
