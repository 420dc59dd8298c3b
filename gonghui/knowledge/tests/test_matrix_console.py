"""The permission matrix of the knowledge console pages: searching the laws and the
answer library is for staff; an answer is kept by an org in the author's scope."""

import pytest

from gonghui.core.testing import add_dispatcher, check_matrix
from gonghui.knowledge.models import Answer
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db

EVERY_STAFF = {
    "courier": 302,
    "street_handler": 200,
    "district_supervisor": 200,
    "city_admin": 200,
    "dispatcher": 200,
    "outsider": 200,
}


@pytest.fixture
def everyone(personas):
    return add_dispatcher(personas)


def test_the_search_page(everyone):
    check_matrix(
        everyone, lambda p: p.console().get("/console/knowledge/", {"q": "拖欠工资"}), EVERY_STAFF
    )
    page = everyone["street_handler"].console().get("/console/knowledge/", {"q": "拖欠工资"})
    assert page.context["hits"]


def test_writing_an_answer(everyone):
    check_matrix(
        everyone, lambda p: p.console().get("/console/knowledge/answers/new/"), EVERY_STAFF
    )
    wangjing = Org.objects.get(admin_code="110105026")

    def post(p):
        return p.console().post(
            "/console/knowledge/answers/new/",
            {
                "question": f"{p.name}：外卖骑手被拖欠工资怎么办？",
                "answer": "可以向劳动保障监察机构投诉，或申请劳动仲裁。",
                "articles": "",
                "owner_org": wangjing.pk,
                "review_by": "2027-06-30",
                "active": "on",
            },
        )

    # 望京 is outside the outsider's scope: the form refuses it as a choice.
    check_matrix(
        everyone,
        post,
        {
            "courier": 302,
            "street_handler": 302,
            "district_supervisor": 302,
            "city_admin": 302,
            "dispatcher": 302,
            "outsider": 400,
        },
    )
    authors = {q.split("：")[0] for q in Answer.objects.values_list("question", flat=True)}
    assert authors == {"street_handler", "district_supervisor", "city_admin", "dispatcher"}
