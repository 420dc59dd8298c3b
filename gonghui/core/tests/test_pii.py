import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template import Context, Template
from django.test import RequestFactory

from gonghui.accounts.models import Worker
from gonghui.core import pii
from gonghui.core.models import AuditLog
from gonghui.orgs.models import Org


def test_it_masks_phones_and_id_numbers():
    assert pii.mask(pii.PHONE, "13812345678") == "138****5678"
    assert pii.mask(pii.ID_NUMBER, "11010519491231002X") == "110***********00**"
    assert pii.mask(pii.PHONE, "") == ""
    assert pii.mask(pii.ID_NUMBER, "12345") == "*****"  # not an ID number: nothing shown


@pytest.mark.parametrize(
    "number", ["11010519491231002X", "110105199001010036", "440301200012319985"]
)
def test_a_masked_id_number_hides_birth_date_gender_and_check_digit(number):
    masked = pii.mask(pii.ID_NUMBER, number)
    assert len(masked) == 18
    assert masked[6:14] == "********"  # birth date
    assert masked[16] == "*" and masked[17] == "*"  # gender digit and check digit
    # Every number with the same region prefix and those two sequence digits looks alike.
    assert masked == number[:3] + "*" * 11 + number[14:16] + "**"


def test_the_pii_mask_filter():
    out = Template(
        '{% load pii %}{{ n|pii_mask }} {{ p|pii_mask:"phone" }} [{{ e|pii_mask }}]'
    ).render(Context({"n": "11010519491231002X", "p": "13812345678", "e": None}))
    assert out == "110***********00** 138****5678 []"


@pytest.mark.parametrize(
    "raw,normal",
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
    ],
)
def test_it_normalises_mainland_mobiles(raw, normal):
    assert pii.normalize_phone(raw) == normal


@pytest.mark.parametrize(
    "raw",
    ["", "12345", "010-65123456", "1381234567", "+1 650 253 0000", "abcdefghijk", "23812345678"],
)
def test_it_refuses_what_is_not_a_mainland_mobile(raw):
    with pytest.raises(ValidationError) as exc:
        pii.normalize_phone(raw)
    assert exc.value.code == "invalid_phone"


def test_it_validates_resident_id_numbers():
    assert pii.normalize_id_number("11010519491231002x") == "11010519491231002X"
    for bad in ["110105194912310021", "11010519491331002X", "1101051949123100", ""]:
        with pytest.raises(ValidationError) as exc:
            pii.normalize_id_number(bad)
        assert exc.value.code == "invalid_id_number"


@pytest.mark.django_db
def test_it_stores_personal_data_encrypted_and_finds_it_by_hash():
    worker = Worker.objects.create(phone="+86 139 0000 1111")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_hash FROM accounts_worker WHERE id = %s", [worker.pk])
        stored, stored_hash = cursor.fetchone()
    assert "13900001111" not in stored
    assert stored_hash == pii.digest(pii.PHONE, "13900001111")
    found = Worker.objects.get(phone_hash=pii.digest(pii.PHONE, "139 0000 1111"))
    assert found.pk == worker.pk
    assert found.phone == "13900001111"


@pytest.mark.django_db
def test_it_never_stores_an_invalid_number():
    with pytest.raises(ValidationError), transaction.atomic():
        Worker.objects.create(phone="12345")
    assert not Worker.objects.filter(phone_hash="").exists()


@pytest.mark.django_db
def test_it_reads_data_written_under_a_previous_key(settings):
    from cryptography.fernet import Fernet

    worker = Worker.objects.create(phone="13900002222")
    settings.GONGHUI_PII_KEY = Fernet.generate_key().decode() + "," + settings.GONGHUI_PII_KEY
    pii._keys.cache_clear()
    try:
        assert Worker.objects.get(pk=worker.pk).phone == "13900002222"
    finally:
        settings.GONGHUI_PII_KEY = settings.GONGHUI_PII_KEY.split(",", 1)[1]
        pii._keys.cache_clear()


@pytest.mark.django_db
def test_it_shows_full_numbers_only_to_roles_that_need_them_and_audits_that(
    courier, street_handler, district_supervisor
):
    wangjing = Org.objects.get(admin_code="110105026")
    worker = courier.worker
    # The handler who must call the worker back sees the number, and the view is audited.
    shown = pii.display(worker, "phone", viewer=street_handler.user, org=wangjing)
    assert shown == "13812345678"
    event = AuditLog.objects.get(action="pii.view")
    assert event.actor == street_handler.user
    assert event.object_id == str(worker.pk)
    assert event.detail["field"] == "phone"
    assert event.org_path == wangjing.path
    # A supervisor reading along sees it masked, and nothing is audited.
    masked = pii.display(worker, "phone", viewer=district_supervisor.user, org=wangjing)
    assert masked == "138****5678"
    assert AuditLog.objects.filter(action="pii.view").count() == 1


@pytest.mark.django_db
def test_it_masks_in_templates_unless_needed(courier, street_handler, outsider):
    wangjing = Org.objects.get(admin_code="110105026")
    template = Template("{% load pii %}{% pii_display worker 'phone' org %}")
    request = RequestFactory().get("/")
    request.user = outsider.user  # a handler, but not of this org
    html = template.render(Context({"request": request, "worker": courier.worker, "org": wangjing}))
    assert html == "138****5678"
    request.user = street_handler.user
    html = template.render(Context({"request": request, "worker": courier.worker, "org": wangjing}))
    assert html == "13812345678"
    assert AuditLog.objects.filter(action="pii.view", actor=street_handler.user).count() == 1
