"""The Django admin signs in through the console login: throttled and audited like it."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from gonghui.core.models import AuditLog

pytestmark = pytest.mark.django_db
PASSWORD = "admin-pass-2026!"


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)


def test_the_admin_login_page_sends_to_the_console_login():
    client = Client()

    index = client.get("/django-admin/")
    login = client.get(index["Location"])

    assert index.status_code == 302
    assert login.status_code == 302
    assert login["Location"] == "/console/login/?next=%2Fdjango-admin%2F"
    # An outside next is not carried along.
    away = client.get("/django-admin/login/?next=https://evil.example/")
    assert away["Location"] == "/console/login/?next=%2Fdjango-admin%2F"


def test_a_post_to_the_admin_login_signs_nobody_in(superuser):
    client = Client()

    response = client.post("/django-admin/login/", {"username": "root", "password": PASSWORD})

    assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    assert "_auth_user_id" not in client.session
    assert not AuditLog.objects.filter(action="login").exists()


def test_the_console_login_opens_the_admin_and_is_audited(superuser):
    client = Client()

    response = client.post(
        "/console/login/?next=/django-admin/",
        {"username": "root", "password": PASSWORD, "next": "/django-admin/"},
    )

    assert response.status_code == 302 and response["Location"] == "/django-admin/"
    assert client.get("/django-admin/").status_code == 200
    assert AuditLog.objects.get(action="login").detail == {"via": "console"}


def test_guessing_for_the_admin_is_throttled(superuser):
    client = Client()
    for _n in range(5):
        client.post("/console/login/", {"username": "root", "password": "guess"})

    locked = client.post("/console/login/", {"username": "root", "password": PASSWORD})

    assert locked.status_code == 429
    assert AuditLog.objects.filter(action="login.failed", actor_label="root").count() == 5
    # The admin's own form is no way around it.
    client.post("/django-admin/login/", {"username": "root", "password": PASSWORD})
    assert client.get("/django-admin/").status_code == 302
