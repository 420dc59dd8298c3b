"""Errors answered outside the API's handlers still come as JSON with code and detail."""

import pytest
from django.test import Client


@pytest.mark.parametrize("method", ["delete", "put", "patch"])
def test_it_answers_a_wrong_method_as_json_with_the_allowed_ones(method):
    response = getattr(Client(), method)("/api/v1/triage")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "method_not_allowed"
    assert method.upper() in response.json()["detail"]
    assert response["Allow"] == "POST"


def test_it_answers_in_english_for_the_english_locale():
    response = Client().delete("/api/v1/triage", headers={"Accept-Language": "en"})

    assert response.json()["detail"] == "This address does not accept DELETE requests."


def test_it_leaves_console_errors_alone():
    response = Client().delete("/console/login/")

    assert not response["Content-Type"].startswith("application/json")
