"""The route-matrix check itself: it sees every route, its lists are honest, and a
matrix request records the route it reached."""

from gonghui import route_matrix
from gonghui.core.testing import MATRIX_COVERED, check_matrix, normalise


def test_it_writes_django_routes_as_openapi_paths():
    assert (
        normalise("api/v1/appeals/<int:appeal_id>/accept") == "/api/v1/appeals/{appeal_id}/accept"
    )
    assert normalise("console/stations/<pk>/") == "/console/stations/{pk}/"


def test_it_lists_as_public_exactly_the_api_routes_without_auth():
    api = route_matrix.api_routes()
    unauthenticated = {route for route, needs_auth in api.items() if not needs_auth}
    listed = {r for r in route_matrix.PUBLIC if r[1].startswith("/api/")}
    assert unauthenticated == listed


def test_it_finds_the_console_pages_and_the_workflow_routes():
    console = {path for _m, path in route_matrix.console_routes()}
    assert "/console/appeals/{appeal_id}/" in console
    assert "/console/warnings/{warning_id}/{action}/" in console
    assert ("POST", "/api/v1/warnings/{warning_id}/close") in route_matrix.api_routes()


def test_it_lists_only_real_routes_as_gaps():
    real = set(route_matrix.api_routes()) | route_matrix.console_routes()
    assert real >= route_matrix.KNOWN_GAPS


def test_it_records_the_route_a_matrix_request_reached(personas):
    MATRIX_COVERED.discard(("GET", "/api/v1/warnings"))
    check_matrix(
        personas,
        lambda p: p.api().get("/api/v1/warnings"),
        {"street_handler": 200, "courier": 401},
    )
    assert ("GET", "/api/v1/warnings") in MATRIX_COVERED
    missing, _stale = route_matrix.uncovered(MATRIX_COVERED)
    assert ("GET", "/api/v1/warnings") not in missing
