"""Console and worker pages: intake, a case with only the steps this person may take,
escaped user text, documents, the figures page; the worker's own case and lawyer."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from gonghui.accounts.models import Worker
from gonghui.accounts.worker_session import SESSION_KEY
from gonghui.core import pii
from gonghui.core.models import OutboxMessage
from gonghui.orgs.models import Org
from gonghui.orgs.services import grant_role
from gonghui.rights import legal_aid, services
from gonghui.rights.models import Dispute, HelpRequest

pytestmark = pytest.mark.django_db
EVIL = '<script>alert("x")</script>'


def _case(persona, **over):
    data = {
        "channel": "written",
        "applicants": [{"name": "周杰", "phone": "13988887777"}],
        "employer_name": "北京某餐饮有限公司" + over.pop("suffix", ""),
        "claims": [{"kind": "wages", "amount": "6000"}],
        "facts": "拖欠工资 " + EVIL,
    }
    data.update(over)
    return services.create_dispute(
        services.DisputeIntake(**data), org=persona.org, actor=persona.user
    )


def test_it_takes_an_application_through_the_console_form(street_handler):
    client = street_handler.browser()
    page = client.get("/console/rights/disputes/new/")
    assert page.status_code == 200 and "登记劳动争议调解申请" in page.content.decode()
    response = client.post(
        "/console/rights/disputes/new/",
        {
            "channel": "oral",
            "org_id": street_handler.org.pk,
            "name": "周杰",
            "phone": "13988887777",
            "employer_name": "北京某餐饮有限公司",
            "claim_wages": "6000",
            "claim_severance": "12000.5",
            "facts": "口述：拖欠工资，违法解除。",
        },
    )
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert response["Location"] == f"/console/rights/disputes/{dispute.pk}/"
    assert str(dispute.claimed_total) == "18000.50" and dispute.oral_taken_by == street_handler.user


def test_it_shows_the_form_again_with_the_error_and_stores_nothing(street_handler):
    response = street_handler.browser().post(
        "/console/rights/disputes/new/",
        {
            "channel": "written",
            "org_id": street_handler.org.pk,
            "name": "周杰",
            "phone": "13988887777",
            "employer_name": "某公司",
            "claim_wages": "-3",
        },
    )
    assert response.status_code == 422
    assert "金额必须大于零" in response.content.decode()
    assert not Dispute.objects.exists()


def test_it_shows_only_the_steps_this_person_may_take_and_escapes_user_text(
    street_handler, outsider
):
    dispute = _case(street_handler)
    url = f"/console/rights/disputes/{dispute.pk}/"
    html = street_handler.browser().get(url).content.decode()
    assert 'data-step="accept"' in html and 'data-step="refuse"' in html
    assert 'data-step="agree"' not in html  # not from "received"
    assert EVIL not in html and "&lt;script&gt;" in html
    # An operator of 朝阳 sees the case but may take no step.
    operator = get_user_model().objects.create_user("p-cy-operator")
    grant_role(user=operator, org=Org.objects.get(admin_code="110105"), role="operator")
    client = Client()
    client.force_login(operator)
    html = client.get(url).content.decode()
    assert dispute.case_no in html and "data-step=" not in html
    assert client.post(f"{url}accept/").status_code == 403
    assert outsider.browser().get(url).status_code == 404
    assert outsider.browser().post(f"{url}accept/").status_code == 404


def test_it_moves_a_case_by_its_forms_and_offers_the_agreement_pdf(street_handler):
    dispute = _case(street_handler)
    client = street_handler.browser()
    url = f"/console/rights/disputes/{dispute.pk}/"
    assert client.post(f"{url}accept/").status_code == 302
    from django.utils import timezone

    response = client.post(
        f"{url}agree/",
        {"claim_wages": "5000", "perform_by": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert 'data-testid="agreement-pdf"' in html
    pdf = client.get(f"{url}agreement.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"{url}payment-order.pdf").status_code == 409


def test_it_draws_the_figures_page_from_static_scripts(street_handler, city_admin):
    _case(street_handler)
    html = city_admin.browser().get("/console/rights/stats/").content.decode()
    assert 'id="rights-data"' in html and "js/rights_charts.js" in html
    assert "<script>" not in html.replace('<script id="rights-data" type="application/json">', "")
    body = city_admin.api().get("/api/v1/rights/stats").json()
    assert body["disputes"] == 1 and body["claimed"] == "6000.00"


def _sign_in(phone: str) -> Client:
    worker, _ = Worker.objects.get_or_create(
        phone_hash=pii.digest("phone", phone), defaults={"phone": phone}
    )
    client = Client()
    session = client.session
    session[SESSION_KEY] = worker.pk
    session.save()
    return client


def test_it_shows_the_worker_their_own_case_only(street_handler):
    dispute = _case(street_handler)
    mine = _sign_in("13988887777")
    html = mine.get(f"/h5/rights/disputes/{dispute.pk}/").content.decode()
    assert dispute.case_no in html and dispute.arbitration_right_from.isoformat() in html
    assert EVIL not in html
    assert dispute.case_no in mine.get("/h5/rights/").content.decode()
    other = _sign_in("13911112222")
    assert other.get(f"/h5/rights/disputes/{dispute.pk}/").status_code == 404
    assert Client().get(f"/h5/rights/disputes/{dispute.pk}/").status_code == 302


def test_it_shows_my_union_lawyer_and_passes_a_request_for_help(street_handler, wangjing):
    lawyer = legal_aid.create_lawyer(
        owner=wangjing,
        name="陈律师",
        firm="某律所",
        phone="13511112222",
        orgs=[wangjing],
        actor=street_handler.user,
    )
    client = Client()
    html = client.get(f"/h5/rights/lawyer/?org={wangjing.pk}").content.decode()
    assert "陈律师" in html and 'data-testid="help-form"' in html
    response = client.post(
        "/h5/rights/lawyer/",
        {"org": wangjing.pk, "name": "周杰", "phone": "13988887777", "text": "公司不签劳动合同"},
    )
    assert response.status_code == 200 and 'data-testid="help-sent"' in response.content.decode()
    assert HelpRequest.objects.get().lawyer == lawyer
    assert OutboxMessage.objects.filter(to_hash=pii.digest("phone", "13511112222")).exists()
    bad = client.post(
        "/h5/rights/lawyer/", {"org": wangjing.pk, "name": "周杰", "phone": "1", "text": "x"}
    )
    assert bad.status_code == 422 and HelpRequest.objects.count() == 1
