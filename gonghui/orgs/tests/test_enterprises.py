import pytest
from django.core.exceptions import ValidationError

from gonghui.core.models import AuditLog
from gonghui.orgs.models import Enterprise, Org
from gonghui.orgs.services import create_enterprise, validate_uscc

VALID = "91110000600037341L"  # a valid code (checksum per GB 32100-2015)


def test_it_accepts_a_valid_credit_code_in_any_case():
    assert validate_uscc(" 91110000600037341l ") == VALID


@pytest.mark.parametrize(
    "code",
    ["", "91110000600037341", "91110000600037341X", "9111000060003734IL", "not a code at all!"],
)
def test_it_refuses_invalid_credit_codes_with_a_clear_message(code):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(code)
    assert exc.value.code == "invalid_uscc"
    assert "统一社会信用代码" in exc.value.messages[0]


@pytest.mark.django_db
def test_it_registers_an_enterprise_and_audits_it(street_handler):
    wangjing = Org.objects.get(admin_code="110105026")
    enterprise = create_enterprise(
        name=" 北京某某科技有限公司 ",
        uscc=VALID.lower(),
        street=wangjing,
        actor=street_handler.user,
    )
    assert enterprise.name == "北京某某科技有限公司"
    assert enterprise.uscc == VALID
    event = AuditLog.objects.get(action="enterprise.create")
    assert event.object_id == str(enterprise.pk)
    assert event.org_path == wangjing.path


@pytest.mark.django_db
def test_it_stores_nothing_for_a_bad_or_duplicate_code():
    wangjing = Org.objects.get(admin_code="110105026")
    with pytest.raises(ValidationError):
        create_enterprise(name="坏代码公司", uscc="91110000600037341X", street=wangjing)
    assert not Enterprise.objects.filter(name="坏代码公司").exists()
    create_enterprise(name="甲公司", uscc=VALID, street=wangjing)
    with pytest.raises(ValidationError) as dup:
        create_enterprise(name="乙公司", uscc=VALID, street=wangjing)
    assert dup.value.code == "duplicate_uscc"
    assert Enterprise.objects.filter(uscc=VALID).count() == 1


@pytest.mark.django_db
def test_it_registers_enterprises_only_under_a_street():
    with pytest.raises(ValidationError) as exc:
        create_enterprise(name="甲公司", uscc=VALID, street=Org.objects.get(admin_code="110105"))
    assert exc.value.code == "invalid_street"
