"""Small helpers the black-box tests share; they speak HTTP only."""

import httpx

COURIER_PHONE = "13812345678"


def org_id(client: httpx.Client, name: str, admin_code: str) -> int:
    """Return the id of the org named ``name`` with this administrative code, found by search."""
    answer = client.get("/api/v1/orgs", params={"q": name, "limit": 50})
    assert answer.status_code == 200, answer.text
    found = [o["id"] for o in answer.json()["results"] if o["admin_code"] == admin_code]
    assert len(found) == 1, answer.json()
    return found[0]


def refused(response: httpx.Response, status: int, code: str) -> dict:
    """Assert an error answer's status and code; return its body."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    body = response.json()
    assert body["code"] == code, body
    return body
