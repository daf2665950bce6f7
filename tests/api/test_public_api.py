"""/api/v1/public/: the published results (the public page's rows, filters and 404s) and the
counties' figures with their ranks (the dashboards' statements), for anyone, no token."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benchmarking.services.declarations import declaration_withdraw
from tests.conftest import sh
from tests.factories import EnterpriseFactory, IndustryFactory
from tests.test_region_counting import JINHUA, SHANGCHENG, YIWU, YONGKANG
from tests.test_region_counting import counties as counties
from tests.views.test_county_dashboard_ranks import YIWU_NOW, YONGKANG_NOW

RESULTS = reverse("api-public-results")
FIGURES = reverse("api-public-figures")


def result_url(pk: int) -> str:
    return reverse("api-public-result", args=[pk])


def models_in(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["product_model"] for row in response.json()["results"]]


@pytest.fixture
def results(declare, enterprise, other_enterprise):
    """Two published results, one withdrawn, one draft."""
    published = declare(enterprise, model="PUB-1", value="13", published=sh(2024, 3, 1))
    declare(other_enterprise, model="PUB-2", value="5", published=sh(2024, 9, 1), product_name="不锈钢杯")
    gone = declare(enterprise, model="GONE-1", published=sh(2024, 4, 1))
    declaration_withdraw(declaration=gone, actor=gone.created_by, comment="数据有误", at=sh(2024, 5, 1))
    declare(enterprise, model="DRAFT-1")
    return published


def test_the_list_holds_exactly_the_published_results_newest_first(api_as, results):
    assert models_in(api_as(None).get(RESULTS)) == ["PUB-2", "PUB-1"]


def test_a_row_names_what_the_public_page_shows_and_nothing_private(api_as, results, enterprise):
    row = next(r for r in api_as(None).get(RESULTS).json()["results"] if r["product_model"] == "PUB-1")
    assert row["enterprise_name"] == enterprise.name
    assert row["grade"] == "leading" and row["grade_label"] == "领先"
    assert row["published_on"] == "2024-03-01"
    assert row["page_url"].endswith(reverse("public-result-detail", args=[results.pk]))
    assert row["standard_update"] is None
    for private in ("credit_code", "contact", "address", "legal_representative", "evidence", "events"):
        assert private not in row


def test_the_public_pages_filters_apply(api_as, results):
    client = api_as(None)
    assert models_in(client.get(RESULTS, {"grade": "behind"})) == ["PUB-2"]
    assert models_in(client.get(RESULTS, {"q": "不锈钢"})) == ["PUB-2"]
    assert models_in(client.get(RESULTS, {"published_to": "2024-06-30"})) == ["PUB-1"]
    assert models_in(client.get(RESULTS, {"published_from": "2024-06-30"})) == ["PUB-2"]


def test_a_bad_filter_value_is_a_400_in_chinese_naming_the_field(api_as, results):
    response = api_as(None).get(RESULTS, {"grade": "best", "published_from": "yesterday"})
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) == {"grade", "published_from"}
    assert "grade" in body["detail"] and "published_from" in body["detail"]
    assert "有效" in " ".join(body["errors"]["published_from"])  # 输入一个有效的日期。


def test_the_list_has_no_sort_a_cursor_would_ignore(api_as, results):
    schema = api_as(None).get(reverse("api-schema"), {"format": "json"}).json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/public/results/"]["get"]["parameters"]}
    assert {"q", "industry", "grade", "published_from", "published_to", "cursor"} <= parameters
    assert "sort" not in parameters


def test_pages_follow_by_cursor(api_as, declare, enterprise):
    for n in range(5):
        declare(enterprise, model=f"P-{n}", published=sh(2024, 3, 1 + n))
    client = api_as(None)
    first = client.get(RESULTS, {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    seen = [r["product_model"] for page in (first, second, third) for r in page["results"]]
    assert seen == ["P-4", "P-3", "P-2", "P-1", "P-0"]
    assert third["next"] is None


def test_the_detail_is_the_public_pages(api_as, results, enterprise):
    body = api_as(None).get(result_url(results.pk)).json()
    assert body["credit_code"] == enterprise.credit_code  # on every business licence: public
    assert body["grade_label"] == "领先"
    assert [(i["name"], i["value"], i["comparison_label"]) for i in body["items"]] == [
        ("保温效能", "13", "优于")
    ]
    assert body["report_url"].endswith(reverse("public-result-report", args=[results.pk]))


def test_anything_unpublished_is_the_same_404(api_as, results, enterprise):
    from benchmarking.models import Declaration

    client = api_as(None)
    for model in ("GONE-1", "DRAFT-1"):
        pk = Declaration.objects.get(product_model=model).pk
        response = client.get(result_url(pk))
        assert response.status_code == 404
        assert response.json() == {"detail": "没有这项已发布的对标结果。"}
    assert client.get(result_url(10**6)).status_code == 404


def test_a_token_changes_nothing_not_even_a_bad_one(api_as, results, enterprise_user):
    from tests.api.conftest import client_with_token

    anonymous = api_as(None).get(RESULTS).json()
    assert api_as(enterprise_user).get(RESULTS).json() == anonymous
    assert client_with_token("ykapi_not-a-token").get(RESULTS).json() == anonymous


def test_the_list_costs_the_same_queries_at_one_and_ten_times_the_results(api_as, declare):
    industry = IndustryFactory()

    def publish(n: int, start: int):
        for i in range(n):
            company = EnterpriseFactory(industry=industry)
            declare(company, model=f"Q-{start + i}", published=sh(2024, 3, 1))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api_as(None).get(RESULTS, {"page_size": 200}).status_code == 200
        return len(captured)

    publish(3, 0)
    few = queries()
    publish(27, 3)
    assert queries() == few


# -- figures ----------------------------------------------------------------------------------


def county_of(body, code):
    return next(c for c in body["counties"] if c["code"] == code)


def test_the_figures_and_ranks_are_the_dashboards(api_as, counties):
    body = api_as(None).get(FIGURES).json()
    assert body["as_of"] == timezone.localdate().isoformat() and body["region"] is None
    assert len(body["counties"]) == 90
    yongkang = county_of(body, YONGKANG)
    assert [yongkang[m]["count"] for m in ("schemes", "enterprises", "results")] == [1, 2, 3]
    assert [yongkang[m]["statement"] for m in ("schemes", "enterprises", "results")] == YONGKANG_NOW
    assert [county_of(body, YIWU)[m]["statement"] for m in ("schemes", "enterprises", "results")] == YIWU_NOW
    results = yongkang["results"]
    assert results["province_rank"] == {"rank": 1, "of": 90, "tied": False}
    assert results["kind_label"] == "县级市"
    assert results["prefecture_rank"]["rank"] == 1


def test_the_figures_as_of_a_past_day_and_for_one_prefecture(api_as, counties):
    body = api_as(None).get(FIGURES, {"as_of": "2024-08-31", "region": JINHUA}).json()
    assert body["as_of"] == "2024-08-31" and body["region"] == JINHUA
    codes = [c["code"] for c in body["counties"]]
    assert YONGKANG in codes and YIWU in codes and SHANGCHENG not in codes
    assert all(code.startswith("3307") for code in codes)
    yongkang = county_of(body, YONGKANG)
    assert [yongkang[m]["count"] for m in ("schemes", "enterprises", "results")] == [1, 1, 2]


def test_one_county(api_as, counties):
    body = api_as(None).get(FIGURES, {"region": SHANGCHENG}).json()
    assert [c["code"] for c in body["counties"]] == [SHANGCHENG]
    assert body["counties"][0]["results"]["kind_label"] == "市辖区"


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"region": "999999"}, "region", "没有代码为 999999"),
        ({"as_of": "2024-02-30"}, "as_of", "日期"),
        ({"as_of": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "as_of", "不能晚于今天"),
        ({"as_of": "1999-12-31"}, "as_of", "不能早于 2000 年"),
    ],
)
def test_a_bad_region_or_day_is_a_400_naming_it(api_as, db, params, field, words):
    response = api_as(None).get(FIGURES, params)
    assert response.status_code == 400
    assert words in " ".join(response.json()["errors"][field])


def test_the_figures_cost_a_few_queries_whatever_the_counties(api_as, counties):
    api_as(None).get(FIGURES)  # fills the shared cache, as the dashboards do
    with CaptureQueriesContext(connection) as captured:
        assert api_as(None).get(FIGURES).status_code == 200
    assert len(captured) <= 2  # the counts version; the figures and the tree are cached
