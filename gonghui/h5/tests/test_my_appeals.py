"""我的诉求: a signed-in worker's own appeals, newest first."""

import pytest

from gonghui.h5.tests.conftest import signed_in

pytestmark = pytest.mark.django_db

SOCIAL_INSURANCE = "单位一直不给缴纳社会保险，想问问该怎么办。"


def test_it_lists_only_the_workers_own_appeals_newest_first(courier, other_worker, file_for):
    older = file_for(courier.worker)
    newer = file_for(courier.worker, text=SOCIAL_INSURANCE)
    theirs = file_for(other_worker)

    response = signed_in(courier.worker).get("/h5/my/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(newer.ticket_no) < html.index(older.ticket_no)
    assert theirs.ticket_no not in html
    assert "已受理" in html
    assert f'href="/h5/my/{newer.ticket_no}/"' in html


def test_it_shows_an_own_appeal_and_404_for_anyone_else(courier, other_worker, file_for):
    appeal = file_for(courier.worker)
    url = f"/h5/my/{appeal.ticket_no}/"
    own = signed_in(courier.worker).get(url)
    assert own.status_code == 200
    assert appeal.text in own.content.decode()
    assert signed_in(other_worker).get(url).status_code == 404


def test_it_asks_a_signed_out_visitor_to_sign_in(client):
    response = client.get("/h5/my/")
    assert response.status_code == 302
    assert response["Location"] == "/h5/sign-in/?next=/h5/my/"


def test_it_links_my_appeals_from_home_once_signed_in(courier):
    assert 'href="/h5/my/"' in signed_in(courier.worker).get("/h5/").content.decode()
