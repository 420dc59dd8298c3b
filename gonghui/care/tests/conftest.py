import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from gonghui.accounts.services import issue_staff_token
from gonghui.care import services
from gonghui.care.models import Application, Document
from gonghui.members.models import Member
from gonghui.members.testing import make_id_number
from gonghui.orgs.choices import Role
from gonghui.orgs.models import Org, StaffRole
from gonghui.orgs.services import create_org

WANGJING = "110105026"


@pytest.fixture
def union(db) -> Org:
    """A grassroots union in 望京 (the street handler's street, in 朝阳区)."""
    return create_org(
        name="望京某物流公司工会", kind="grassroots", parent=Org.objects.get(admin_code=WANGJING)
    )


@pytest.fixture
def union_staff(union):
    """A handler of the grassroots union itself, with a bearer client."""
    user = get_user_model().objects.create_user("care-grassroots", password="x-pass-9981")
    StaffRole.objects.create(user=user, org=union, role=Role.HANDLER)
    token, _ = issue_staff_token(user)
    user.client = Client(headers={"Authorization": f"Bearer {token}"})
    return user


def make_member(union: Org, seq: int, *, worker=None, name="王建国") -> Member:
    number = make_id_number(seq)
    return Member.objects.create(
        name=name,
        id_number=number,
        gender="male",
        birth_date=date(1990, 5, 17),
        org=union,
        member_number=f"CARE{seq:06d}",
        joined_on=date(2020, 1, 1),
        worker=worker,
    )


@pytest.fixture
def member(union, courier):
    return make_member(union, 7, worker=courier.worker)


def png(name="photo.png", size=(40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def apply(client, member, facts=None, programme="critical_illness"):
    return client.post(
        "/api/v1/care/applications",
        {
            "programme": programme,
            "applicant": {"name": member.name, "id_number": member.id_number},
            "facts": facts
            if facts is not None
            else {"employed": True, "hospitalised": True, "out_of_pocket": "23000"},
        },
        content_type="application/json",
    )


def upload(client, app_id, material, file=None):
    return client.post(
        f"/api/v1/care/applications/{app_id}/documents",
        {"material": material, "file": file or png()},
    )


ALL_ITEMS = ["id_card", "diagnosis", "invoices", "employer_letter", "bank_card"]


def draft(member, worker) -> Application:
    return services.create_application(
        "critical_illness",
        {"name": member.name, "id_number": member.id_number},
        {"employed": True, "hospitalised": True, "out_of_pocket": "23000"},
        principal=worker,
    )


def complete(member, worker, status=None) -> Application:
    """A draft with every paper on file, moved to ``status`` when given."""
    app = draft(member, worker)
    for code in ALL_ITEMS:
        Document.objects.create(
            application=app,
            material=code,
            file=f"care/{app.pk}/{code}.png",
            name=f"{code}.png",
            content_type="image/png",
            size=10,
            sha256="0" * 64,
        )
    if status:
        Application.objects.filter(pk=app.pk).update(status=status)
    return app


def enrol(member, year=None, *, paid=True):
    """Enrol a member in the mutual-aid plan for the year (covered all year)."""
    from gonghui.care.models import Enrolment

    year = year or services.today().year
    return Enrolment.objects.create(
        member=member,
        org=member.org,
        year=year,
        fee=60,
        covered_from=date(year, 1, 1),
        covered_to=date(year, 12, 31),
        paid=paid,
    )
