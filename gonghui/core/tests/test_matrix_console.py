"""The permission matrix of core's console pages: the home page, the audit log and the
working-day calendar (which only a city admin may change)."""

import pytest

from gonghui.core import audit
from gonghui.core.models import AuditLog
from gonghui.core.testing import add_dispatcher, check_matrix
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db

EVERY_STAFF = {
    "courier": 302,
    "street_handler": 200,
    "district_supervisor": 200,
    "city_admin": 200,
    "dispatcher": 200,
    "outsider": 200,
}


@pytest.fixture
def everyone(personas):
    return add_dispatcher(personas)


def test_the_home_page(everyone):
    check_matrix(everyone, lambda p: p.console().get("/console/"), EVERY_STAFF)
    home = everyone["outsider"].console().get("/console/").content.decode()
    assert "中关村街道总工会" in home and "望京街道总工会" not in home


def test_the_audit_log_is_scoped(everyone, street_handler):
    wangjing = Org.objects.get(admin_code="110105026")
    audit.record("matrix.probe", actor=street_handler.user, obj=wangjing, org=wangjing)
    assert AuditLog.objects.filter(action="matrix.probe").exists()
    check_matrix(
        everyone,
        lambda p: p.console().get("/console/audit/", {"action": "matrix.probe"}),
        EVERY_STAFF,
    )

    def seen(name):
        page = everyone[name].console().get("/console/audit/", {"action": "matrix.probe"})
        return len(page.context["page"])

    assert {name: seen(name) for name in EVERY_STAFF if name != "courier"} == {
        "street_handler": 1,
        "district_supervisor": 1,
        "city_admin": 1,
        "dispatcher": 1,
        "outsider": 0,
    }


def test_the_calendar_page(everyone):
    check_matrix(everyone, lambda p: p.console().get("/console/calendar/"), EVERY_STAFF)
    # "Check" shows the entered schedule on the months without saving it.
    entry = {"holidays": "2027-01-01", "workdays": "", "notice": "测试通知", "action": "check"}
    check_matrix(
        everyone,
        lambda p: p.console().post("/console/calendar/?year=2027", entry),
        {
            "courier": 302,
            "street_handler": 403,
            "district_supervisor": 403,
            "city_admin": 200,
            "dispatcher": 403,
            "outsider": 403,
        },
    )
    assert (
        b"2027"
        in everyone["city_admin"].console().post("/console/calendar/?year=2027", entry).content
    )
