"""The lists' exports: the same FilterSet as the screen, every page, real numbers and dates,
neutralised formula cells, and a fixed number of queries."""

import csv
import datetime as dt
import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from benchmarking.columns import DECLARATION_COMPUTED, DECLARATION_FIELDS, ENTERPRISE_EXPORT, SCHEME_EXPORT
from benchmarking.services.declarations import declaration_withdraw
from benchmarking.services.schemes import scheme_publish
from tests.conftest import sh
from tests.factories import EnterpriseFactory, IndicatorFactory, IndustryFactory, SchemeFactory

EXPORTS = ("scheme-export", "enterprise-export", "declaration-export")
HEADERS = {
    "scheme-export": [c.header for c in SCHEME_EXPORT],
    "enterprise-export": [c.header for c in ENTERPRISE_EXPORT],
    # The fields, the indicator pairs (the tests' schemes have one indicator), the computed columns.
    "declaration-export": [
        *(c.header for c in DECLARATION_FIELDS),
        "指标1",
        "声明值1",
        *(c.header for c in DECLARATION_COMPUTED),
    ],
}
D = dt.date(2024, 6, 30)


def read_xlsx(response) -> list[dict]:
    """The sheet's rows as {header: value}, after checking the header row."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    headers = list(rows[0])
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def csv_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content).decode("utf-8")


def read_csv(response) -> list[dict]:
    text = csv_text(response)
    assert text.startswith("\ufeff"), "a BOM, so Excel on Chinese Windows reads UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:])))


def filename(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    return unquote(disposition.split("filename*=utf-8''")[1])


@pytest.fixture
def decls(enterprise, other_enterprise, declare, bureau_staff):
    """甲 (东城): A-1 published 2024-06-10 (领先), A-2 draft, A-3 published 2024-05-01 and withdrawn
    2024-08-01 (先进). 乙 (西城): B-1 published 2024-06-15 (落后)."""
    a1 = declare(enterprise, model="A-1", published=sh(2024, 6, 10), declared_on=dt.date(2024, 6, 1))
    declare(enterprise, model="A-2")
    a3 = declare(enterprise, model="A-3", value="12", published=sh(2024, 5, 1))
    declaration_withdraw(declaration=a3, actor=bureau_staff, comment="数据有误", at=sh(2024, 8, 1))
    declare(other_enterprise, model="B-1", value="5", published=sh(2024, 6, 15))
    return a1


def test_declaration_xlsx_holds_exactly_the_filtered_rows(client, bureau_staff, decls, office):
    client.force_login(bureau_staff)
    params = {"branch_office": office.pk, "counted_on": D.isoformat(), "sort": "product_model"}
    response = client.get(reverse("declaration-export", args=["xlsx"]), params)
    rows = read_xlsx(response)
    # the same rows as the list on screen, in the same order
    on_screen = client.get(reverse("declaration-list"), params).context["page_obj"].object_list
    assert [r["产品型号"] for r in rows] == [d.product_model for d in on_screen] == ["A-1", "A-3"]
    first = rows[0]
    assert list(first) == HEADERS["declaration-export"]
    assert first["企业名称"] == "永康甲杯业有限公司"
    assert first["所属监管所"] == "东城市场监管所"
    assert first["对标水平"] == "领先" and first["状态"] == "已发布"
    assert rows[1]["状态"] == "已撤回"  # withdrawn after D: still counted at D
    # Real dates and times (Shanghai wall clock), not text.
    assert first["声明日期"] == dt.datetime(2024, 6, 1)
    assert first["发布时间"] == dt.datetime(2024, 6, 10, 10, 0)
    assert first["撤回时间"] is None
    # The values as the import reads them: 指标N / 声明值N, a real number.
    assert (first["指标1"], first["声明值1"]) == ("保温效能", 13)
    assert filename(response) == f"对标结果_{timezone.localdate().isoformat()}.xlsx"


def test_declaration_csv_matches_the_xlsx(client, bureau_staff, decls, office):
    client.force_login(bureau_staff)
    params = {"branch_office": office.pk, "counted_on": D.isoformat(), "sort": "product_model"}
    response = client.get(reverse("declaration-export", args=["csv"]), params)
    assert filename(response) == f"对标结果_{timezone.localdate().isoformat()}.csv"
    rows = read_csv(response)
    assert list(rows[0]) == HEADERS["declaration-export"]
    assert [(r["产品型号"], r["发布时间"], r["声明日期"]) for r in rows] == [
        ("A-1", "2024-06-10 10:00", "2024-06-01"),
        ("A-3", "2024-05-01 10:00", "2024-05-01"),
    ]


def test_enterprise_export_counts_are_numbers_and_flags_are_words(client, bureau_staff, decls, enterprise):
    EnterpriseFactory(name="永康丙衡器有限公司", zhejiang_made=True)
    client.force_login(bureau_staff)
    rows = {r["企业名称"]: r for r in read_xlsx(client.get(reverse("enterprise-export", args=["xlsx"])))}
    assert list(next(iter(rows.values()))) == HEADERS["enterprise-export"]
    assert rows["永康甲杯业有限公司"]["已计入对标结果数"] == 1  # A-1; A-3 was withdrawn
    assert rows["永康乙门业有限公司"]["已计入对标结果数"] == 1
    assert rows["永康丙衡器有限公司"]["已计入对标结果数"] == 0
    assert isinstance(rows["永康丙衡器有限公司"]["已计入对标结果数"], int)
    assert rows["永康丙衡器有限公司"]["浙江制造/品字标认证"] == "是"
    assert rows["永康甲杯业有限公司"]["统一社会信用代码"] == enterprise.credit_code
    # As of a date, the column and the rows follow it.
    at_d = read_xlsx(client.get(reverse("enterprise-export", args=["xlsx"]), {"counted_on": "2024-05-31"}))
    assert [(r["企业名称"], r["已计入对标结果数"]) for r in at_d] == [("永康甲杯业有限公司", 1)]


def test_scheme_export_filters_like_the_list(client, bureau_staff, decls, list_scheme):
    draft = SchemeFactory(code="YKDB-DRAFT", industry=list_scheme.industry)
    IndicatorFactory(scheme=list_scheme, name="铅迁移量", order=list_scheme.indicators.get().order + 1)
    client.force_login(bureau_staff)
    rows = read_csv(client.get(reverse("scheme-export", args=["csv"]), {"industry": list_scheme.industry_id}))
    assert {r["方案编号"] for r in rows} == {list_scheme.code, draft.code}
    counted = read_xlsx(client.get(reverse("scheme-export", args=["xlsx"]), {"counted_on": D.isoformat()}))
    # One row per indicator (the import's format), the scheme's columns repeated on each.
    assert [(r["方案编号"], r["状态"], r["已计入对标结果数"], r["指标名称"]) for r in counted] == [
        (list_scheme.code, "已发布", 3, "保温效能"),
        (list_scheme.code, "已发布", 3, "铅迁移量"),
    ]
    assert list(counted[0]) == HEADERS["scheme-export"]
    assert counted[0]["发布时间"] == dt.datetime(2024, 1, 10, 10, 0)
    # A scheme with no indicator yet still has its one row.
    (draft_row,) = [r for r in rows if r["方案编号"] == draft.code]
    assert (draft_row["状态"], draft_row["指标名称"], draft_row["比较方式"]) == ("草稿", "", "")


def test_an_export_holds_every_page_not_just_the_current_one(client, bureau_staff, office):
    industry = IndustryFactory(name="门业")
    for i in range(55):
        EnterpriseFactory(name=f"永康门业{i:02d}有限公司", branch_office=office, industry=industry)
    EnterpriseFactory(name="永康杯业有限公司", branch_office=office)
    client.force_login(bureau_staff)
    params = {"industry": industry.pk, "page": "2"}
    rows = read_csv(client.get(reverse("enterprise-export", args=["csv"]), params))
    assert len(rows) == 55
    assert all("门业" in r["企业名称"] for r in rows)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formula_like_cells_are_neutralised(client, bureau_staff, office, fmt):
    EnterpriseFactory(
        name='=HYPERLINK("http://evil.example","点我")',
        branch_office=office,
        contact_person="@SUM(1)",
        phone="+86 579 1234",
    )
    EnterpriseFactory(name="-2+3", branch_office=office)
    client.force_login(bureau_staff)
    response = client.get(reverse("enterprise-export", args=[fmt]))
    rows = read_xlsx(response) if fmt == "xlsx" else read_csv(response)
    # CSV: a leading apostrophe. xlsx: the value unchanged, in a text cell marked "as typed".
    mark = "'" if fmt == "csv" else ""
    names = {r["企业名称"] for r in rows}
    assert names == {mark + '=HYPERLINK("http://evil.example","点我")', mark + "-2+3"}
    hyperlink = next(r for r in rows if "HYPERLINK" in r["企业名称"])
    assert hyperlink["联系人"] == mark + "@SUM(1)"
    assert hyperlink["联系电话"] == mark + "+86 579 1234"
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        cells = [cell for row in sheet.iter_rows() for cell in row]
        assert all(cell.data_type != "f" for cell in cells)
        formula_like = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
        assert len(formula_like) == 4
        assert all(c.data_type == "s" and c.quotePrefix for c in formula_like)


def test_branch_staff_export_only_their_office(client, branch_staff, decls, other_enterprise):
    client.force_login(branch_staff)
    for name in ("enterprise-export", "declaration-export"):
        text = csv_text(client.get(reverse(name, args=["csv"])))
        assert other_enterprise.name not in text and other_enterprise.credit_code not in text
        assert "永康甲杯业有限公司" in text


# ---------------------------------------------------------------------------
# access and bad requests


@pytest.mark.parametrize("name", EXPORTS)
def test_export_access(client, enterprise_user, name):
    url = reverse(name, args=["xlsx"])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    nobody = get_user_model().objects.create_user("nobody", password="x")
    for user in (enterprise_user, nobody):
        client.force_login(user)
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("name", EXPORTS)
def test_an_export_with_bad_filters_goes_back_to_the_list_that_explains(client, bureau_staff, name):
    client.force_login(bureau_staff)
    response = client.get(reverse(name, args=["csv"]), {"counted_on": "2024-02-30", "q": "杯"})
    list_url = reverse(name.replace("-export", "-list"))
    assert response.status_code == 302
    assert response.url.startswith(list_url + "?") and "counted_on=2024-02-30" in response.url
    page = client.get(response.url).content.decode()
    assert "请输入有效的日期" in page


def test_an_unknown_format_is_not_found(client, bureau_staff):
    client.force_login(bureau_staff)
    assert client.get("/declarations/export.pdf").status_code == 404


# ---------------------------------------------------------------------------
# a fixed number of queries, however many rows

# Session, user (with profile: benchmarking.backends), role groups, the office chosen in the
# filter, the COUNT that decides between answering at once and queueing (services.exports),
# the rows (browsing writes no session: benchmarking.sessions).
EXPORT_QUERIES = 6
# The scheme export filters on no office, and prefetches its schemes' indicators and benchmark
# standards (one query each per chunk of 2,000 schemes: one chunk at any real size).
SCHEME_EXPORT_QUERIES = EXPORT_QUERIES - 1 + 2
# The declaration export reads every exported item (the 指标N / 声明值N pairs) in one more query.
DECLARATION_EXPORT_QUERIES = EXPORT_QUERIES + 1


@pytest.mark.parametrize("n", [5, 50])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("name", EXPORTS)
def test_exports_cost_a_fixed_number_of_queries(
    client, branch_staff, office, declare, bureau_staff, django_assert_max_num_queries, n, fmt, name
):
    industry = IndustryFactory(name="杯业")
    for i in range(n):
        firm = EnterpriseFactory(name=f"永康杯业{i:02d}有限公司", branch_office=office, industry=industry)
        declare(firm, model=f"M-{i}", published=sh(2024, 6, 1))
        scheme = SchemeFactory(industry=industry)
        IndicatorFactory(scheme=scheme)
        scheme_publish(scheme=scheme, actor=bureau_staff, at=sh(2024, 5, 1))
    client.force_login(branch_staff)
    params = {"counted_on": "2024-06-30", "sort": "-counted_results"}
    if name != "scheme-export":
        params["branch_office"] = office.pk
    if name == "declaration-export":
        params["sort"] = "-published_at"
    bound = {"scheme-export": SCHEME_EXPORT_QUERIES, "declaration-export": DECLARATION_EXPORT_QUERIES}
    with django_assert_max_num_queries(bound.get(name, EXPORT_QUERIES)):
        response = client.get(reverse(name, args=[fmt]), params)
        rows = read_xlsx(response) if fmt == "xlsx" else read_csv(response)
    assert len(rows) >= n
