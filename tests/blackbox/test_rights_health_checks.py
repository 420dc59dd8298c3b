"""A legal health check over real HTTP: the street starts it, the enterprise's union
chair answers through the signed link (a browser form with its CSRF token, no account)
and submits, the street reviews, the district verifies, the findings carry their articles
and deadlines, the report is a PDF, follow-ups close it; the outsider gets 404 and the
street 403 on the district's step."""

import re

import pytest

from .support import org_id, refused

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHECK_ID = re.compile(r'name="result_([\w.]+)" value="pass"')
# The operator registers the employer (there is no employer-register API yet).
MAKE_ENTERPRISE = """
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_enterprise
e = create_enterprise(name="北京望京黑盒体检科技有限公司", uscc="91110105MA01BBHC03",
                      street=Org.objects.get(admin_code="110105026"))
print(e.pk)
"""


@pytest.fixture(scope="module")
def enterprise_id(installation) -> int:
    return int(installation.manage("shell", "-c", MAKE_ENTERPRISE).strip().splitlines()[-1])


def test_it_runs_a_health_check_from_the_chairs_link_to_its_close(staff, anonymous, enterprise_id):
    handler, supervisor, outsider = (
        staff("street_handler"),
        staff("district_supervisor"),
        staff("outsider"),
    )
    tree = handler.get("/api/v1/rights/checklists/current").json()
    check_ids = [c["id"] for a in tree["areas"] for i in a["items"] for c in i["checks"]]
    refused(
        outsider.post("/api/v1/rights/health-checks", json={"enterprise_id": enterprise_id}),
        422,
        "invalid_enterprise",
    )
    created = handler.post(
        "/api/v1/rights/health-checks", json={"enterprise_id": enterprise_id, "chair_name": "王芳"}
    )
    assert created.status_code == 201, created.text
    url = f"/api/v1/rights/health-checks/{created.json()['id']}"
    refused(outsider.get(url), 404, "not_found")
    link = handler.get(url).json()["self_assessment_url"]
    path = link.split("://", 1)[1].split("/", 1)[1]

    # The chair opens the link in a browser: the form, its CSRF cookie and token.
    page = anonymous.get(f"/{path}")
    assert page.status_code == 200 and "北京望京黑盒体检科技有限公司" in page.text
    assert set(CHECK_ID.findall(page.text)) == set(check_ids)
    form = {f"result_{c}": "pass" for c in check_ids}
    form["result_contract.written.signed"] = "fail"
    form["note_contract.written.signed"] = "两名新员工未签合同"
    form["csrfmiddlewaretoken"] = CSRF_FIELD.search(page.text).group(1)
    form["submit"] = "1"
    sent = anonymous.post(f"/{path}", data=form, headers={"Referer": link})
    assert sent.status_code == 302, sent.text[:300]

    body = handler.get(url).json()
    assert body["status"] == "submitted" and body["risk"] == "high"
    assert handler.post(f"{url}/review").status_code == 200
    refused(handler.post(f"{url}/verify"), 403, "forbidden_role")
    verified = supervisor.post(f"{url}/verify")
    assert verified.status_code == 200, verified.text
    (finding,) = verified.json()["findings"]
    assert finding["check_id"] == "contract.written.signed"
    assert {"source": "labour_contract_law", "article": 82} in finding["articles"]
    assert finding["due"] and not finding["overdue"]

    pdf = handler.get(f"{url}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"

    chaoyang = org_id(supervisor, "朝阳区", "110105")
    coverage = supervisor.get(
        "/api/v1/rights/health-checks/coverage", params={"org": chaoyang}
    ).json()
    assert coverage["enterprises"] >= 1 and coverage["findings_open"] >= 1

    done = handler.post(
        f"{url}/findings/{finding['id']}/follow-ups", json={"note": "已补签合同", "closed": True}
    )
    assert done.status_code == 201 and done.json()["status"] == "closed"
