"""The create_staff command: a staff account with roles at one org, and what it refuses."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from gonghui.accounts.tests.support import STAFF_TOKEN
from gonghui.core.models import AuditLog
from gonghui.orgs.models import Org, StaffRole

pytestmark = pytest.mark.django_db

PASSWORD = "Wangjing-handler-2026"


def create_staff(*args: str) -> str:
    out = StringIO()
    call_command("create_staff", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_creates_a_user_with_every_role_at_the_org():
    out = create_staff(
        "--username", "city-desk", "--password", PASSWORD,
        "--role", "operator", "--role", "dispatcher", "--org", "110000",
        "--full-name", "12351话务员",
    )  # fmt: skip

    user = get_user_model().objects.get(username="city-desk")
    roles = StaffRole.objects.filter(user=user)
    assert {(r.role, r.org.admin_code) for r in roles} == {
        ("operator", "110000"),
        ("dispatcher", "110000"),
    }
    assert user.first_name == "12351话务员"
    assert user.check_password(PASSWORD)
    assert "city-desk" in out and PASSWORD not in out
    audit = AuditLog.objects.get(action="staff.create", object_id=str(user.pk))
    assert audit.actor_label == "cli"
    assert PASSWORD not in str(audit.detail)


def test_it_gives_an_account_that_can_get_a_token_and_sees_its_subtree():
    create_staff(
        "--username", "wj-handler", "--password", PASSWORD, "--role", "handler",
        "--org", "110105026",
    )  # fmt: skip
    client = Client()

    token = client.post(
        STAFF_TOKEN, {"username": "wj-handler", "password": PASSWORD}, "application/json"
    ).json()["token"]
    bearer = Client(headers={"Authorization": f"Bearer {token}"})
    wangjing = Org.objects.get(admin_code="110105026")
    chaoyang = Org.objects.get(admin_code="110105")

    assert bearer.get(f"/api/v1/orgs/{wangjing.pk}").status_code == 200
    assert bearer.get(f"/api/v1/orgs/{chaoyang.pk}").status_code == 404


@pytest.mark.parametrize(
    "args",
    [
        ["--password", "short", "--role", "handler", "--org", "110105026"],
        ["--password", PASSWORD, "--role", "handler", "--org", "999999"],
        ["--password", PASSWORD, "--role", "handler", "--org", "朝阳区"],
        ["--password", "12345678901", "--role", "handler", "--org", "110105026"],
    ],
)
def test_it_refuses_bad_input_and_stores_nothing(args):
    with pytest.raises(CommandError):
        create_staff("--username", "new-staff", *args)

    assert not get_user_model().objects.filter(username="new-staff").exists()
    assert not AuditLog.objects.filter(action="staff.create").exists()


def test_it_refuses_an_unknown_role():
    with pytest.raises(CommandError):
        create_staff(
            "--username", "new-staff", "--password", PASSWORD, "--role", "boss",
            "--org", "110105026",
        )  # fmt: skip

    assert not get_user_model().objects.filter(username="new-staff").exists()


def test_it_refuses_a_taken_username_and_leaves_the_account_alone():
    create_staff(
        "--username", "wj-handler", "--password", PASSWORD, "--role", "handler",
        "--org", "110105026",
    )  # fmt: skip

    with pytest.raises(CommandError, match="已被使用"):
        create_staff(
            "--username", "wj-handler", "--password", "Another-pass-2026", "--role", "admin",
            "--org", "110000",
        )  # fmt: skip

    user = get_user_model().objects.get(username="wj-handler")
    assert user.check_password(PASSWORD)
    assert list(StaffRole.objects.filter(user=user).values_list("role", flat=True)) == ["handler"]
