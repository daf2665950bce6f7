"""Data for the list and export tests: a published one-indicator scheme and a way to
publish declarations against it at a chosen instant, through the services."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from benchmarking.services.declarations import declaration_create, declaration_publish
from benchmarking.services.schemes import scheme_publish
from tests.factories import IndicatorFactory, SchemeFactory

SH = ZoneInfo("Asia/Shanghai")


def sh(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    """An aware instant on a Shanghai wall clock."""
    return dt.datetime(year, month, day, hour, tzinfo=SH)


EARLY = sh(2024, 1, 10)


@pytest.fixture
def list_scheme(bureau_staff):
    """A scheme published long before every instant the tests ask about, with one
    higher-is-better indicator (benchmark 12): 13 grades 领先, 12 先进, 5 落后."""
    scheme = SchemeFactory(code="YKDB-LIST-001", title="保温杯对标技术方案", product_category="保温杯")
    IndicatorFactory(scheme=scheme, name="保温效能", benchmark_value=Decimal("12"))
    return scheme_publish(scheme=scheme, actor=bureau_staff, at=EARLY)


@pytest.fixture
def declare(list_scheme, executed_standard, bureau_staff):
    """declare(enterprise, model=…, value=…, published=instant or None, scheme=…, declared_on=…)
    -> a paper declaration entered by bureau staff; published at ``published`` unless None."""

    def make(
        enterprise,
        *,
        model: str,
        value: str = "13",
        published: dt.datetime | None = None,
        scheme=None,
        product_name: str = "真空保温杯",
        declared_on: dt.date | None = None,
    ):
        scheme = scheme or list_scheme
        indicator = scheme.indicators.get()
        declaration = declaration_create(
            actor=bureau_staff,
            enterprise=enterprise,
            scheme=scheme,
            product_name=product_name,
            product_model=model,
            executed_standard=executed_standard,
            declared_on=declared_on,
            values={indicator.pk: Decimal(value)},
            at=published or EARLY,
        )
        if published is None:
            return declaration
        return declaration_publish(declaration=declaration, actor=bureau_staff, at=published)

    return make
