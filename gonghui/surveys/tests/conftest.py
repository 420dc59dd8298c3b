import pytest

from gonghui.accounts.models import Worker
from gonghui.orgs.models import Org
from gonghui.surveys.testing import FULL_FORM_CHOICES, FULL_FORM_ROWS, make_member, make_xlsx


@pytest.fixture
def chaoyang(db):
    return Org.objects.get(admin_code="110105")


@pytest.fixture
def wangjing(db):
    return Org.objects.get(admin_code="110105026")


@pytest.fixture
def member_courier(courier, wangjing):
    make_member(courier.worker, wangjing, 1)
    return courier


@pytest.fixture
def full_form() -> bytes:
    return make_xlsx(FULL_FORM_ROWS, FULL_FORM_CHOICES, settings={"form_title": "职工需求调查"})


def upload(persona, org, data: bytes, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = {"org_id": org.pk, "file": SimpleUploadedFile("form.xlsx", data)}
    body.update(
        {k: ("true" if v is True else "false" if v is False else v) for k, v in fields.items()}
    )
    return persona.api().post("/api/v1/surveys/import-xlsform", body)


def opened(persona, org, data: bytes, **fields) -> int:
    r = upload(persona, org, data, **fields)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert persona.api().post(f"/api/v1/surveys/{pk}/open").status_code == 200
    return pk


def workers(org, n: int, start: int = 100) -> list:
    """``n`` members of ``org`` who have signed in, with their bearer tokens."""
    from gonghui.accounts.services import issue_worker_token

    out = []
    for i in range(n):
        w = Worker.objects.create(phone=f"1390000{start + i:04d}")
        make_member(w, org, start + i)
        token, _ = issue_worker_token(w)
        out.append((w, token))
    return out
