"""/metrics: Prometheus text format, counted from what really happened."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.commands.base import Storage
from bot.metrics import CONTENT_TYPE, Family, Histogram, render
from bot.storage.models import Message
from tests.web_support import PLAN_STEPS, WebDebtor, token, web_app

Client = Callable[..., Any]
_SAMPLE = re.compile(
    r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?P<labels>\{(?:[a-zA-Z_]\w*="(?:[^"\\]|\\.)*",?)*\})?'
    r" (?P<value>[-+]?(?:\d+(?:\.\d+)?(?:e[-+]?\d+)?|Inf))$"
)


def parse(text: str) -> dict[str, float]:
    """Every sample as ``name{labels}`` -> value; fails on any line outside the format."""
    samples: dict[str, float] = {}
    typed: set[str] = set()
    assert text.endswith("\n")
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            assert kind in ("counter", "gauge", "histogram")
            typed.add(name)
            continue
        if line.startswith("# HELP "):
            continue
        match = _SAMPLE.match(line)
        assert match, line
        family = re.sub(r"_(bucket|sum|count)$", "", match["name"])
        assert match["name"] in typed or family in typed, line
        samples[match["name"] + (match["labels"] or "")] = float(match["value"])
    return samples


def total(samples: dict[str, float], name: str) -> float:
    return sum(v for k, v in samples.items() if k == name or k.startswith(name + "{"))


async def test_metrics_need_a_token_and_count_a_finished_plan(
    storage: Storage, aiohttp_client: Client
) -> None:
    client: TestClient[Any, Any] = await aiohttp_client(await web_app(storage))
    assert (await client.get("/metrics")).status == 401
    bearer = {"Authorization": f"Bearer {await token(storage, 'prometheus', 'agent')}"}
    debtor = WebDebtor(client)
    await debtor.send(start="A-20001")
    for step in PLAN_STEPS:
        await debtor.send(**step)
    other = WebDebtor(await aiohttp_client(client.app))
    await other.send(start="A-30001")
    await other.send(text="I can't go on, I want to end my life")

    response = await client.get("/metrics", headers=bearer)
    assert response.status == 200
    assert response.headers["Content-Type"] == CONTENT_TYPE
    samples = parse(await response.text())
    sends = len(PLAN_STEPS) + 3
    assert samples['parley_messages_in_total{channel="web"}'] == sends
    assert samples['parley_step_seconds_count{channel="web"}'] == sends
    assert samples['parley_step_seconds_bucket{channel="web",le="+Inf"}'] == sends
    buckets = [v for k, v in samples.items() if k.startswith("parley_step_seconds_bucket")]
    assert buckets == sorted(buckets)
    assert samples['parley_steps_total{channel="web",outcome="handled"}'] == sends
    assert total(samples, "parley_offers_total") >= 1
    assert total(samples, "parley_offers_accepted_total") == 1
    assert total(samples, "parley_arrangements_total") == 1
    assert samples['parley_handoffs_total{reason="self_harm"}'] == 1
    assert samples['parley_guard_inbound_total{category="self_harm"}'] == 1
    assert samples['parley_conversations_total{channel="web"}'] == 2
    assert total(samples, "parley_messages_out_total") >= sends
    assert total(samples, "parley_guard_refusals_total") == 0


async def test_a_refused_message_is_counted(storage: Storage, aiohttp_client: Client) -> None:
    client: TestClient[Any, Any] = await aiohttp_client(await web_app(storage))
    bearer = {"Authorization": f"Bearer {await token(storage, 'prometheus', 'agent')}"}
    await WebDebtor(client).send(start="A-20001")
    async with storage.uow() as uow:
        conversation = await uow.conversations.for_chat("web", _only_chat(client))
        assert conversation is not None
        assert conversation.id is not None
        uow.messages.add(
            Message(
                conversation_id=conversation.id,
                channel="web",
                direction="out",
                sender="agent",
                text="(refused)",
                status="blocked",
                created_at=datetime.now(UTC),
            )
        )
        await uow.commit()
    samples = parse(await (await client.get("/metrics", headers=bearer)).text())
    assert samples['parley_guard_refusals_total{sender="agent"}'] == 1


def _only_chat(client: TestClient[Any, Any]) -> str:
    cookie = next(iter(client.session.cookie_jar))
    return cookie.value.split(".", 1)[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", 'x_total{k="plain"} 1'),
        ('say "hi"', 'x_total{k="say \\"hi\\""} 1'),
        ("a\\b", 'x_total{k="a\\\\b"} 1'),
        ("two\nlines", 'x_total{k="two\\nlines"} 1'),
    ],
)
def test_label_values_are_escaped(value: str, expected: str) -> None:
    text = render([Family("x_total", "counter", "h", (("", (("k", value),), 1),))])
    assert text.splitlines()[2] == expected
    assert parse(text)


@pytest.mark.parametrize(
    ("observed", "le_0_01", "le_0_025", "inf"),
    [([0.01], 1, 1, 1), ([0.0100001], 0, 1, 1), ([99.0], 0, 0, 1), ([0.001, 0.02, 7.0], 1, 2, 3)],
)
def test_histogram_buckets_count_values_at_or_below_their_bound(
    observed: list[float], le_0_01: int, le_0_025: int, inf: int
) -> None:
    histogram = Histogram()
    for value in observed:
        histogram.observe(value)
    samples = {
        labels[-1][1]: v for suffix, labels, v in histogram.samples(()) if suffix == "_bucket"
    }
    assert (samples["0.01"], samples["0.025"], samples["+Inf"]) == (le_0_01, le_0_025, inf)
    assert histogram.total == pytest.approx(sum(observed))
