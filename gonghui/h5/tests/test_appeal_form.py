"""我要反映问题: sign-in first, one appeal per form, nothing lost or stored on a refusal."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image

from gonghui.appeals.models import Appeal, Attachment
from gonghui.h5.tests.conftest import TEXT

pytestmark = pytest.mark.django_db

NEW = "/h5/appeal/new/"
TOKEN = "0f4c2a8e9b1d4e6f8a7b6c5d4e3f2a1b"
GPS_LATITUDE = (39.0, 59.0, 47.0)  # somewhere in 望京, as a phone camera writes it


def form(**fields) -> dict:
    data = {"text": TEXT, "kind": "", "category": "", "form_token": TOKEN, "crs": "wgs84"}
    data.update(fields)
    return data


def photo_with_gps() -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCam"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: GPS_LATITUDE,
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (116.0, 28.0, 12.0),
    }
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    return SimpleUploadedFile("欠薪现场.jpg", data, content_type="image/jpeg")


@pytest.fixture
def sign_in_by_code(client, django_capture_on_commit_callbacks, _sms_log: Path):
    """Return a function that signs ``client`` in on the page, carrying ``next`` along."""

    def sign_in(phone: str, next_url: str):
        with django_capture_on_commit_callbacks(execute=True):
            code_page = client.post("/h5/sign-in/", {"phone": phone, "next": next_url})
        assert code_page.status_code == 200
        text = json.loads(_sms_log.read_text("utf-8").splitlines()[-1])["text"]
        code = re.search(r"(?<!\d)\d{6}(?!\d)", text).group()
        return code_page, client.post(
            "/h5/sign-in/", {"phone": phone, "code": code, "next": next_url}
        )

    return sign_in


def test_it_sends_a_signed_out_worker_to_sign_in_and_back(client, courier, sign_in_by_code):
    response = client.get(NEW)
    assert response.status_code == 302
    assert response["Location"] == "/h5/sign-in/?next=/h5/appeal/new/"
    sign_in_page = client.get(response["Location"])
    assert 'name="next" value="/h5/appeal/new/"' in sign_in_page.content.decode()

    code_page, signed = sign_in_by_code(courier.worker.phone, "/h5/appeal/new/")
    assert 'name="next" value="/h5/appeal/new/"' in code_page.content.decode()
    assert signed.status_code == 302
    assert signed["Location"] == NEW
    assert client.get(NEW).status_code == 200


def test_it_does_not_follow_next_to_another_site(courier, sign_in_by_code):
    _code_page, signed = sign_in_by_code(courier.worker.phone, "https://evil.example/")
    assert signed.status_code == 302
    assert signed["Location"] == "/h5/"


def test_it_files_an_appeal_for_the_workers_own_verified_phone(courier, courier_client):
    response = courier_client.post(
        NEW,
        form(
            kind="complaint",
            category="wages",
            address="朝阳区望京街道某小区",
            employer_name="北京某快递公司",
            name="王师傅",
            phone="13900000000",  # ignored: the worker files for their own number
        ),
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/h5/appeal/{appeal.ticket_no}/receipt/"
    assert appeal.worker == courier.worker
    assert appeal.phone == courier.worker.phone
    assert appeal.channel == "h5"
    assert (appeal.kind, appeal.category) == ("complaint", "wages")
    assert appeal.name == "王师傅"
    assert appeal.employer_name == "北京某快递公司"
    assert appeal.anonymous is False
    assert appeal.idempotency_key == f"worker:{courier.worker.pk}:h5:{TOKEN}"
    assert appeal.events.get(action="receive").actor_label == f"worker:{courier.worker.pk}"


def test_it_stores_the_anonymous_flag(courier_client):
    courier_client.post(NEW, form(anonymous="on"))
    assert Appeal.objects.get().anonymous is True


def test_it_files_one_appeal_when_submit_is_tapped_twice(courier_client):
    first = courier_client.post(NEW, form())
    second = courier_client.post(NEW, form())
    assert first["Location"] == second["Location"]
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"text": "太短了"}, "请用10到4000个字描述您的问题。"),
        ({"text": "长" * 4001}, "请用10到4000个字描述您的问题。"),
        ({"employer_uscc": "91110000ABCDEFGH"}, "统一社会信用代码无效"),
        ({"lat": "31.2304", "lng": "121.4737"}, "该位置不在北京市范围内"),  # 上海
        ({"kind": "praise"}, "选择一个有效的选项"),
    ],
)
def test_it_keeps_what_was_typed_and_stores_nothing_on_bad_input(courier_client, fields, message):
    data = form(address="望京SOHO", employer_name="某某物流", name="小李", **fields)
    response = courier_client.post(NEW, data)

    assert response.status_code == 200
    html = response.content.decode()
    alert = re.search(r'<div class="error" role="alert".*?</div>', html, re.S).group()
    assert message in alert
    assert "您填写的内容都还在" in alert
    assert f">\n{data['text']}</textarea>" in html
    for value in ("望京SOHO", "某某物流", "小李", TOKEN):
        assert f'value="{value}"' in html
    assert Appeal.objects.count() == 0


def test_it_drops_a_point_outside_beijing_so_the_worker_can_go_on(courier_client):
    html = courier_client.post(NEW, form(lat="31.2304", lng="121.4737")).content.decode()
    assert "31.2304" not in html
    assert 'class="field invalid"' in html


def test_it_refuses_a_file_that_is_not_a_photo_or_pdf_and_asks_to_choose_again(courier_client):
    bad = SimpleUploadedFile("工资条.docx", b"PK\x03\x04 not a photo", content_type="image/jpeg")
    response = courier_client.post(NEW, {**form(), "attachments": [bad]})
    html = response.content.decode()
    assert "不是JPG、PNG图片或PDF文件" in html
    assert "照片和文件需要重新选择" in html
    assert TEXT in html
    assert Appeal.objects.count() == Attachment.objects.count() == 0


def test_it_stores_a_photo_without_its_gps_location(courier_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = courier_client.post(NEW, {**form(), "attachments": [photo_with_gps()]})
    assert response.status_code == 302

    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/jpeg"
    with attachment.file.open("rb") as f:
        data = f.read()
    stored = Image.open(io.BytesIO(data))
    assert stored.size == (64, 48)
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"PhoneCam" not in data


def test_it_gives_the_words_back_when_the_session_ended_while_writing(client, courier):
    response = client.post(NEW, form(address="望京某小区", anonymous="on"))
    assert response.status_code == 302
    assert response["Location"].startswith("/h5/sign-in/?next=/h5/appeal/new/")
    assert Appeal.objects.count() == 0

    session = client.session
    session["worker_id"] = courier.worker.pk
    session.save()
    html = client.get(NEW).content.decode()
    assert f">\n{TEXT}</textarea>" in html
    assert 'value="望京某小区"' in html
    assert 'name="anonymous" aria-describedby="anonymous-hint" checked' in html
    assert 'role="alert"' not in html
    # Given back once, not on every visit.
    assert TEXT not in client.get(NEW).content.decode()


def test_it_shows_the_form_with_optional_fields_said_so(courier_client):
    html = courier_client.get(NEW).content.decode()
    assert "问题分类（选填" in html
    assert 'accept="image/jpeg,image/png,application/pdf" multiple' in html
    assert "每个不超过10MB" in html
    assert "138****5678" in html
    assert "13812345678" not in html
    for label in ["咨询", "求助", "投诉", "建议"]:
        assert f"<span>{label}</span>" in html
    token = re.search(r'name="form_token" value="([0-9a-f]{32})"', html)
    assert token, "each form carries its own token"
    again = re.search(
        r'name="form_token" value="([0-9a-f]{32})"', courier_client.get(NEW).content.decode()
    )
    assert token.group(1) != again.group(1)


def test_it_shows_the_home_tiles_as_links(client):
    html = client.get("/h5/").content.decode()
    assert 'href="/h5/appeal/new/"' in html
    assert 'href="/h5/track/"' in html
    assert 'href="/h5/stations/"' in html
    assert 'href="/h5/members/join/"' in html and 'href="/h5/members/me/"' in html
    assert "即将开放" not in html  # every module on the home page is live


def test_it_keeps_an_unsigned_client_out(client: Client):
    assert client.post(NEW, form()).status_code == 302
    assert Appeal.objects.count() == 0
