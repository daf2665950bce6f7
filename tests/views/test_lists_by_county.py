"""The staff lists and their exports for a viewer above a county (benchmarking/filters.py
``region`` and ``COUNTY_NAME``, benchmarking/columns.py ``with_county_column``): the
所属县（市、区） filter narrows each list and its export to a county (or, for the province, a
prefecture), never past the viewer's own region; the county column; a county's own logins see
neither; the roll-up's per-county figures open the lists of that county and day; and the
lists cost the same number of queries at 3 counties as at 30."""

import csv
import io
import itertools
import re

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarking.choices import DeclarationStatus, Role, SchemeStatus
from benchmarking.columns import (
    COUNTY_HEADER,
    DECLARATION_COMPUTED,
    DECLARATION_FIELDS,
    ENTERPRISE_EXPORT,
    SCHEME_EXPORT,
)
from benchmarking.models import BranchOffice, Declaration, Enterprise, Region, TechnicalScheme
from benchmarking.validators import credit_code_check_character
from tests.conftest import sh
from tests.factories import IndustryFactory, SchemeFactory, StandardFactory, make_credit_code, make_user

PROVINCE, JINHUA, HANGZHOU = "330000", "330700", "330100"
YONGKANG, YIWU, DONGYANG, XIHU = "330784", "330782", "330783", "330106"
LISTS = ("scheme-list", "enterprise-list", "declaration-list")
EXPORTS = {
    "scheme-list": "scheme-export",
    "enterprise-list": "enterprise-export",
    "declaration-list": "declaration-export",
}
LABEL = "所属县（市、区）"
OUT_OF_SCOPE = "所选县（市、区）不在您可查看的范围内"

_n = itertools.count(1)


@pytest.fixture
def county_data(db, bureau_staff):
    """county_data(code, n=1): ``n`` schemes published by that county, ``n`` of its enterprises
    (under an office of the county) with a published result each on the county's first scheme.
    Written in bulk: 30 counties cost no more to set up than 3."""
    industry = IndustryFactory(name="测试行业")
    standard = StandardFactory()

    def make(code: str, n: int = 1, *, published=None):
        published = published or sh(2025, 5, 5)
        schemes = [
            SchemeFactory(
                industry=industry,
                publisher_region_id=code,
                status=SchemeStatus.PUBLISHED,
                published_at=published,
            )
            for _ in range(n)
        ]
        office = BranchOffice.objects.create(name=f"{code}所{next(_n)}", code=f"O{next(_n)}", region_id=code)
        firms = Enterprise.objects.bulk_create(
            Enterprise(
                name=f"{code}企业{next(_n)}",
                credit_code=make_credit_code(),
                branch_office=office,
                industry=industry,
                region_id=code,
            )
            for _ in range(n)
        )
        Declaration.objects.bulk_create(
            Declaration(
                enterprise=firm,
                scheme=schemes[0],
                product_name=f"{code}产品",
                product_model=f"M{next(_n)}",
                executed_standard=standard,
                status=DeclarationStatus.PUBLISHED,
                published_at=published,
                created_by=bureau_staff,
            )
            for firm in firms
        )

    return make


@pytest.fixture
def province_staff(db):
    return make_user(Role.BUREAU_STAFF, username="zhejiang", region=PROVINCE)


@pytest.fixture
def jinhua_manager(db):
    return make_user(Role.MANAGER, username="jinhua", region=JINHUA)


@pytest.fixture
def three_counties(county_data):
    county_data(YONGKANG, 2)
    county_data(YIWU, 1)
    county_data(XIHU, 1)


def rows(response) -> list:
    assert response.status_code == 200, response.status_code
    return list(response.context["page_obj"].object_list)


def county_of(record) -> str:
    """The county a list counts a record in."""
    if isinstance(record, TechnicalScheme):
        return record.publisher_region_id
    if isinstance(record, Declaration):
        return record.enterprise.region_id
    return record.region_id


def read_xlsx(response) -> list[list]:
    assert response.status_code == 200, response.status_code
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def read_csv(response) -> list[list]:
    assert response.status_code == 200, response.status_code
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


# ---------------------------------------------------------------------------
# the filter narrows each list and export


@pytest.mark.parametrize("name", LISTS)
def test_the_county_filter_narrows_each_list_to_that_county(client, province_staff, three_counties, name):
    client.force_login(province_staff)
    everything = rows(client.get(reverse(name)))
    assert {county_of(r) for r in everything} >= {YONGKANG, YIWU, XIHU}
    response = client.get(reverse(name), {"region": YIWU})
    listed = rows(response)
    assert listed and {county_of(r) for r in listed} == {YIWU}
    html = response.content.decode()
    # The column names each row's county; the select keeps the choice.
    assert f'<th scope="col" class="nowrap"><a href="?region={YIWU}&amp;sort=region">{LABEL}</a></th>' in html
    assert re.search(r"<td class=\"nowrap\">义乌市</td>", html)
    assert f'<option value="{YIWU}" selected>金华市 · 义乌市</option>' in html


@pytest.mark.parametrize("name", LISTS)
def test_the_province_may_choose_a_whole_prefecture(client, province_staff, three_counties, name):
    client.force_login(province_staff)
    listed = rows(client.get(reverse(name), {"region": JINHUA}))
    assert {county_of(r) for r in listed} == {YONGKANG, YIWU}
    assert '<option value="330700">金华市（全市）</option>' in client.get(reverse(name)).content.decode()


@pytest.mark.parametrize("name", LISTS)
def test_a_prefecture_is_offered_its_own_counties_only(client, jinhua_manager, three_counties, name):
    client.force_login(jinhua_manager)
    form = client.get(reverse(name)).context["filter"].form
    offered = [code for code, _ in form.fields["region"].choices if code]
    assert offered == list(
        Region.objects.filter(parent__code=JINHUA).order_by("code").values_list("code", flat=True)
    )
    assert len(offered) == 9 and YONGKANG in offered and XIHU not in offered
    # Its lists never held 杭州's enterprises and results (schemes: every county's are read).
    listed = rows(client.get(reverse(name), {"region": YONGKANG}))
    assert listed and {county_of(r) for r in listed} == {YONGKANG}


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("value", [XIHU, HANGZHOU, JINHUA, PROVINCE, "abc", "33078", "330784'--", "９９"])
def test_another_prefectures_county_or_garbage_is_a_form_error_not_rows(
    client, jinhua_manager, three_counties, name, value
):
    client.force_login(jinhua_manager)
    response = client.get(reverse(name), {"region": value})
    assert response.status_code == 200
    assert rows(response) == []
    assert response.context["filter_errors"]
    assert OUT_OF_SCOPE in response.content.decode()
    # Its export goes back to the list, where the error shows: no file of anyone's rows.
    export = client.get(reverse(EXPORTS[name], kwargs={"fmt": "csv"}), {"region": value})
    assert export.status_code == 302
    assert export.url.startswith(reverse(name) + "?region=")


@pytest.mark.parametrize("name", LISTS)
def test_the_filter_pairs_with_counted_on_and_sorts_by_county(client, province_staff, county_data, name):
    county_data(YONGKANG, 1, published=sh(2025, 5, 5))
    county_data(YONGKANG, 1, published=sh(2025, 7, 5))
    county_data(YIWU, 1, published=sh(2025, 5, 5))
    client.force_login(province_staff)
    listed = rows(client.get(reverse(name), {"region": YONGKANG, "counted_on": "2025-06-30"}))
    assert len(listed) == 1 and county_of(listed[0]) == YONGKANG
    ordered = [county_of(r) for r in rows(client.get(reverse(name), {"sort": "-region"}))]
    assert ordered == sorted(ordered, reverse=True) and ordered[0] == YONGKANG


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("name", LISTS)
def test_each_export_holds_the_chosen_county_with_its_column_first(
    client, province_staff, three_counties, name, fmt
):
    client.force_login(province_staff)
    response = client.get(reverse(EXPORTS[name], kwargs={"fmt": fmt}), {"region": YONGKANG})
    table = read_xlsx(response) if fmt == "xlsx" else read_csv(response)
    header, body = table[0], table[1:]
    assert header[0] == COUNTY_HEADER
    assert body and {row[0] for row in body} == {"永康市"}
    # Yongkang's two schemes (one row each: no indicators), enterprises and results.
    assert len(body) == 2
    everything = read_csv(client.get(reverse(EXPORTS[name], kwargs={"fmt": "csv"})))
    assert {"永康市", "义乌市", "西湖区"} <= {row[0] for row in everything[1:]}


# ---------------------------------------------------------------------------
# a county's own logins: the lists as a single-county deployment has them

COUNTY_HEADERS = {
    "scheme-list": [c.header for c in SCHEME_EXPORT],
    "enterprise-list": [c.header for c in ENTERPRISE_EXPORT],
    # The test schemes have no indicators: no 指标N / 声明值N pairs.
    "declaration-list": [*(c.header for c in DECLARATION_FIELDS), *(c.header for c in DECLARATION_COMPUTED)],
}


@pytest.mark.parametrize("name", LISTS)
def test_county_logins_see_no_county_filter_or_column(
    client, bureau_staff, branch_staff, manager, three_counties, name
):
    dongyang = make_user(Role.BUREAU_STAFF, username="dongyang", region=DONGYANG)
    for user in (bureau_staff, branch_staff, manager, dongyang):
        client.force_login(user)
        response = client.get(reverse(name))
        html = response.content.decode()
        assert LABEL not in html and 'name="region"' not in html
        assert "region" not in response.context["filter"].form.fields
        assert not response.context["spans_counties"]
        again = client.get(reverse(name), {"region": YIWU})
        if name == "scheme-list":
            # Their own county's published schemes they may ask for (their dashboard's scheme
            # figure does: tests/views/test_county_scheme_link.py); another county's is refused.
            assert not rows(again)
        else:
            # ?region= is not a filter of theirs: ignored, as any unknown parameter.
            assert [r.pk for r in rows(again)] == [r.pk for r in rows(response)]
        for fmt, read in (("xlsx", read_xlsx), ("csv", read_csv)):
            table = read(client.get(reverse(EXPORTS[name], kwargs={"fmt": fmt})))
            assert table[0] == COUNTY_HEADERS[name]


def test_county_logins_keep_the_outside_yongkang_tag_and_the_province_has_the_column(
    client, bureau_staff, province_staff, county_data
):
    county_data(YONGKANG, 1)
    firm = Enterprise.objects.get()
    # Registered in 义乌, producing in Yongkang: the county's own list says so beside the name.
    first17 = "91" + YIWU + make_credit_code()[8:17]
    Enterprise.objects.filter(pk=firm.pk).update(credit_code=first17 + credit_code_check_character(first17))
    client.force_login(bureau_staff)
    assert "永康市外登记" in client.get(reverse("enterprise-list")).content.decode()
    client.force_login(province_staff)
    html = client.get(reverse("enterprise-list")).content.decode()
    assert "永康市外登记" not in html and '<td class="nowrap">永康市</td>' in html


# ---------------------------------------------------------------------------
# the roll-up's per-county figures open the lists


def test_the_rollups_county_figures_open_that_countys_lists_of_the_day(client, jinhua_manager, county_data):
    county_data(YONGKANG, 2, published=sh(2025, 5, 5))
    county_data(YONGKANG, 1, published=sh(2025, 8, 5))
    county_data(YIWU, 1, published=sh(2025, 5, 5))
    client.force_login(jinhua_manager)
    html = client.get(reverse("region_dashboard", args=[JINHUA]), {"as_of": "2025-06-30"}).content.decode()
    row = re.search(rf'<tr data-region="{YONGKANG}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    for key, name in (
        ("schemes", "scheme-list"),
        ("enterprises", "enterprise-list"),
        ("results", "declaration-list"),
    ):
        cell = re.search(
            rf'<td class="num" data-measure="{key}">.*?<a href="([^"]+)"[^>]*>(\d+)</a>', row, re.S
        )
        link, figure = cell.group(1).replace("&amp;", "&"), int(cell.group(2))
        assert link == f"{reverse(name)}?region={YONGKANG}&counted_on=2025-06-30"
        response = client.get(link)
        assert not response.context["filter_errors"]
        assert response.context["paginator"].count == figure == 2


# ---------------------------------------------------------------------------
# queries: the same at 3 counties as at 30


def _queries(client, url: str) -> int:
    cache.clear()  # each page as the first of a visit (the login's roles are cached)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


# Session, user with profile, role; the regions (the filter's choices: one query, what a county's
# login does not pay), the COUNT, then each page's own: the lists' choices (industries; offices)
# and rows, the exports' rows (the schemes' indicators and standards, the declarations' values).
# The county names come with the rows (a join), not a query per row or per county.
PINNED = {
    "scheme-list": 7,
    "enterprise-list": 8,
    "declaration-list": 8,
    "scheme-export": 8,
    "enterprise-export": 6,
    "declaration-export": 7,
}


def test_query_counts_do_not_grow_with_the_counties(client, province_staff, county_data):
    client.force_login(province_staff)
    # Jinhua's first, so the filtered lists have rows at 3 counties as at 30.
    jinhua = Region.objects.filter(parent__code=JINHUA).order_by("code").values_list("code", flat=True)
    others = Region.objects.filter(kind__in=["district", "county_city", "county"]).exclude(
        code__startswith="3307"
    )
    counties = [*jinhua, *others.order_by("code").values_list("code", flat=True)]
    urls = {}
    for name in LISTS:
        query = f"?region={JINHUA}&counted_on=2025-06-30&sort=region"
        urls[name] = reverse(name) + query
        urls[EXPORTS[name]] = reverse(EXPORTS[name], kwargs={"fmt": "csv"}) + query
    # The province's lists, unfiltered, too.
    urls["province enterprises"] = reverse("enterprise-list")
    for code in counties[:3]:
        county_data(code, 1)
    few = {key: _queries(client, url) for key, url in urls.items()}
    for code in counties[3:30]:
        county_data(code, 2)
    many = {key: _queries(client, url) for key, url in urls.items()}
    assert few == many
    assert {key: few[key] for key in PINNED} == PINNED, few


def office_options(response) -> set[str]:
    field = response.context["filter"].form.fields["branch_office"]
    return set(field.queryset.values_list("region_id", flat=True))


def test_above_a_county_the_office_filter_offers_the_chosen_countys_offices(
    client, province_staff, jinhua_manager, three_counties
):
    client.force_login(province_staff)
    url = reverse("enterprise-list")
    # The province's hundreds of offices are no choice: a county first.
    assert office_options(client.get(url)) == set()
    assert office_options(client.get(url, {"region": YONGKANG})) == {YONGKANG}
    assert office_options(client.get(url, {"region": JINHUA})) == {YONGKANG, YIWU}
    # An office of that county filters as for a county's own login.
    office = BranchOffice.objects.get(region_id=YONGKANG)
    listed = rows(client.get(url, {"region": YONGKANG, "branch_office": office.pk}))
    assert {firm.branch_office_id for firm in listed} == {office.pk} and len(listed) == 2
    # A prefecture's few dozen offices are offered whole; a county outside it narrows nothing.
    client.force_login(jinhua_manager)
    assert office_options(client.get(url)) == {YONGKANG, YIWU}
    assert office_options(client.get(url, {"region": XIHU})) == {YONGKANG, YIWU}
