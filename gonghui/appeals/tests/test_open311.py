"""Open311 GeoReport v2 at /open311/v2/: answers checked against the published JSON
Schemas, XML parsed, and the server read by the third-party ``georeport`` client."""

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from functools import cache
from urllib.parse import urlencode

import georeport
import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from gonghui.accounts.services import create_api_key, revoke_api_key
from gonghui.appeals import open311, services
from gonghui.appeals.choices import Category, Kind, Status, Urgency
from gonghui.appeals.models import Appeal, AppealEvent
from gonghui.core.coords import gcj02_to_wgs84
from gonghui.core.testing import ensure_base_data
from gonghui.orgs.models import Org

BASE = "/open311/v2"
WANGJING = {"lat": "39.9965", "long": "116.4700"}  # WGS-84, 朝阳区
TEXT = "公司已经三个月没有发工资了，老板一直拖着不给。"
PHONE = "13912345678"


# --- helpers ---------------------------------------------------------------------------------


@cache
def schema(name: str) -> Draft4Validator:
    """Return a validator for one of the GeoReport v2 schemas (see their SOURCES.md):
    services.json (service list), service-definition.json, requests.json (request list,
    also the single-request answer), request.json (one request)."""
    folder = settings.SHARED_DATA_DIR / "open311"
    # swagger.json is the API description, not a schema of one answer.
    resources = {
        path.name: Resource.from_contents(
            json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT4
        )
        for path in folder.glob("*.json")
        if path.name != "swagger.json"
    }
    registry = Registry().with_resources(resources.items())
    return Draft4Validator(
        resources[name].contents,
        registry=registry,
        format_checker=Draft4Validator.FORMAT_CHECKER,
    )


def valid(name: str, response) -> list | dict:
    """Return the JSON body after checking the content type and the schema ``name``."""
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    schema(name).validate(body)
    return body


def xml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    return ET.fromstring(response.content)


def is_w3c_datetime(value: str) -> bool:
    return datetime.fromisoformat(value).tzinfo is not None


def post(client: Client, fmt: str = "json", **fields):
    """POST requests.<fmt> form-encoded, as the specification says."""
    return client.post(
        f"{BASE}/requests.{fmt}",
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
    )


@pytest.fixture
def api_key(city) -> str:
    raw, _key = create_api_key(org=city, name="open311")
    return raw


@pytest.fixture
def form(api_key) -> dict:
    """A complete, valid filing: wages in 望京 for a named worker."""
    return {
        "api_key": api_key,
        "service_code": "wages",
        **WANGJING,
        "address_string": "朝阳区望京街道某工地",
        "description": TEXT,
        "phone": PHONE,
        "first_name": "小明",
        "last_name": "王",
        "email": "wang@example.com",
        "attribute[kind]": "complaint",
        "attribute[urgency]": "urgent",
    }


def make_appeal(**fields) -> Appeal:
    intake = {"text": TEXT, "phone": PHONE, "channel": "hotline"}
    intake.update(fields)
    appeal, _created = services.create_appeal(services.Intake(**intake), actor_label="test")
    return appeal


def refused(response, status: int, fmt: str = "json") -> str:
    """Assert the specification's error answer and return its description."""
    assert response.status_code == status, response.content
    if fmt == "json":
        body = response.json()
        assert isinstance(body, list) and len(body) == 1
        assert body[0]["code"] == status
        assert body[0]["description"]
        return body[0]["description"]
    root = xml(response)
    assert root.tag == "errors"
    error = root.find("error")
    assert error.findtext("code") == str(status)
    return error.findtext("description")


# --- discovery and services ----------------------------------------------------------------


def test_it_describes_itself_in_discovery(client):
    body = client.get(f"{BASE}/discovery.json").json()
    assert body["changeset"] and body["contact"] and body["key_service"]
    (endpoint,) = body["endpoints"]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}

    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    formats = [f.text for f in root.find("endpoints/endpoint/formats")]
    assert formats == ["application/json", "text/xml"]


def test_it_lists_one_service_per_appeal_category(client):
    services_ = valid("services.json", client.get(f"{BASE}/services.json"))
    assert [s["service_code"] for s in services_] == Category.values
    wages = services_[0]
    assert wages["service_name"] == "拖欠工资与劳动报酬"
    assert wages["type"] == "realtime" and wages["metadata"] is True
    assert wages["group"] == "劳动报酬与保障"
    assert "欠薪" in wages["keywords"]
    assert all(s["group"] for s in services_)

    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == Category.values
    assert root.find("service/metadata").text == "true"


def test_it_defines_kind_and_urgency_as_single_value_lists(client):
    body = valid("service-definition.json", client.get(f"{BASE}/services/gig.json"))
    assert body["service_code"] == "gig"
    kind, urgency = body["attributes"]
    assert (kind["code"], kind["datatype"], kind["required"]) == ("kind", "singlevaluelist", False)
    assert [v["key"] for v in kind["values"]] == Kind.values
    assert {"key": "complaint", "name": "投诉"} in kind["values"]
    assert urgency["code"] == "urgency"
    assert [v["key"] for v in urgency["values"]] == Urgency.values

    root = xml(client.get(f"{BASE}/services/gig.xml"))
    assert root.tag == "service_definition"
    codes = [a.findtext("code") for a in root.findall("attributes/attribute")]
    assert codes == ["kind", "urgency"]
    keys = [v.findtext("key") for v in root.findall("attributes/attribute/values/value")]
    assert keys == Kind.values + Urgency.values


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_answers_an_unknown_service_code_with_404(client, form, fmt):
    refused(client.get(f"{BASE}/services/parking.{fmt}"), 404, fmt)
    refused(client.get(f"{BASE}/requests.{fmt}", {"service_code": "wages,parking"}), 404, fmt)
    description = refused(post(client, fmt, **{**form, "service_code": "parking"}), 404, fmt)
    assert "parking" in description
    assert refused(post(client, fmt, **{**form, "service_code": ""}), 400, fmt)
    assert not Appeal.objects.exists()


# --- filing ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_refuses_a_missing_wrong_or_revoked_api_key_with_403(client, form, city, fmt):
    raw, key = create_api_key(org=city, name="revoked")
    revoke_api_key(key)
    for api_key in ["", "gh_nothing", form["api_key"] + "x", raw]:
        refused(post(client, fmt, **{**form, "api_key": api_key}), 403, fmt)
    # A key in a header or the query string is not the specification's way.
    sneaky = {k: v for k, v in form.items() if k != "api_key"}
    response = client.post(
        f"{BASE}/requests.{fmt}?api_key={form['api_key']}",
        urlencode(sneaky),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_API_KEY=form["api_key"],
    )
    refused(response, 403, fmt)
    assert not Appeal.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"lat": "北纬39度"},
        {"lat": "95", "long": "116.47"},
        {"lat": "nan"},
        {"long": ""},
        {"lat": "31.23", "long": "121.47"},  # 上海: outside Beijing
    ],
)
def test_it_refuses_invalid_coordinates_with_400(client, form, change):
    description = refused(post(client, **{**form, **change}), 400)
    assert any(word in description for word in ("经纬度", "经度", "北京"))
    assert not Appeal.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_refuses_a_short_description_with_400(client, form, fmt):
    description = refused(post(client, fmt, **{**form, "description": "没发工资"}), 400, fmt)
    assert "10" in description and "4000" in description
    refused(post(client, fmt, **{k: v for k, v in form.items() if k != "description"}), 400, fmt)
    assert not Appeal.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"phone": ""},
        {"phone": "12345"},
        {"lat": "", "long": "", "address_string": ""},
        {"attribute[kind]": "praise"},
        {"attribute[urgency]": "tomorrow"},
    ],
)
def test_it_refuses_a_missing_phone_or_location_or_a_bad_attribute_with_400(client, form, change):
    refused(post(client, **{**form, **change}), 400)
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_it_files_an_appeal_that_then_appears_in_get_requests(client, form):
    response = post(client, **form)
    assert response.status_code == 200, response.content
    (created,) = response.json()
    ticket = created["service_request_id"]
    assert ticket.startswith("12351-")
    assert created["account_id"] is None
    assert "已受理" in created["service_notice"]

    appeal = Appeal.objects.get(ticket_no=ticket)
    assert (appeal.channel, appeal.category, appeal.kind, appeal.urgency) == (
        "web",
        "wages",
        "complaint",
        "urgent",
    )
    assert (appeal.name, appeal.phone, appeal.text) == ("王小明", PHONE, TEXT)
    assert appeal.address == "朝阳区望京街道某工地"
    prefix = form["api_key"].split("_")[1]
    assert AppealEvent.objects.get(appeal=appeal, action="receive").actor_label == (
        f"apikey:{prefix}"
    )

    listed = valid("requests.json", client.get(f"{BASE}/requests.json"))
    assert [r["service_request_id"] for r in listed] == [ticket]
    (one,) = valid("requests.json", client.get(f"{BASE}/requests/{ticket}.json"))
    schema("request.json").validate(one)
    assert one == listed[0]
    assert one["status"] == "open"
    assert one["status_notes"] == "已受理，等待派单。"
    assert (one["service_code"], one["service_name"]) == ("wages", "拖欠工资与劳动报酬")
    assert one["description"] == TEXT
    assert one["address"] == "朝阳区望京街道某工地"
    # No street polygons yet: the point reaches the district's dispatcher queue.
    assert one["agency_responsible"] == "朝阳区总工会"
    assert one["expected_datetime"] is None
    assert all(is_w3c_datetime(one[k]) for k in ("requested_datetime", "updated_datetime"))
    # Stored as GCJ-02, answered as WGS-84: back where the client put it, to ~100 m.
    assert one["lat"] == pytest.approx(39.9965, abs=6e-4)
    assert one["long"] == pytest.approx(116.47, abs=6e-4)
    assert (one["lat"], one["long"]) == (round(one["lat"], 3), round(one["long"], 3))
    assert (appeal.lat, appeal.lng) != pytest.approx((39.9965, 116.47), abs=1e-4)
    for personal in (PHONE, "王小明", "小明", "wang@example.com"):
        assert personal not in response.content.decode()
        assert personal not in client.get(f"{BASE}/requests.json").content.decode()

    root = xml(client.get(f"{BASE}/requests/{ticket}.xml"))
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert request.findtext("service_request_id") == ticket
    assert request.findtext("status") == "open"
    assert float(request.findtext("long")) == pytest.approx(116.47, abs=6e-4)
    assert request.find("expected_datetime").text is None


@pytest.mark.django_db
def test_it_answers_a_filing_in_xml(client, form):
    root = xml(post(client, "xml", **form))
    assert root.tag == "service_requests"
    request = root.find("request")
    ticket = request.findtext("service_request_id")
    assert Appeal.objects.filter(ticket_no=ticket, channel="web").exists()
    assert request.find("account_id") is not None and request.findtext("account_id") == ""


@pytest.mark.django_db
def test_it_names_the_handling_org_and_its_deadline(client, unionised_employer):
    appeal = make_appeal(employer_uscc=unionised_employer.uscc)
    assert appeal.status == Status.DISPATCHED
    (one,) = valid("requests.json", client.get(f"{BASE}/requests/{appeal.ticket_no}.json"))
    assert one["agency_responsible"] == "望京街道总工会"
    expected = datetime.fromisoformat(one["expected_datetime"])
    assert expected == appeal.resolve_by.replace(microsecond=0)
    assert one["status_notes"] == "已派往承办单位，等待签收。"
    assert one["lat"] is None and one["address"] is None


# --- reading: privacy, statuses, filters -----------------------------------------------------


@pytest.mark.django_db
def test_it_shows_no_personal_data(client):
    named = make_appeal(
        text="我叫张建国，身份证110101199003077578，电话13812345678，老板欠我工资三个月。",
        name="张建国",
        address="望京SOHO，联系人电话010-64712345",
        lat=39.9965,
        lng=116.47,
    )
    hidden = make_appeal(anonymous=True, address="望京某工地", lat=39.9965, lng=116.47)
    body = valid("requests.json", client.get(f"{BASE}/requests.json"))
    by_id = {r["service_request_id"]: r for r in body}
    shown = by_id[named.ticket_no]
    assert "老板欠我工资三个月" in shown["description"]
    for personal in ("张建国", "110101199003077578", "13812345678", "64712345"):
        assert personal not in json.dumps(body, ensure_ascii=False)
    assert shown["address"].startswith("望京SOHO")
    anonymous = by_id[hidden.ticket_no]
    assert anonymous["description"] is None
    assert anonymous["address"] is None
    assert anonymous["lat"] is None and anonymous["long"] is None
    assert PHONE not in client.get(f"{BASE}/requests.xml").content.decode()


LEAKY = (
    "我叫李建国，工资卡6222 0212 3456 7890 123，电话138.1234.5678，"
    "也可以打一三八一二三四五六七八或者１３９１２３４５６７８，加我微信 wxid_abc123，"
    "身份证 110105 19900101 123X，站点的王师傅2026-11-20说欠薪3000元不给了。"
)
LEAKED = (
    "李建国",
    "6222 0212 3456 7890 123",
    "138.1234.5678",
    "一三八一二三四五六七八",
    "１３９１２３４５６７８",
    "wxid_abc123",
    "110105 19900101 123X",
    "王师傅",
)


@pytest.mark.django_db
def test_it_redacts_every_written_form_in_json_and_xml(client):
    appeal = make_appeal(
        text=LEAKY, address="望京SOHO T1，tel 6471 2345", lat=39.996512, lng=116.470488
    )

    (one,) = valid("requests.json", client.get(f"{BASE}/requests/{appeal.ticket_no}.json"))
    (request,) = xml(client.get(f"{BASE}/requests/{appeal.ticket_no}.xml")).findall("request")

    for shown in (one["description"], request.findtext("description")):
        for personal in LEAKED:
            assert personal not in shown
        assert "2026-11-20" in shown and "3000元" in shown and "师傅" in shown
    assert one["address"] == request.findtext("address") == "望京SOHO T1，tel *********"
    # The point is published to 3 decimals (~100 m), in both formats.
    assert one["lat"] == round(one["lat"], 3) and one["long"] == round(one["long"], 3)
    assert request.findtext("lat") == str(one["lat"])


@pytest.mark.django_db
def test_it_throttles_public_reads_per_ip(client, settings):
    settings.GONGHUI_OPEN311_PER_MINUTE = 3
    for _n in range(3):
        assert client.get(f"{BASE}/requests.json").status_code == 200

    assert refused(client.get(f"{BASE}/requests.json"), 429)
    assert refused(client.get(f"{BASE}/requests/12351-20261122-000001.xml"), 429, "xml")
    assert client.get(f"{BASE}/services.json").status_code == 200  # static: not counted
    assert client.get(f"{BASE}/requests.json", REMOTE_ADDR="10.3.3.3").status_code == 200


@pytest.mark.django_db
def test_it_maps_our_statuses_to_open_and_closed(client):
    appeals = {status: make_appeal() for status in Status}
    for status, appeal in appeals.items():
        Appeal.objects.filter(pk=appeal.pk).update(status=status)
    Appeal.objects.filter(pk=appeals[Status.MERGED].pk).update(merged_into=appeals[Status.RECEIVED])

    def statuses(**query):
        body = valid("requests.json", client.get(f"{BASE}/requests.json", query))
        return {r["service_request_id"]: (r["status"], r["status_notes"]) for r in body}

    everything = statuses()
    assert len(everything) == len(Status)
    closed = {"resolved", "closed", "merged"}
    for status, appeal in appeals.items():
        state, note = everything[appeal.ticket_no]
        assert state == ("closed" if status in closed else "open"), status
        assert note
    merged_note = everything[appeals[Status.MERGED].ticket_no][1]
    assert appeals[Status.RECEIVED].ticket_no in merged_note
    assert len(statuses(status="open")) == 4
    assert len(statuses(status="closed")) == 3
    assert len(statuses(status="open,closed")) == 7
    refused(client.get(f"{BASE}/requests.json", {"status": "pending"}), 400)


@pytest.mark.django_db
def test_it_filters_by_id_code_and_dates_within_90_days(client, monkeypatch):
    wages, gig, old = make_appeal(category="wages"), make_appeal(category="gig"), make_appeal()
    Appeal.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=120))

    def ids(**query):
        body = valid("requests.json", client.get(f"{BASE}/requests.json", query))
        return [r["service_request_id"] for r in body]

    assert ids() == [gig.ticket_no, wages.ticket_no]  # newest first; the old one is past 90 days
    assert ids(service_code="wages") == [wages.ticket_no]
    assert ids(service_code="gig,wages") == [gig.ticket_no, wages.ticket_no]
    # Ids override every other filter, the old appeal included.
    assert set(ids(service_request_id=f"{old.ticket_no}, {wages.ticket_no}", status="closed")) == {
        old.ticket_no,
        wages.ticket_no,
    }
    past = timezone.localdate() - timedelta(days=130)
    assert ids(start_date=past.isoformat()) == [old.ticket_no]
    assert ids(start_date=f"{past.isoformat()}T00:00:00Z", end_date=f"{past + timedelta(days=89)}")
    # "+08:00" sent unescaped in a query string arrives as " 08:00".
    response = client.get(
        f"{BASE}/requests.json?end_date={timezone.localdate() + timedelta(days=1)}T00:00:00+08:00"
    )
    assert len(valid("requests.json", response)) == 2
    for query in (
        {"start_date": "yesterday"},
        {"end_date": "2026-02-30"},
        {"start_date": "2026-01-01", "end_date": "2026-06-01"},
        {"start_date": "2026-06-01", "end_date": "2026-01-01"},
    ):
        refused(client.get(f"{BASE}/requests.json", query), 400)
    monkeypatch.setattr(open311, "MAX_RESULTS", 1)
    assert ids() == [gig.ticket_no]


@pytest.mark.django_db
def test_it_lists_requests_in_constant_queries(client, django_assert_max_num_queries):
    for _i in range(5):
        make_appeal()
    with django_assert_max_num_queries(2):
        assert len(client.get(f"{BASE}/requests.json").json()) == 5


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_answers_an_unknown_request_path_or_jurisdiction_with_404(client, fmt):
    refused(client.get(f"{BASE}/requests/12351-20260101-000001.{fmt}"), 404, fmt)
    refused(client.get(f"{BASE}/tokens/abc.{fmt}"), 404, fmt)
    refused(client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "sfgov.org"}), 404, fmt)
    assert client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "110000"}).status_code == 200
    refused(client.get(f"{BASE}/services.csv"), 404)
    not_allowed = client.delete(f"{BASE}/requests.{fmt}")
    refused(not_allowed, 405, fmt)
    assert not_allowed["Allow"] == "GET, HEAD, POST"


# --- a third-party client over real HTTP -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_serves_the_georeport_client(live_server, monkeypatch):
    # live_server's database is emptied after every test: seed what this one needs.
    ensure_base_data()
    # The server's request threads outlive the test while a client keeps its HTTP
    # connection alive; they must not keep a database session open as well.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    raw, _key = create_api_key(org=Org.objects.get(admin_code="110000"), name="open311")
    root = f"{live_server.url}{BASE}"
    # georeport reads but cannot file: post the form as any HTTP client would.
    filed = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": raw,
            "service_code": "gig",
            **WANGJING,
            "description": "外卖平台无故封号，押金也不退，请工会帮忙。",
            "phone": PHONE,
            "attribute[kind]": "help",
        },
        timeout=30,
    )
    assert filed.status_code == 200, filed.text
    ticket = filed.json()[0]["service_request_id"]

    client = georeport.GeoReport(root)
    services_ = client.get_service_list()
    schema("services.json").validate(services_)
    assert len(services_) == len(Category)
    definition = client.get_service_definition("gig")
    schema("service-definition.json").validate(definition)
    listed = client.get_service_requests(service_code="gig", status="open")
    schema("requests.json").validate(listed)
    assert [r["service_request_id"] for r in listed] == [ticket]
    one = client.get_service_request(ticket)
    schema("request.json").validate(one)
    assert one["service_name"] == "新就业形态劳动者权益"
    lat, lng = gcj02_to_wgs84(*Appeal.objects.values_list("lat", "lng").get(ticket_no=ticket))
    assert (one["lat"], one["long"]) == (round(lat, 3), round(lng, 3))
    with pytest.raises(requests.HTTPError) as missing:
        client.get_service_definition("parking")
    assert missing.value.response.status_code == 404

    as_xml = georeport.GeoReport(root, output_format="xml")
    assert [s["service_code"] for s in as_xml.get_service_list()] == Category.values
    assert [a["code"] for a in as_xml.get_service_definition("gig")["attributes"]["attribute"]] == [
        "kind",
        "urgency",
    ]
    # One request parses as a mapping (xmltodict), not a list of one.
    assert as_xml.get_service_requests(service_request_id=ticket)["status"] == "open"
    assert as_xml.get_service_request(ticket)["service_code"] == "gig"
