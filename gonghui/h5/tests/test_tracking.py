"""查询办理进度 by ticket number + last 4 digits, the public timeline, and the evaluation."""

import re

import pytest
from django.test import Client

from gonghui.appeals import services
from gonghui.appeals.api import TRACK_LIMIT
from gonghui.h5.tests.conftest import signed_in

pytestmark = pytest.mark.django_db

TRACK = "/h5/track/"
EVALUATE = "/h5/track/evaluate/"
LAST4 = "5678"  # the courier persona's phone is 13812345678
NOT_FOUND = "没有找到该工单，请核对工单号和手机号后四位。"
REPLY = "已协调企业补发工资，请您查收。"


def look_up(client: Client, ticket_no: str, last4: str = LAST4):
    return client.post(TRACK, {"ticket_no": ticket_no, "phone_last4": last4})


def rate(client: Client, ticket_no: str, **fields):
    data = {"ticket_no": ticket_no, "phone_last4": LAST4}
    data.update(fields)
    return client.post(EVALUATE, data)


def test_it_prefills_the_ticket_number_from_the_receipt_link(client):
    html = client.get(TRACK, {"ticket_no": "12351-20260301-000007"}).content.decode()
    assert 'value="12351-20260301-000007"' in html
    assert 'name="phone_last4"' in html


def test_it_shows_the_status_and_only_the_public_timeline(
    client, courier, file_for, dispatch, street_handler
):
    appeal = dispatch(file_for(courier.worker))
    services.act(appeal, "return", actor=street_handler.user, reason="内部：不属于本街道")
    dispatch(appeal)

    response = look_up(client, appeal.ticket_no)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="status">已派单<' in html
    assert "已交给望京街道总工会" in html
    labels = re.findall(r"</time><b>(.*?)</b>", html)
    assert labels == ["已派单", "已派单", "已受理"]  # newest first; the return is internal
    assert "内部" not in html
    assert "退回" not in html
    assert courier.worker.phone not in html
    assert appeal.text not in html  # the pair shows progress, not what the worker wrote


def test_it_answers_a_wrong_pair_exactly_like_a_missing_ticket(client, courier, file_for):
    appeal = file_for(courier.worker)
    wrong = look_up(client, appeal.ticket_no, "0000")
    missing = look_up(client, "12351-20200101-000001", LAST4)

    assert wrong.status_code == missing.status_code == 200
    assert wrong.context["error"] == missing.context["error"] == NOT_FOUND

    def page(response) -> str:
        # Only what the visitor typed (echoed back) and the CSRF token may differ.
        html = re.sub(r'value="[^"]*"', 'value=""', response.content.decode())
        return re.sub(r'"X-CSRFToken": "\w+"', "", html)

    assert page(wrong) == page(missing)
    assert look_up(client, appeal.ticket_no, "12").context["error"] == "请填写手机号的后4位数字。"


def test_it_throttles_lookups_per_ip_like_the_api(client, courier, file_for):
    appeal = file_for(courier.worker)
    for _ in range(TRACK_LIMIT - 1):
        look_up(client, "12351-20200101-000001")
    # The API and the page share one budget per IP.
    assert (
        client.get(
            "/api/v1/appeals/track", {"ticket_no": appeal.ticket_no, "phone_last4": LAST4}
        ).status_code
        == 200
    )

    refused = look_up(client, appeal.ticket_no)
    assert refused.context["error"] == "查询过于频繁，请10分钟后再试。"
    assert appeal.ticket_no not in re.sub(r'value="[^"]*"', "", refused.content.decode())
    assert (
        rate(client, appeal.ticket_no, resolved="yes", satisfaction="satisfied").context["error"]
        == "查询过于频繁，请10分钟后再试。"
    )


def test_it_offers_no_evaluation_before_the_appeal_is_resolved(client, courier, file_for):
    appeal = file_for(courier.worker)
    assert 'name="resolved"' not in look_up(client, appeal.ticket_no).content.decode()
    refused = rate(client, appeal.ticket_no, resolved="yes", satisfaction="satisfied")
    assert refused.context["error"] == "该诉求尚未办结，暂不能评价。"
    appeal.refresh_from_db()
    assert appeal.status == "received"


def test_it_lets_the_worker_rate_a_resolved_appeal(client, courier, file_for, resolve):
    appeal = resolve(file_for(courier.worker), reply=REPLY)

    html = look_up(client, appeal.ticket_no).content.decode()
    assert "工会的答复" in html
    assert html.count(REPLY) == 1  # shown once, not again in the timeline
    assert 'name="resolved" value="yes"' in html
    assert 'name="satisfaction" value="basically"' in html
    assert f'name="phone_last4" value="{LAST4}"' in html

    rated = rate(
        client, appeal.ticket_no, resolved="yes", satisfaction="basically", comment="谢谢工会"
    )
    appeal.refresh_from_db()
    assert (appeal.status, appeal.eval_resolved) == ("closed", True)
    assert (appeal.eval_satisfaction, appeal.eval_comment) == ("basically", "谢谢工会")
    html = rated.content.decode()
    assert "谢谢您的评价！" in html
    assert 'data-testid="status">已评价<' in html
    assert 'name="resolved"' not in html
    assert "基本满意" in html

    again = rate(client, appeal.ticket_no, resolved="yes", satisfaction="satisfied")
    assert again.context["error"] == "该诉求已评价过。"


def test_it_reopens_an_appeal_the_worker_says_is_not_solved(client, courier, file_for, resolve):
    appeal = resolve(file_for(courier.worker))
    rated = rate(client, appeal.ticket_no, resolved="no", satisfaction="unsatisfied")
    appeal.refresh_from_db()
    assert appeal.status == "accepted"
    assert appeal.reopen_count == 1
    assert "已重新交给承办单位办理" in rated.content.decode()


def test_it_asks_again_for_a_missing_choice_and_keeps_the_comment(
    client, courier, file_for, resolve
):
    appeal = resolve(file_for(courier.worker))
    refused = rate(client, appeal.ticket_no, satisfaction="satisfied", comment="还想补充一句")
    assert refused.context["error"] == "请选择问题是否解决。"
    html = refused.content.decode()
    assert "还想补充一句</textarea>" in html
    assert 'value="satisfied" id="id_satisfaction_0" required checked' in html
    appeal.refresh_from_db()
    assert appeal.status == "resolved"


def test_it_refuses_to_rate_with_a_wrong_pair(client, courier, file_for, resolve):
    appeal = resolve(file_for(courier.worker))
    refused = rate(
        client, appeal.ticket_no, phone_last4="0000", resolved="yes", satisfaction="satisfied"
    )
    assert refused.context["error"] == NOT_FOUND
    appeal.refresh_from_db()
    assert appeal.status == "resolved"


def test_it_lets_the_owner_rate_from_my_appeals_without_the_digits(courier, file_for, resolve):
    appeal = resolve(file_for(courier.worker))
    client = signed_in(courier.worker)
    html = client.get(f"/h5/my/{appeal.ticket_no}/").content.decode()
    assert 'name="phone_last4"' not in html
    rated = client.post(
        EVALUATE, {"ticket_no": appeal.ticket_no, "resolved": "yes", "satisfaction": "satisfied"}
    )
    assert rated.status_code == 200
    appeal.refresh_from_db()
    assert appeal.status == "closed"
    assert appeal.events.order_by("-id").first().actor_label == f"worker:{courier.worker.pk}"
