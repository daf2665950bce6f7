"""Decimal values read as typed — 85, 0.01, 100 — on every page and admin page, while the stored
values keep their six places (benchmarking.numbers)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from benchmarking.models import DeclarationItem, Indicator
from benchmarking.numbers import PlainDecimalField, plain_decimal
from benchmarking.services.declarations import declaration_create, declaration_publish
from tests.factories import IndicatorFactory, SchemeFactory


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("85.000000", "85"),
        ("0.010000", "0.01"),
        ("0.0100", "0.01"),
        ("100.000000", "100"),  # not 1E+2
        ("120", "120"),
        ("-3.500000", "-3.5"),
        ("0.000000", "0"),
        ("0.000001", "0.000001"),  # not 1E-6
        ("999999999999.999999", "999999999999.999999"),
    ],
)
def test_plain_decimal(stored, shown):
    assert plain_decimal(Decimal(stored)) == shown


def test_no_value_is_empty():
    assert plain_decimal(None) == ""


def test_the_form_field_shows_its_initial_value_as_typed_and_parses_input_as_usual():
    field = PlainDecimalField(max_digits=18, decimal_places=6)
    assert field.prepare_value(Decimal("85.000000")) == "85"
    assert field.prepare_value("85.50") == "85.50"  # what the user typed is shown back untouched
    assert field.clean("0.01") == Decimal("0.01")


@pytest.fixture
def published(bureau_staff, enterprise, executed_standard):
    """A published declaration of 85 and 0.01 against a scheme of benchmarks 100 and 0.0100."""
    from benchmarking.choices import Direction
    from benchmarking.services.schemes import scheme_publish

    scheme = SchemeFactory()
    higher = IndicatorFactory(
        scheme=scheme,
        name="保温效能",
        order=1,
        direction=Direction.HIGHER_BETTER,
        benchmark_value=Decimal("100"),
    )
    lower = IndicatorFactory(
        scheme=scheme,
        name="铅迁移量",
        order=2,
        direction=Direction.LOWER_BETTER,
        benchmark_value=Decimal("0.0100"),
    )
    scheme_publish(scheme=scheme, actor=bureau_staff)
    declaration = declaration_create(
        actor=bureau_staff,
        enterprise=enterprise,
        scheme=scheme,
        product_name="保温杯",
        product_model="A-1",
        executed_standard=executed_standard,
        values={higher.pk: Decimal("85"), lower.pk: Decimal("0.01")},
    )
    return declaration, scheme


def assert_as_typed(page: str) -> None:
    assert not re.search(r"\d\.\d*0000\b", page), re.search(r".{80}\d\.\d*0000\b.{20}", page, re.S)
    assert "1E+2" not in page


@pytest.mark.django_db
def test_the_admin_declaration_page_shows_values_as_typed_while_editable(client, bureau_staff, published):
    declaration, _ = published
    client.force_login(bureau_staff)
    page = client.get(
        reverse("admin:benchmarking_declaration_change", args=[declaration.pk])
    ).content.decode()
    assert re.search(r'name="items-\d-value" value="85"', page)
    assert re.search(r'name="items-\d-value" value="0.01"', page)
    assert "≥ 100" in page and "≤ 0.01" in page
    assert_as_typed(page)


@pytest.mark.django_db
def test_the_admin_declaration_page_shows_values_as_typed_once_published(client, bureau_staff, published):
    declaration, _ = published
    declaration_publish(declaration=declaration, actor=bureau_staff)
    client.force_login(bureau_staff)
    page = client.get(
        reverse("admin:benchmarking_declaration_change", args=[declaration.pk])
    ).content.decode()
    assert re.search(r'<td class="field-value_as_typed">\s*<p>85</p>', page)
    assert re.search(r'<td class="field-value_as_typed">\s*<p>0.01</p>', page)
    assert_as_typed(page)


@pytest.mark.django_db
def test_admin_lists_and_read_only_pages_show_values_as_typed(client, bureau_staff, published):
    declaration, scheme = published
    client.force_login(bureau_staff)
    items = client.get(reverse("admin:benchmarking_declarationitem_changelist")).content.decode()
    assert '<td class="field-value_as_typed">85</td>' in items
    assert_as_typed(items)

    item = DeclarationItem.objects.get(declaration=declaration, value=Decimal("0.01"))
    detail = client.get(reverse("admin:benchmarking_declarationitem_change", args=[item.pk])).content.decode()
    assert re.search(r'<div class="readonly">0.01</div>', detail)
    assert_as_typed(detail)

    indicator = Indicator.objects.get(scheme=scheme, name="保温效能")
    indicator_page = client.get(
        reverse("admin:benchmarking_indicator_change", args=[indicator.pk])
    ).content.decode()
    assert_as_typed(indicator_page)
    assert "100" in indicator_page


@pytest.mark.django_db
def test_a_draft_schemes_indicator_form_shows_benchmarks_as_typed(client, bureau_staff):
    from benchmarking.choices import Direction

    scheme = SchemeFactory()
    IndicatorFactory(
        scheme=scheme,
        direction=Direction.RANGE,
        benchmark_value=None,
        benchmark_min=Decimal("0.5"),
        benchmark_max=Decimal("100"),
    )
    client.force_login(bureau_staff)
    page = client.get(reverse("admin:benchmarking_technicalscheme_change", args=[scheme.pk])).content.decode()
    assert re.search(
        r'name="indicators-0-benchmark_min"[^>]*value="0.5"|value="0.5"[^>]*name="indicators-0-benchmark_min"',
        page,
    )
    assert re.search(
        r'name="indicators-0-benchmark_max"[^>]*value="100"|value="100"[^>]*name="indicators-0-benchmark_max"',
        page,
    )
    assert_as_typed(page)


@pytest.mark.django_db
def test_the_history_page_shows_changed_values_as_typed(client, bureau_staff, published):
    from benchmarking.services.declarations import declaration_update

    declaration, scheme = published
    higher = Indicator.objects.get(scheme=scheme, name="保温效能")
    declaration_update(declaration=declaration, actor=bureau_staff, values={higher.pk: Decimal("90")})
    item = DeclarationItem.objects.get(declaration=declaration, indicator=higher)
    client.force_login(bureau_staff)
    page = client.get(reverse("admin:benchmarking_declarationitem_history", args=[item.pk])).content.decode()
    assert re.search(r"85\s*&nbsp;&rarr;&nbsp;&nbsp;90", page)
    assert_as_typed(page)


def test_csv_exports_write_decimals_as_typed():
    from benchmarking.exports import _csv_text

    assert [_csv_text(Decimal(v)) for v in ("85.000000", "0.010000", "100.000000")] == ["85", "0.01", "100"]
