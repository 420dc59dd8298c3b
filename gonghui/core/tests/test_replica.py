"""The replica router's decisions (the cluster test runs it against a real replica)."""

import pytest
from django.test import RequestFactory

from gonghui.core import replica


@pytest.fixture
def usable(monkeypatch):
    state = {"ok": True}
    monkeypatch.setattr(replica, "replica_usable", lambda: state["ok"])
    return state


def test_it_sends_reads_of_stale_tolerant_requests_to_a_healthy_replica(usable):
    router = replica.ReplicaRouter()
    token = replica._stale_ok.set(True)
    try:
        assert router.db_for_read(None) == "replica"
        usable["ok"] = False
        assert router.db_for_read(None) is None
    finally:
        replica._stale_ok.reset(token)


def test_it_reads_from_the_primary_once_the_request_wrote(usable):
    router = replica.ReplicaRouter()
    stale, wrote = replica._stale_ok.set(True), replica._wrote.set(False)
    try:
        assert router.db_for_read(None) == "replica"
        assert router.db_for_write(None) is None
        assert router.db_for_read(None) is None
    finally:
        replica._stale_ok.reset(stale)
        replica._wrote.reset(wrote)


def test_it_keeps_other_requests_on_the_primary(usable):
    assert replica.ReplicaRouter().db_for_read(None) is None


@pytest.mark.parametrize(
    ("method", "path", "cookie", "expected"),
    [
        ("GET", "/api/v1/knowledge/search", None, True),
        ("GET", "/console/appeals/dashboard/", None, True),
        ("POST", "/api/v1/knowledge/search", None, False),
        ("GET", "/api/v1/appeals", None, False),
        ("GET", "/api/v1/stations/nearby", "1", False),  # the client wrote a moment ago
    ],
)
def test_it_tolerates_staleness_only_on_listed_read_paths(method, path, cookie, expected):
    request = RequestFactory().generic(method, path)
    if cookie:
        request.COOKIES[replica.WROTE_COOKIE] = cookie
    assert replica.stale_tolerant(request) is expected


def test_it_never_migrates_the_replica():
    router = replica.ReplicaRouter()
    assert router.allow_migrate("replica", "appeals") is False
    assert router.allow_migrate("default", "appeals") is True
