"""Bad input over real HTTP: each gets a clear 4xx answer in JSON and stores nothing."""

import io
import json
import re
import socket
from urllib.parse import urlsplit

import pytest
import requests
from PIL import Image

from gonghui.accounts.models import AccessToken, OtpChallenge
from gonghui.appeals.models import Appeal
from gonghui.core.testing import STAFF_PERSONAS
from gonghui.stations.models import Photo, Position

BIG = 2**63  # one past PostgreSQL's bigint


def _json_error(response: requests.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    body = response.json()
    assert body["detail"] and body["code"], body
    if code is not None:
        assert body["code"] == code, body
    return body


def _raw_request(url: str, head: str, body: bytes = b"") -> tuple[int, dict, bytes]:
    """Send a request by hand (headers that claim more than is sent) and read the answer."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n" + body)
        data = b""
        # Read the answer only: the server may keep the connection open for the rest.
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536)
        header_block, _, payload = data.partition(b"\r\n\r\n")
        lines = header_block.decode("latin-1").split("\r\n")
        headers = {
            k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])
        }
        while len(payload) < int(headers.get("content-length", "1")):
            chunk = sock.recv(65536)
            if not chunk:
                break
            payload += chunk
    status = int(lines[0].split()[1])
    return status, headers, payload


def _head(path: str, host: str, **headers: str) -> str:
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return "\r\n".join(lines) + "\r\n"


# --- oversized and streamed bodies -------------------------------------------------------------


@pytest.mark.parametrize("length", [13 * 1024 * 1024, 2 * 1024 * 1024])
def test_it_refuses_an_oversized_body_from_its_length_before_reading_it(api_world, length):
    host = urlsplit(api_world.url).netloc
    # Only a few bytes follow a header that announces megabytes: the answer cannot wait for them.
    head = _head(
        "/api/v1/auth/otp/request",
        host,
        Content_Type="application/json",
        Content_Length=str(length),
    )
    status, headers, payload = _raw_request(api_world.url, head, b'{"phone": "1381234')
    assert status == 413
    assert headers["content-type"].startswith("application/json")
    body = json.loads(payload)
    assert body["code"] == "request_too_large" and body["detail"]
    assert not OtpChallenge.objects.exists()


def test_an_oversized_body_sent_in_full_is_refused_too(api_world):
    body = json.dumps({"phone": "13812345678", "pad": "x" * (1024 * 1024 + 10)})
    try:
        r = requests.post(
            f"{api_world.url}/api/v1/auth/otp/request",
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
    except requests.ConnectionError:
        pytest.fail("the server closed the connection instead of answering 413")
    _json_error(r, 413, "request_too_large")
    assert not OtpChallenge.objects.exists()


def test_it_refuses_a_streamed_body_without_a_length(api_world):
    def chunks():
        yield b'{"phone": '
        yield b'"13812345678"}'

    r = requests.post(
        f"{api_world.url}/api/v1/auth/otp/request",
        data=chunks(),  # requests sends a generator chunked, without Content-Length
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    _json_error(r, 411, "length_required")
    assert not OtpChallenge.objects.exists()


def test_it_answers_an_oversized_english_request_in_english(api_world):
    host = urlsplit(api_world.url).netloc
    head = _head(
        "/api/v1/auth/otp/request",
        host,
        Content_Type="application/json",
        Content_Length=str(20 * 1024 * 1024),
        Accept_Language="en",
    )
    status, _headers, payload = _raw_request(api_world.url, head)
    assert status == 413
    detail = json.loads(payload)["detail"]
    assert re.search(r"[A-Za-z]{4}", detail) and not re.search(r"[\u4e00-\u9fff]", detail)


# --- text that is not text -------------------------------------------------------------------


def test_it_refuses_a_lone_surrogate_in_token_credentials(api_world):
    username = STAFF_PERSONAS["city_admin"][0]
    for credentials in (
        {"username": "\ud800", "password": "x"},
        {"username": username, "password": "persona-pass-12351\udfff"},
    ):
        payload = json.dumps(credentials)  # the surrogate travels as a \\udfff escape
        r = requests.post(
            f"{api_world.url}/api/v1/auth/token",
            data=payload.encode(),
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        _json_error(r, 422, "invalid_characters")
    assert (
        not AccessToken.objects.filter(kind=AccessToken.Kind.STAFF)
        .exclude(user__username__in=[u for u, _r, _c in STAFF_PERSONAS.values()])
        .exists()
    )


def test_control_characters_never_reach_a_stored_appeal(api_world):
    text = "外卖平台拖欠\x00我三个月\x0b工资\x1f，共计八千元\x7f，站长不接电话。"
    r = requests.post(
        f"{api_world.url}/api/v1/appeals",
        json={
            "text": text,
            "phone": "13812345678",
            "name": "王\x00小明",
            "address": "望京\x0c街道",
        },
        headers=api_world.api_key,
        timeout=60,
    )
    assert r.status_code == 201, r.text
    appeal = Appeal.objects.get(pk=r.json()["id"])
    assert appeal.text == "外卖平台拖欠我三个月工资，共计八千元，站长不接电话。"
    assert appeal.name == "王小明" and appeal.address == "望京街道"


def test_control_characters_in_a_query_are_removed_before_the_search(api_world):
    r = requests.get(
        f"{api_world.url}/api/v1/knowledge/search",
        params={"q": "\x00\x0b"},
        headers=api_world.staff,
        timeout=60,
    )
    # Nothing is left of the query once the control characters are gone: min_length refuses it.
    _json_error(r, 422, "invalid_request")


# --- numbers no column can hold --------------------------------------------------------------


# Each case is a GET that stores nothing: one test (one database reset) for all of them.
BIGINT_CASES = [
    ("/api/v1/orgs", {"offset": BIG}, "staff"),
    ("/api/v1/orgs", {"parent": BIG}, "staff"),
    ("/api/v1/orgs", {"limit": BIG}, "staff"),
    ("/api/v1/appeals", {"org": BIG}, "staff"),
    ("/api/v1/appeals", {"page": BIG}, "staff"),
    ("/api/v1/appeals/metrics", {"org": BIG}, "staff"),
    ("/api/v1/members/applications", {"offset": BIG}, "staff"),
    ("/api/v1/members/stats", {"org_id": BIG}, "staff"),
    ("/api/v1/stations", {"district": str(BIG)}, "public"),
    ("/api/v1/stations", {"page": BIG}, "public"),
    ("/api/v1/stations/nearby", {"lat": 39.9, "lng": 116.4, "radius_m": BIG}, "public"),
    ("/api/v1/warnings", {"limit": BIG}, "staff"),
    (f"/api/v1/orgs/{BIG}", {}, "staff"),
    (f"/api/v1/appeals/{BIG}", {}, "staff"),
    (f"/api/v1/stations/{BIG}", {}, "public"),
]


def test_it_refuses_integers_beyond_bigint_in_any_parameter(api_world):
    wrong = []
    for path, params, who in BIGINT_CASES:
        headers = api_world.staff if who == "staff" else {}
        r = requests.get(f"{api_world.url}{path}", params=params, headers=headers, timeout=60)
        if not (400 <= r.status_code < 500 and r.json().get("code") and r.json().get("detail")):
            wrong.append((path, params, r.status_code, r.text[:200]))
    assert not wrong, wrong


def test_it_refuses_a_json_integer_beyond_bigint_and_stores_nothing(api_world):
    station = {
        "kind": "warm_station",
        "name": "望京驿站",
        "owner": BIG * 10,
        "host_kind": "petrol",
        "address": "朝阳区望京街道某路1号",
        "lat": 39.9968,
        "lng": 116.4803,
        "crs": "gcj02",
        "hours": [[["00:00", "24:00"]] for _ in range(7)],
    }
    r = requests.post(
        f"{api_world.url}/api/v1/stations", json=station, headers=api_world.staff, timeout=30
    )
    _json_error(r, 422, "out_of_range")
    assert not Position.objects.exists()


# --- malformed multipart -----------------------------------------------------------------------


def test_it_refuses_multipart_without_a_boundary(api_world):
    for path in ("/api/v1/auth/otp/request", "/api/v1/appeals", "/open311/v2/requests.json"):
        r = requests.post(
            f"{api_world.url}{path}",
            data=b"--x\r\nContent-Disposition: form-data; name=phone\r\n\r\n138\r\n--x--\r\n",
            headers={"Content-Type": "multipart/form-data", **api_world.api_key},
            timeout=30,
        )
        assert r.status_code == 400, (path, r.text[:300])
        body = r.json()
        if path.startswith("/open311/"):
            assert body[0]["code"] == 400 and body[0]["description"]
        else:
            assert body["code"] == "invalid_multipart" and body["detail"], body
    assert not Appeal.objects.exists() and not OtpChallenge.objects.exists()


# --- dates outside the calendar ------------------------------------------------------------------


OPEN311_DATES = [
    {"start_date": "9999-12-31"},
    {"end_date": "9999-12-31"},
    {"start_date": "0001-01-01"},
    {"end_date": "0001-01-01T00:00:00+08:00"},
    {"start_date": "9999-12-31T23:59:59-12:00"},
]


def test_open311_refuses_dates_outside_the_calendar(api_world):
    for params in OPEN311_DATES:
        r = requests.get(f"{api_world.url}/open311/v2/requests.json", params=params, timeout=30)
        assert r.status_code == 400, (params, r.text[:300])
        assert r.json()[0]["description"], params


def _console(api_world) -> requests.Session:
    """A session signed in to the console through its login form, as a browser would."""
    session = requests.Session()
    login = f"{api_world.url}/console/login/"
    session.get(login, timeout=30)
    r = session.post(
        login,
        data={
            "username": STAFF_PERSONAS["city_admin"][0],
            "password": "persona-pass-12351",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": login},
        timeout=30,
    )
    assert r.status_code == 200 and "sessionid" in session.cookies, r.text[:300]
    return session


CONSOLE_DATES = [
    ("/console/stations/round/", {"year": "99999"}),
    ("/console/stations/round/", {"year": str(BIG)}),
    ("/console/stations/round/", {"year": "0"}),
    ("/console/stations/coverage/", {"at": "9999-12-31T23:59:59"}),
    ("/console/stations/coverage.json", {"at": "0001-01-01T00:00:00+08:00"}),
]


def test_the_console_refuses_dates_outside_the_calendar(api_world):
    session = _console(api_world)
    for path, params in CONSOLE_DATES:
        r = session.get(f"{api_world.url}{path}", params=params, timeout=60)
        assert r.status_code == 400, (path, params, r.text[:300])
        text = r.json()["detail"] if path.endswith(".json") else r.text
        assert "超出允许的日期范围" in text, (path, params)


def test_the_console_takes_a_huge_street_number_for_no_street(api_world):
    r = _console(api_world).get(
        f"{api_world.url}/console/members/organising/", params={"street": str(BIG)}, timeout=60
    )
    assert r.status_code == 200, r.text[:300]


# --- pictures too large to decode ------------------------------------------------------------------


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height)).save(out, "PNG")
    return out.getvalue()


def test_a_64_megapixel_png_is_refused_from_its_header(api_world):
    r = requests.post(
        f"{api_world.url}/api/v1/stations",
        json={
            "kind": "warm_station",
            "name": "望京驿站",
            "owner": api_world.handler_org_id,
            "host_kind": "petrol",
            "address": "朝阳区望京街道某路1号",
            "lat": 39.9968,
            "lng": 116.4803,
            "crs": "gcj02",
            "hours": [[["00:00", "24:00"]] for _ in range(7)],
        },
        headers=api_world.staff,
        timeout=60,
    )
    assert r.status_code == 201, r.text[:500]
    position = Position.objects.get(pk=r.json()["id"])
    session = _console(api_world)
    page = f"{api_world.url}/console/stations/{position.pk}/"
    session.get(page, timeout=30)
    big = _png(8000, 8000)  # 64 megapixels of one colour: a small file, a huge picture
    assert len(big) < 8 * 1024 * 1024
    r = session.post(
        page,
        data={"action": "photo", "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        files={"photo": ("big.png", big, "image/png")},
        headers={"Referer": page},
        timeout=60,
    )
    assert r.status_code in (200, 422), r.status_code
    assert "图片尺寸过大" in r.text
    assert not Photo.objects.exists()


def test_control_characters_never_reach_an_appeal_filed_through_the_console_form(api_world):
    session = _console(api_world)
    page = f"{api_world.url}/console/appeals/new/"
    session.get(page, timeout=30)
    r = session.post(
        page,
        data={
            "phone": "138\x0012345678",
            "text": "外卖平台拖欠\x00我三个月\x0b工资，共计八千元，站长不接电话。",
            "name": "王\x1b小明",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": page},
        timeout=60,
    )
    assert r.status_code == 200, r.text[:300]
    appeal = Appeal.objects.get()
    assert appeal.text == "外卖平台拖欠我三个月工资，共计八千元，站长不接电话。"
    assert appeal.name == "王小明" and appeal.phone == "13812345678"
