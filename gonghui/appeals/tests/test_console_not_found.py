"""A record outside the user's area answers the console's own 404 page (menu kept), also
under DEBUG, where Django would show its technical page; the API keeps its JSON 404."""

import pytest

from gonghui.appeals import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [True, False])
def test_it_shows_the_consoles_not_found_page_outside_the_area(
    settings, outsider, unionised_employer, debug
):
    settings.DEBUG = debug
    appeal, _ = services.create_appeal(
        services.Intake(
            text="公司已经三个月没有发工资了，老板一直拖着不给。",
            phone="13912345678",
            employer_uscc=unionised_employer.uscc,
        )
    )
    response = outsider.browser().get(f"/console/appeals/{appeal.pk}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="console-not-found"' in html
    assert "不在您的工作范围内" in html and 'class="topbar"' in html
    assert appeal.ticket_no not in html and "Technical" not in html

    api = outsider.api().get(f"/api/v1/appeals/{appeal.pk}")
    assert api.status_code == 404 and api.json()["code"] == "not_found"
