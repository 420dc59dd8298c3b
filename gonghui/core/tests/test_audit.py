import pytest
from django.db import connection, transaction

from gonghui.core import audit
from gonghui.core.models import AuditLog
from gonghui.orgs.models import Org


@pytest.mark.django_db
def test_it_refuses_to_edit_or_delete_audit_entries():
    entry = audit.record("test.event", actor_label="tester")
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).update(action="changed")
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=entry.pk).delete()


@pytest.mark.django_db
def test_it_refuses_edits_in_the_database_too():
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL")
    entry = audit.record("test.event", actor_label="tester")
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditlog SET action = 'x' WHERE id = %s", [entry.pk])
    assert AuditLog.objects.get(pk=entry.pk).action == "test.event"


@pytest.mark.django_db
def test_it_shows_staff_the_audit_of_their_subtree_only(street_handler, outsider, city_admin):
    wangjing = Org.objects.get(admin_code="110105026")
    zhongguancun = Org.objects.get(admin_code="110108011")
    audit.record("demo.wangjing", actor_label="x", org=wangjing)
    audit.record("demo.zhongguancun", actor_label="y", org=zhongguancun)

    def actions(persona):
        html = persona.browser().get("/console/audit/").content.decode()
        return {a for a in ("demo.wangjing", "demo.zhongguancun") if a in html}

    assert actions(street_handler) == {"demo.wangjing"}
    assert actions(outsider) == {"demo.zhongguancun"}
    assert actions(city_admin) == {"demo.wangjing", "demo.zhongguancun"}
