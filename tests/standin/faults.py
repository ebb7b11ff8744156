"""Faults the stand-in can inject, changeable while it runs and deterministic when seeded.

    faults.delay = 0.05                                  # 50 ms round trip on every call
    faults.refuse("sendMessage", times=2)                # next two: 429, retry_after 1
    faults.refuse("sendMessage", rate=0.02)              # 2% of them (StandIn(seed=...))
    faults.refuse("getUpdates", nth=[2], status=500)     # only the 2nd from now
    faults.hang("sendMessage", seconds=10, apply=True)   # sent, but the answer never comes
    faults.duplicate_updates(times=1)                    # next update delivered twice
    faults.limit_sends()                                 # Telegram's flood control

Random draws come from one ``random.Random(seed)`` in call-arrival order.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from tests.standin.methods import ApiError

DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class Rule:
    method: str  # a Bot API method name, or "*" for every method
    times: int | None = None  # the next N matching calls
    nth: frozenset[int] = frozenset()  # these positions (1-based) among matching calls
    rate: float = 0.0  # this fraction of matching calls
    seen: int = 0

    def matches(self, method: str, rng: random.Random) -> bool:
        if self.method not in ("*", method):
            return False
        self.seen += 1
        if self.times is not None:
            if self.times <= 0:
                return False
            self.times -= 1
            return True
        if self.nth:
            return self.seen in self.nth
        return rng.random() < self.rate

    @property
    def spent(self) -> bool:
        return (self.times is not None and self.times <= 0) or (
            bool(self.nth) and self.seen >= max(self.nth)
        )


@dataclass
class Refusal(Rule):
    status: int = 429
    retry_after: int = 1
    description: str | None = None

    def error(self) -> ApiError:
        if self.status == 429:
            return ApiError(
                429,
                self.description or f"Too Many Requests: retry after {self.retry_after}",
                {"retry_after": self.retry_after},
            )
        return ApiError(self.status, self.description or DESCRIPTIONS.get(self.status, "Error"))


@dataclass
class Hang(Rule):
    seconds: float = 30.0
    apply: bool = False  # True: the call takes effect and only its answer is late


@dataclass
class FloodControl:
    """Token buckets like Telegram's: about 1 message/s per chat, 20/min per group, 30/s."""

    per_chat: float = 1.0
    per_chat_burst: int = 3
    per_group_per_minute: float = 20.0
    overall: float = 30.0
    _chats: dict[int, deque[float]] = field(default_factory=dict)
    _all: deque[float] = field(default_factory=deque)

    def check(self, chat_id: int, now: float) -> int:
        """0 when the message may go; otherwise seconds to wait (retry_after)."""
        window, limit = (
            (60.0, self.per_group_per_minute)
            if chat_id < 0
            else (
                self.per_chat_burst / self.per_chat,
                float(self.per_chat_burst),
            )
        )
        sent = self._chats.setdefault(chat_id, deque())
        wait = max(_wait(sent, window, limit, now), _wait(self._all, 1.0, self.overall, now))
        if wait > 0:
            return max(1, math.ceil(wait))
        sent.append(now)
        self._all.append(now)
        return 0


def _wait(sent: deque[float], window: float, limit: float, now: float) -> float:
    while sent and sent[0] <= now - window:
        sent.popleft()
    return sent[0] + window - now if len(sent) >= limit else 0.0


class Faults:
    def __init__(self, seed: int = 0) -> None:
        self.delay = 0.0  # seconds of round trip added to every call, half each way
        self.injected: Counter[str] = Counter()  # "429 sendMessage" -> count
        self.flood: FloodControl | None = None
        self._rng = random.Random(seed)
        self._refusals: list[Refusal] = []
        self._hangs: list[Hang] = []
        self._duplicates = Rule("*")

    def seed(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def refuse(
        self,
        method: str,
        *,
        times: int | None = None,
        nth: Iterable[int] = (),
        rate: float = 0.0,
        status: int = 429,
        retry_after: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer matching calls with an error instead of running them."""
        positions = frozenset(nth)
        self._refusals.append(
            Refusal(
                method,
                _times(times, positions, rate),
                positions,
                rate,
                0,
                status,
                retry_after,
                description,
            )
        )

    def hang(
        self,
        method: str,
        *,
        times: int | None = 1,
        nth: Iterable[int] = (),
        rate: float = 0.0,
        seconds: float = 30.0,
        apply: bool = False,
    ) -> None:
        """Hold matching calls for ``seconds`` (longer than the client's timeout)."""
        nth = frozenset(nth)
        times = None if nth or rate else times
        self._hangs.append(Hang(method, times, nth, rate, 0, seconds, apply))

    def duplicate_updates(
        self, *, times: int | None = None, nth: Iterable[int] = (), rate: float = 0.0
    ) -> None:
        """Deliver matching updates twice (getUpdates: again in the next answer)."""
        positions = frozenset(nth)
        self._duplicates = Rule("*", _times(times, positions, rate), positions, rate)

    def limit_sends(self, flood: FloodControl | None = None) -> None:
        self.flood = flood or FloodControl()

    def clear(self) -> None:
        self.delay = 0.0
        self.flood = None
        self._refusals.clear()
        self._hangs.clear()
        self._duplicates = Rule("*")

    # -- used by the server -------------------------------------------------------------

    def refusal(self, method: str) -> ApiError | None:
        for rule in self._refusals:
            if rule.matches(method, self._rng):
                self.injected[f"{rule.status} {method}"] += 1
                return rule.error()
        self._refusals = [rule for rule in self._refusals if not rule.spent]
        return None

    def hang_for(self, method: str) -> Hang | None:
        for rule in self._hangs:
            if rule.matches(method, self._rng):
                self.injected[f"hang {method}"] += 1
                return rule
        self._hangs = [rule for rule in self._hangs if not rule.spent]
        return None

    def duplicate(self) -> bool:
        if self._duplicates.matches("*", self._rng):
            self.injected["duplicate update"] += 1
            return True
        return False

    def flood_refusal(self, method: str, chat_id: object) -> ApiError | None:
        if self.flood is None or method != "sendMessage" or not isinstance(chat_id, int):
            return None
        wait = self.flood.check(chat_id, time.monotonic())
        if not wait:
            return None
        self.injected[f"flood {method}"] += 1
        return ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})


def _times(times: int | None, nth: frozenset[int], rate: float) -> int | None:
    """With neither nth nor rate, a rule fires once."""
    if times is not None:
        return times
    return None if (nth or rate) else 1
