"""The JSON API: roles on the server, CSRF for cookie sessions, policies, audit, dashboard."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.commands.base import Storage
from bot.offers import KEYS
from bot.web.api import api, openapi_document
from bot.web.policies import MEANINGS
from tests.engine_support import Clock
from tests.web_support import PLAN_STEPS, WebDebtor, token, web_app

TODAY = datetime.now(UTC).date()

Client = Callable[..., Any]
ADMIN_ONLY = {(op.method, op.path) for op in api.operations if op.role == "admin"}


async def _setup(
    storage: Storage, aiohttp_client: Client, clock: Clock | None = None
) -> tuple[TestClient[Any, Any], dict[str, dict[str, str]]]:
    client: TestClient[Any, Any] = await aiohttp_client(await web_app(storage, clock))
    bearer = {
        role: {"Authorization": f"Bearer {await token(storage, f'{role}-1', role)}"}
        for role in ("agent", "admin")
    }
    return client, bearer


def _example_path(path: str) -> str:
    values = {
        "segment": "us-card-early",
        "reference": "A-10001",
        "conversation_id": "1",
        "handoff_id": "1",
        "approval_id": "1",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], "/api" + path)


_EXAMPLE_BODIES: dict[str, dict[str, Any]] = {
    "/policies/{segment}": {"limits": {}},
    "/handoffs/{handoff_id}/messages": {"text": "Hello"},
    "/handoffs/{handoff_id}/plans": {"option": 0},
}


def _operations() -> list[Any]:
    return [pytest.param(op.method, op.path, id=f"{op.method} {op.path}") for op in api.operations]


@pytest.mark.parametrize(("method", "path"), _operations())
async def test_every_route_needs_sign_in_and_its_role(
    storage: Storage, aiohttp_client: Client, method: str, path: str
) -> None:
    client, bearer = await _setup(storage, aiohttp_client)
    url = _example_path(path)
    body = _EXAMPLE_BODIES.get(path, {}) if method != "GET" else None
    anonymous = await client.request(method, url, json=body)
    assert anonymous.status == 401
    assert (await anonymous.json())["error"] == "sign in first"
    wrong = await client.request(
        method, url, json=body, headers={"Authorization": "Bearer pk_not-a-token"}
    )
    assert wrong.status == 401
    as_agent = await client.request(method, url, json=body, headers=bearer["agent"])
    if (method, path) in ADMIN_ONLY:
        assert as_agent.status == 403
    else:
        assert as_agent.status in (200, 404)
    as_admin = await client.request(method, url, json=body, headers=bearer["admin"])
    assert as_admin.status in (200, 404)


async def test_cookie_sessions_need_the_csrf_token_and_this_origin(
    storage: Storage, aiohttp_client: Client
) -> None:
    client, _ = await _setup(storage, aiohttp_client)
    admin = await token(storage, "cookie-admin", "admin")
    login = await client.post("/auth/login", json={"token": admin})
    assert login.status == 200
    csrf = (await login.json())["csrf"]
    url = "/api/policies/us-card-early"
    change = {"limits": {"max_term_months": "12"}}
    assert (await client.get(url)).status == 200  # reading needs no CSRF token
    assert (await client.put(url, json=change)).status == 403
    wrong = await client.put(url, json=change, headers={"X-CSRF-Token": "guess"})
    assert wrong.status == 403
    foreign = await client.put(
        url, json=change, headers={"X-CSRF-Token": csrf, "Origin": "https://evil.example"}
    )
    assert foreign.status == 403
    done = await client.put(url, json=change, headers={"X-CSRF-Token": csrf})
    assert done.status == 200
    assert (await done.json())["changes"] == {"max_term_months": ["18", "12"]}


@pytest.mark.parametrize(
    ("limits", "status", "message"),
    [
        ({"max_term_months": "0"}, 422, "max_term_months must be a whole number from 1 to 120"),
        ({"max_term_months": 121}, 422, "max_term_months must be a whole number from 1 to 120"),
        ({"min_apr": "7.125"}, 422, "at most 2 decimal places"),
        ({"max_holiday_months": "6", "max_term_months": "6"}, 422, "must be less than"),
        ({"min_instalment": "-5"}, 422, "min_instalment must be a number of at least 0"),
        ({"colour": "blue"}, 400, "body.limits.colour is not a known key"),
        ({"min_apr": 5.5}, 400, "body.limits.min_apr must be"),
        ({"min_apr": "x" * 41}, 400, "at most 40 characters"),
    ],
)
async def test_bad_limits_are_refused_with_a_clear_sentence_and_nothing_changes(
    storage: Storage,
    aiohttp_client: Client,
    limits: dict[str, Any],
    status: int,
    message: str,
) -> None:
    client, bearer = await _setup(storage, aiohttp_client)
    url = "/api/policies/us-card-early"
    response = await client.put(url, json={"limits": limits}, headers=bearer["admin"])
    assert response.status == status
    assert message in (await response.json())["error"]
    history = await (await client.get(url + "/history", headers=bearer["admin"])).json()
    assert [v["version"] for v in history["versions"]] == [1]


async def test_a_change_is_a_new_version_with_who_when_and_old_to_new(
    storage: Storage, aiohttp_client: Client
) -> None:
    client, bearer = await _setup(storage, aiohttp_client)
    url = "/api/policies/us-card-early"
    body = {"limits": {"max_term_months": "6", "min_apr": "4.5"}}
    changed = await (await client.put(url, json=body, headers=bearer["admin"])).json()
    assert (changed["version"], changed["changed"]) == (2, True)
    assert changed["changes"] == {"max_term_months": ["18", "6"], "min_apr": ["5", "4.5"]}
    same = await (await client.put(url, json=body, headers=bearer["admin"])).json()
    assert (same["version"], same["changed"], same["changes"]) == (2, False, {})
    history = await (await client.get(url + "/history", headers=bearer["agent"])).json()
    latest = history["versions"][-1]
    assert (latest["version"], latest["created_by"]) == (2, "admin-1")
    assert latest["limits"]["max_term_months"] == 6
    shown = await (await client.get(url, headers=bearer["agent"])).json()
    assert (shown["version"], shown["limits"]["min_apr"], shown["own"]) == (2, "4.5", True)
    audit = await (await client.get("/api/audit?kind=policy", headers=bearer["admin"])).json()
    assert audit["events"][0]["actor"] == "admin:admin-1"
    assert audit["events"][0]["data"]["changes"]["max_term_months"] == ["18", "6"]


async def test_a_segment_without_a_policy_shows_the_defaults_and_its_first_change_records_all(
    storage: Storage, aiohttp_client: Client
) -> None:
    client, bearer = await _setup(storage, aiohttp_client)
    url = "/api/policies/brand-new"
    before = await (await client.get(url, headers=bearer["agent"])).json()
    assert (before["own"], before["source"]) == (False, "default")
    body = {"limits": {"max_term_months": "9"}}
    first = await (await client.put(url, json=body, headers=bearer["admin"])).json()
    assert first["version"] == 1
    assert set(first["changes"]) == set(KEYS)
    assert first["changes"]["max_term_months"] == [None, "9"]
    listed = await (await client.get("/api/policies", headers=bearer["agent"])).json()
    assert "brand-new" in [p["segment"] for p in listed["policies"]]
    assert listed["keys"] == dict(MEANINGS)


async def test_audit_search_by_kind_reference_and_day(
    storage: Storage, aiohttp_client: Client
) -> None:
    client, bearer = await _setup(storage, aiohttp_client, Clock(datetime.now(UTC)))
    debtor = WebDebtor(client)
    await debtor.send(start="A-20001")
    for step in PLAN_STEPS[:2]:
        await debtor.send(**step)

    async def kinds(query: str) -> list[str]:
        response = await client.get(f"/api/audit?{query}", headers=bearer["admin"])
        assert response.status == 200
        return [e["kind"] for e in (await response.json())["events"]]

    assert "verification.passed" in await kinds("reference=A-20001")
    assert await kinds("reference=A-10001") == []
    assert set(await kinds("kind=verification")) == {"verification.passed"}
    yesterday, tomorrow = TODAY - timedelta(days=1), TODAY + timedelta(days=1)
    assert await kinds(f"kind=verification&from={yesterday}&to={yesterday}") == []
    assert await kinds(f"kind=verification&from={tomorrow}") == []
    assert await kinds(f"kind=verification&from={TODAY}&to={TODAY}") == ["verification.passed"]
    page = await (await client.get("/api/audit?limit=1", headers=bearer["admin"])).json()
    older = await (
        await client.get(
            f"/api/audit?limit=1&before={page['next_before']}", headers=bearer["admin"]
        )
    ).json()
    assert older["events"][0]["id"] < page["events"][0]["id"]


async def test_dashboard_counts_a_finished_conversation(
    storage: Storage, aiohttp_client: Client
) -> None:
    client, bearer = await _setup(storage, aiohttp_client, Clock(datetime.now(UTC)))
    debtor = WebDebtor(client)
    await debtor.send(start="A-20001")
    for step in PLAN_STEPS:
        await debtor.send(**step)
    response = await client.get(
        "/api/dashboard?from=2000-01-01&to=2000-01-31", headers=bearer["admin"]
    )
    empty = await response.json()
    assert (empty["conversations"], len(empty["days"])) == (0, 31)
    figures = await (await client.get("/api/dashboard", headers=bearer["admin"])).json()
    assert figures["conversations"] == 1
    assert figures["verified"] == 1
    assert figures["offers"]["conversations"] == 1
    assert figures["offers"]["accepted"] == 1
    assert figures["arrangements"]["count"] == 1
    assert figures["arrangements"]["totals"] == {"USD": figures["arrangements"]["totals"]["USD"]}
    assert re.fullmatch(r"\d+\.\d\d", figures["arrangements"]["totals"]["USD"])
    assert sum(day["arrangements"] for day in figures["days"]) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-02-30", "from must be a date"),
        ("from=2026-03-01&to=2026-02-01", "from must not be after to"),
        ("from=2020-01-01&to=2026-01-01", "at most 366 days"),
        ("to=yesterday", "to is not valid"),
    ],
)
async def test_dashboard_periods_are_checked(
    storage: Storage, aiohttp_client: Client, query: str, message: str
) -> None:
    client, bearer = await _setup(storage, aiohttp_client)
    response = await client.get(f"/api/dashboard?{query}", headers=bearer["admin"])
    assert response.status == 400
    assert message in (await response.json())["error"]


async def test_an_account_and_its_conversation_never_show_verification_secrets(
    storage: Storage, aiohttp_client: Client
) -> None:
    client, bearer = await _setup(storage, aiohttp_client)
    debtor = WebDebtor(client)
    await debtor.send(start="A-20001")
    for step in PLAN_STEPS:
        await debtor.send(**step)
    account = await (await client.get("/api/accounts/A-20001", headers=bearer["agent"])).json()
    text = str(account)
    assert "hash" not in text
    assert "1985" not in text
    assert account["balance"] == "4655.25"
    assert len(account["arrangements"]) == 1
    plan = account["arrangements"][0]
    total = sum(float(i["amount"]) for i in plan["instalments"])
    assert abs(total - float(plan["total"])) < 0.005
    listed = await (
        await client.get("/api/conversations?reference=A-20001", headers=bearer["agent"])
    ).json()
    assert [c["state"] for c in listed["conversations"]] == ["closed"]
    conversation_id = listed["conversations"][0]["id"]
    shown = await (
        await client.get(f"/api/conversations/{conversation_id}", headers=bearer["agent"])
    ).json()
    assert shown["reference"] == "A-20001"
    assert [o["status"] for o in shown["offers"]].count("accepted") == 1
    assert shown["messages"][0]["direction"] == "in"
    missing = await client.get("/api/accounts/A-99999", headers=bearer["agent"])
    assert missing.status == 404


def test_the_document_describes_every_route_and_its_errors() -> None:
    document = openapi_document()
    declared = {
        (method.upper(), path) for path, methods in document["paths"].items() for method in methods
    }
    assert declared == {(op.method, "/api" + op.path) for op in api.operations}
    for methods in document["paths"].values():
        for operation in methods.values():
            assert {"200", "400", "401", "403"} <= set(operation["responses"])
    put = document["paths"]["/api/policies/{segment}"]["put"]
    assert {"409", "413", "415", "422"} <= set(put["responses"])
    assert set(put["requestBody"]["content"]["application/json"]["schema"]["properties"]) == {
        "limits"
    }
