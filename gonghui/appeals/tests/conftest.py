import pytest
from django.test import Client

from gonghui.accounts.services import create_api_key
from gonghui.core.testing import copy_tables_in, copy_tables_out
from gonghui.orgs.models import Enterprise, Org
from gonghui.orgs.services import create_enterprise, create_org

WANGJING_POINT = {"lat": 39.9965, "lng": 116.4700, "crs": "wgs84"}  # 望京, 朝阳区


@pytest.fixture
def city():
    return Org.objects.get(admin_code="110000")


@pytest.fixture
def call_centre(city):
    """An API client for the 12351 call centre (an org API key of the city federation)."""
    raw, _key = create_api_key(org=city, name="12351 call centre")
    return Client(headers={"X-Api-Key": raw})


@pytest.fixture
def file_appeal(call_centre):
    def file(**fields):
        body = {"text": "公司已经三个月没有发工资了，老板一直拖着不给。", "phone": "13912345678"}
        body.update(fields)
        headers = {}
        if "idempotency_key" in body:
            headers["HTTP_IDEMPOTENCY_KEY"] = body.pop("idempotency_key")
        return call_centre.post("/api/v1/appeals", body, content_type="application/json", **headers)

    return file


@pytest.fixture
def unionised_employer() -> Enterprise:
    """An employer in 望京 covered by its own grassroots union."""
    wangjing = Org.objects.get(admin_code="110105026")
    union = create_org(name="望京某科技公司工会委员会", kind="grassroots", parent=wangjing)
    enterprise = create_enterprise(
        name="北京望京某科技有限公司", uscc="91110000600037341L", street=wangjing
    )
    enterprise.union = union
    enterprise.save(update_fields=["union"])
    return enterprise


# --- real concurrent connections ---------------------------------------------------------
#
# Tests that run work in several threads need committed data, so they use a transactional
# database, which pytest-django flushes after each test: that empties the imported tree,
# the personas and the default routing rules and deadline policies (loaded by migrations).
# ``concurrent_db`` copies those base rows out once and back in after a flush, and puts
# them back when the module is done, so later tests find the database as it was.

_base_rows: dict[str, bytes] = {}


def _ensure_base_rows() -> None:
    import importlib

    from django.apps import apps

    from gonghui.core.testing import ensure_base_data

    if Org.objects.exists():
        if not _base_rows:
            _base_rows.update(copy_tables_out())
    elif _base_rows:
        copy_tables_in(_base_rows)
    else:  # flushed before any snapshot was taken: build the base rows again
        ensure_base_data()
        importlib.import_module("gonghui.appeals.migrations.0002_default_rules").load(apps, None)
        _base_rows.update(copy_tables_out())


@pytest.fixture(scope="module")
def _base_rows_back(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        _ensure_base_rows()


@pytest.fixture
def concurrent_db(_base_rows_back, transactional_db):
    """A PostgreSQL database that other threads' connections see, with the base rows."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("real concurrent connections need PostgreSQL")
    _ensure_base_rows()


class Running:
    """Threads started by ``in_threads``; ``results()`` joins them."""

    def __init__(self, threads: list, results: list):
        self.threads, self._results = threads, results

    def results(self, timeout: float = 60) -> list:
        for t in self.threads:
            t.join(timeout)
            assert not t.is_alive(), "a thread did not finish"
        return self._results


@pytest.fixture
def in_threads():
    """Return ``start(*fns)``: call each function in its own thread, all released at once.

    Each thread closes its database connection at the end. ``start(...).results()``
    returns the results in order, an exception in place of a result that raised.
    """
    import threading

    from django.db import connection

    def start(*fns) -> Running:
        barrier = threading.Barrier(len(fns))
        results: list = [None] * len(fns)

        def work(i, fn):
            try:
                barrier.wait()
                results[i] = fn()
            except BaseException as exc:  # reported to the test through the results
                results[i] = exc
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(i, fn)) for i, fn in enumerate(fns)]
        for t in threads:
            t.start()
        return Running(threads, results)

    return start


@pytest.fixture
def lock_waiters():
    """Return ``wait(n)``: block until ``n`` other connections wait on a lock.

    A test holds a row lock in its own transaction, starts threads that need the row,
    waits for them all to queue up, then commits: the threads really run at once.
    """
    import time

    from django.db import connection

    def wait(n: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        with connection.cursor() as cursor:
            while True:
                cursor.execute(
                    "SELECT count(DISTINCT pid) FROM pg_locks"
                    " WHERE NOT granted AND pid <> pg_backend_pid()"
                )
                if cursor.fetchone()[0] >= n:
                    return
                if time.monotonic() > deadline:
                    raise AssertionError(f"fewer than {n} connections waited on a lock")
                time.sleep(0.02)

    return wait
