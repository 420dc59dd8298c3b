"""Console pages for appeals: intake, queues, detail, actions, attachments and callbacks."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gonghui.appeals import services
from gonghui.appeals.models import Appeal, CallbackTask, Extension
from gonghui.core.models import AuditLog
from gonghui.core.testing import check_matrix
from gonghui.orgs.models import Org
from gonghui.orgs.services import grant_role

WANGJING = "110105026"  # 望京街道, 朝阳区
ZHONGGUANCUN = "110108011"  # 中关村街道, 海淀区
WAGES_TEXT = "公司已经三个月没有发工资了，老板一直拖着不给。"
PHONE = "13912345678"


def org(code: str) -> Org:
    return Org.objects.get(admin_code=code)


def file(text: str = WAGES_TEXT, phone: str = PHONE, files=None, **fields) -> Appeal:
    """File an appeal as the call centre; without a place it waits in the city's queue."""
    appeal, _created = services.create_appeal(
        services.Intake(text=text, phone=phone, **fields), actor_label="test", files=files
    )
    return appeal


def move(appeal: Appeal, actor, *steps) -> Appeal:
    for action, data in steps:
        appeal = services.act(appeal, action, actor=actor, **data)
    return appeal


@pytest.fixture
def operator(personas):
    """A 12351 operator and dispatcher at the city federation (as demo-operator)."""
    user = get_user_model().objects.create_user("p-operator", password="persona-pass-12351")
    city = org("110000")
    grant_role(user=user, org=city, role="operator")
    grant_role(user=user, org=city, role="dispatcher")
    return user


@pytest.fixture
def at_wangjing(city_admin) -> Appeal:
    """An appeal the city dispatched to 望京街道总工会."""
    return move(file(), city_admin.user, ("dispatch", {"org_id": org(WANGJING).pk}))


def login(client, user):
    client.force_login(user)
    return client


# --- who may open which page -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/console/appeals/",
        "/console/appeals/new/",
        "/console/appeals/new/lookup/?phone=13912345678",
        "/console/appeals/callbacks/",
        "/console/appeals/dashboard/",
        "/console/appeals/export.xlsx",
        "/console/appeals/1/",
    ],
)
def test_it_sends_anonymous_visitors_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")


@pytest.mark.django_db
def test_it_enforces_the_detail_permission_matrix(personas, at_wangjing):
    url = f"/console/appeals/{at_wangjing.pk}/"
    check_matrix(
        personas,
        lambda p: p.browser().get(url),
        {"street_handler": 200, "district_supervisor": 200, "city_admin": 200, "outsider": 404},
    )
    waiting = file()  # still in the city's dispatcher queue: nobody below the city sees it
    check_matrix(
        personas,
        lambda p: p.browser().get(f"/console/appeals/{waiting.pk}/"),
        {"street_handler": 404, "district_supervisor": 404, "city_admin": 200, "outsider": 404},
    )
    assert personas["city_admin"].browser().get("/console/appeals/999999/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/console/appeals/new/", "/console/appeals/new/lookup/?phone=13912345678"],
)
def test_it_opens_intake_to_operators_dispatchers_and_admins_only(personas, operator, client, url):
    check_matrix(
        personas,
        lambda p: p.browser().get(url),
        {"street_handler": 404, "district_supervisor": 404, "city_admin": 200, "outsider": 404},
    )
    assert login(client, operator).get(url).status_code == 200


@pytest.mark.django_db
def test_it_shows_every_persona_the_queue_page_but_only_their_own_appeals(personas, at_wangjing):
    check_matrix(
        personas,
        lambda p: p.browser().get("/console/appeals/?tab=mine"),
        {"street_handler": 200, "district_supervisor": 200, "city_admin": 200, "outsider": 200},
    )
    assert at_wangjing.ticket_no in (
        personas["street_handler"].browser().get("/console/appeals/?tab=mine").content.decode()
    )
    for tab in ["dispatch", "mine", "supervised", "overdue", "extensions"]:
        html = personas["outsider"].browser().get(f"/console/appeals/?tab={tab}").content.decode()
        assert at_wangjing.ticket_no not in html
    assert personas["outsider"].browser().get("/console/appeals/?tab=nope").status_code == 404


@pytest.mark.django_db
def test_it_lists_the_module_in_the_console_menu(street_handler):
    html = street_handler.browser().get("/console/").content.decode()
    assert 'href="/console/appeals/"' in html
    assert "诉求工单" in html


# --- intake ------------------------------------------------------------------------------------

INTAKE = {
    "phone": "139 1234 5678",
    "text": "单位拖欠工资三个月，多次讨要没有结果，请工会帮忙。",
    "kind": "",
    "category": "",
    "urgency": "",
    "name": "王师傅",
    "address": "朝阳区望京某小区",
    "employer_name": "",
    "employer_uscc": "",
    "intake_key": "k1",
}


@pytest.mark.django_db
def test_it_records_a_call_from_the_intake_screen(operator, client):
    login(client, operator)
    page = client.get("/console/appeals/new/").content.decode()
    assert 'name="phone"' in page and "autofocus" in page
    assert "Ctrl" in page
    # The fields come in the order the operator asks for them (the tab order).
    order = [page.index(f'name="{n}"') for n in ["phone", "text", "kind", "category", "urgency"]]
    assert order == sorted(order)

    response = client.post("/console/appeals/new/", INTAKE)
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert response["Location"] == f"/console/appeals/new/?saved={appeal.pk}"
    assert appeal.channel == "hotline"
    assert appeal.phone == PHONE and appeal.name == "王师傅"
    assert appeal.category == "wages"  # chosen by triage when left blank
    assert appeal.triage_category == "wages"
    # Triage found 望京 in the address: routed to that street at once.
    assert appeal.street.admin_code == "110105026"
    assert appeal.events.get(action="receive").actor == operator
    assert AuditLog.objects.filter(action="appeal.create", actor=operator).exists()

    saved = client.get(response["Location"]).content.decode()
    assert appeal.ticket_no in saved
    assert "直接答复" not in saved  # only enquiries are answered on the spot


@pytest.mark.django_db
def test_it_files_a_double_submitted_call_once(operator, client):
    login(client, operator)
    client.post("/console/appeals/new/", INTAKE)
    client.post("/console/appeals/new/", INTAKE)
    assert Appeal.objects.count() == 1
    client.post("/console/appeals/new/", {**INTAKE, "intake_key": "k2"})
    assert Appeal.objects.count() == 2
    # The same screen sent again with other words (the back button) is another call.
    client.post("/console/appeals/new/", {**INTAKE, "text": INTAKE["text"] + "另外还有加班费。"})
    assert Appeal.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change,field_error",
    [
        ({"text": "太短"}, "请用10到4000个字描述"),
        ({"phone": "12345"}, "请输入有效的中国大陆手机号码"),
        ({"employer_uscc": "91110000600037341X"}, "统一社会信用代码无效"),
        ({"category": "nonsense"}, "选择一个有效的选项"),
    ],
)
def test_it_keeps_what_was_typed_when_intake_is_refused(operator, client, change, field_error):
    login(client, operator)
    data = {**INTAKE, **change}
    response = client.post("/console/appeals/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error in html
    assert "王师傅" in html and "朝阳区望京某小区" in html
    assert 'aria-invalid="true"' in html
    assert html.count("autofocus") == 1
    field = next(iter(response.context["form"].errors))
    assert "autofocus" in str(response.context["form"][field])  # the cursor waits there
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_it_offers_a_direct_answer_for_an_enquiry(operator, client):
    login(client, operator)
    response = client.post(
        "/console/appeals/new/",
        {**INTAKE, "text": "请问女职工产假一共有多少天？怎么申请？", "kind": "enquiry"},
    )
    appeal = Appeal.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "直接答复" in page
    answered = client.post(
        f"/console/appeals/{appeal.pk}/act/answer_directly/",
        {"answer": "产假98天，难产增加15天，北京另有奖励假60天。", "next": "/console/appeals/new/"},
    )
    assert answered.status_code == 302 and answered["Location"] == "/console/appeals/new/"
    appeal.refresh_from_db()
    assert appeal.status == "resolved"
    assert appeal.reply.startswith("产假98天")


@pytest.mark.django_db
def test_it_shows_the_callers_earlier_appeals_and_likely_duplicates(operator, client, personas):
    old = file(text="公司拖欠我三个月工资，老板一直不给，请帮忙讨薪。")
    other = file(text="公司拖欠我三个月工资，老板一直不给，请帮忙讨薪。", phone="13800138000")
    unrelated = file(text="想咨询一下工会会员卡怎么办理，在哪里领取？")
    login(client, operator)
    url = "/console/appeals/new/lookup/"

    short = client.get(url, {"phone": "1391234"}).content.decode()
    assert old.ticket_no not in short

    panel = client.get(url, {"phone": PHONE}).content.decode()
    assert old.ticket_no in panel and unrelated.ticket_no in panel  # both are earlier appeals
    assert other.ticket_no not in panel
    assert "可能重复" not in panel  # nothing typed yet to compare

    panel = client.get(url, {"phone": PHONE, "text": "老板拖欠三个月工资不给"}).content.decode()
    duplicates = panel[panel.index("可能重复") :]
    assert old.ticket_no in duplicates
    assert unrelated.ticket_no not in duplicates
    assert other.ticket_no not in duplicates  # another phone, no employer: not suggested

    invalid = client.get(url, {"phone": "12345678901"}).content.decode()
    assert "不是有效的手机号" in invalid

    # Scoped like everything else: a district dispatcher does not see the city's queue.
    chaoyang = personas["district_supervisor"]
    grant_role(user=chaoyang.user, org=chaoyang.org, role="dispatcher")
    panel = chaoyang.browser().get(url, {"phone": PHONE}).content.decode()
    assert old.ticket_no not in panel


@pytest.mark.django_db
def test_it_suggests_an_open_appeal_about_the_same_employer(operator, client):
    first = file(text="北京某建筑公司拖欠农民工工资两个月了", employer_name="北京某建筑有限公司")
    login(client, operator)
    panel = client.get(
        "/console/appeals/new/lookup/",
        {
            "phone": "13800138000",
            "text": "北京某建筑公司拖欠工资两个月",
            "employer_name": "北京某建筑有限公司",
        },
    ).content.decode()
    assert first.ticket_no in panel[panel.index("可能重复") :]
    assert "同一用人单位" in panel


def test_it_measures_similarity_by_shared_character_pairs():
    from gonghui.appeals.views import similarity

    assert similarity("拖欠工资", "拖欠工资") == 1.0
    assert similarity("拖欠工资三个月", "会员卡怎么办理") == 0.0
    assert 0.3 < similarity("公司拖欠工资三个月", "老板拖欠三个月工资") < 1
    assert similarity("", "拖欠") == 0.0


# --- queues ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_puts_new_calls_in_the_dispatchers_queue(operator, client):
    waiting = file()
    login(client, operator)
    response = client.get("/console/appeals/")
    assert response.context["tab"] == "dispatch"
    rows = list(response.context["page"])
    assert rows == [waiting]
    html = response.content.decode()
    assert "139****5678" in html and PHONE not in html  # masked in lists


@pytest.mark.django_db
def test_it_sorts_the_handling_queue_by_the_next_deadline_with_overdue_in_red(
    street_handler, city_admin
):
    wangjing = org(WANGJING).pk
    later = move(file(), city_admin.user, ("dispatch", {"org_id": wangjing}))
    sooner = move(file(), city_admin.user, ("dispatch", {"org_id": wangjing}))
    late = move(file(), city_admin.user, ("dispatch", {"org_id": wangjing}))
    now = timezone.now()
    Appeal.objects.filter(pk=later.pk).update(accept_by=now + timedelta(hours=20))
    Appeal.objects.filter(pk=sooner.pk).update(accept_by=now + timedelta(hours=2))
    Appeal.objects.filter(pk=late.pk).update(accept_by=now - timedelta(hours=1))

    response = street_handler.browser().get("/console/appeals/")
    assert response.context["tab"] == "mine"
    rows = list(response.context["page"])
    assert rows == [late, sooner, later]
    assert [r.late for r in rows] == [True, False, False]
    html = response.content.decode()
    assert html.count('class="late"') == 1
    overdue = street_handler.browser().get("/console/appeals/?tab=overdue").context["page"]
    assert list(overdue) == [late]


@pytest.mark.django_db
def test_it_filters_the_queue_by_status_and_category(street_handler, city_admin):
    wangjing = org(WANGJING).pk
    wages = move(file(), city_admin.user, ("dispatch", {"org_id": wangjing}))
    accepted = move(
        file(text="我想入会，请问需要办理什么手续？", category="membership"),
        city_admin.user,
        ("dispatch", {"org_id": wangjing}),
    )
    move(accepted, street_handler.user, ("accept", {}))
    client = street_handler.browser()
    assert list(client.get("/console/appeals/?tab=mine&status=accepted").context["page"]) == [
        accepted
    ]
    assert list(client.get("/console/appeals/?tab=mine&category=wages").context["page"]) == [wages]


@pytest.mark.django_db
def test_it_lists_supervised_appeals_and_extensions_waiting_for_a_decision(
    street_handler, district_supervisor, city_admin
):
    appeal = move(
        file(),
        city_admin.user,
        ("dispatch", {"org_id": org(WANGJING).pk}),
    )
    move(appeal, street_handler.user, ("accept", {}), ("extend", {"days": 3, "reason": "需核实"}))
    move(appeal, district_supervisor.user, ("supervise", {"note": "请加快办理"}))
    client = district_supervisor.browser()
    assert list(client.get("/console/appeals/?tab=supervised").context["page"]) == [appeal]
    assert list(client.get("/console/appeals/?tab=extensions").context["page"]) == [appeal]
    # A handler requests extensions but does not decide them.
    handler_page = street_handler.browser().get("/console/appeals/?tab=extensions")
    assert list(handler_page.context["page"]) == []


@pytest.mark.django_db
def test_it_pages_the_queue(operator, client):
    for _i in range(32):
        file()
    login(client, operator)
    first = client.get("/console/appeals/?tab=dispatch")
    assert len(first.context["page"]) == 30
    assert "?tab=dispatch&amp;page=2" in first.content.decode()
    assert len(client.get("/console/appeals/?tab=dispatch&page=2").context["page"]) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 25])
def test_it_lists_a_queue_in_a_fixed_number_of_queries(
    street_handler, city_admin, django_assert_max_num_queries, rows
):
    wangjing = org(WANGJING).pk
    for i in range(rows):
        move(file(anonymous=bool(i % 2)), city_admin.user, ("dispatch", {"org_id": wangjing}))
    client = street_handler.browser()
    client.get("/console/appeals/")  # warm the session
    with django_assert_max_num_queries(10):
        response = client.get("/console/appeals/?tab=mine")
    assert len(response.context["page"]) == rows


# --- one appeal --------------------------------------------------------------------------------


def action_names(response) -> list[str]:
    return [a["action"] for a in response.context["actions"]]


@pytest.mark.django_db
def test_it_shows_the_actions_this_user_may_take_now(personas, operator, at_wangjing, client):
    handler, supervisor = personas["street_handler"], personas["district_supervisor"]
    url = f"/console/appeals/{at_wangjing.pk}/"
    assert action_names(handler.browser().get(url)) == ["accept", "return"]
    assert action_names(supervisor.browser().get(url)) == ["supervise"]
    # A dispatcher above the handling org does not sign for it (issue 11): only merge.
    assert action_names(login(client, operator).get(url)) == ["merge"]

    waiting = file(text="请问失业保险金怎么领取？需要什么材料？", kind="enquiry")
    names = action_names(client.get(f"/console/appeals/{waiting.pk}/"))
    assert names == ["answer_directly", "dispatch", "recategorise", "merge"]

    move(at_wangjing, handler.user, ("accept", {}))
    assert action_names(handler.browser().get(url)) == ["contact", "extend"]


@pytest.mark.django_db
def test_it_shows_the_full_phone_to_the_handler_and_audits_it(personas, at_wangjing):
    handler_page = personas["street_handler"].browser().get(f"/console/appeals/{at_wangjing.pk}/")
    assert handler_page.context["phone"] == PHONE
    assert AuditLog.objects.filter(
        action="pii.view", actor=personas["street_handler"].user, object_id=str(at_wangjing.pk)
    ).exists()
    supervisor_page = (
        personas["district_supervisor"].browser().get(f"/console/appeals/{at_wangjing.pk}/")
    )
    assert supervisor_page.context["phone"] == "139****5678"
    assert PHONE not in supervisor_page.content.decode()


@pytest.mark.django_db
def test_it_hides_an_anonymous_worker_from_staff_above_the_handling_org(personas, city_admin):
    appeal = move(
        file(anonymous=True, name="李某"),
        city_admin.user,
        ("dispatch", {"org_id": org(WANGJING).pk}),
    )
    url = f"/console/appeals/{appeal.pk}/"
    handler = personas["street_handler"].browser().get(url)
    assert handler.context["name"] == "李某"
    supervisor = personas["district_supervisor"].browser().get(url)
    assert supervisor.context["name"] == "匿名" and "李某" not in supervisor.content.decode()
    assert "5678" not in supervisor.context["phone"]


@pytest.mark.django_db
def test_it_shows_the_whole_timeline_with_internal_events_marked(personas, city_admin):
    appeal = move(file(), city_admin.user, ("dispatch", {"org_id": org(WANGJING).pk}))
    move(appeal, personas["street_handler"].user, ("return", {"reason": "不属于本街道"}))
    response = city_admin.browser().get(f"/console/appeals/{appeal.pk}/")
    timeline = response.context["timeline"]
    assert [t["event"].action for t in timeline] == ["receive", "dispatch", "return"]
    assert [t["event"].public for t in timeline] == [True, True, False]
    html = response.content.decode()
    assert "不属于本街道" in html and "内部" in html and "职工可见" in html


def png_upload(name: str = "欠条.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.mark.django_db
def test_it_serves_attachments_only_through_the_permission_check(
    personas, city_admin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    appeal = move(
        file(files=[png_upload()]), city_admin.user, ("dispatch", {"org_id": org(WANGJING).pk})
    )
    att = appeal.attachments.get()
    url = f"/console/appeals/{appeal.pk}/attachments/{att.pk}/"
    page = personas["street_handler"].browser().get(f"/console/appeals/{appeal.pk}/")
    html = page.content.decode()
    assert url in html and "欠条.png" in html
    assert settings.MEDIA_URL not in html
    check_matrix(
        personas,
        lambda p: p.browser().get(url),
        {"street_handler": 200, "district_supervisor": 200, "city_admin": 200, "outsider": 404},
    )
    response = personas["street_handler"].browser().get(url)
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    other = file()
    wrong = city_admin.browser().get(f"/console/appeals/{other.pk}/attachments/{att.pk}/")
    assert wrong.status_code == 404


# --- actions -----------------------------------------------------------------------------------


def post(who, appeal, action, **data):
    """Post an action form as a persona (a fresh client) or with a given client."""
    client = who.browser() if hasattr(who, "browser") else who
    return client.post(f"/console/appeals/{appeal.pk}/act/{action}/", data)


@pytest.mark.django_db
def test_it_dispatches_from_the_form_to_an_org_in_scope_by_district(operator, client):
    appeal = file()
    login(client, operator)
    page = client.get(f"/console/appeals/{appeal.pk}/")
    dispatch = next(a for a in page.context["actions"] if a["action"] == "dispatch")
    groups = dispatch["form"].fields["org_id"].choices
    labels = [str(g[0]) for g in groups[1:]]
    assert labels[:2] == ["东城区", "西城区"] and "朝阳区" in labels  # grouped by district
    assert '<optgroup label="朝阳区">' in page.content.decode()

    response = post(client, appeal, "dispatch", org_id=org(WANGJING).pk, note="按地址派单")
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "dispatched" and appeal.assigned_org == org(WANGJING)


@pytest.mark.django_db
def test_it_refuses_a_dispatch_outside_the_users_scope_and_changes_nothing(personas, city_admin):
    chaoyang = personas["district_supervisor"]
    grant_role(user=chaoyang.user, org=chaoyang.org, role="dispatcher")
    appeal = file(lat=39.9965, lng=116.4700)  # waits in 朝阳区's dispatcher queue
    assert appeal.dispatcher_org == chaoyang.org
    page = chaoyang.browser().get(f"/console/appeals/{appeal.pk}/")
    assert page.context["place"].name == "朝阳区总工会"
    response = post(chaoyang, appeal, "dispatch", org_id=org(ZHONGGUANCUN).pk)
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == "received" and appeal.assigned_org is None


@pytest.mark.django_db
def test_it_runs_the_handling_steps_from_their_forms(street_handler, at_wangjing):
    client = street_handler.browser()
    assert post(client, at_wangjing, "accept").status_code == 302
    response = post(client, at_wangjing, "contact", note="已电话联系职工，约定明天见面")
    assert response["Location"] == f"/console/appeals/{at_wangjing.pk}/"
    page = client.get(response["Location"])
    resolve = next(a for a in page.context["actions"] if a["action"] == "resolve")
    assert any("拖欠的工资" in t for t in resolve["templates"])  # templates of its category
    assert "已完成：已联系职工" in page.content.decode()
    post(client, at_wangjing, "resolve", reply="经协调，单位已补发工资。")
    at_wangjing.refresh_from_db()
    assert at_wangjing.status == "resolved"
    assert at_wangjing.reply == "经协调，单位已补发工资。"
    assert list(at_wangjing.events.values_list("action", flat=True)) == [
        "receive",
        "dispatch",
        "accept",
        "contact",
        "resolve",
    ]


@pytest.mark.django_db
def test_it_shows_a_refusal_as_a_message_and_changes_nothing(street_handler, at_wangjing):
    response = post(street_handler, at_wangjing, "resolve", reply="已解决")
    assert response.status_code == 409
    assert "当前状态（已派单）不能进行" in response.content.decode()
    empty = post(street_handler, at_wangjing, "return", reason="   ")
    assert empty.status_code == 400
    assert "这个字段是必填项" in empty.content.decode()
    at_wangjing.refresh_from_db()
    assert at_wangjing.status == "dispatched" and at_wangjing.return_count == 0


@pytest.mark.django_db
def test_it_keeps_the_typed_text_when_an_action_is_refused(street_handler, at_wangjing):
    move(at_wangjing, street_handler.user, ("accept", {}))
    response = post(street_handler, at_wangjing, "extend", days="45", reason="需要等待仲裁结果")
    assert response.status_code == 400
    assert "需要等待仲裁结果" in response.content.decode()
    assert not Extension.objects.exists()


@pytest.mark.django_db
def test_it_returns_an_appeal_and_sends_the_handler_back_to_the_queue(street_handler, at_wangjing):
    response = post(street_handler, at_wangjing, "return", reason="不属于本街道")
    assert response["Location"] == "/console/appeals/"  # no longer in the handler's scope
    at_wangjing.refresh_from_db()
    assert at_wangjing.status == "received" and at_wangjing.return_count == 1


@pytest.mark.django_db
def test_it_requests_approves_and_rejects_extensions(personas, at_wangjing):
    handler, supervisor = personas["street_handler"], personas["district_supervisor"]
    move(at_wangjing, handler.user, ("accept", {}))
    due = Appeal.objects.get(pk=at_wangjing.pk).resolve_by
    post(handler, at_wangjing, "extend", days="3", reason="需要调取考勤记录")
    assert at_wangjing.extensions.get().status == "pending"
    page = supervisor.browser().get(f"/console/appeals/{at_wangjing.pk}/")
    assert "extension/approve" in action_names(page)
    assert "需要调取考勤记录" in page.content.decode()
    assert post(supervisor, at_wangjing, "extension/approve").status_code == 302
    at_wangjing.refresh_from_db()
    assert at_wangjing.extension_count == 1 and at_wangjing.resolve_by > due

    post(handler, at_wangjing, "extend", days="2", reason="再需两天")
    post(supervisor, at_wangjing, "extension/reject", reason="理由不充分")
    assert list(at_wangjing.extensions.order_by("pk").values_list("status", flat=True)) == [
        "approved",
        "rejected",
    ]
    # The handler may not decide their own request.
    post(handler, at_wangjing, "extend", days="2", reason="第三次")
    assert post(handler, at_wangjing, "extension/approve").status_code == 403


@pytest.mark.django_db
def test_it_supervises_from_above_only(personas, at_wangjing):
    assert post(personas["street_handler"], at_wangjing, "supervise", note="x").status_code == 403
    post(personas["district_supervisor"], at_wangjing, "supervise", note="请今天内联系职工")
    at_wangjing.refresh_from_db()
    assert at_wangjing.supervised


@pytest.mark.django_db
def test_it_merges_into_a_ticket_number_in_scope(operator, client, city_admin):
    main = file()
    duplicate = file(text="公司三个月没发工资了，老板拖着不给，请帮忙。")
    login(client, operator)
    missing = post(client, duplicate, "merge", ticket_no="12351-20200101-000001")
    assert missing.status_code == 400
    assert "不存在或不在您的辖区内" in missing.content.decode()
    assert post(client, duplicate, "merge", ticket_no=main.ticket_no).status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == "merged" and duplicate.merged_into == main
    page = client.get(f"/console/appeals/{main.pk}/").content.decode()
    assert duplicate.ticket_no in page


@pytest.mark.django_db
def test_it_refuses_actions_on_appeals_outside_the_scope_with_404(personas, at_wangjing):
    outsider = personas["outsider"]
    assert post(outsider, at_wangjing, "accept").status_code == 404
    assert post(outsider, at_wangjing, "return", reason="x").status_code == 404
    assert post(personas["street_handler"], at_wangjing, "no-such-action").status_code == 404
    at_wangjing.refresh_from_db()
    assert at_wangjing.status == "dispatched"


# --- callbacks (回访) ---------------------------------------------------------------------------


@pytest.fixture
def resolved(at_wangjing, street_handler) -> Appeal:
    appeal = move(
        at_wangjing,
        street_handler.user,
        ("accept", {}),
        ("contact", {"note": "已联系"}),
        ("resolve", {"reply": "已协调单位补发工资。"}),
    )
    CallbackTask.objects.create(appeal=appeal, due_at=timezone.now())
    return appeal


@pytest.mark.django_db
def test_it_lists_callbacks_in_scope_and_records_the_answer(personas, operator, client, resolved):
    login(client, operator)
    page = client.get("/console/appeals/callbacks/")
    assert [t.appeal for t in page.context["page"]] == [resolved]
    assert "139****5678" in page.content.decode()
    outsider_page = personas["outsider"].browser().get("/console/appeals/callbacks/")
    assert list(outsider_page.context["page"]) == []

    url = f"/console/appeals/callbacks/{resolved.pk}/"
    assert personas["outsider"].browser().post(url, {}).status_code == 404
    refused = (
        personas["street_handler"]
        .browser()
        .post(url, {"resolved": "1", "satisfaction": "satisfied"}, follow=True)
    )
    assert "您的岗位不能对该诉求进行此操作" in refused.content.decode()
    resolved.refresh_from_db()
    assert resolved.status == "resolved"

    done = client.post(url, {"resolved": "1", "satisfaction": "basically", "comment": "还行"})
    assert done.status_code == 302
    resolved.refresh_from_db()
    assert resolved.status == "closed" and resolved.eval_satisfaction == "basically"
    assert CallbackTask.objects.get().done_by == operator
    assert list(client.get("/console/appeals/callbacks/").context["page"]) == []


@pytest.mark.django_db
def test_it_reopens_on_a_callback_saying_not_solved(operator, client, resolved):
    login(client, operator)
    assert "action-callback" in client.get(f"/console/appeals/{resolved.pk}/").content.decode()
    client.post(
        f"/console/appeals/callbacks/{resolved.pk}/",
        {
            "resolved": "0",
            "satisfaction": "unsatisfied",
            "next": f"/console/appeals/{resolved.pk}/",
        },
    )
    resolved.refresh_from_db()
    assert resolved.status == "accepted" and resolved.reopen_count == 1


@pytest.mark.django_db
def test_it_asks_again_for_an_incomplete_callback(operator, client, resolved):
    login(client, operator)
    response = client.post(f"/console/appeals/callbacks/{resolved.pk}/", {}, follow=True)
    assert "请选择是否解决和满意度" in response.content.decode()
    resolved.refresh_from_db()
    assert resolved.status == "resolved"
