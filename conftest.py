"""Personas for every test: a courier, a street handler, a district supervisor, a city
admin and an outsider from another district (who must get 404 everywhere)."""

import pytest

from gonghui.core.testing import ensure_base_data, load_personas


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The real tree is imported once; tests roll back their own changes on top of it.
    with django_db_blocker.unblock():
        ensure_base_data()
        from gonghui.knowledge.models import Document

        if not Document.objects.exists():
            from gonghui.knowledge.importer import import_laws

            import_laws()


@pytest.fixture(scope="session", autouse=True)
def triage_model():
    """Train the triage model once per session (no model file on disk is assumed)."""
    from gonghui.triage import classifier, training

    model = training.train(use_corrections=False)
    classifier.set_model(model)
    return model


@pytest.fixture
def personas(db):
    return load_personas()


@pytest.fixture
def courier(personas):
    return personas["courier"]


@pytest.fixture
def street_handler(personas):
    return personas["street_handler"]


@pytest.fixture
def district_supervisor(personas):
    return personas["district_supervisor"]


@pytest.fixture
def city_admin(personas):
    return personas["city_admin"]


@pytest.fixture
def outsider(personas):
    return personas["outsider"]


@pytest.fixture(autouse=True)
def _sms_log(settings, tmp_path):
    """Each test writes its text messages to its own file."""
    settings.GONGHUI_SMS_LOG = tmp_path / "sms.log"
    return settings.GONGHUI_SMS_LOG


@pytest.fixture(autouse=True)
def _fresh_holiday_schedule():
    """Drop this process's copy of the holiday schedule after each test: a test's
    rolled-back change (a 2027 schedule entered) must not leak into the next test."""
    yield
    from gonghui.core import workdays

    workdays._cache.clear()
