"""派单依据 is stored as a code and worded in the reader's language; a dispatcher's own
choice says 人工派单, not the intake's 兜底."""

import pytest
from django.utils import translation

from gonghui.appeals import services
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db

TEXT = "公司已经三个月没有发工资了，老板一直拖着不给。"


def test_it_says_manual_after_a_dispatcher_chose_the_org(city_admin):
    appeal, _ = services.create_appeal(
        services.Intake(text=TEXT, phone="13912345678", employer_name="一家没有登记的公司")
    )
    assert (appeal.status, appeal.route_reason) == ("received", "city")
    wangjing = Org.objects.get(admin_code="110105026")
    appeal = services.act(appeal, "dispatch", actor=city_admin.user, org_id=wangjing.pk)
    appeal.refresh_from_db()
    assert appeal.route_reason == "manual"
    page = city_admin.browser().get(f"/console/appeals/{appeal.pk}/").content.decode()
    assert 'data-route-reason="manual">人工派单<' in page
    assert "兜底" not in page.split('data-route-reason="manual"')[1][:40]

    body = city_admin.api().get(f"/api/v1/appeals/{appeal.pk}").json()
    assert (body["route_reason"], body["route_note"]) == ("manual", "人工派单")


def test_it_words_the_reason_in_english_for_the_english_console(city_admin):
    appeal, _ = services.create_appeal(
        services.Intake(text=TEXT, phone="13912345678", employer_name="一家没有登记的公司")
    )
    client = city_admin.browser()
    client.cookies["django_language"] = "en"
    try:
        page = client.get(f"/console/appeals/{appeal.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    finally:
        translation.activate("zh-hans")  # the locale middleware leaves it on this thread
    assert 'data-route-reason="city">Fallback: the city federation' in page.content.decode()
