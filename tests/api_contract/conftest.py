"""The API as an outside client sees it: real HTTP to live_server on the test PostgreSQL.

live_server is a real threaded HTTP server, and its database is flushed after every
test, so ``api_world`` puts back the union tree and the personas (copied out once, table
by table, as the browser tests do) and hands out the credentials a client holds: a staff
bearer token, a worker bearer token and an org API key.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from django.core.cache import cache

from gonghui.accounts.services import create_api_key
from gonghui.core.testing import copy_tables_in, copy_tables_out, ensure_base_data, load_personas
from gonghui.orgs.models import Org

_base_rows: dict[str, bytes] = {}


@dataclass
class ApiWorld:
    url: str  # the server's root, without a trailing slash
    staff: dict[str, str]  # headers: a city admin's bearer token
    handler: dict[str, str]  # headers: a street handler's bearer token
    worker: dict[str, str]  # headers: the courier's bearer token
    api_key: dict[str, str]  # headers: an API key of the 朝阳区 federation
    handler_org_id: int  # the street handler's union (望京街道)

    def session(self) -> requests.Session:
        return requests.Session()


@pytest.fixture
def api_world(live_server, transactional_db) -> Iterator[ApiWorld]:
    if not Org.objects.filter(admin_code="110108011").exists():
        if _base_rows:
            copy_tables_in(_base_rows)
        else:
            ensure_base_data()
    if not _base_rows:
        _base_rows.update(copy_tables_out())
    personas = load_personas()
    raw_key, _key = create_api_key(org=Org.objects.get(admin_code="110105"), name="contract tests")
    cache.clear()
    yield ApiWorld(
        url=live_server.url,
        staff={"Authorization": f"Bearer {personas['city_admin'].token}"},
        handler={"Authorization": f"Bearer {personas['street_handler'].token}"},
        worker={"Authorization": f"Bearer {personas['courier'].token}"},
        api_key={"X-Api-Key": raw_key},
        handler_org_id=personas["street_handler"].org.pk,
    )
    # Throttle counters live in the process cache: later tests must not inherit them.
    cache.clear()
