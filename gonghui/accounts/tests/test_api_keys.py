"""Org API keys: the create_api_key / revoke_api_key commands and X-Api-Key access."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from gonghui.accounts.models import OrgApiKey
from gonghui.accounts.tests.support import org_id
from gonghui.core.models import AuditLog
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db


def create_key(org: str = "110105", name: str = "call centre") -> tuple[str, str]:
    """Run create_api_key and return what it printed on stdout and on stderr."""
    out, err = StringIO(), StringIO()
    call_command("create_api_key", "--org", org, "--name", name, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def with_key(raw: str) -> Client:
    return Client(headers={"X-Api-Key": raw})


def table_text(model) -> str:
    """Return every row of a model's table, as PostgreSQL renders it to JSON."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT row_to_json(t)::text FROM {model._meta.db_table} t")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_it_prints_only_the_key(clock):
    out, err = create_key()

    lines = out.splitlines()
    assert len(lines) == 1
    raw = lines[0]
    assert raw.startswith("gh_")
    assert out == raw + "\n"
    key = OrgApiKey.objects.get()
    assert raw.startswith(f"gh_{key.prefix}_")
    assert (key.org.admin_code, key.name) == ("110105", "call centre")
    assert raw not in err
    assert key.prefix in err


def test_it_scopes_the_key_to_its_orgs_subtree(clock):
    raw = create_key()[0].strip()
    client = with_key(raw)

    listed = client.get("/api/v1/orgs", {"limit": 500})
    haidian = client.get(f"/api/v1/orgs/{Org.objects.get(name='海淀区总工会').pk}")
    wangjing = client.get(f"/api/v1/orgs/{Org.objects.get(name='望京街道总工会').pk}")
    city = client.get(f"/api/v1/orgs/{org_id('110000')}")

    assert listed.status_code == 200
    chaoyang = Org.objects.get(admin_code="110105")
    subtree = set(Org.objects.filter(path__startswith=chaoyang.path).values_list("pk", flat=True))
    assert listed.json()["count"] == len(subtree) == 44  # 朝阳区 and its 43 streets
    assert {r["id"] for r in listed.json()["results"]} == subtree
    assert haidian.status_code == 404
    assert haidian.json()["code"] == "not_found"
    assert wangjing.status_code == 200
    assert wangjing.json()["admin_code"] == "110105026"
    assert city.status_code == 404
    assert OrgApiKey.objects.get().last_used_at is not None


def test_it_stores_the_key_hashed(clock):
    raw = create_key()[0].strip()
    secret = raw.rsplit("_", 1)[1]

    stored = table_text(OrgApiKey)
    audited = json.dumps(list(AuditLog.objects.values()), default=str)

    assert OrgApiKey.objects.get().key_hash in stored
    assert raw not in stored
    assert secret not in stored
    assert secret not in audited
    assert AuditLog.objects.filter(action="api_key.create", actor_label="cli").count() == 1


def test_it_refuses_a_key_after_revoke(clock):
    raw = create_key()[0].strip()
    key = OrgApiKey.objects.get()
    assert with_key(raw).get("/api/v1/orgs").status_code == 200
    out = StringIO()

    call_command("revoke_api_key", key.prefix, stdout=out)
    response = with_key(raw).get("/api/v1/orgs")

    assert "revoked" in out.getvalue()
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditLog.objects.filter(action="api_key.revoke", object_id=str(key.pk)).exists()


def test_it_refuses_unknown_keys(clock):
    create_key()

    for bad in ["gh_00000000_nope", "nope", ""]:
        response = with_key(bad).get("/api/v1/orgs")
        assert response.status_code == 401, bad


@pytest.mark.parametrize("org", ["999999", "999999999999", "朝阳区", ""])
def test_it_refuses_an_unknown_org(clock, org):
    with pytest.raises(CommandError):
        create_key(org=org)

    assert not OrgApiKey.objects.exists()


def test_it_takes_an_org_id_as_well_as_an_admin_code(clock):
    wangjing = Org.objects.get(admin_code="110105026")

    create_key(org=str(wangjing.pk), name="12345 transfer")

    assert OrgApiKey.objects.get().org == wangjing


def test_it_refuses_a_blank_name_and_an_unknown_prefix(clock):
    with pytest.raises(CommandError):
        create_key(name="  ")
    with pytest.raises(CommandError):
        call_command("revoke_api_key", "deadbeef", stdout=StringIO())

    assert not OrgApiKey.objects.exists()
