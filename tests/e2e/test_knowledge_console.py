"""Staff search the knowledge base and keep a curated answer."""

import pytest
from playwright.sync_api import expect

from gonghui.knowledge.models import Answer


@pytest.mark.browser
def test_it_searches_and_saves_a_curated_answer(page, demo_data, log_in):
    log_in(page, "demo-district")
    page.get_by_role("navigation", name="功能菜单").get_by_role("link", name="政策知识库").click()
    page.get_by_label("检索法条、典型案例和政策问答").fill("加班费怎么计算")
    page.get_by_role("button", name="检索").click()
    expect(page.get_by_test_id("hits").locator("li").first).to_contain_text("《")

    page.get_by_test_id("new-answer").click()
    form = page.get_by_test_id("answer-form")
    form.get_by_label("问题").fill("周末加班怎么算加班费？")
    form.get_by_label("答复").fill(
        "休息日安排工作又不能安排补休的，支付不低于工资的百分之二百的工资报酬。"
    )
    form.get_by_label("引用法条").fill("labour_law:44")
    form.get_by_label("维护单位").select_option(label="朝阳区总工会")
    form.get_by_label("复核日期").fill("2027-06-30")
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("answers")).to_contain_text("周末加班怎么算加班费？")
    saved = Answer.objects.get(question="周末加班怎么算加班费？")
    assert saved.owner_org.name == "朝阳区总工会"
    assert list(saved.articles.values_list("number", flat=True)) == [44]

    # The answer is found by the search and shown with what it cites.
    page.get_by_label("检索法条、典型案例和政策问答").fill("周末加班 加班费")
    page.get_by_role("button", name="检索").click()
    expect(page.get_by_test_id("hits")).to_contain_text("周末加班怎么算加班费？")
