import pytest

from gonghui.core import generations
from gonghui.core.models import Generation


@pytest.mark.django_db
def test_a_process_cache_rebuilds_when_another_process_changed_its_generation():
    builds = []

    def build():
        builds.append(1)
        return len(builds)

    cache = generations.ProcessCache("test-cache", build, check_every=0)
    assert cache.get() == 1 and cache.get() == 1  # the token has not moved
    # Another process's bump: the row changes, this process's copy is not told.
    Generation.objects.update_or_create(key="test-cache", defaults={"token": 42})
    assert cache.get() == 2
    slow = generations.ProcessCache("test-cache", build, check_every=3600)
    assert slow.get() == 3
    Generation.objects.filter(key="test-cache").update(token=43)
    assert slow.get() == 3  # not checked again within the interval
    generations.bump("test-cache")  # a change in this process: dropped at once
    assert slow.get() == 4 and cache.get() == 5
    assert generations.current("test-cache") not in (0, 42, 43)


@pytest.mark.django_db
def test_an_enterprise_registered_elsewhere_is_matched_within_the_check_interval():
    from gonghui.orgs.models import Enterprise, Org
    from gonghui.triage import employers

    street = Org.objects.get(admin_code="110105026")
    assert employers.match("望京星河建材") is None
    # Written by another process: no signal here, only the generation row moves.
    Enterprise.objects.bulk_create(
        [Enterprise(name="北京望京星河建材有限公司", uscc="91110105MA00000000", street=street)]
    )
    Generation.objects.update_or_create(key="enterprises", defaults={"token": 7})
    assert employers.match("望京星河建材") is None  # this process checks every 30 s
    employers._cache._checked -= employers._cache.check_every
    assert employers.match("望京星河建材") == Enterprise.objects.get(name__contains="星河建材").pk
