import pytest
from django.test import Client

from gonghui.orgs.models import Org

WANGJING = "110105026"  # 望京街道, 朝阳区 (the street handler's org)
ZHONGGUANCUN = "110108011"  # 中关村街道, 海淀区 (the outsider's org)


@pytest.fixture
def wangjing():
    return Org.objects.get(admin_code=WANGJING)


@pytest.fixture
def body(wangjing):
    """A valid written mediation application to 望京, as the API takes it."""

    def make(**over):
        data = {
            "channel": "written",
            "org_id": wangjing.pk,
            "applicants": [{"name": "张伟", "phone": "13912345678"}],
            "employer": {"name": "北京望京某物流有限公司", "uscc": "91110105MA01ABCD13"},
            "claims": [
                {"kind": "wages", "amount": "12000.50"},
                {"kind": "overtime", "amount": 3000},
            ],
            "facts": "公司拖欠三个月工资和加班费。",
            "known_since": "2026-03-01",
            "employment_ended_on": "2026-08-31",
        }
        data.update(over)
        return data

    return make


def post(client: Client, url: str, data=None):
    return client.post(url, data if data is not None else {}, content_type="application/json")


@pytest.fixture
def csrf_client():
    """A browser-like client that enforces CSRF (session writes need the token)."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def file_appeal():
    """File an appeal as the 12351 call centre (the city's org API key)."""
    from gonghui.accounts.services import create_api_key

    raw, _key = create_api_key(org=Org.objects.get(admin_code="110000"), name="12351")
    centre = Client(headers={"X-Api-Key": raw})

    def file(**fields):
        data = {"text": "公司已经三个月没有发工资了，老板一直拖着不给。", "phone": "13912345678"}
        data.update(fields)
        return centre.post("/api/v1/appeals", data, content_type="application/json")

    return file
