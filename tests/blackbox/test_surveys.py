"""Surveys and the needs list over real HTTP: an XLSForm imported, opened, answered by a
member (once) and through a public link, counted, exported; a need run to its close."""

import io
from datetime import date, timedelta

from openpyxl import Workbook, load_workbook

from .support import org_id, refused

MEMBER_PHONE = "13712340016"
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def _resident_id(body17: str) -> str:
    total = sum(int(d) * w for d, w in zip(body17, WEIGHTS, strict=True))
    return body17 + "10X98765432"[total % 11]


def _xlsform(rows: list[list], choices: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label::中文 (zh)", "relevant", "constraint", "required"])
    for row in rows:
        ws.append(row)
    c = wb.create_sheet("choices")
    c.append(["list_name", "name", "label::中文 (zh)"])
    for row in choices:
        c.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FORM = _xlsform(
    [
        ["select_one yn", "ok", "您对驿站满意吗", "", "", "yes"],
        ["text", "why", "不满意的原因", "${ok} = 'no'", "", ""],
        ["integer", "visits", "每月去几次", "", ". >= 0 and . <= 60", "yes"],
    ],
    [["yn", "yes", "满意"], ["yn", "no", "不满意"]],
)


def _import(client, org: int, data: bytes, **fields):
    return client.post(
        "/api/v1/surveys/import-xlsform",
        data={"org_id": str(org), **fields},
        files={"file": ("form.xlsx", data, "application/octet-stream")},
    )


def test_it_runs_a_members_survey_from_import_to_export(staff, worker, anonymous):
    supervisor, handler, outsider = (
        staff("district_supervisor"),
        staff("street_handler"),
        staff("outsider"),
    )
    chaoyang = org_id(supervisor, "朝阳区", "110105")
    wangjing = org_id(handler, "望京街道", "110105026")

    bad = _import(supervisor, chaoyang, _xlsform([["geopoint", "p", "位置", "", "", ""]], []))
    body = refused(bad, 422, "unsupported")
    assert body["errors"][0]["row"] == 2 and body["errors"][0]["column"] == "A"
    refused(_import(outsider, chaoyang, FORM), 404, "not_found")

    made = _import(supervisor, chaoyang, FORM)
    assert made.status_code == 201, made.text
    assert made.json()["questions"] == 3
    sid = made.json()["id"]
    assert supervisor.post(f"/api/v1/surveys/{sid}/open").status_code == 200

    # A worker who is not a member of 朝阳 cannot see it; one who joins 望京 can.
    member = worker(MEMBER_PHONE)
    refused(member.get(f"/api/v1/surveys/{sid}/form"), 404, "not_found")
    join = {
        "name": "问卷职工",
        "declaration": True,
        "privacy_consent": True,
        "id_number": _resident_id("11010519880516161"),
        "job_type": "courier",
        "street_id": wangjing,
    }
    app_id = member.post("/api/v1/members/join", json=join).json()["application_id"]
    assert handler.post(f"/api/v1/members/applications/{app_id}/approve").status_code == 200
    form = member.get(f"/api/v1/surveys/{sid}/form")
    assert form.status_code == 200
    assert [q["name"] for q in form.json()["questions"]] == ["ok", "why", "visits"]

    url = f"/api/v1/surveys/{sid}/responses"
    refused(member.post(url, json={"answers": {"ok": "yes", "visits": 99}}), 422, "invalid_answer")
    sent = {"ok": "yes", "why": "hidden", "visits": 4}
    first = member.post(url, json={"answers": sent, "started": form.json()["started"]})
    assert first.status_code == 201, first.text
    assert first.json() == {"stored": {"ok": "yes", "visits": 4}}
    refused(member.post(url, json={"answers": sent}), 409, "already_answered")
    refused(anonymous.post(url, json={"answers": sent}), 401, "not_authenticated")

    results = supervisor.get(f"/api/v1/surveys/{sid}/results").json()
    assert results["responses"] == 1
    assert "ok:yes" in results["suppressed"]
    refused(outsider.get(f"/api/v1/surveys/{sid}/results"), 404, "not_found")

    xlsx = supervisor.get(f"/api/v1/surveys/{sid}/export.xlsx")
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(xlsx.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][-3:] == ("ok", "why", "visits") and rows[1][-3:] == ("yes", None, 4)
    assert supervisor.post(f"/api/v1/surveys/{sid}/close").status_code == 200
    refused(member.get(f"/api/v1/surveys/{sid}/form"), 404, "not_found")


def test_it_answers_an_anonymous_public_link(staff, anonymous):
    supervisor = staff("district_supervisor")
    chaoyang = org_id(supervisor, "朝阳区", "110105")
    sid = _import(supervisor, chaoyang, FORM, anonymous="true", audience="public").json()["id"]
    supervisor.post(f"/api/v1/surveys/{sid}/open")
    token = supervisor.post(f"/api/v1/surveys/{sid}/distributions", json={"label": "海报"}).json()[
        "token"
    ]
    refused(
        anonymous.get(f"/api/v1/surveys/{sid}/form", params={"t": token + "x"}), 404, "not_found"
    )
    assert anonymous.get(f"/api/v1/surveys/{sid}/form", params={"t": token}).status_code == 200
    for ok in ["yes"] * 5 + ["no"]:
        answers = {"ok": ok, "visits": 2} | ({"why": "太远"} if ok == "no" else {})
        r = anonymous.post(
            f"/api/v1/surveys/{sid}/responses", params={"t": token}, json={"answers": answers}
        )
        assert r.status_code == 201, r.text
    results = supervisor.get(f"/api/v1/surveys/{sid}/results").json()
    ok = next(q for q in results["questions"] if q["name"] == "ok")
    assert results["responses"] == 6 and ok["counts"] == {"yes": 5, "no": None}


def test_it_runs_a_need_to_its_close(staff, api_key_client):
    handler, outsider = staff("street_handler"), staff("outsider")
    wangjing = org_id(handler, "望京街道", "110105026")
    due = (date.today() + timedelta(days=7)).isoformat()
    made = handler.post(
        "/api/v1/needs",
        json={"org_id": wangjing, "title": "增设充电柜", "due": due, "worker_phone": "13712340017"},
    )
    assert made.status_code == 201, made.text
    nid = made.json()["id"]
    refused(outsider.post(f"/api/v1/needs/{nid}/assign", json={"assignee": "x"}), 404, "not_found")
    assert handler.post(f"/api/v1/needs/{nid}/assign", json={"assignee": "物业"}).status_code == 200
    assert handler.post(f"/api/v1/needs/{nid}/reply", json={"reply": "已安装"}).status_code == 200
    refused(handler.post(f"/api/v1/needs/{nid}/close", json={}), 409, "worker_word_missing")
    assert handler.post(f"/api/v1/needs/{nid}/confirm", json={}).status_code == 200
    closed = handler.post(f"/api/v1/needs/{nid}/close", json={})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    listed = api_key_client.get("/api/v1/needs", params={"status": "closed"}).json()
    assert nid in [n["id"] for n in listed["results"]]
