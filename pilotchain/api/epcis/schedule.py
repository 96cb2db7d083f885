"""Query schedules of scheduled subscriptions (EPCIS 2.0 §8.2.5.3, like cron): each of second,
minute, hour, dayOfMonth, month and dayOfWeek (1 = Monday … 7 = Sunday) is a number, a range
(`1-5` or `[1-5]`) or a comma-separated list of those. A field left out matches any value,
except the fields finer than the finest one given, which mean 0: `hour=1&minute=5` fires once a
day at 01:05:00, not sixty times."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from pilotchain.api.epcis.errors import EpcisException

FIELDS = {"second": (0, 59), "minute": (0, 59), "hour": (0, 23), "dayOfMonth": (1, 31), "month": (1, 12),
          "dayOfWeek": (1, 7)}
_FINEST_FIRST = ("second", "minute", "hour", "dayOfMonth", "month")
_PART = re.compile(r"^\[?(\d+)(?:-(\d+))?\]?$")


def subscription_problem(detail: str) -> EpcisException:
    return EpcisException(400, "SubscriptionControlsException", "Invalid subscription", detail=detail)


def _values(name: str, text: str) -> frozenset[int]:
    low, high = FIELDS[name]
    found: set[int] = set()
    for part in text.split(","):
        match = _PART.match(part.strip())
        if not match:
            raise subscription_problem(f"{name}={text!r}: each part must be a number or a range a-b")
        first, last = int(match[1]), int(match[2] or match[1])
        if not low <= first <= last <= high:
            raise subscription_problem(f"{name}={text!r} is outside {low}-{high}")
        found.update(range(first, last + 1))
    return frozenset(found)


@dataclass(frozen=True)
class Schedule:
    allowed: dict[str, frozenset[int]]

    @classmethod
    def parse(cls, given: dict[str, str]) -> Schedule:
        finest = next((i for i, name in enumerate(_FINEST_FIRST) if name in given), len(_FINEST_FIRST))
        allowed = {}
        for name, (low, high) in FIELDS.items():
            if name in given:
                allowed[name] = _values(name, given[name])
            elif name in _FINEST_FIRST and _FINEST_FIRST.index(name) < finest:
                allowed[name] = frozenset({low})
            else:
                allowed[name] = frozenset(range(low, high + 1))
        return cls(allowed)

    def next_after(self, moment: datetime) -> datetime:
        """The first firing time strictly after `moment` (within the next eight years)."""
        start = moment.replace(microsecond=0) + timedelta(seconds=1)
        a = self.allowed
        for offset in range(366 * 8):
            day = start.date() + timedelta(days=offset)
            if day.month not in a["month"] or day.day not in a["dayOfMonth"] or day.isoweekday() not in a["dayOfWeek"]:
                continue
            for hour in sorted(a["hour"]):
                for minute in sorted(a["minute"]):
                    for second in sorted(a["second"]):
                        fire = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=moment.tzinfo)
                        if fire >= start:
                            return fire
        raise subscription_problem("the schedule never fires")
