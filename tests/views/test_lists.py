"""The site's lists (benchmarking/views/lists.py, benchmarking/filters.py): who may open
them, each filter, search, sort, pages, "counted as of" against the progress selector,
branch-office scope, invalid filter values and the number of queries."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from benchmarking.choices import DeclarationStatus, Grade, SchemeStatus
from benchmarking.models import BranchOffice
from benchmarking.selectors.progress import benchmarked_enterprises, counted_declarations, counted_schemes
from benchmarking.services.declarations import declaration_withdraw
from benchmarking.services.schemes import scheme_publish, scheme_withdraw
from tests.conftest import SH, sh
from tests.factories import EnterpriseFactory, IndicatorFactory, IndustryFactory, SchemeFactory

LISTS = ("scheme-list", "enterprise-list", "declaration-list")
D = dt.date(2024, 6, 30)  # the "as of" day of the counted_on tests


def listed(response) -> list:
    """The rows on the page, in order."""
    assert response.status_code == 200, response.status_code
    return list(response.context["page_obj"].object_list)


def total(response) -> int:
    return response.context["paginator"].count


# ---------------------------------------------------------------------------
# who may open the lists


@pytest.mark.parametrize("name", LISTS)
def test_anonymous_users_are_sent_to_the_login(client, db, name):
    url = reverse(name) + "?counted_on=2024-06-30"
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "next=" in response.url


@pytest.mark.parametrize("name", LISTS)
def test_enterprise_users_and_users_without_a_role_are_refused(client, enterprise_user, name):
    nobody = get_user_model().objects.create_user("nobody", password="x")
    for user in (enterprise_user, nobody):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", LISTS)
def test_every_kind_of_staff_may_open_the_lists(client, bureau_staff, branch_staff, manager, name):
    for user in (bureau_staff, branch_staff, manager):
        client.force_login(user)
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "共 " in response.content.decode()


def test_the_nav_links_to_the_lists_for_staff_only(client, bureau_staff, enterprise_user):
    client.force_login(bureau_staff)
    page = client.get(reverse("home")).content.decode()
    for name in LISTS:
        assert f'href="{reverse(name)}"' in page
    client.force_login(enterprise_user)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("declaration-list")}"' not in page


# ---------------------------------------------------------------------------
# declarations


@pytest.fixture
def decls(enterprise, other_enterprise, declare, bureau_staff):
    """Enterprise 甲 (东城所) and 乙 (西城所), in different industries:
    a1 甲 published 2024-06-10, 领先; b1 乙 published 2024-07-10, 落后;
    a2 甲 draft; a3 甲 published 2024-05-01, withdrawn 2024-08-01, 先进."""
    a1 = declare(enterprise, model="A-1", published=sh(2024, 6, 10), declared_on=dt.date(2024, 6, 1))
    b1 = declare(
        other_enterprise,
        model="B-1",
        value="5",
        published=sh(2024, 7, 10),
        declared_on=dt.date(2024, 7, 1),
        product_name="不锈钢焖烧杯",
    )
    a2 = declare(enterprise, model="A-2")
    a3 = declare(
        enterprise, model="A-3", value="12", published=sh(2024, 5, 1), declared_on=dt.date(2024, 4, 20)
    )
    a3 = declaration_withdraw(declaration=a3, actor=bureau_staff, comment="数据有误", at=sh(2024, 8, 1))
    return {"a1": a1, "b1": b1, "a2": a2, "a3": a3}


def declaration_models(client, **params) -> set[str]:
    return {d.product_model for d in listed(client.get(reverse("declaration-list"), params))}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"A-1", "B-1", "A-2", "A-3"}),
        ({"status": DeclarationStatus.PUBLISHED}, {"A-1", "B-1"}),
        ({"status": DeclarationStatus.DRAFT}, {"A-2"}),
        ({"status": DeclarationStatus.WITHDRAWN}, {"A-3"}),
        ({"grade": Grade.LEADING}, {"A-1", "A-2"}),
        ({"grade": Grade.BEHIND}, {"B-1"}),
        ({"grade": Grade.ADVANCED}, {"A-3"}),
        ({"declared_from": "2024-06-01"}, {"A-1", "B-1"}),
        ({"declared_to": "2024-06-01"}, {"A-1", "A-3"}),
        ({"declared_from": "2024-05-01", "declared_to": "2024-06-30"}, {"A-1"}),
        ({"published_from": "2024-06-10"}, {"A-1", "B-1"}),
        ({"published_to": "2024-06-09"}, {"A-3"}),
        ({"published_from": "2024-06-10", "published_to": "2024-06-10"}, {"A-1"}),
        # search: product model, product name, scheme code, enterprise name, credit code
        ({"q": "a-1"}, {"A-1"}),
        ({"q": "焖烧"}, {"B-1"}),
        ({"q": "ykdb-list"}, {"A-1", "B-1", "A-2", "A-3"}),
        ({"q": "乙门业"}, {"B-1"}),
        ({"q": "甲杯业 A-3"}, {"A-3"}),  # every word must match
        ({"q": "没有这个词"}, set()),
    ],
)
def test_each_declaration_filter_narrows_the_list(client, bureau_staff, decls, params, expected):
    client.force_login(bureau_staff)
    assert declaration_models(client, **params) == expected


def test_declarations_filter_by_the_enterprise_office_and_industry(
    client, bureau_staff, decls, office, enterprise, other_enterprise
):
    client.force_login(bureau_staff)
    assert declaration_models(client, branch_office=office.pk) == {"A-1", "A-2", "A-3"}
    assert declaration_models(client, industry=other_enterprise.industry_id) == {"B-1"}
    # Results count under the enterprise's *current* industry, not the scheme's.
    assert enterprise.industry_id != decls["a1"].scheme.industry_id
    assert declaration_models(client, industry=decls["a1"].scheme.industry_id) == set()


def test_declarations_search_a_credit_code_as_people_paste_it(client, bureau_staff, decls, other_enterprise):
    client.force_login(bureau_staff)
    code = other_enterprise.credit_code
    # The tail that tells it apart, lower case, partly full-width.
    pasted = "".join(chr(ord(c) + 0xFEE0) for c in code[-8:-5]) + code[-5:].lower()
    assert declaration_models(client, q=pasted) == {"B-1"}


def test_counted_on_lists_what_the_progress_selector_counts(client, bureau_staff, decls, office):
    client.force_login(bureau_staff)
    at_d = declaration_models(client, counted_on=D.isoformat())
    # a3 was withdrawn after D: still counted at D. a2 is a draft: never. b1 came after D.
    assert at_d == {"A-1", "A-3"}
    assert at_d == {d.product_model for d in counted_declarations(D)}
    later = dt.date(2024, 8, 31)
    assert declaration_models(client, counted_on=later.isoformat()) == {"A-1", "B-1"}
    # The dashboard's link for one office shows exactly the office's figure.
    response = client.get(
        reverse("declaration-list"), {"counted_on": D.isoformat(), "branch_office": office.pk}
    )
    assert total(response) == counted_declarations(D).filter(enterprise__branch_office=office).count() == 2


def test_a_declaration_published_late_on_the_day_counts_that_day(client, bureau_staff, enterprise, declare):
    declare(enterprise, model="LATE", published=dt.datetime(2024, 6, 30, 23, 59, 59, tzinfo=SH))
    client.force_login(bureau_staff)
    assert declaration_models(client, counted_on="2024-06-30") == {"LATE"}
    assert declaration_models(client, counted_on="2024-06-29") == set()


def test_declarations_sort_by_a_column_both_ways(client, bureau_staff, decls):
    client.force_login(bureau_staff)
    url = reverse("declaration-list")
    ascending = [d.product_model for d in listed(client.get(url, {"sort": "product_model"}))]
    assert ascending == ["A-1", "A-2", "A-3", "B-1"]
    descending = [d.product_model for d in listed(client.get(url, {"sort": "-product_model"}))]
    assert descending == ["B-1", "A-3", "A-2", "A-1"]
    # Empty values (the draft's publication time) sort last both ways.
    by_published = [d.product_model for d in listed(client.get(url, {"sort": "published_at"}))]
    assert by_published == ["A-3", "A-1", "B-1", "A-2"]
    by_published_desc = [d.product_model for d in listed(client.get(url, {"sort": "-published_at"}))]
    assert by_published_desc == ["B-1", "A-1", "A-3", "A-2"]


def test_sort_headers_toggle_and_keep_the_other_filters(client, bureau_staff, decls, office):
    client.force_login(bureau_staff)
    url = reverse("declaration-list")
    page = client.get(
        url, {"branch_office": office.pk, "sort": "product_model", "page": "1"}
    ).content.decode()
    header = re.search(r'<th scope="col"(?: class="[^"]*")? aria-sort="ascending"><a href="([^"]+)"', page)
    assert header, "the sorted column is marked"
    link = header.group(1).replace("&amp;", "&")
    assert "sort=-product_model" in link and f"branch_office={office.pk}" in link and "page=" not in link
    # The export links carry the filters and the sort too.
    assert (
        f'href="{reverse("declaration-export", args=["xlsx"])}?branch_office={office.pk}&amp;sort=product_model"'
        in page
    )


def test_branch_staff_see_only_their_own_office(client, branch_staff, decls, other_office, other_enterprise):
    client.force_login(branch_staff)
    assert declaration_models(client) == {"A-1", "A-2", "A-3"}
    # Asking for the other office shows nothing of it, rather than an error that confirms it.
    assert declaration_models(client, branch_office=other_office.pk) == set()
    page = client.get(reverse("declaration-list")).content.decode()
    assert other_enterprise.name not in page
    assert other_enterprise.credit_code not in page


def test_declaration_rows_link_to_their_admin_page(client, bureau_staff, decls):
    client.force_login(bureau_staff)
    page = client.get(reverse("declaration-list")).content.decode()
    for declaration in decls.values():
        assert reverse("admin:benchmarking_declaration_change", args=[declaration.pk]) in page


# ---------------------------------------------------------------------------
# invalid filter values: the error beside the field, an empty list, never a 500


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("declaration-list", {"counted_on": "2024-13-45"}, "请输入有效的日期"),
        ("declaration-list", {"published_from": "yesterday"}, "请输入有效的日期"),
        ("declaration-list", {"branch_office": "999999"}, "所选监管所不存在"),
        ("declaration-list", {"branch_office": "abc"}, "所选监管所不存在"),
        ("declaration-list", {"status": "lost"}, "不是可选的值"),
        ("declaration-list", {"grade": "excellent"}, "不是可选的值"),
        ("declaration-list", {"sort": "password"}, "无法按"),
        ("enterprise-list", {"industry": "999999"}, "所选行业不存在"),
        ("enterprise-list", {"counted_on": "2024-02-30"}, "请输入有效的日期"),
        ("scheme-list", {"status": "returned"}, "不是可选的值"),
        ("scheme-list", {"published_to": "30/06/2024"}, "请输入有效的日期"),
    ],
)
def test_a_bad_filter_value_shows_a_chinese_error_and_no_rows(
    client, bureau_staff, decls, name, params, message
):
    client.force_login(bureau_staff)
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "筛选条件有误" in page
    assert listed(response) == [] and total(response) == 0
    # No export link for a selection that does not stand.
    assert reverse(name.replace("-list", "-export"), args=["xlsx"]) not in page


def test_a_page_number_out_of_range_shows_the_nearest_page(client, bureau_staff, decls):
    client.force_login(bureau_staff)
    url = reverse("declaration-list")
    assert len(listed(client.get(url, {"page": "9"}))) == 4
    assert len(listed(client.get(url, {"page": "x"}))) == 4


# ---------------------------------------------------------------------------
# enterprises


@pytest.fixture
def firms(office, other_office, enterprise, other_enterprise, declare):
    """甲 (东城) two counted results at D; 乙 (西城) one published after D; 丙 (东城) only a draft;
    丁 (西城, 浙江制造) nothing."""
    declare(enterprise, model="A-1", published=sh(2024, 6, 10))
    declare(enterprise, model="A-2", published=sh(2024, 6, 11))
    declare(other_enterprise, model="B-1", published=sh(2024, 7, 10))
    third = EnterpriseFactory(name="永康丙炊具有限公司", branch_office=office, industry=enterprise.industry)
    declare(third, model="C-1")
    fourth = EnterpriseFactory(
        name="永康丁衡器有限公司", branch_office=other_office, zhejiang_made=True, standard_leader=True
    )
    return {"甲": enterprise, "乙": other_enterprise, "丙": third, "丁": fourth}


def enterprise_names(client, **params) -> list[str]:
    return [e.name for e in listed(client.get(reverse("enterprise-list"), params))]


def test_each_enterprise_filter_narrows_the_list(client, bureau_staff, firms, office):
    client.force_login(bureau_staff)
    names = {key: firm.name for key, firm in firms.items()}
    assert set(enterprise_names(client)) == set(names.values())
    assert set(enterprise_names(client, branch_office=office.pk)) == {names["甲"], names["丙"]}
    assert set(enterprise_names(client, industry=firms["甲"].industry_id)) == {names["甲"], names["丙"]}
    assert enterprise_names(client, q="衡器") == [names["丁"]]
    assert enterprise_names(client, q=f" {firms['乙'].credit_code.lower()} ") == [names["乙"]]


def test_enterprises_counted_on_are_the_benchmarked_enterprises(client, bureau_staff, firms):
    client.force_login(bureau_staff)
    at_d = enterprise_names(client, counted_on=D.isoformat())
    assert at_d == [firms["甲"].name]  # once, for all its results
    assert set(at_d) == {e.name for e in benchmarked_enterprises(D)}
    industry = firms["甲"].industry_id
    response = client.get(reverse("enterprise-list"), {"counted_on": D.isoformat(), "industry": industry})
    assert total(response) == benchmarked_enterprises(D).filter(industry=industry).count() == 1
    assert set(enterprise_names(client, counted_on="2024-07-31")) == {firms["甲"].name, firms["乙"].name}


def test_enterprises_show_their_counted_results_as_of_the_date(client, bureau_staff, firms, declare):
    declare(firms["甲"], model="A-LATE", published=sh(2024, 7, 2))
    client.force_login(bureau_staff)
    counts = {e.name: e.counted_results for e in listed(client.get(reverse("enterprise-list")))}
    assert counts == {firms["甲"].name: 3, firms["乙"].name: 1, firms["丙"].name: 0, firms["丁"].name: 0}
    at_d = {
        e.name: e.counted_results for e in listed(client.get(reverse("enterprise-list"), {"counted_on": D}))
    }
    assert at_d == {firms["甲"].name: 2}
    by_count = enterprise_names(client, sort="-counted_results")
    assert by_count[:2] == [firms["甲"].name, firms["乙"].name]


def test_enterprise_counted_results_follow_the_counting_rule(client, bureau_staff, firms, declare):
    """Each enterprise's figure is the progress selector's count: a draft never counts, a
    withdrawn result counts up to its withdrawal; the sort and the page total agree with it."""
    withdrawn = declare(firms["丙"], model="C-2", published=sh(2024, 6, 1))
    declaration_withdraw(declaration=withdrawn, actor=bureau_staff, comment="数据有误", at=sh(2024, 7, 1))
    client.force_login(bureau_staff)

    def counts(**params) -> dict[str, int]:
        return {e.name: e.counted_results for e in listed(client.get(reverse("enterprise-list"), params))}

    def selector_count(name: str, day=None) -> int:
        return counted_declarations(day).filter(enterprise__name=name).count()

    now = counts()
    assert now[firms["丙"].name] == 0  # a draft and a withdrawn result
    assert now == {name: selector_count(name) for name in now}
    at_d = counts(counted_on=D.isoformat())
    assert at_d == {firms["甲"].name: 2, firms["丙"].name: 1}  # 丙's result was withdrawn after D
    assert at_d == {name: selector_count(name, D) for name in at_d}
    # The day of the withdrawal: no longer counted, so 丙 is not listed.
    assert counts(counted_on="2024-07-01") == {firms["甲"].name: 2}
    assert enterprise_names(client, counted_on=D.isoformat(), sort="counted_results") == [
        firms["丙"].name,
        firms["甲"].name,
    ]
    response = client.get(reverse("enterprise-list"), {"sort": "-counted_results"})
    assert total(response) == len(firms)  # every enterprise once, whatever its results


def test_enterprises_show_their_programme_flags(client, bureau_staff, firms):
    client.force_login(bureau_staff)
    page = client.get(reverse("enterprise-list"), {"q": "衡器"}).content.decode()
    assert "浙江制造/品字标" in page and "领跑者" in page


def test_branch_staff_see_only_their_office_enterprises(client, branch_staff, firms):
    client.force_login(branch_staff)
    assert set(enterprise_names(client)) == {firms["甲"].name, firms["丙"].name}
    page = client.get(reverse("enterprise-list")).content.decode()
    assert firms["乙"].name not in page and firms["丁"].credit_code not in page


def test_pages_of_fifty_keep_the_filters(client, bureau_staff, office, other_office):
    industry = IndustryFactory(name="门业")
    for i in range(55):
        EnterpriseFactory(name=f"永康门业{i:02d}有限公司", branch_office=office, industry=industry)
    EnterpriseFactory(name="永康门业外所有限公司", branch_office=other_office, industry=industry)
    client.force_login(bureau_staff)
    url = reverse("enterprise-list")
    params = {"branch_office": office.pk, "q": "门业", "sort": "-name"}
    first = client.get(url, params)
    assert len(listed(first)) == 50 and total(first) == 55
    page = first.content.decode()
    assert "共 55 条" in page
    next_link = re.search(r'<a href="([^"]+)" rel="next">', page).group(1).replace("&amp;", "&")
    assert f"branch_office={office.pk}" in next_link and "sort=-name" in next_link and "page=2" in next_link
    second = client.get(url + next_link)
    names = [e.name for e in listed(second)]
    assert names == [f"永康门业{i:02d}有限公司" for i in range(4, -1, -1)]


# ---------------------------------------------------------------------------
# schemes


@pytest.fixture
def schemes(bureau_staff, list_scheme, declare, enterprise):
    """list_scheme (published 2024-01-10, two counted results); 门锁 published 2024-06-20 and
    withdrawn 2024-07-05; 电钻 published 2024-07-01; 滑板车 a draft; 门锁 and 电钻 in the 门业 industry."""
    doors = IndustryFactory(name="门业")

    def scheme(code, title, category, publisher, industry):
        s = SchemeFactory(
            code=code, title=title, product_category=category, publisher=publisher, industry=industry
        )
        IndicatorFactory(scheme=s, name="强度")
        return s

    lock = scheme_publish(
        scheme=scheme("YKDB-M-001", "防盗门锁对标技术方案", "门锁", "永康市门业协会", doors),
        actor=bureau_staff,
        at=sh(2024, 6, 20),
    )
    lock = scheme_withdraw(scheme=lock, actor=bureau_staff, reason="标准更新", at=sh(2024, 7, 5))
    drill = scheme_publish(
        scheme=scheme("YKDB-D-001", "电钻对标技术方案", "电钻", "浙江省质检院", doors),
        actor=bureau_staff,
        at=sh(2024, 7, 1),
    )
    draft = scheme("YKDB-S-001", "滑板车对标技术方案", "滑板车", "永康市标准化研究院", list_scheme.industry)
    declare(enterprise, model="A-1", published=sh(2024, 6, 10))
    declare(enterprise, model="A-2", published=sh(2024, 7, 10))
    return {"cup": list_scheme, "lock": lock, "drill": drill, "draft": draft, "doors": doors}


def scheme_codes(client, **params) -> list[str]:
    return [s.code for s in listed(client.get(reverse("scheme-list"), params))]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"YKDB-LIST-001", "YKDB-M-001", "YKDB-D-001", "YKDB-S-001"}),
        ({"status": SchemeStatus.PUBLISHED}, {"YKDB-LIST-001", "YKDB-D-001"}),
        ({"status": SchemeStatus.DRAFT}, {"YKDB-S-001"}),
        ({"status": SchemeStatus.WITHDRAWN}, {"YKDB-M-001"}),
        ({"published_from": "2024-06-20"}, {"YKDB-M-001", "YKDB-D-001"}),
        ({"published_to": "2024-06-30"}, {"YKDB-LIST-001", "YKDB-M-001"}),
        ({"q": "门锁"}, {"YKDB-M-001"}),  # product category and title
        ({"q": "质检院"}, {"YKDB-D-001"}),  # publisher
        ({"q": "ykdb-s"}, {"YKDB-S-001"}),  # code
        ({"counted_on": "2024-06-30"}, {"YKDB-LIST-001", "YKDB-M-001"}),
        ({"counted_on": "2024-07-31"}, {"YKDB-LIST-001", "YKDB-D-001"}),
    ],
)
def test_each_scheme_filter_narrows_the_list(client, bureau_staff, schemes, params, expected):
    client.force_login(bureau_staff)
    assert set(scheme_codes(client, **params)) == expected


def test_schemes_counted_on_by_industry_match_the_progress_selector(client, bureau_staff, schemes):
    client.force_login(bureau_staff)
    doors = schemes["doors"].pk
    for day in (D, dt.date(2024, 7, 31)):
        response = client.get(reverse("scheme-list"), {"counted_on": day.isoformat(), "industry": doors})
        assert total(response) == counted_schemes(day).filter(industry=doors).count() == 1


def test_schemes_show_their_counted_results_as_of_the_date(client, bureau_staff, schemes):
    client.force_login(bureau_staff)
    now = {s.code: s.counted_results for s in listed(client.get(reverse("scheme-list")))}
    assert now["YKDB-LIST-001"] == 2 and now["YKDB-D-001"] == 0
    at_d = {s.code: s.counted_results for s in listed(client.get(reverse("scheme-list"), {"counted_on": D}))}
    assert at_d["YKDB-LIST-001"] == 1


def test_schemes_counted_results_count_only_the_office_share_for_branch_staff(
    client, branch_staff, schemes, other_enterprise, declare
):
    declare(other_enterprise, model="B-1", published=sh(2024, 6, 12))
    client.force_login(branch_staff)
    counts = {s.code: s.counted_results for s in listed(client.get(reverse("scheme-list")))}
    assert counts["YKDB-LIST-001"] == 2  # 甲's two; 乙 is another office's


def test_schemes_sort(client, bureau_staff, schemes):
    client.force_login(bureau_staff)
    assert scheme_codes(client, sort="code") == ["YKDB-D-001", "YKDB-LIST-001", "YKDB-M-001", "YKDB-S-001"]
    assert scheme_codes(client, sort="-published_at") == [
        "YKDB-D-001",
        "YKDB-M-001",
        "YKDB-LIST-001",
        "YKDB-S-001",
    ]
    assert scheme_codes(client, sort="-counted_results")[0] == "YKDB-LIST-001"


# ---------------------------------------------------------------------------
# a fixed number of queries, however many rows


def _many(n, *, office, declare, bureau_staff):
    industry = IndustryFactory(name="杯业")
    for i in range(n):
        firm = EnterpriseFactory(name=f"永康杯业{i:02d}有限公司", branch_office=office, industry=industry)
        declare(firm, model=f"M-{i}", published=sh(2024, 6, 1))
        scheme = SchemeFactory(industry=industry)
        IndicatorFactory(scheme=scheme)
        scheme_publish(scheme=scheme, actor=bureau_staff, at=sh(2024, 5, 1))


# Session, user, role groups, profile (branch staff), count, rows, the two choice lists,
# and the validation of a chosen office/industry: the same at 5 rows and at 50.
LIST_QUERIES = 12


@pytest.mark.parametrize("n", [5, 50])
@pytest.mark.parametrize("name", LISTS)
def test_lists_cost_a_fixed_number_of_queries(
    client, branch_staff, office, declare, bureau_staff, django_assert_max_num_queries, n, name
):
    _many(n, office=office, declare=declare, bureau_staff=bureau_staff)
    client.force_login(branch_staff)
    params = {"branch_office": office.pk, "counted_on": "2024-06-30", "q": "永康", "sort": "-published_at"}
    if name == "enterprise-list":
        params["sort"] = "-counted_results"
    if name == "scheme-list":
        params = {"counted_on": "2024-06-30", "sort": "-counted_results"}
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse(name), params)
    assert len(listed(response)) >= n


@pytest.mark.parametrize(
    "query",
    [
        "counted_on=9999-12-31",
        "published_from=0001-01-01",
        "published_to=9999-12-31",
        "declared_from=1999-12-31",
    ],
)
@pytest.mark.parametrize("name", ["scheme-list", "enterprise-list", "declaration-list"])
def test_dates_outside_the_calendar_are_explained_not_a_500(client, bureau_staff, name, query):
    client.force_login(bureau_staff)
    response = client.get(f"{reverse(name)}?{query}")
    field = query.split("=")[0]
    assert response.status_code == 200
    if field in response.context["filter"].form.fields:
        assert "日期应在 2000-01-01 至 2099-12-31 之间" in response.content.decode()
    export = client.get(f"{reverse(name.replace('-list', '-export'), args=['csv'])}?{query}")
    assert export.status_code in (200, 302)


# -- the office choice offers only the offices a user may list ----------------------------------


def office_options(html: str) -> list[str]:
    select = re.search(r'<select name="branch_office"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no office select"
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


@pytest.mark.parametrize("name", ["enterprise-list", "declaration-list"])
def test_branch_staff_are_offered_only_their_own_office(client, branch_staff, office, other_office, name):
    client.force_login(branch_staff)
    assert office_options(client.get(reverse(name)).content.decode()) == ["全部", office.name]


@pytest.mark.parametrize("name", ["enterprise-list", "declaration-list"])
def test_bureau_staff_and_managers_are_offered_every_office(
    client, bureau_staff, manager, office, other_office, name
):
    for user in (bureau_staff, manager):
        client.force_login(user)
        options = office_options(client.get(reverse(name)).content.decode())
        assert options == ["全部", *BranchOffice.objects.values_list("name", flat=True)]
        assert {office.name, other_office.name} <= set(options)


@pytest.mark.parametrize("name", ["enterprise-list", "declaration-list"])
def test_another_office_in_the_address_is_a_clear_error_for_branch_staff(
    client, branch_staff, decls, office, other_office, name
):
    client.force_login(branch_staff)
    response = client.get(reverse(name), {"branch_office": other_office.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "只能选择您所在的监管所" in html
    assert "筛选条件有误" in html
    assert list(response.context["object_list"]) == []
    # Their own office still filters as before.
    own = client.get(reverse(name), {"branch_office": office.pk})
    assert "只能选择您所在的监管所" not in own.content.decode()
    assert len(own.context["object_list"]) > 0
