"""Small pure helpers of the demo plan: dates, quotas, credit codes and decimals."""

import datetime as dt
import math
import random
from decimal import Decimal

from ...validators import (
    CREDIT_CODE_ALPHABET,
    YONGKANG_REGION_CODE,
    credit_code_check_character,
)
from ..specs import SHANGHAI


def largest_remainder(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` into integers that sum to it exactly."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [math.floor(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(shares[i] - counts[i]), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def workday_back(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def office_hours(rng: random.Random, day: dt.date) -> dt.datetime:
    minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
    return dt.datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=SHANGHAI)


def chain_back(rng: random.Random, last: dt.date, gaps: list[int]) -> list[dt.datetime]:
    """Working-day moments ending on (or just before) ``last``, separated by ``gaps`` days
    at least; strictly increasing, because each day lies before the next."""
    days = [workday_back(last)]
    for gap in reversed(gaps):
        days.append(workday_back(days[-1] - dt.timedelta(days=gap)))
    return [office_hours(rng, day) for day in reversed(days)]


def quantize(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value() * step


def decimal_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def gb11714_check(body: str) -> str:
    """The GB 11714 check digit of an 8-character organisation code."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def credit_code(rng: random.Random) -> str:
    """A 统一社会信用代码 of a Yongkang enterprise: 9 (market regulation), 1 (enterprise),
    330784, an organisation code with its own GB 11714 check digit, then the GB 32100
    check character."""
    if rng.random() < 0.45:
        # Codes issued since 2015 start with MA; Jinhua's run MA28…, MA2D…, MA2E…, MA2H….
        body = "MA2" + rng.choice("8DEH") + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(4))
    else:
        body = rng.choice("17") + "".join(rng.choice("0123456789") for _ in range(7))
    first17 = "91" + YONGKANG_REGION_CODE + body + gb11714_check(body)
    return first17 + credit_code_check_character(first17)
