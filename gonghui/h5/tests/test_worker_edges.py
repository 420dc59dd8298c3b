"""Rough edges of the worker pages (issue 11, section 2): a signed-in worker's own tickets
open without the phone digits, appeals the hotline logged for their phone are theirs too,
and full-width digits from a Chinese keyboard count as digits."""

import pytest
from django.core.exceptions import ValidationError

from gonghui.accounts.models import OtpChallenge
from gonghui.appeals import services
from gonghui.core import pii
from gonghui.core.inputs import half_width
from gonghui.h5.tests.conftest import signed_in

pytestmark = pytest.mark.django_db

HOTLINE_TEXT = "打热线反映：快递站点扣了我两个月的派件费，一直不给结算。"


def hotline_appeal(phone: str):
    """An appeal an operator logged on the 12351 hotline: no worker account attached."""
    appeal, _created = services.create_appeal(
        services.Intake(text=HOTLINE_TEXT, phone=phone, channel="hotline"),
        actor_label="hotline",
    )
    assert appeal.worker_id is None
    return appeal


def test_it_lists_the_hotline_appeals_of_the_workers_phone_in_my_appeals(courier, other_worker):
    mine = hotline_appeal(courier.worker.phone)
    theirs = hotline_appeal(other_worker.phone)
    html = signed_in(courier.worker).get("/h5/my/").content.decode()
    assert mine.ticket_no in html
    assert theirs.ticket_no not in html
    assert signed_in(courier.worker).get(f"/h5/my/{mine.ticket_no}/").status_code == 200
    assert signed_in(courier.worker).get(f"/h5/my/{theirs.ticket_no}/").status_code == 404


def test_it_opens_a_signed_in_workers_own_ticket_without_the_last_digits(courier, file_for):
    appeal = file_for(courier.worker)
    client = signed_in(courier.worker)
    response = client.post("/h5/track/", {"ticket_no": appeal.ticket_no})
    assert response.status_code == 302
    assert response["Location"] == f"/h5/my/{appeal.ticket_no}/"
    # the link in the receipt and the SMS opens it straight away too
    linked = client.get("/h5/track/", {"ticket_no": appeal.ticket_no})
    assert linked["Location"] == f"/h5/my/{appeal.ticket_no}/"
    form = client.get("/h5/track/").content.decode()
    assert 'data-testid="signed-in-hint"' in form
    assert 'maxlength="4" required' not in form


def test_it_still_asks_for_the_digits_for_someone_elses_ticket(courier, other_worker, file_for):
    appeal = file_for(other_worker)
    response = signed_in(courier.worker).post("/h5/track/", {"ticket_no": appeal.ticket_no})
    assert response.status_code == 200
    assert "请填写手机号的后4位数字。" in response.content.decode()


def test_it_reads_full_width_last_digits_when_tracking(client, courier, file_for):
    appeal = file_for(courier.worker)  # the courier's phone ends in 5678
    response = client.post("/h5/track/", {"ticket_no": appeal.ticket_no, "phone_last4": "５６７８"})
    assert response.status_code == 200
    assert 'data-testid="status"' in response.content.decode()


def test_it_accepts_a_full_width_phone_number_everywhere_phones_are_checked():
    assert half_width("１３８ １２３４ ５６７８") == "138 1234 5678"
    assert pii.normalize_phone("１３８１２３４５６７８") == "13812345678"
    assert pii.normalize_phone("＋８６ １３８－１２３４－５６７８") == "13812345678"
    with pytest.raises(ValidationError):
        pii.normalize_phone("１２３")


def test_it_signs_in_with_a_full_width_phone_and_code(
    client, django_capture_on_commit_callbacks, settings
):
    import json
    import re
    from pathlib import Path

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/h5/sign-in/", {"phone": "１３９００００１１１１"})
    assert response.status_code == 200
    assert OtpChallenge.objects.filter(phone_hash=pii.digest(pii.PHONE, "13900001111")).exists()
    html = response.content.decode()
    assert 'data-countdown="60"' in html  # 重新获取验证码 waits its 60 s visibly
    assert 'pattern="[0-9０-９]{6}"' in html
    last = json.loads(Path(settings.GONGHUI_SMS_LOG).read_text("utf-8").splitlines()[-1])
    code = re.search(r"\d{6}", last["text"]).group()
    wide = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    signed = client.post("/h5/sign-in/", {"phone": "13900001111", "code": wide})
    assert signed.status_code == 302
