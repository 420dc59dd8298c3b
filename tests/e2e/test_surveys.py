"""Browser tests of surveys: answering on a 360 px phone through a public link (the
server decides which questions show), and the results page's charts."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from gonghui.orgs.models import Org
from gonghui.surveys import services
from gonghui.surveys.models import Response
from gonghui.surveys.testing import make_xlsx

ROWS = [
    ["select_one yn", "has_need", "您是否有需求", "", "", "", "yes", "", ""],
    ["select_multiple need", "kinds", "需求类型", "${has_need} = 'yes'", "", "", "yes", "", ""],
    ["integer", "age", "年龄", "", ". >= 16 and . <= 70", "年龄应在16到70之间", "yes", "", ""],
    ["text", "note", "<b>其他</b>想法", "", "", "", "", "", ""],
]
CHOICES = [
    ["yn", "yes", "是", ""],
    ["yn", "no", "否", ""],
    ["need", "housing", "住房", ""],
    ["need", "training", "<img src=x onerror=alert(1)>培训", ""],
]


def _public_survey() -> tuple[int, str]:
    admin = get_user_model().objects.get(username="demo-admin")
    org = Org.objects.get(admin_code="110105")
    survey, _v = services.import_xlsform(
        admin, org, make_xlsx(ROWS, CHOICES), "e2e.xlsx", anonymous=False, audience="public"
    )
    services.set_survey_status(admin, survey.pk, "open")
    dist = services.create_distribution(admin, survey, "e2e")
    return survey.pk, services.distribution_token(dist)


@pytest.mark.browser
def test_it_answers_a_survey_on_a_360px_phone(phone_page: Page, demo_data) -> None:
    pk, token = _public_survey()
    page = phone_page
    page.goto(f"/h5/surveys/{pk}/?t={token}")
    form = page.get_by_test_id("survey-form")
    expect(form).to_have_attribute("data-ready", "1")
    kinds = page.locator("fieldset[data-name=kinds]")
    expect(kinds).to_be_hidden()
    page.get_by_label("是", exact=True).check()
    expect(kinds).to_be_visible()
    page.get_by_label("住房").check()
    page.get_by_label("年龄").fill("12")
    page.get_by_test_id("submit").click()
    expect(page.locator("[data-error-for=age]")).to_have_text("年龄应在16到70之间")
    page.get_by_label("年龄").fill("35")
    # Answering "no" hides the needs again: their answer must not be stored.
    page.get_by_label("否", exact=True).check()
    expect(kinds).to_be_hidden()
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("thanks")).to_be_visible()
    stored = Response.objects.get(survey_id=pk).answers
    assert stored == {"has_need": "no", "age": 35}
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    # User text from the form is shown as text, not markup.
    assert page.locator("fieldset[data-name=note] legend b").count() == 0


@pytest.mark.browser
def test_it_charts_the_results_with_small_cells_hidden(page: Page, demo_data, log_in) -> None:
    pk, token = _public_survey()
    survey = services.Survey.objects.select_related("current").get(pk=pk)
    for i in range(6):
        answers = (
            {"has_need": "yes", "kinds": ["housing"], "age": 30}
            if i < 5
            else {"has_need": "no", "age": 40}
        )
        services.submit(survey, answers, ip=f"10.0.0.{i}")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    log_in(page, "demo-admin")
    page.goto(f"/console/surveys/{pk}/")
    expect(page.get_by_test_id("responses")).to_contain_text("6")
    charts = page.get_by_test_id("charts")
    expect(charts).to_have_attribute("data-ready", "3")
    expect(page.locator(".survey-chart[data-question=has_need] canvas")).to_have_count(1)
    assert dialogs == []


@pytest.mark.browser
def test_it_builds_a_rating_and_matrix_survey_answers_it_and_draws_a_heat_map(
    page: Page, phone_page: Page, demo_data, log_in
) -> None:
    log_in(page, "demo-admin")
    page.goto("/console/surveys/")
    page.get_by_test_id("new-survey").click()
    page.get_by_label("问卷标题").fill("驿站体验")
    page.get_by_label("作答范围").select_option("public")
    page.get_by_label("题型 1", exact=True).select_option("rating")
    page.get_by_label("名称 1", exact=True).fill("stars")
    page.get_by_label("题目文字 1", exact=True).fill("总体评分")
    page.get_by_label("必答 1", exact=True).check()
    page.get_by_label("评分满分 1", exact=True).fill("5")
    page.get_by_label("题型 2", exact=True).select_option("matrix")
    page.get_by_label("名称 2", exact=True).fill("grid")
    page.get_by_label("题目文字 2", exact=True).fill("各项评价")
    page.get_by_label("必答 2", exact=True).check()
    page.get_by_label("选项 2", exact=True).fill("good=满意\nbad=<i>不满意</i>")
    page.get_by_label("矩阵行 2", exact=True).fill("clean=卫生\nwarm=温度")
    # A show-if naming a question below is refused with its row marked.
    page.get_by_label("题型 3", exact=True).select_option("text")
    page.get_by_label("题目文字 3", exact=True).fill("原因")
    page.get_by_label("显示条件 3", exact=True).fill("${later} = 'x'")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("build-errors")).to_be_visible()
    expect(page.get_by_text("显示条件只能引用上方的题目")).to_be_visible()
    page.get_by_label("显示条件 3", exact=True).fill("${stars} <= 2")
    page.get_by_test_id("save").click()
    page.get_by_test_id("open").click()
    page.get_by_label("渠道").fill("e2e")
    page.get_by_test_id("make-link").click()
    link = page.get_by_test_id("public-link").get_attribute("href")
    survey = services.Survey.objects.get(title="驿站体验")
    phone_page.goto(link)
    expect(phone_page.get_by_test_id("survey-form")).to_have_attribute("data-ready", "1")
    why = phone_page.locator("fieldset[data-name=q3]")
    phone_page.get_by_label("卫生 满意").check()
    phone_page.get_by_test_id("submit").click()
    expect(phone_page.locator("[data-error-for=stars]")).not_to_be_empty()
    phone_page.locator("fieldset[data-name=stars] input[value='4']").check()
    expect(why).to_be_hidden()
    phone_page.get_by_test_id("submit").click()
    expect(phone_page.locator("[data-error-for=grid]")).to_have_text("每一行都须作答。")
    phone_page.get_by_label("温度 <i>不满意</i>").check()
    phone_page.get_by_test_id("submit").click()
    expect(phone_page.get_by_test_id("thanks")).to_be_visible()
    assert Response.objects.get(survey=survey).answers == {
        "stars": 4,
        "grid": {"clean": "good", "warm": "bad"},
    }
    survey.refresh_from_db()
    for i in range(5):
        services.submit(
            survey, {"stars": 5, "grid": {"clean": "good", "warm": "good"}}, ip=f"10.1.0.{i}"
        )
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"/console/surveys/{survey.pk}/")
    expect(page.get_by_test_id("charts")).to_have_attribute("data-ready", "2")
    # The heat map draws on canvases of its own (ECharts adds layers for the heat map).
    expect(page.locator(".survey-chart[data-question=grid] canvas").first).to_be_visible()
    assert dialogs == []
