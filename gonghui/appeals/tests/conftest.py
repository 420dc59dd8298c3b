import pytest
from django.test import Client

from gonghui.accounts.services import create_api_key
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
