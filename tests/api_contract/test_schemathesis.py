"""Schemathesis over /api/v1/openapi.json, over real HTTP, as staff, a worker and an API key.

Every operation of the published schema gets a bounded number of generated requests,
valid ones and invalid ones, from a fixed seed (hypothesis' derandomize), each sent with
the credentials the operation accepts. Every answer must be: no server error, a status
the schema documents for that operation, the documented content type, and a body valid
against the documented schema. All failures are gathered and reported together.

``GONGHUI_SCHEMATHESIS_EXAMPLES`` raises the count for a deeper run by hand.
"""

import os
import time
from collections import Counter

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("GONGHUI_SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _credentials(world, security: list[dict]) -> list[dict[str, str]]:
    """Return the headers of every credential the operation accepts (none: public)."""
    schemes = {name for requirement in security for name in requirement}
    out = []
    if "StaffBearer" in schemes:
        out += [world.staff, world.handler]
    if "OrgApiKey" in schemes:
        out.append(world.api_key)
    if "WorkerBearer" in schemes:
        out.append(world.worker)
    return out or [{}]


def _seed(world) -> None:
    """File an appeal and open a station over HTTP, so lists answer real rows to check."""
    r = requests.post(
        f"{world.url}/api/v1/appeals",
        json={
            "text": "外卖平台拖欠我三个月工资，共计八千元，站长不接电话。",
            "phone": "13812345678",
        },
        headers=world.api_key,
        timeout=60,
    )
    assert r.status_code == 201, r.text
    r = requests.post(
        f"{world.url}/api/v1/stations",
        json={
            "kind": "warm_station",
            "name": "望京驿站",
            "owner": world.handler_org_id,
            "host_kind": "petrol",
            "address": "朝阳区望京街道某路1号",
            "lat": 39.9968,
            "lng": 116.4803,
            "crs": "gcj02",
            "hours": [[["00:00", "24:00"]] for _ in range(7)],
        },
        headers=world.staff,
        timeout=60,
    )
    assert r.status_code == 201, r.text


def test_it_answers_every_generated_request_as_its_schema_says(api_world):
    _seed(api_world)
    spec = requests.get(f"{api_world.url}/api/v1/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(spec)
    session = requests.Session()
    failures: list[str] = []
    sent: Counter[str] = Counter()
    kinds: Counter[str] = Counter()  # failures by check
    waited = [0.0]  # seconds spent waiting for the server (the rest is generation)
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50, "the schema lost operations"

    for operation in operations:
        raw = spec["paths"][operation.path]
        security = raw[operation.method.lower()].get("security", [])
        credentials = _credentials(api_world, security)
        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @hypothesis.settings(
            max_examples=EXAMPLES,
            derandomize=True,  # a fixed seed: the same requests on every run
            database=None,
            deadline=None,
            phases=[Phase.generate],  # failures are reported, not shrunk (bounded time)
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, headers=st.sampled_from(credentials))
        def run(case, headers):
            sent[case.operation.label] += 1
            before = time.monotonic()
            response = case.call(base_url=api_world.url, session=session, headers=headers)
            waited[0] += time.monotonic() - before
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as exc:  # collected, reported at the end
                for failure in getattr(exc, "exceptions", [exc]):
                    kinds[getattr(failure, "title", type(failure).__name__)] += 1
                failures.append(f"{case.operation.label}: {type(exc).__name__}: {str(exc)[:700]}")

        run()

    elapsed = time.monotonic() - started
    print(
        f"\nschemathesis: {len(operations)} operations, {sum(sent.values())} requests, "
        f"{len(failures)} failures, {elapsed:.1f} s ({waited[0]:.1f} s waiting for answers)"
        + "".join(f"\n  {n} x {kind}" for kind, n in kinds.most_common())
    )
    session.close()
    assert not failures, f"{len(failures)} failures:\n" + "\n\n".join(failures[:40])
