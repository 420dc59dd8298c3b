"""Who sees the worker's name and phone on an appeal, and that every full view is audited."""

import pytest
from django.contrib.auth import get_user_model

from gonghui.accounts.services import issue_staff_token
from gonghui.appeals import services
from gonghui.appeals.models import Appeal
from gonghui.core.models import AuditLog
from gonghui.core.testing import Persona
from gonghui.orgs.models import Org
from gonghui.orgs.services import grant_role

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
MASKED = "139****5678"
HIDDEN = "***********"


def staff(username: str, role: str, admin_code: str) -> Persona:
    user = get_user_model().objects.create_user(username)
    org = Org.objects.get(admin_code=admin_code)
    grant_role(user=user, org=org, role=role)
    token, _expires = issue_staff_token(user)
    return Persona(username, user=user, org=org, _token=token)


@pytest.fixture
def file(unionised_employer):
    def file(*, anonymous: bool) -> Appeal:
        appeal, _created = services.create_appeal(
            services.Intake(
                text="公司已经三个月没有发工资了，老板一直拖着不给。",
                phone=PHONE,
                name="王小明",
                anonymous=anonymous,
                employer_uscc=unionised_employer.uscc,
            )
        )
        assert appeal.assigned_org.admin_code == "110105026"  # handled by 望京
        return appeal

    return file


def seen_by(persona: Persona, appeal: Appeal) -> tuple[tuple[str, str], tuple[str, str]]:
    """Return (name, phone) in the detail and in the list, as ``persona`` sees them."""
    client = persona.api()
    detail = client.get(f"/api/v1/appeals/{appeal.pk}")
    assert detail.status_code == 200, detail.content
    listed = client.get("/api/v1/appeals").json()["results"]
    row = next(r for r in listed if r["id"] == appeal.pk)
    return (detail.json()["name"], detail.json()["phone"]), (row["name"], row["phone"])


def pii_views(persona: Persona, appeal: Appeal) -> list[dict]:
    return list(
        AuditLog.objects.filter(
            action="pii.view", actor=persona.user, object_id=str(appeal.pk)
        ).values_list("detail", flat=True)
    )


def test_it_shows_an_anonymous_worker_only_to_the_handling_org(file, personas):
    appeal = file(anonymous=True)
    handler = personas["street_handler"]
    leader = staff("p-wangjing-leader", "supervisor", "110105026")
    district_dispatcher = staff("p-chaoyang-dispatcher", "dispatcher", "110105")

    # The handler of 望京 calls the worker back: name, full phone in the detail, audited.
    assert seen_by(handler, appeal) == (("王小明", PHONE), ("王小明", MASKED))
    assert [d["field"] for d in pii_views(handler, appeal)] == ["phone"]
    view = AuditLog.objects.get(action="pii.view", actor=handler.user)
    assert view.org_path == handler.org.path
    # A leader of 望京 sees who it is, but not the full number.
    assert seen_by(leader, appeal) == (("王小明", MASKED), ("王小明", MASKED))
    assert pii_views(leader, appeal) == []
    # Above the handling org nobody sees the worker, whatever their role.
    for above in (personas["district_supervisor"], personas["city_admin"], district_dispatcher):
        assert seen_by(above, appeal) == (("匿名", HIDDEN), ("匿名", HIDDEN)), above.name
        assert pii_views(above, appeal) == [], above.name
    assert AuditLog.objects.filter(action="pii.view").count() == 1


def test_it_shows_the_full_phone_only_to_roles_that_call_back(file, personas):
    appeal = file(anonymous=False)
    handler = personas["street_handler"]
    district_dispatcher = staff("p-chaoyang-dispatcher", "dispatcher", "110105")
    city_operator = staff("p-city-operator", "operator", "110000")

    for persona in (handler, district_dispatcher, city_operator):
        assert seen_by(persona, appeal) == (("王小明", PHONE), ("王小明", MASKED)), persona.name
        assert [d["field"] for d in pii_views(persona, appeal)] == ["phone"], persona.name
    for persona in (personas["district_supervisor"], personas["city_admin"]):
        assert seen_by(persona, appeal) == (("王小明", MASKED), ("王小明", MASKED)), persona.name
        assert pii_views(persona, appeal) == [], persona.name
    # Each detail view is audited again; lists never show the full number.
    handler.api().get(f"/api/v1/appeals/{appeal.pk}")
    assert len(pii_views(handler, appeal)) == 2
    assert AuditLog.objects.filter(action="pii.view").count() == 4


def test_it_does_not_leak_the_phone_in_the_response_to_an_action(file, personas):
    appeal = file(anonymous=True)
    supervised = (
        personas["district_supervisor"]
        .api()
        .post(
            f"/api/v1/appeals/{appeal.pk}/supervise",
            {"note": "请尽快联系职工"},
            content_type="application/json",
        )
    )
    assert supervised.status_code == 200, supervised.content
    assert (supervised.json()["name"], supervised.json()["phone"]) == ("匿名", HIDDEN)
