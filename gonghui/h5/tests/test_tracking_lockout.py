"""Tracking cannot be guessed: wrong digits lock a ticket from every IP, for the API and
the H5 page alike, and an evaluation needs the same proof (or the filing worker)."""

import json
from datetime import timedelta

import pytest
from django.test import Client

from gonghui.appeals.tracking import TICKET_FAILURES
from gonghui.core.testing import Persona
from gonghui.h5.tests.conftest import signed_in

pytestmark = pytest.mark.django_db

TRACK_API = "/api/v1/appeals/track"
EVALUATE_API = "/api/v1/appeals/track/evaluate"
LAST4 = "5678"  # the courier persona's phone is 13812345678
LOCKED = "track_locked"


def from_ip(n: int) -> Client:
    return Client(REMOTE_ADDR=f"10.20.0.{n}")


def api_track(client: Client, ticket_no: str, last4: str):
    return client.get(TRACK_API, {"ticket_no": ticket_no, "phone_last4": last4})


def api_rate(client: Client, ticket_no: str, last4: str | None = None):
    body = {"ticket_no": ticket_no, "resolved": True, "satisfaction": "satisfied"}
    if last4 is not None:
        body["phone_last4"] = last4
    return client.post(EVALUATE_API, json.dumps(body), content_type="application/json")


def test_wrong_digits_from_many_ips_lock_the_ticket_over_the_api(time_machine, courier, file_for):
    time_machine.move_to("2026-11-23 09:00:00+08:00", tick=False)
    appeal = file_for(courier.worker)
    for n in range(TICKET_FAILURES):
        wrong = api_track(from_ip(n), appeal.ticket_no, f"{n:04d}")
        assert wrong.status_code == 404 and wrong.json()["code"] == "not_found"

    # Now even the right digits, from a fresh IP, are refused for an hour.
    locked = api_track(from_ip(99), appeal.ticket_no, LAST4)
    assert locked.status_code == 429 and locked.json()["code"] == LOCKED
    assert locked["Retry-After"] == "3600"
    assert appeal.ticket_no not in locked.content.decode()
    # The evaluation is no way around it.
    assert api_rate(from_ip(98), appeal.ticket_no, LAST4).json()["code"] == LOCKED
    # Other tickets are untouched.
    other = file_for(courier.worker)
    assert api_track(from_ip(97), other.ticket_no, LAST4).status_code == 200
    time_machine.shift(timedelta(hours=1, seconds=1))
    assert api_track(from_ip(96), appeal.ticket_no, LAST4).status_code == 200


def test_a_missing_ticket_locks_like_an_existing_one(courier, file_for):
    # The lock must not tell which ticket numbers exist.
    for n in range(TICKET_FAILURES):
        api_track(from_ip(n), "12351-20200101-000001", "0000")
    missing = api_track(from_ip(50), "12351-20200101-000001", "0000")

    appeal = file_for(courier.worker)
    for n in range(TICKET_FAILURES):
        api_track(from_ip(n), appeal.ticket_no, "0000")
    existing = api_track(from_ip(50), appeal.ticket_no, "0000")

    assert missing.status_code == existing.status_code == 429
    assert missing.json() == existing.json()


def test_a_match_clears_the_count_of_earlier_typos(courier, file_for):
    appeal = file_for(courier.worker)
    for n in range(TICKET_FAILURES - 1):
        api_track(from_ip(n), appeal.ticket_no, "0000")
    assert api_track(from_ip(1), appeal.ticket_no, LAST4).status_code == 200

    for n in range(TICKET_FAILURES - 1):
        api_track(from_ip(n), appeal.ticket_no, "0000")
    assert api_track(from_ip(1), appeal.ticket_no, LAST4).status_code == 200


def test_an_evaluation_needs_the_proof_or_the_filing_workers_bearer(
    personas, courier, other_worker, file_for, resolve
):
    appeal = resolve(file_for(courier.worker))

    # No digits and no bearer: nothing to prove it; another worker's bearer proves nothing.
    assert api_rate(Client(), appeal.ticket_no).status_code == 404
    stranger = Persona("stranger", worker=other_worker).api()
    assert api_rate(stranger, appeal.ticket_no).status_code == 404
    assert api_rate(stranger, appeal.ticket_no, "0000").status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == "resolved"

    rated = api_rate(courier.api(), appeal.ticket_no)
    assert rated.status_code == 200 and rated.json()["status"] == "closed"
    appeal.refresh_from_db()
    assert appeal.events.order_by("-id").first().actor_label == f"worker:{courier.worker.pk}"


def test_the_digits_proof_rates_without_a_sign_in(courier, file_for, resolve):
    appeal = resolve(file_for(courier.worker))

    rated = api_rate(Client(), appeal.ticket_no, LAST4)

    assert rated.status_code == 200 and rated.json()["status"] == "closed"


def test_the_h5_page_locks_the_ticket_after_wrong_digits(courier, file_for, resolve):
    appeal = resolve(file_for(courier.worker))
    for n in range(TICKET_FAILURES):
        page = from_ip(n).post("/h5/track/", {"ticket_no": appeal.ticket_no, "phone_last4": "0000"})
        assert page.context["error"] == "没有找到该工单，请核对工单号和手机号后四位。"

    locked = from_ip(60).post("/h5/track/", {"ticket_no": appeal.ticket_no, "phone_last4": LAST4})

    assert "输错次数过多" in locked.context["error"]
    assert 'data-testid="status"' not in locked.content.decode()
    # The evaluation form of the page is held to the same lock.
    rated = from_ip(61).post(
        "/h5/track/evaluate/",
        {
            "ticket_no": appeal.ticket_no,
            "phone_last4": LAST4,
            "resolved": "yes",
            "satisfaction": "satisfied",
        },
    )
    assert "输错次数过多" in rated.context["error"]
    appeal.refresh_from_db()
    assert appeal.status == "resolved"
    # The owner, signed in, still sees and rates their own appeal.
    owner = signed_in(courier.worker)
    assert owner.get(f"/h5/my/{appeal.ticket_no}/").status_code == 200
    owner.post(
        "/h5/track/evaluate/",
        {"ticket_no": appeal.ticket_no, "resolved": "yes", "satisfaction": "satisfied"},
    )
    appeal.refresh_from_db()
    assert appeal.status == "closed"


def test_wrong_digits_on_the_h5_evaluation_count_against_the_ticket(courier, file_for, resolve):
    appeal = resolve(file_for(courier.worker))
    for n in range(TICKET_FAILURES):
        from_ip(n).post(
            "/h5/track/evaluate/",
            {
                "ticket_no": appeal.ticket_no,
                "phone_last4": f"{n:04d}",
                "resolved": "yes",
                "satisfaction": "satisfied",
            },
        )

    assert api_track(from_ip(70), appeal.ticket_no, LAST4).json()["code"] == LOCKED
