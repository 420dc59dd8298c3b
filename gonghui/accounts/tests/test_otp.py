"""Worker sign-in by one-time code: /api/v1/auth/otp/request and /otp/verify."""

import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client

from gonghui.accounts.models import AccessToken, OtpChallenge, Worker
from gonghui.accounts.tests.support import (
    OTP_REQUEST,
    OTP_VERIFY,
    STAFF_TOKEN,
    START,
    code_in,
    wrong,
)
from gonghui.core import pii

pytestmark = pytest.mark.django_db

PHONE = "13912345678"  # not the courier persona's number, so no worker exists yet
MASKED = "139****5678"


def me(token: str):
    return Client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})


def sign_in(request_code, verify_code, sms_lines, phone: str = PHONE) -> str:
    """Request a code, type it in, and return the worker's bearer token."""
    assert request_code(phone).status_code == 202
    response = verify_code(phone, code_in(sms_lines()[-1]))
    assert response.status_code == 200, response.json()
    return response.json()["token"]


def test_it_texts_one_six_digit_code_and_answers_202(clock, request_code, sms_lines):
    response = request_code(PHONE)

    assert response.status_code == 202
    assert response.json() == {"status": "sent", "expires_in": 300, "resend_after": 60}
    lines = sms_lines()
    assert len(lines) == 1
    assert lines[0]["to"] == PHONE
    code = code_in(lines[0])
    challenge = OtpChallenge.objects.get()
    assert challenge.phone_hash == pii.digest(pii.PHONE, PHONE)
    assert challenge.expires_at == START + timedelta(minutes=5)
    assert code not in challenge.code_hash


def test_it_signs_in_with_the_code_and_the_token_shows_the_masked_phone(
    clock, request_code, verify_code, sms_lines
):
    request_code(PHONE)

    response = verify_code(PHONE, code_in(sms_lines()[0]))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    assert datetime.fromisoformat(body["expires_at"]) == START + timedelta(days=30)
    found = me(body["token"])
    assert found.status_code == 200
    worker = Worker.objects.get(phone_hash=pii.digest(pii.PHONE, PHONE))
    assert found.json() == {"id": worker.pk, "phone": MASKED}
    assert worker.last_login_at == START
    assert me("wk_not-a-token").json()["code"] == "not_authenticated"


def test_it_refuses_a_code_the_second_time(clock, request_code, verify_code, sms_lines):
    request_code(PHONE)
    code = code_in(sms_lines()[0])
    assert verify_code(PHONE, code).status_code == 200

    again = verify_code(PHONE, code)

    assert again.status_code == 400
    assert again.json()["code"] == "otp_expired"
    assert AccessToken.objects.filter(kind=AccessToken.Kind.WORKER).count() == 1


@pytest.mark.parametrize(
    "age,status,code",
    [
        (timedelta(minutes=4, seconds=59), 200, None),
        (timedelta(minutes=5), 400, "otp_expired"),
        (timedelta(minutes=5, seconds=1), 400, "otp_expired"),
        (timedelta(hours=2), 400, "otp_expired"),
    ],
)
def test_it_refuses_a_code_older_than_five_minutes(
    clock, request_code, verify_code, sms_lines, age, status, code
):
    request_code(PHONE)
    clock.shift(age)

    response = verify_code(PHONE, code_in(sms_lines()[0]))

    assert response.status_code == status
    assert response.json().get("code") == code
    assert Worker.objects.filter(phone_hash=pii.digest(pii.PHONE, PHONE)).exists() == (
        status == 200
    )


def test_it_says_how_many_tries_are_left(clock, request_code, verify_code, sms_lines):
    request_code(PHONE)
    code = code_in(sms_lines()[0])

    for left in (4, 3, 2, 1):
        response = verify_code(PHONE, wrong(code))
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "otp_wrong_code"
        assert re.findall(r"\d+", body["detail"]) == [str(left)], body["detail"]


def test_it_refuses_even_the_right_code_after_five_wrong_tries(
    clock, request_code, verify_code, sms_lines
):
    request_code(PHONE)
    code = code_in(sms_lines()[0])
    for _try in range(4):
        assert verify_code(PHONE, wrong(code)).json()["code"] == "otp_wrong_code"
    fifth = verify_code(PHONE, wrong(code))
    assert (fifth.status_code, fifth.json()["code"]) == (429, "otp_too_many_tries")

    right = verify_code(PHONE, code)

    assert right.status_code == 429
    assert right.json()["code"] == "otp_too_many_tries"
    assert not Worker.objects.filter(phone_hash=pii.digest(pii.PHONE, PHONE)).exists()
    assert OtpChallenge.objects.get().attempts == 5


def test_it_refuses_a_resend_within_60_seconds(clock, request_code, sms_lines):
    assert request_code(PHONE).status_code == 202
    clock.shift(30)

    response = request_code(PHONE)

    assert response.status_code == 429
    assert response.json()["code"] == "otp_resend_too_soon"
    wait = int(response["Retry-After"])
    assert 30 <= wait <= 31
    assert len(sms_lines()) == 1
    assert OtpChallenge.objects.count() == 1
    clock.shift(wait)
    assert request_code(PHONE).status_code == 202
    assert len(sms_lines()) == 2


def test_it_sends_at_most_five_codes_per_phone_per_hour(clock, request_code, sms_lines):
    for _n in range(5):
        assert request_code(PHONE).status_code == 202
        clock.shift(61)

    sixth = request_code(PHONE)

    assert sixth.status_code == 429
    assert sixth.json()["code"] == "otp_too_many"
    assert int(sixth["Retry-After"]) > 0
    assert len(sms_lines()) == 5
    # Another phone from another address is not affected.
    assert request_code("13912340000", REMOTE_ADDR="10.1.2.3").status_code == 202
    # The window rolls: an hour after the first code, one more may be sent.
    clock.move_to(START + timedelta(hours=1, seconds=1), tick=False)
    assert request_code(PHONE).status_code == 202


def test_it_sends_at_most_twenty_codes_per_address_per_hour(clock, request_code, sms_lines):
    for n in range(20):
        assert request_code(f"1391234{n:04d}").status_code == 202

    response = request_code("13912340099")

    assert response.status_code == 429
    assert response.json()["code"] == "otp_too_many"
    assert len(sms_lines()) == 20
    assert request_code("13912340099", REMOTE_ADDR="10.1.2.3").status_code == 202


@pytest.mark.parametrize(
    "phone",
    [
        "01065529988",  # Beijing landline
        "010-65529988",
        "1391234567",  # 10 digits
        "139123456789",  # 12 digits
        "abcdefghijk",
        "1391234abcd",  # phonenumbers would read the letters as keypad digits
        "13812345678ext1",
        "+1 202 555 0123",
        "+12025550123",
        "",
        "   ",
    ],
)
def test_it_rejects_invalid_phone_numbers_and_stores_nothing(
    clock, request_code, verify_code, sms_lines, phone
):
    workers = Worker.objects.count()

    response = request_code(phone)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_phone"
    assert response.json()["detail"]
    assert OtpChallenge.objects.count() == 0
    assert sms_lines() == []
    verify = verify_code(phone, "123456")
    assert (verify.status_code, verify.json()["code"]) == (422, "invalid_phone")
    assert OtpChallenge.objects.count() == 0
    assert Worker.objects.count() == workers


@pytest.mark.parametrize("path", [OTP_REQUEST, OTP_VERIFY, STAFF_TOKEN])
def test_it_answers_malformed_json_with_400(client, sms_lines, path):
    response = client.post(path, '{"phone": "1391234', content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == "malformed_json"
    assert OtpChallenge.objects.count() == 0
    assert sms_lines() == []


def test_it_creates_the_worker_once_per_phone_and_stores_it_encrypted(
    clock, request_code, verify_code, sms_lines
):
    workers = Worker.objects.count()
    first = sign_in(request_code, verify_code, sms_lines)
    clock.shift(timedelta(minutes=1, seconds=1))
    second = sign_in(request_code, verify_code, sms_lines, phone="+86 139 1234 5678")

    assert me(first).json() == me(second).json()
    phone_hash = pii.digest(pii.PHONE, PHONE)
    worker = Worker.objects.get(phone_hash=phone_hash)
    assert worker.phone == PHONE
    assert worker.last_login_at == START + timedelta(minutes=1, seconds=1)
    assert Worker.objects.count() == workers + 1
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT phone, phone_hash FROM {Worker._meta.db_table} WHERE id = %s", [worker.pk]
        )
        raw_phone, raw_hash = cursor.fetchone()
    assert "12345678" not in raw_phone
    assert raw_hash == phone_hash
    assert pii.decrypt(raw_phone) == PHONE


def test_it_refuses_an_earlier_code_once_a_later_one_is_used(
    clock, request_code, verify_code, sms_lines
):
    request_code(PHONE)
    clock.shift(61)
    request_code(PHONE)
    first, second = (code_in(line) for line in sms_lines())
    if first == second:
        pytest.skip("both codes happen to be equal")
    assert verify_code(PHONE, second).status_code == 200

    response = verify_code(PHONE, first)

    assert response.status_code == 400
    assert response.json()["code"] == "otp_expired"


def test_it_ends_a_worker_token_after_30_days(clock, request_code, verify_code, sms_lines):
    token = sign_in(request_code, verify_code, sms_lines)

    clock.shift(timedelta(days=30) - timedelta(seconds=1))
    assert me(token).status_code == 200
    clock.shift(1)
    response = me(token)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
