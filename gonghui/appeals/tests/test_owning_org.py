"""Only the owning org's own handlers and dispatchers sign for, work on and return its
appeals: a city dispatcher sees no 签收 on a 望京 appeal, and the API refuses it (403)."""

import json

import pytest
from django.contrib.auth import get_user_model

from gonghui.appeals import services, workflow
from gonghui.orgs.models import Org, StaffRole

pytestmark = pytest.mark.django_db

TEXT = "公司已经三个月没有发工资了，老板一直拖着不给。"


@pytest.fixture
def city_dispatcher():
    user = get_user_model().objects.create_user("city-dispatcher-owning", password="x-12351-x")
    StaffRole.objects.create(user=user, org=Org.objects.get(admin_code="110000"), role="dispatcher")
    return user


@pytest.fixture
def wangjing_appeal(unionised_employer):
    appeal, _ = services.create_appeal(
        services.Intake(text=TEXT, phone="13912345678", employer_uscc=unionised_employer.uscc)
    )
    assert appeal.status == "dispatched" and appeal.assigned_org.admin_code == "110105026"
    return appeal


def test_it_offers_the_city_dispatcher_no_handler_step_on_a_street_appeal(
    city_dispatcher, street_handler, city_admin, wangjing_appeal
):
    names = lambda user: [tr.action for tr in workflow.WORKFLOW.allowed(wangjing_appeal, user)]  # noqa: E731
    assert "accept" not in names(city_dispatcher)
    assert "return" not in names(city_dispatcher)
    assert "accept" in names(street_handler.user)
    assert "return" in names(street_handler.user)
    assert "accept" in names(city_admin.user)  # an admin above may still step in


def test_it_refuses_the_city_dispatchers_accept_in_the_api(city_dispatcher, wangjing_appeal):
    from django.test import Client

    from gonghui.accounts.services import issue_staff_token

    token, _ = issue_staff_token(city_dispatcher)
    response = Client(headers={"Authorization": f"Bearer {token}"}).post(
        f"/api/v1/appeals/{wangjing_appeal.pk}/accept",
        json.dumps({}),
        content_type="application/json",
    )
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "forbidden_role"
    wangjing_appeal.refresh_from_db()
    assert wangjing_appeal.status == "dispatched"


def test_it_shows_the_city_dispatcher_no_sign_button(client, city_dispatcher, wangjing_appeal):
    client.force_login(city_dispatcher)
    page = client.get(f"/console/appeals/{wangjing_appeal.pk}/").content.decode()
    assert wangjing_appeal.ticket_no in page
    assert f"/console/appeals/{wangjing_appeal.pk}/act/accept/" not in page
    assert f"/console/appeals/{wangjing_appeal.pk}/act/return/" not in page


def test_it_shows_the_street_handler_the_sign_button(street_handler, wangjing_appeal):
    page = street_handler.browser().get(f"/console/appeals/{wangjing_appeal.pk}/").content.decode()
    assert f"/console/appeals/{wangjing_appeal.pk}/act/accept/" in page
