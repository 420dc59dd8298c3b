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
    from gonghui.appeals import tables
    from gonghui.core import workdays

    workdays._cache.clear()
    tables.clear()  # routing rules, deadlines and tier orgs, the same way


def _whole_suite(config) -> bool:
    # Only a run of everything can say a route has no matrix test anywhere: no paths
    # given (pytest then runs ``testpaths``), or exactly those paths, and no -k / -m.
    testpaths = set(config.getini("testpaths"))
    given = {str(a).rstrip("/") for a in config.args}
    whole = config.args_source != pytest.Config.ArgsSource.ARGS or given in (testpaths, {"."})
    return whole and not config.option.keyword and not config.option.markexpr


def pytest_sessionfinish(session, exitstatus):
    """Fail the whole-suite run when an API route or console page has no matrix test."""
    import json
    import os

    from gonghui.core.testing import MATRIX_COVERED
    from gonghui.route_matrix import uncovered

    if os.environ.get("GONGHUI_MATRIX_DUMP"):  # for updating KNOWN_GAPS after a full run
        with open(os.environ["GONGHUI_MATRIX_DUMP"], "w") as f:
            json.dump(sorted(MATRIX_COVERED), f, ensure_ascii=False, indent=0)
    if exitstatus != 0 or not _whole_suite(session.config):
        return

    missing, stale = uncovered(MATRIX_COVERED)
    if missing or stale:
        lines = [f"  no permission-matrix test: {m} {p}" for m, p in missing]
        lines += [f"  covered now, remove from KNOWN_GAPS: {m} {p}" for m, p in stale]
        session.config.get_terminal_writer().line(
            "route matrix check (gonghui/route_matrix.py):\n" + "\n".join(lines), red=True
        )
        session.exitstatus = 1
