"""schemathesis against the real API on 127.0.0.1: generated requests, from the OpenAPI
document the server publishes, must never produce a server error or break the document."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")

import requests  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from bot.web.api import openapi_document  # noqa: E402
from tests.web_support import serve_in_thread  # noqa: E402

schema = schemathesis.openapi.from_dict(openapi_document())
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@dataclass
class LiveApi:
    url: str
    admin: str


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    database = tmp_path_factory.mktemp("api") / "parley.db"
    with serve_in_thread(database) as server:
        yield LiveApi(server.url, server.tokens["admin"])


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_document(case: schemathesis.Case, live_api: LiveApi) -> None:
    case.call_and_validate(
        base_url=live_api.url,
        headers={"Authorization": f"Bearer {live_api.admin}"},
        checks=CHECKS,
        timeout=10,
    )


def test_the_published_document_is_the_one_tested(live_api: LiveApi) -> None:
    bearer = {"Authorization": f"Bearer {live_api.admin}"}
    published = requests.get(f"{live_api.url}/api/openapi.json", headers=bearer, timeout=10)
    assert published.json() == openapi_document()
    anonymous = requests.get(f"{live_api.url}/api/openapi.json", timeout=10)
    assert anonymous.status_code == 401
