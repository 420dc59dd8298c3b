"""Every route that needs a permission-matrix test, and the ones that do not yet have one.

The API routes come from the OpenAPI schema (method and path); the console pages from
the URL resolver (every pattern under ``/console/``, any method). A route is covered
when a test's ``check_matrix`` request reached it (``core.testing.MATRIX_COVERED``).
``PUBLIC`` lists the routes anyone may call (checked: they must carry no auth);
``KNOWN_GAPS`` the routes without a matrix test when this check was introduced. Both
lists may only shrink: a covered route still listed as a gap fails too, so the list
stays honest. New routes get a matrix test (``docs/adding-an-app.md``).
"""

from django.urls import URLPattern, URLResolver, get_resolver

from gonghui.core.testing import normalise

ANY = "*"

# Anyone may call these (no auth on the route): sign-in, tracking, public finders.
PUBLIC: set[tuple[str, str]] = {
    ("GET", "/api/v1/"),
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/otp/request"),
    ("POST", "/api/v1/auth/otp/verify"),
    ("GET", "/api/v1/appeals/track"),
    ("POST", "/api/v1/appeals/track/evaluate"),
    ("GET", "/api/v1/geo/locate"),
    ("GET", "/api/v1/stations"),
    ("GET", "/api/v1/stations/nearby"),
    ("GET", "/api/v1/stations/{position_id}"),
    ("POST", "/api/v1/stations/{position_id}/checkins"),
    # The relief programmes and the materials each needs: public, so a worker can read
    # what to prepare before signing in.
    ("GET", "/api/v1/care/programmes"),
    # A survey's form and answers: a signed public link (?t=) or the worker's bearer.
    ("GET", "/api/v1/surveys/{survey_id}/form"),
    ("POST", "/api/v1/surveys/{survey_id}/responses"),
    (ANY, "/console/login/"),
    (ANY, "/console/logout/"),
}

# Routes without a permission-matrix test when this check came in (found by a whole-suite
# run); remove an entry when its test exists. A new route never goes here.
# Empty since 2026-12-02: every route of every app has a matrix test. It stays as the
# place a whole-suite run would name a gap, and must stay empty.
KNOWN_GAPS: set[tuple[str, str]] = set()


def api_routes() -> dict[tuple[str, str], bool]:
    """Return ``{(METHOD, path): needs_auth}`` for every API operation."""
    from gonghui.api import api

    spec = api.get_openapi_schema()
    routes = {}
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            routes[(method.upper(), path)] = bool(op.get("security"))
    return routes


def console_routes() -> set[tuple[str, str]]:
    """Return ``{("*", path)}`` for every URL pattern under ``/console/``."""
    found: set[tuple[str, str]] = set()

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and route.startswith("console/"):
                found.add((ANY, normalise(route)))

    walk(get_resolver().url_patterns, "")
    return found


def uncovered(covered: set[tuple[str, str]]) -> tuple[list, list]:
    """Return (routes with no matrix test, gaps listed but covered now)."""
    covered_paths = {path for _method, path in covered}
    required = set(api_routes()) | console_routes()

    def is_covered(route) -> bool:
        method, path = route
        return (method, path) in covered or (method == ANY and path in covered_paths)

    missing = sorted(r for r in required - PUBLIC - KNOWN_GAPS if not is_covered(r))
    stale = sorted(r for r in KNOWN_GAPS if is_covered(r) or r not in required)
    return missing, stale
