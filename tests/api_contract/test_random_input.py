"""Random bytes, unicode and numbers in every parameter of every operation: never a 5xx.

The operations and their parameter names come from the published OpenAPI document, so a
new endpoint is covered the day it is added. Unlike schemathesis, the values ignore the
schema entirely: huge and negative integers, NaN, raw bytes, control characters and lone
surrogates (in JSON bodies, where they can travel). Every answer must be JSON and below 500.
"""

import json
import math
from collections import Counter
from urllib.parse import quote

import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

EXAMPLES = 8  # per operation

# Just past what a PostgreSQL bigint (or a Python date) can hold: the usual crash.
beyond = st.sampled_from([2**63, 2**64, 10**30, -(2**63) - 1])
numbers = st.one_of(
    st.sampled_from([2**63 - 1, 0, -1]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
)
# Query strings and paths cannot carry a lone surrogate: UTF-8 has no encoding for it.
url_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
any_text = st.text(max_size=40)  # surrogates included: JSON escapes them as \udxxx
raw_bytes = st.binary(max_size=40)


def _as_query_value(value) -> str:
    if isinstance(value, bytes):
        return quote(value, safe="")  # raw bytes, percent-encoded: often not UTF-8
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # "nan", "inf"
    return quote(str(value), safe="")


def _json_value(draw):
    return draw(
        st.one_of(
            any_text,
            numbers.filter(lambda v: not isinstance(v, float) or math.isfinite(v)),
            st.booleans(),
            st.none(),
            st.lists(st.one_of(any_text, numbers.filter(lambda v: isinstance(v, int))), max_size=3),
            st.dictionaries(url_text, any_text, max_size=2),
        )
    )


def _operations(spec: dict) -> list[tuple[str, str, list[dict], list[str], list[str]]]:
    """Return (method, path, parameters, body property names, auth schemes) of each operation."""
    schemas = spec.get("components", {}).get("schemas", {})
    out = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            body_names: list[str] = []
            content = op.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema", {})
            if "$ref" in schema:
                schema = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
            body_names = list(schema.get("properties", {}))
            schemes = [name for requirement in op.get("security", []) for name in requirement]
            out.append((method.upper(), path, op.get("parameters", []), body_names, schemes))
    return out


def test_random_values_in_any_parameter_never_reach_a_server_error(api_world):
    spec = requests.get(f"{api_world.url}/api/v1/openapi.json", timeout=30).json()
    operations = _operations(spec)
    assert len(operations) > 50
    session = requests.Session()
    credentials = {
        "StaffBearer": api_world.staff,
        "OrgApiKey": api_world.api_key,
        "WorkerBearer": api_world.worker,
    }

    def check(operation) -> None:
        method, path, parameters, body_names, schemes = operation
        # Mostly the credentials the operation accepts, sometimes none or the wrong ones.
        accepted = [credentials[s] for s in schemes if s in credentials] or [{}]
        accepted = accepted * 3 + [{}, api_world.worker]

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(data=st.data())
        def run(data):
            headers = dict(data.draw(st.sampled_from(accepted)))
            url, query = path, []
            for param in parameters:
                value = data.draw(st.one_of(beyond, numbers, url_text, raw_bytes))
                if param["in"] == "path":
                    url = url.replace("{" + param["name"] + "}", _as_query_value(value) or "0")
                elif param["in"] == "query" and data.draw(st.integers(0, 3)):
                    query.append(f"{quote(param['name'])}={_as_query_value(value)}")
            body = None
            if method != "GET":
                if body_names and data.draw(st.booleans()):
                    fields = {name: _json_value(data.draw) for name in body_names}
                    body = json.dumps(fields).encode()
                else:
                    body = data.draw(raw_bytes)
                headers["Content-Type"] = "application/json"
            full = f"{api_world.url}{url}" + ("?" + "&".join(query) if query else "")
            response = session.request(method, full, data=body, headers=headers, timeout=60)
            where = f"{method} {url} ?{'&'.join(query)} body={body!r:.200}"
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                failures.append(f"{response.status_code} for {where}")
            elif not response.headers.get("Content-Type", "").startswith("application/json"):
                failures.append(f"not JSON for {where}")
            else:
                json.loads(response.content)

        run()

    failures: list[str] = []
    statuses: Counter[int] = Counter()
    for operation in operations:
        check(operation)
    session.close()
    print(f"\nrandom input: {sum(statuses.values())} requests, statuses {dict(statuses)}")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])
