"""Console and H5 pages: scope, the missing list, review steps, escaping."""

from gonghui.care.models import Application
from gonghui.care.tests.conftest import ALL_ITEMS, apply, upload


def test_the_console_lists_in_scope_and_hides_outside(courier, member, street_handler, outsider):
    app_id = apply(courier.api(), member).json()["id"]
    page = street_handler.browser().get("/console/care/")
    assert page.status_code == 200
    assert f'care-application-{app_id}"' in page.content.decode()
    assert (
        f'care-application-{app_id}"'
        not in outsider.browser().get("/console/care/").content.decode()
    )
    assert outsider.browser().get(f"/console/care/{app_id}/").status_code == 404


def test_the_console_reviews_and_refuses_a_return_without_items(
    courier, member, union_staff, street_handler
):
    client = courier.api()
    app_id = apply(client, member).json()["id"]
    for code in ALL_ITEMS:
        upload(client, app_id, code)
    client.post(f"/api/v1/care/applications/{app_id}/submit")
    browser = street_handler.browser()
    detail = browser.get(f"/console/care/{app_id}/").content.decode()
    assert 'data-testid="care-steps"' in detail and "110****" in detail
    r = browser.post(f"/console/care/{app_id}/return/", {"note": "x"}, follow=True)
    assert "请选择需要补正的材料" in r.content.decode()
    assert Application.objects.get(pk=app_id).status == "submitted"
    browser.post(f"/console/care/{app_id}/approve/")
    assert Application.objects.get(pk=app_id).status == "street_review"


def test_user_text_is_escaped(courier, member, union_staff):
    client = courier.api()
    app_id = apply(client, member).json()["id"]
    for code in ALL_ITEMS:
        upload(client, app_id, code)
    client.post(f"/api/v1/care/applications/{app_id}/submit")
    union_staff.client.post(
        f"/api/v1/care/applications/{app_id}/reject",
        {"reason": "<script>alert(1)</script>"},
        content_type="application/json",
    )
    from django.test import Client

    browser = Client()
    browser.force_login(union_staff)
    html = browser.get(f"/console/care/{app_id}/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
