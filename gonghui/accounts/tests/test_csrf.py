"""CSRF guards the session cookie only: bearer tokens and API keys never need a token.

These use clients that enforce CSRF like a browser's server would; the black-box suite
(tests/blackbox) checks the same over real HTTP.
"""

import pytest
from django.test import Client

from gonghui.accounts.services import create_api_key

TRIAGE = "/api/v1/triage"
BODY = {"text": "望京的快递站拖欠我两个月工资"}


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def test_it_takes_a_staff_bearer_post_without_a_csrf_token(strict_client, district_supervisor):
    response = strict_client.post(
        TRIAGE,
        BODY,
        content_type="application/json",
        headers={"Authorization": f"Bearer {district_supervisor.token}"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["category"]


def test_it_takes_an_api_key_post_without_a_csrf_token(strict_client, district_supervisor):
    key, _ = create_api_key(org=district_supervisor.org, name="call centre")
    response = strict_client.post(
        TRIAGE, BODY, content_type="application/json", headers={"X-Api-Key": key}
    )
    assert response.status_code == 200, response.content


def test_it_refuses_a_session_post_without_the_token(strict_client, district_supervisor):
    strict_client.force_login(district_supervisor.user)
    response = strict_client.post(TRIAGE, BODY, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_it_takes_a_session_post_with_the_token(strict_client, district_supervisor):
    strict_client.force_login(district_supervisor.user)
    strict_client.get("/console/")
    token = strict_client.cookies["csrftoken"].value
    response = strict_client.post(
        TRIAGE, BODY, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200, response.content


def test_it_answers_401_without_any_credentials(strict_client, db):
    response = strict_client.post(TRIAGE, BODY, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
