import pytest
from django.db import connection


@pytest.mark.django_db
def test_it_reports_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_it_reports_503_when_the_database_is_unreachable(client):
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    connection.close()
    # A real unreachable server: a port nothing listens on, or a path that cannot open.
    if connection.vendor == "postgresql":
        settings_dict["PORT"] = 1
    else:
        settings_dict["NAME"] = "/nonexistent-dir/db.sqlite3"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        settings_dict.clear()
        settings_dict.update(saved)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}
