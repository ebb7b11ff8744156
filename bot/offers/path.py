"""Relief paths: a fixed sequence of candidate plans along which relief only grows.

A path is a chain of stages. Each stage moves one lever toward the debtor (a longer term,
a larger fee waiver, a lower rate, ...) and starts where the previous stage ended, so along
the whole path the regular payment never rises and the relief never falls. Choosing a plan
is then "the first point whose regular payment fits", found by binary search. Because the
path does not depend on the affordable amount, a larger amount can only stop earlier.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

from bot.offers.plans import PlanKind

Lever = Literal["fee", "interest", "discount"]
_ONE_OFF = frozenset({PlanKind.PAY_IN_FULL, PlanKind.SETTLEMENT})


@dataclass(frozen=True, slots=True)
class Point:
    """One candidate plan, before its schedule is built."""

    kind: PlanKind
    months: int
    holiday: int
    apr: Decimal
    fee: Decimal
    interest: Decimal
    discount: Decimal
    stage: str  # which lever this point moved: terms, fee, rate, interest, discount

    @property
    def one_off(self) -> bool:
        return self.kind in _ONE_OFF


class Stage(Protocol):
    @property
    def size(self) -> int: ...

    def at(self, index: int) -> Point: ...


@dataclass(frozen=True, slots=True)
class TermStage:
    """Months from `first` to `last` with every other lever fixed."""

    base: Point
    first: int
    last: int

    @property
    def size(self) -> int:
        return max(0, self.last - self.first + 1)

    def at(self, index: int) -> Point:
        b = self.base  # built directly: dataclasses.replace is the engine's hot spot
        return Point(
            b.kind, self.first + index, b.holiday, b.apr, b.fee, b.interest, b.discount, "terms"
        )


@dataclass(frozen=True, slots=True)
class AmountStage:
    """One waiver or discount growing by the minor unit from `start` to `end`."""

    base: Point
    lever: Lever
    start: Decimal
    end: Decimal
    unit: Decimal

    @property
    def size(self) -> int:
        return 0 if self.end < self.start else int((self.end - self.start) / self.unit) + 1

    def at(self, index: int) -> Point:
        value = min(self.start + self.unit * index, self.end)
        b = self.base
        if self.lever == "fee":
            return Point(b.kind, b.months, b.holiday, b.apr, value, b.interest, b.discount, "fee")
        if self.lever == "interest":
            return Point(b.kind, b.months, b.holiday, b.apr, b.fee, value, b.discount, "interest")
        return Point(b.kind, b.months, b.holiday, b.apr, b.fee, b.interest, value, "discount")


@dataclass(frozen=True, slots=True)
class RateStage:
    """The rate falling by one hundredth of a percent from just below `cap` to `low`."""

    base: Point
    cap: Decimal
    low: Decimal

    step = Decimal("0.01")

    @property
    def size(self) -> int:
        if self.cap <= self.low:
            return 0
        steps = (self.cap - self.low) / self.step
        return int(steps) + (0 if steps == int(steps) else 1)

    def at(self, index: int) -> Point:
        b = self.base
        apr = max(self.cap - self.step * (index + 1), self.low)
        return Point(b.kind, b.months, b.holiday, apr, b.fee, b.interest, b.discount, "rate")


class Path:
    """Stages chained end to end, indexed as one sequence."""

    def __init__(self, stages: Sequence[Stage]) -> None:
        self._stages = [s for s in stages if s.size > 0]
        self._starts: list[int] = []
        total = 0
        for stage in self._stages:
            self._starts.append(total)
            total += stage.size
        self.size = total

    def at(self, index: int) -> Point:
        which = bisect_right(self._starts, index) - 1
        return self._stages[which].at(index - self._starts[which])


def first_index(size: int, holds: Callable[[int], bool]) -> int:
    """The smallest index in [0, size) where a monotone predicate holds; `size` if none."""
    lo, hi = 0, size
    while lo < hi:
        mid = (lo + hi) // 2
        if holds(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo
