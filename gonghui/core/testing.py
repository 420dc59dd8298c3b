"""Test helpers shared by every app: personas and the permission matrix.

Later issues use ``check_matrix`` for each endpoint: give it the personas, a function
that makes the request as one persona, and the status each persona must get. Every
route a matrix request reaches is recorded (``MATRIX_COVERED``); when the whole suite
runs, the root conftest fails it if an API route or console page has no matrix test and
is neither public (``gonghui/core/route_matrix.py``) nor a listed gap.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.test import Client

from gonghui.accounts.models import Worker
from gonghui.accounts.services import issue_staff_token, issue_worker_token
from gonghui.orgs.choices import Role
from gonghui.orgs.importers import import_beijing_tree
from gonghui.orgs.models import Org, StaffRole

# name -> (username, role, admin code of the org where the role is held)
STAFF_PERSONAS = {
    "street_handler": ("p-street-handler", Role.HANDLER, "110105026"),  # 望京街道, 朝阳区
    "district_supervisor": ("p-district-supervisor", Role.SUPERVISOR, "110105"),  # 朝阳区
    "city_admin": ("p-city-admin", Role.ADMIN, "110000"),
    "outsider": ("p-outsider", Role.HANDLER, "110108011"),  # 中关村街道, 海淀区
}
COURIER_PHONE = "13812345678"


@dataclass
class Persona:
    name: str
    user: object = None
    org: Org | None = None
    worker: Worker | None = None
    _token: str | None = field(default=None, repr=False)

    @property
    def token(self) -> str:
        if self._token is None:
            if self.worker is not None:
                self._token, _ = issue_worker_token(self.worker)
            else:
                self._token, _ = issue_staff_token(self.user)
        return self._token

    def api(self) -> Client:
        """A test client that sends this persona's bearer token."""
        return Client(headers={"Authorization": f"Bearer {self.token}"})

    def browser(self) -> Client:
        """A test client logged in to the staff console as this persona."""
        client = Client()
        client.force_login(self.user)
        return client

    def console(self) -> Client:
        """The console as this persona: logged in for staff, anonymous for a worker (whom
        every console page sends to the login page)."""
        return self.browser() if self.user is not None else Client()


def ensure_base_data() -> None:
    """Import the real union tree and create the persona accounts, once per database."""
    if not Org.objects.filter(admin_code="110108011").exists():
        import_beijing_tree()
    User = get_user_model()
    for username, role, code in STAFF_PERSONAS.values():
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password("persona-pass-12351")
            user.save()
        StaffRole.objects.get_or_create(user=user, org=Org.objects.get(admin_code=code), role=role)
    if not Worker.objects.exists():
        Worker.objects.create(phone=COURIER_PHONE)


def load_personas() -> dict[str, Persona]:
    ensure_base_data()
    User = get_user_model()
    personas = {}
    for name, (username, _role, code) in STAFF_PERSONAS.items():
        personas[name] = Persona(
            name, user=User.objects.get(username=username), org=Org.objects.get(admin_code=code)
        )
    personas["courier"] = Persona("courier", worker=Worker.objects.order_by("pk").first())
    return personas


def add_dispatcher(personas: dict[str, Persona]) -> dict[str, Persona]:
    """Add a ``dispatcher`` persona: a 派单员 at the city federation (the 12351 desk), for
    matrices that need the fifth staff role. Created in the test's transaction, so it
    does not change the shared personas other tests count on."""
    from gonghui.orgs.services import grant_role

    User = get_user_model()
    user, created = User.objects.get_or_create(username="p-dispatcher")
    if created:
        user.set_password("persona-pass-12351")
        user.save()
    city = Org.objects.get(admin_code="110000")
    grant_role(user=user, org=city, role=Role.DISPATCHER)
    personas["dispatcher"] = Persona("dispatcher", user=user, org=city)
    return personas


def check_matrix(
    personas: Mapping[str, Persona],
    make_request: Callable[[Persona], object],
    expected: Mapping[str, int],
) -> None:
    """Assert the HTTP status every listed persona gets; report all mismatches at once."""
    got = {}
    for name in expected:
        response = make_request(personas[name])
        got[name] = response.status_code
        record_route(response)
    assert got == dict(expected), (
        f"permission matrix mismatch: expected {dict(expected)}, got {got}"
    )


def normalise(route: str) -> str:
    """Write a Django route (``api/v1/x/<int:pk>``) as OpenAPI does (``/api/v1/x/{pk}``)."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.lstrip("^").rstrip("$"))


# (method, route) pairs that a permission-matrix request has reached in this process.
MATRIX_COVERED: set[tuple[str, str]] = set()


def record_route(response) -> None:
    """Remember the route (as the URL resolver names it) and method a response answered."""
    match = getattr(response, "resolver_match", None)
    request = getattr(response, "request", None) or {}
    if match is None or not match.route:
        return
    MATRIX_COVERED.add((request.get("REQUEST_METHOD", "GET").upper(), normalise(match.route)))


def copy_tables_out() -> dict[str, bytes]:
    """Return every table's rows as PostgreSQL binary COPY data (to restore after a flush)."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from gonghui.appeals.models import DeadlinePolicy, RoutingRule
    from gonghui.core.models import CalendarDay, CalendarYear, Generation

    # Left out because the flush's post_migrate fills them again: content types and
    # permissions, the holiday schedule copied from chinese-calendar (with the
    # generation row it bumps; a cache whose token is gone rebuilds, which is harmless),
    # and the default routing rules and deadline policies (appeals/defaults.py).
    refilled = (
        ContentType,
        Permission,
        CalendarYear,
        CalendarDay,
        Generation,
        RoutingRule,
        DeadlinePolicy,
    )
    skip = {model._meta.db_table for model in refilled}
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            if table in skip:
                continue
            query = f"COPY {connection.ops.quote_name(table)} TO STDOUT (FORMAT binary)"
            with cursor.cursor.copy(query) as copy:
                rows[table] = b"".join(bytes(chunk) for chunk in copy)
    return rows


def copy_tables_in(rows: dict[str, bytes]) -> None:
    """Load rows taken by ``copy_tables_out`` into flushed tables and reset the sequences."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection, transaction

    # Django's foreign keys are deferred on PostgreSQL, so the table order does not matter.
    with transaction.atomic(), connection.cursor() as cursor:
        for table, data in rows.items():
            query = f"COPY {connection.ops.quote_name(table)} FROM STDIN (FORMAT binary)"
            with cursor.cursor.copy(query) as copy:
                copy.write(data)
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.db_table in rows
        ]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def schedule_2027() -> dict:
    """A plausible 2027 holiday schedule for tests (NOT the published one, which the
    tests' authors did not have): New Year 1-3 January; Spring Festival Friday 5 to
    Saturday 13 February (New Year's Day of the lunar calendar is Saturday 6 February),
    with make-up working days on Sunday 31 January and Saturday 20 February."""
    from datetime import date, timedelta

    spring = [date(2027, 2, 5) + timedelta(days=i) for i in range(9)]
    return {
        "holidays": [date(2027, 1, d).isoformat() for d in (1, 2, 3)]
        + [d.isoformat() for d in spring],
        "workdays": ["2027-01-31", "2027-02-20"],
        "notice": "国务院办公厅关于2027年部分节假日安排的通知（测试用）",
    }
