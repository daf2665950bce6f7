"""The public disclosure pages (benchmarking/views/public.py, selectors/public.py,
filters.PublicResultFilter): only published results, for anyone; nothing private on them;
search, filters, sort and pages; invalid filter values; a fixed number of queries."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarking.choices import Grade
from benchmarking.models import Declaration, DeclarationEvidence, SchemeBenchmark
from benchmarking.selectors.progress import counted_declarations
from benchmarking.services.declarations import (
    declaration_create,
    declaration_override_grade,
    declaration_publish,
    declaration_return,
    declaration_submit,
    declaration_withdraw,
)
from benchmarking.services.schemes import scheme_publish
from tests.conftest import SH, sh
from tests.factories import (
    EnterpriseFactory,
    IndicatorFactory,
    IndustryFactory,
    SchemeFactory,
    StandardFactory,
)

LIST = reverse("public-results")


def detail(pk: int) -> str:
    return reverse("public-result-detail", args=[pk])


def listed(response) -> list:
    """The rows on the page, in order."""
    assert response.status_code == 200, response.status_code
    return list(response.context["page_obj"].object_list)


def models_listed(client, **params) -> set[str]:
    return {d.product_model for d in listed(client.get(LIST, params))}


def main_of(response) -> str:
    """The page without its header (whose links depend on who is signed in)."""
    page = response.content.decode()
    start = page.index("<main")
    return page[start : page.index("</main>")]


# ---------------------------------------------------------------------------
# published results only, for anyone


@pytest.fixture
def decls(enterprise, other_enterprise, declare, bureau_staff):
    """Enterprise 甲 (东城所) and 乙 (西城所), in different industries:
    a1 甲 published 2024-06-10, 领先; b1 乙 published 2024-07-10, 落后;
    a4 甲 published 2024-05-01, 先进; a2 甲 draft; a3 甲 published 2024-05-01 and
    withdrawn 2024-08-01, 先进."""
    a1 = declare(enterprise, model="A-1", published=sh(2024, 6, 10), declared_on=dt.date(2024, 6, 1))
    b1 = declare(
        other_enterprise,
        model="B-1",
        value="5",
        published=sh(2024, 7, 10),
        declared_on=dt.date(2024, 7, 1),
        product_name="不锈钢焖烧杯",
    )
    a4 = declare(enterprise, model="A-4", value="12", published=sh(2024, 5, 1))
    a2 = declare(enterprise, model="A-2")
    a3 = declare(enterprise, model="A-3", value="12", published=sh(2024, 5, 1))
    a3 = declaration_withdraw(declaration=a3, actor=bureau_staff, comment="数据有误", at=sh(2024, 8, 1))
    return {"a1": a1, "b1": b1, "a4": a4, "a2": a2, "a3": a3}


PUBLISHED = {"A-1", "B-1", "A-4"}


def test_anonymous_readers_see_the_published_results(client, decls):
    response = client.get(LIST)
    assert response.status_code == 200
    assert {d.product_model for d in listed(response)} == PUBLISHED
    page = response.content.decode()
    assert "对标达标结果公示" in page
    assert "共 3 项已发布的自我声明对标结果" in page
    for key in ("a1", "b1", "a4"):
        assert f'href="{detail(decls[key].pk)}"' in page
        assert client.get(detail(decls[key].pk)).status_code == 200


def test_the_total_is_the_dashboards_count_of_results(client, decls):
    # The page counts through the counting rules, so it never disagrees with the dashboard.
    response = client.get(LIST)
    assert response.context["paginator"].count == counted_declarations().count() == 3


def _in_state(state, *, enterprise, declare, bureau_staff):
    declaration = declare(enterprise, model=f"HIDDEN-{state}")
    if state == "draft":
        return declaration
    if state == "withdrawn":
        declaration = declaration_publish(declaration=declaration, actor=bureau_staff, at=sh(2024, 6, 1))
        return declaration_withdraw(declaration=declaration, actor=bureau_staff, comment="数据有误")
    declaration = declaration_submit(declaration=declaration, actor=bureau_staff, at=sh(2024, 6, 1))
    if state == "returned":
        declaration = declaration_return(
            declaration=declaration, actor=bureau_staff, comment="请补充检测报告"
        )
    return declaration


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "withdrawn"])
def test_unpublished_declarations_never_appear(client, enterprise, declare, bureau_staff, state):
    shown = declare(enterprise, model="SHOWN-1", published=sh(2024, 6, 10))
    hidden = _in_state(state, enterprise=enterprise, declare=declare, bureau_staff=bureau_staff)
    assert hidden.status == state
    response = client.get(LIST)
    assert {d.product_model for d in listed(response)} == {"SHOWN-1"}
    assert "HIDDEN-" not in response.content.decode()
    # Searching for it finds nothing either.
    assert models_listed(client, q=f"HIDDEN-{state}") == set()
    # Its detail page is the same 404 as an id that never existed.
    assert client.get(detail(hidden.pk)).status_code == 404
    assert client.get(detail(shown.pk)).status_code == 200


def test_a_nonexistent_result_is_a_404(client, decls):
    assert client.get(detail(max(d.pk for d in decls.values()) + 1000)).status_code == 404


def test_a_result_withdrawn_later_is_not_shown_as_of_an_earlier_day(client, decls):
    # The staff lists' "counted as of" is not a parameter here: a withdrawn result stays hidden.
    assert models_listed(client, counted_on="2024-06-30") == PUBLISHED
    assert client.get(detail(decls["a3"].pk)).status_code == 404


def test_every_role_sees_the_same_page(
    client,
    decls,
    enterprise_user,
    other_enterprise_user,
    branch_staff,
    other_branch_staff,
    manager,
    bureau_staff,
):
    anonymous_list = main_of(client.get(LIST, {"sort": "grade"}))
    anonymous_detail = main_of(client.get(detail(decls["a1"].pk)))
    for user in (
        enterprise_user,
        other_enterprise_user,
        branch_staff,
        other_branch_staff,
        manager,
        bureau_staff,
    ):
        client.force_login(user)
        assert main_of(client.get(LIST, {"sort": "grade"})) == anonymous_list, user.username
        assert main_of(client.get(detail(decls["a1"].pk))) == anonymous_detail, user.username
        # A draft is not public, not even to its own enterprise or to bureau staff.
        assert client.get(detail(decls["a2"].pk)).status_code == 404, user.username
    # No staff-only links (exports, the admin) in what the public reads.
    assert "export" not in anonymous_list and "/admin/" not in anonymous_list
    assert "/admin/" not in anonymous_detail


@pytest.mark.parametrize("url", ["list", "detail"])
def test_pages_have_no_post_form_and_no_inline_script_or_style(client, decls, url):
    page = client.get(LIST if url == "list" else detail(decls["a1"].pk)).content.decode()
    assert 'method="post"' not in page.lower()
    assert "csrfmiddlewaretoken" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "<style" not in page and " style=" not in page
    assert not re.search(r"\son[a-z]+\s*=\s*[\"']", page)


# ---------------------------------------------------------------------------
# nothing private


PDF = b"%PDF-1.4\n%public-test\n"
PRIVATE = {
    "address": "永康市秘密路88号",
    "legal_representative": "法人甲某某",
    "contact_person": "联系人乙某某",
    "phone": "0579-87654321",
    "email": "secret-contact@example.cn",
}


@pytest.fixture
def private_result(office, declare, bureau_staff):
    """A published result of an enterprise with distinctive contact details, an evidence file,
    an overridden grade with its reason and a publication comment."""
    firm = EnterpriseFactory(name="永康公示测试有限公司", branch_office=office, **PRIVATE)
    declaration = declare(firm, model="P-1")
    evidence = DeclarationEvidence.objects.create(
        declaration=declaration,
        title="检测报告 No. SECRET-0123",
        file=SimpleUploadedFile("secret-report.pdf", PDF),
    )
    declaration = declaration_override_grade(
        declaration=declaration, actor=bureau_staff, grade=Grade.ADVANCED, reason="内部调整理由：专家复核意见"
    )
    declaration = declaration_publish(
        declaration=declaration, actor=bureau_staff, comment="内部审核意见：同意发布", at=sh(2024, 6, 10)
    )
    return firm, declaration, evidence


def test_no_contact_details_evidence_or_internal_notes_anywhere(client, private_result):
    firm, declaration, evidence = private_result
    pages = {
        "list": client.get(LIST).content.decode(),
        "search": client.get(LIST, {"q": firm.name}).content.decode(),
        "detail": client.get(detail(declaration.pk)).content.decode(),
    }
    assert firm.name in pages["list"] and firm.name in pages["detail"]
    # The credit code is public registration information: shown on the detail page.
    assert firm.credit_code in pages["detail"]
    secrets = [
        *PRIVATE.values(),
        evidence.file.url,
        evidence.file.name,
        "secret-report",
        "SECRET-0123",
        "内部调整理由",
        "内部审核意见",
        "/files/",
    ]
    for name, page in pages.items():
        for secret in secrets:
            assert secret not in page, (name, secret)
    # That the grade is staff's, not the rule's, is said (the reason is not).
    assert "审核人员已将对标水平调整为“先进”" in pages["detail"]


def test_the_pages_never_even_read_the_private_columns(client, private_result):
    """Not only left out of the templates: not loaded, so no template can show them."""
    _, declaration, _ = private_result
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST, {"q": "永康"})
        client.get(detail(declaration.pk))
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "benchmarking_declaration" in sql
    for column in (*PRIVATE, "credit_code_override_reason", "override_reason", "created_by_id"):
        assert f'"{column}"' not in sql, column
    for table in ("declarationevidence", "declarationevent", "historical", "auth_user"):
        assert f"benchmarking_{table}" not in sql and f'"{table}' not in sql, table


# ---------------------------------------------------------------------------
# the detail page


@pytest.fixture
def full_result(enterprise, scheme, executed_standard, bureau_staff):
    """A result on the three-indicator scheme, with a benchmark standard and a platform link,
    published just after midnight in Shanghai (still the day before in UTC)."""
    benchmark = StandardFactory(number="EN 12546-1:2000", title="保温容器 第1部分", kind="foreign")
    SchemeBenchmark.objects.create(scheme=scheme, standard=benchmark)
    heat, lead, look = scheme.indicators.order_by("order")
    declaration = declaration_create(
        actor=bureau_staff,
        enterprise=enterprise,
        scheme=scheme,
        product_name="真空保温杯",
        product_model="YK-500",
        executed_standard=executed_standard,
        declared_on=dt.date(2024, 6, 20),
        national_platform_url="https://www.cpbz.gov.cn/user/detail/ABC123",
        values={heat.pk: Decimal("13.500000"), lead.pk: Decimal("0.005000"), look.pk: True},
        at=sh(2024, 6, 20),
    )
    return declaration_publish(
        declaration=declaration, actor=bureau_staff, at=dt.datetime(2024, 7, 1, 0, 30, tzinfo=SH)
    )


def test_the_detail_shows_the_public_particulars(client, full_result, enterprise, scheme, executed_standard):
    response = client.get(detail(full_result.pk))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        enterprise.name,
        enterprise.credit_code,
        enterprise.industry.name,
        enterprise.branch_office.name,
        "真空保温杯",
        "YK-500",
        scheme.code,
        scheme.title,
        scheme.publisher,
        "EN 12546-1:2000",
        executed_standard.number,
        executed_standard.title,
        "领先",
        "2024-06-20",  # declared
        "2024-07-01",  # published: the Shanghai day, not UTC's 2024-06-30
    ):
        assert text in page, text
    assert "2024-06-30" not in page
    # The grade explained in one line, by the rule that produced it.
    assert response.context["result"].grade_explained in page
    assert "全部达到对标值，且优于对标值的" in page and "故为“领先”" in page
    assert '<a href="https://www.cpbz.gov.cn/user/detail/ABC123" rel="noopener noreferrer nofollow">' in page


def test_the_indicator_table(client, full_result):
    rows = {row.name: row for row in client.get(detail(full_result.pk)).context["result"].items}
    assert list(rows) == ["保温效能", "铅迁移量", "外观"]
    heat, lead, look = rows.values()
    assert (heat.unit, heat.benchmark, heat.value, heat.comparison_label) == ("h", "≥ 12 h", "13.5", "优于")
    assert (lead.benchmark, lead.value, lead.comparison_label) == ("≤ 0.01 mg/dm²", "0.005", "优于")
    assert (look.benchmark, look.value, look.comparison_label) == ("无毛刺、无划痕", "符合", "符合")
    page = client.get(detail(full_result.pk)).content.decode()
    assert '<td class="num" data-label="声明值">13.5</td>' in page
    assert "13.500000" not in page and "0.005000" not in page


def test_a_result_without_a_platform_link_shows_none(client, decls):
    page = client.get(detail(decls["a1"].pk)).content.decode()
    assert "nofollow" not in page


# ---------------------------------------------------------------------------
# search, filters, sort


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, PUBLISHED),
        ({"grade": Grade.LEADING}, {"A-1"}),
        ({"grade": Grade.BEHIND}, {"B-1"}),
        # a3 was 先进 too, but it is withdrawn
        ({"grade": Grade.ADVANCED}, {"A-4"}),
        ({"grade": Grade.AVERAGE}, set()),
        ({"published_from": "2024-06-10"}, {"A-1", "B-1"}),
        ({"published_to": "2024-06-09"}, {"A-4"}),
        ({"published_from": "2024-06-10", "published_to": "2024-06-10"}, {"A-1"}),
        # search: product model, product name, enterprise name, scheme code and title
        ({"q": "a-1"}, {"A-1"}),
        ({"q": "焖烧"}, {"B-1"}),
        ({"q": "乙门业"}, {"B-1"}),
        ({"q": "ykdb-list"}, PUBLISHED),
        ({"q": "保温杯对标"}, PUBLISHED),
        ({"q": "甲杯业 A-4"}, {"A-4"}),  # every word must match
        ({"q": "A-2"}, set()),  # a draft
        ({"q": "A-3"}, set()),  # withdrawn
        ({"q": "没有这个词"}, set()),
        ({"q": "保温", "grade": Grade.LEADING, "published_from": "2024-06-01"}, {"A-1"}),
    ],
)
def test_each_filter_narrows_the_list(client, decls, params, expected):
    assert models_listed(client, **params) == expected


def test_the_industry_filter_uses_the_enterprises_industry(client, decls, enterprise, other_enterprise):
    assert models_listed(client, industry=enterprise.industry_id) == {"A-1", "A-4"}
    assert models_listed(client, industry=other_enterprise.industry_id) == {"B-1"}
    # Results count under the enterprise's current industry, not the scheme's (counting rules).
    assert enterprise.industry_id != decls["a1"].scheme.industry_id
    assert models_listed(client, industry=decls["a1"].scheme.industry_id) == set()
    # Every industry is offered, with a result or not.
    empty = IndustryFactory(name="衡器")
    page = client.get(LIST).content.decode()
    assert f'<option value="{empty.pk}">衡器</option>' in page
    assert models_listed(client, industry=empty.pk) == set()


def test_search_finds_a_credit_code_as_people_paste_it(client, decls, other_enterprise):
    code = other_enterprise.credit_code
    pasted = "".join(chr(ord(c) + 0xFEE0) for c in code[-8:-5]) + code[-5:].lower()
    assert models_listed(client, q=pasted) == {"B-1"}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["B-1", "A-1", "A-4"]),  # newest first
        ("-published_at", ["B-1", "A-1", "A-4"]),
        ("published_at", ["A-4", "A-1", "B-1"]),
        ("grade", ["A-1", "A-4", "B-1"]),  # 领先, 先进, 落后: best first, not by the stored codes
        ("-grade", ["B-1", "A-4", "A-1"]),
    ],
)
def test_sort(client, decls, sort, expected):
    assert [d.product_model for d in listed(client.get(LIST, {"sort": sort}))] == expected


def test_sort_by_enterprise_both_ways(client, decls):
    ascending = [d.enterprise.name for d in listed(client.get(LIST, {"sort": "enterprise"}))]
    descending = [d.enterprise.name for d in listed(client.get(LIST, {"sort": "-enterprise"}))]
    # The database's collation decides the order of Chinese names; the two are mirror images.
    assert ascending == sorted(ascending, key=ascending.index) and descending == ascending[::-1]
    assert len(set(ascending)) == 2 and ascending != descending


def test_sort_headers_toggle_and_keep_the_filters(client, decls, enterprise):
    page = client.get(LIST, {"industry": enterprise.industry_id, "sort": "grade"}).content.decode()
    header = re.search(r'<th scope="col"(?: class="[^"]*")? aria-sort="ascending"><a href="([^"]+)"', page)
    assert header, "the sorted column is marked"
    link = header.group(1).replace("&amp;", "&")
    assert "sort=-grade" in link and f"industry={enterprise.industry_id}" in link


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"industry": "999999"}, "所选行业不存在"),
        ({"industry": "abc"}, "所选行业不存在"),
        ({"grade": "excellent"}, "不是可选的值"),
        ({"published_from": "yesterday"}, "请输入有效的日期"),
        ({"published_to": "2024-02-30"}, "请输入有效的日期"),
        ({"published_to": "9999-12-31"}, "日期应在 2000-01-01 至 2099-12-31 之间"),
        ({"sort": "password"}, "无法按"),
        ({"q": "保温", "grade": "excellent"}, "不是可选的值"),
    ],
)
def test_a_bad_filter_value_shows_a_chinese_error_and_no_rows(client, decls, params, message):
    response = client.get(LIST, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "筛选条件有误" in page
    assert listed(response) == []
    assert "共 0 项已发布的自我声明对标结果" in page
    # The error stands beside its field.
    field = next(iter(k for k in params if k != "q"))
    assert re.search(rf'has-error[^"]*">\s*<label for="id_{field}"', page), field


def test_pages_of_fifty(client, office, declare):
    industry = IndustryFactory(name="杯业")
    for i in range(51):
        firm = EnterpriseFactory(name=f"永康杯业{i:02d}有限公司", branch_office=office, industry=industry)
        declare(firm, model=f"M-{i}", published=sh(2024, 6, 1, hour=0) + dt.timedelta(minutes=i))
    first = client.get(LIST)
    assert len(listed(first)) == 50
    assert "第 1 / 2 页" in first.content.decode()
    second = client.get(LIST, {"page": "2"})
    assert [d.product_model for d in listed(second)] == ["M-0"]  # the oldest, last
    # Past the end or not a number: the nearest page, not a 404.
    assert client.get(LIST, {"page": "99"}).status_code == 200
    assert client.get(LIST, {"page": "x"}).status_code == 200


# ---------------------------------------------------------------------------
# a fixed number of queries, however many rows


def _many_results(n, *, office, declare):
    industry = IndustryFactory(name="杯业")
    for i in range(n):
        firm = EnterpriseFactory(name=f"永康杯业{i:02d}有限公司", branch_office=office, industry=industry)
        declare(firm, model=f"M-{i}", published=sh(2024, 6, 1))
    return industry


# The count, the rows (with enterprise, industry and scheme joined), the industry choices
# and the validation of the chosen industry: the same at 5 rows and at 50.
LIST_QUERIES = 4
# The result (joined with enterprise, office, industry, scheme, executed standard), its
# indicator rows (joined with their indicators), the scheme's benchmark standards.
DETAIL_QUERIES = 3
# An anonymous visitor's page is cached whole (views/anonymous_cache.py): a first visit also
# reads the counts version its key is made of; a repeat costs that read alone
# (tests/views/test_public_cache.py).
VERSION_QUERY = 1


@pytest.mark.parametrize("n", [5, 50])
def test_the_list_costs_a_fixed_number_of_queries(client, office, declare, django_assert_num_queries, n):
    industry = _many_results(n, office=office, declare=declare)
    params = {
        "q": "永康",
        "industry": industry.pk,
        "grade": Grade.LEADING,
        "published_from": "2024-01-01",
        "sort": "-grade",
    }
    with django_assert_num_queries(VERSION_QUERY + LIST_QUERIES):
        response = client.get(LIST, params)
    assert len(listed(response)) == n


@pytest.mark.parametrize("n", [5, 50])
def test_the_detail_costs_a_fixed_number_of_queries(
    client, enterprise, executed_standard, bureau_staff, django_assert_num_queries, n
):
    scheme = SchemeFactory()
    for i in range(n):
        IndicatorFactory(scheme=scheme, name=f"指标{i:02d}", order=i, benchmark_value=Decimal("10"))
        SchemeBenchmark.objects.create(scheme=scheme, standard=StandardFactory())
    scheme = scheme_publish(scheme=scheme, actor=bureau_staff, at=sh(2024, 1, 1))
    declaration = declaration_create(
        actor=bureau_staff,
        enterprise=enterprise,
        scheme=scheme,
        product_name="真空保温杯",
        product_model="N-1",
        executed_standard=executed_standard,
        values={indicator.pk: Decimal("11") for indicator in scheme.indicators.all()},
        at=sh(2024, 6, 1),
    )
    declaration_publish(declaration=declaration, actor=bureau_staff, at=sh(2024, 6, 1))
    with django_assert_num_queries(VERSION_QUERY + DETAIL_QUERIES):
        response = client.get(detail(declaration.pk))
    assert len(response.context["result"].items) == n
    assert len(response.context["result"].benchmark_standards) == n


@pytest.mark.parametrize("n", [5, 50])
def test_signed_in_readers_cost_a_fixed_number_of_queries_too(
    client, office, declare, branch_staff, django_assert_max_num_queries, n
):
    industry = _many_results(n, office=office, declare=declare)
    client.force_login(branch_staff)
    # The anonymous page's queries, plus the session, the user and the role groups the
    # header's navigation asks for, and the session's activity stamp saved (savepoint,
    # update, release).
    with django_assert_max_num_queries(LIST_QUERIES + 6):
        response = client.get(LIST, {"q": "永康", "industry": industry.pk, "sort": "grade"})
    assert len(listed(response)) == n


def test_a_stored_link_elsewhere_is_not_shown_on_the_public_page(client, full_result):
    """A link stored before only the platform's own hosts were accepted (written past the model's
    validation) is not shown to the public at all; staff see it as text, asking for a fix."""
    Declaration.objects.filter(pk=full_result.pk).update(
        national_platform_url="https://phish.example/cpbz.gov.cn/login"
    )
    page = client.get(detail(full_result.pk)).content.decode()
    assert "phish.example" not in page
    assert "查看该产品在平台上的自我声明" not in page
