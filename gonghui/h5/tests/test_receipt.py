"""The receipt after filing: only for the worker who filed it."""

import pytest

from gonghui.h5.tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_it_shows_the_ticket_number_next_steps_and_tracking_link(courier, file_for):
    appeal = file_for(courier.worker)
    response = signed_in(courier.worker).get(f"/h5/appeal/{appeal.ticket_no}/receipt/")
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        f'<p class="ticket-no" id="ticket-no" aria-labelledby="ticket-label">{appeal.ticket_no}</p>'
        in html
    )
    assert "复制工单号" in html
    assert "接下来会怎样" in html
    # Not dispatched yet: the policy in plain words (24 hours, 7 working days).
    assert "一般在 24 小时内打电话联系您" in html
    assert "一般在 7 个工作日内办完" in html
    assert f'href="/h5/track/?ticket_no={appeal.ticket_no}"' in html


def test_it_gives_the_dates_once_the_appeal_is_dispatched(courier, file_for, dispatch):
    appeal = dispatch(file_for(courier.worker))
    html = signed_in(courier.worker).get(f"/h5/appeal/{appeal.ticket_no}/receipt/").content.decode()
    assert "望京街道总工会" in html
    assert "最晚在 <b>" in html


def test_it_answers_404_to_another_worker(courier, other_worker, file_for):
    appeal = file_for(courier.worker)
    response = signed_in(other_worker).get(f"/h5/appeal/{appeal.ticket_no}/receipt/")
    assert response.status_code == 404
    assert appeal.ticket_no not in response.content.decode()


def test_it_sends_a_signed_out_visitor_to_sign_in(client, courier, file_for):
    appeal = file_for(courier.worker)
    response = client.get(f"/h5/appeal/{appeal.ticket_no}/receipt/")
    assert response.status_code == 302
    assert response["Location"].startswith("/h5/sign-in/?next=")
