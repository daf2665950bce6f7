"""Each enterprise, branch office, plan and scheme belongs to a county-level region: the home
region (settings.BENCHMARKING_HOME_REGION) unless told otherwise, an enterprise the county its
credit code names; changing it raises the counts version; a region with records is kept."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from benchmarking.imports.engine import commit_import
from benchmarking.imports.enterprises import EnterpriseImport
from benchmarking.models import BranchOffice, Enterprise, Plan, Region, TechnicalScheme
from benchmarking.selectors.progress import counts_version
from benchmarking.selectors.regions import enterprise_region_code, served_county_codes
from benchmarking.validators import CREDIT_CODE_ALPHABET, credit_code_check_character
from tests.factories import (
    BranchOfficeFactory,
    EnterpriseFactory,
    IndustryFactory,
    SchemeFactory,
    make_credit_code,
)
from tests.imports.test_enterprises import xlsx

pytestmark = pytest.mark.django_db

YONGKANG, WUCHENG, JINHUA, YIWU = "330784", "330702", "330700", "330782"


def credit_code_of(region: str, n: int = 7) -> str:
    """A valid credit code registered in ``region`` (characters 3–8)."""
    body = "".join(CREDIT_CODE_ALPHABET[(n + i) % 31] for i in range(9))
    first17 = "91" + region + body
    return first17 + credit_code_check_character(first17)


def test_new_records_of_todays_flows_belong_to_the_home_region():
    enterprise = EnterpriseFactory()
    scheme = SchemeFactory()
    plan = Plan.objects.create(name="测试计划", starts_on="2025-01-01", ends_on="2027-12-31")
    for record, field in (
        (enterprise, "region"),
        (enterprise.branch_office, "region"),
        (scheme, "publisher_region"),
        (plan, "region"),
    ):
        record.refresh_from_db()
        region = getattr(record, field)
        assert (region.code, region.name) == (YONGKANG, "永康市")


def test_the_home_region_is_a_deployment_setting(settings):
    settings.BENCHMARKING_HOME_REGION = WUCHENG
    office = BranchOfficeFactory()
    scheme = SchemeFactory()
    assert office.region_id == scheme.publisher_region_id == WUCHENG
    assert Region.objects.get(code=WUCHENG).branch_offices.get() == office


def test_an_enterprise_defaults_to_the_county_its_credit_code_names_when_served_here():
    # A deployment for one county serves it alone: a credit code of 婺城 still lands at home.
    assert served_county_codes() == {YONGKANG}
    assert enterprise_region_code(credit_code_of(WUCHENG)) == YONGKANG
    BranchOfficeFactory(region_id=WUCHENG)  # now 婺城 is served here too
    counties = served_county_codes()
    assert counties == {YONGKANG, WUCHENG}
    assert enterprise_region_code(credit_code_of(WUCHENG), counties) == WUCHENG
    assert enterprise_region_code(credit_code_of(WUCHENG)) == WUCHENG  # asked of the database
    # Registered by the prefecture's own bureau, or in a county not served (义乌): its office's
    # county, else the home region.
    assert enterprise_region_code(credit_code_of(JINHUA), counties, otherwise=WUCHENG) == WUCHENG
    assert enterprise_region_code(credit_code_of(JINHUA), counties) == YONGKANG
    assert enterprise_region_code(credit_code_of(YIWU), counties) == YONGKANG
    # Outside the stored tree (Xiamen), too short, or none at all: the home region.
    assert enterprise_region_code("91350200MA2YJ1XR9G", counties) == YONGKANG
    assert enterprise_region_code("9133", counties) == YONGKANG
    assert enterprise_region_code(None) == YONGKANG


def test_the_migration_places_existing_enterprises_by_their_credit_code():
    home = EnterpriseFactory()
    elsewhere = EnterpriseFactory(credit_code=credit_code_of(WUCHENG))
    prefecture = EnterpriseFactory(credit_code=credit_code_of(JINHUA, 11))
    assert elsewhere.region_id == YONGKANG  # a factory takes the model's default
    migration = importlib.import_module("benchmarking.migrations.0017_region_attachment")
    # Its data step only reads the editor's connection (a real editor cannot open inside a test's
    # transaction on SQLite).
    migration.enterprises_by_credit_code(django_apps, SimpleNamespace(connection=connection))
    assert {e.pk: e.region_id for e in Enterprise.objects.all()} == {
        home.pk: YONGKANG,
        elsewhere.pk: WUCHENG,
        prefecture.pk: YONGKANG,
    }
    # 婺城 is served by no office here: 0019 puts the enterprise back in its office's county.
    importlib.import_module(
        "benchmarking.migrations.0019_enterprises_in_served_counties"
    ).back_to_their_offices_county(django_apps, SimpleNamespace(connection=connection))
    assert set(Enterprise.objects.values_list("region_id", flat=True)) == {YONGKANG}
    assert elsewhere.history.latest().region_id == YONGKANG


@pytest.mark.parametrize(
    "make, field",
    [
        (lambda: EnterpriseFactory(), "region"),
        (lambda: SchemeFactory(), "publisher_region"),
        (lambda: BranchOfficeFactory(), "region"),
        (lambda: Plan.objects.create(name="计划", starts_on="2025-01-01", ends_on="2027-12-31"), "region"),
    ],
    ids=["enterprise", "scheme", "office", "plan"],
)
def test_moving_a_record_to_another_county_raises_the_counts_version(make, field):
    record = make()
    before = counts_version()
    type(record).objects.filter(pk=record.pk).update(**{f"{field}_id": WUCHENG})
    assert counts_version() > before


def test_an_unchanged_region_leaves_the_counts_version_alone():
    enterprise = EnterpriseFactory()
    before = counts_version()
    Enterprise.objects.filter(pk=enterprise.pk).update(region_id=YONGKANG, phone="0579-1")
    assert counts_version() == before


def test_a_region_with_records_cannot_be_deleted():
    EnterpriseFactory(region_id=WUCHENG)
    region = Region.objects.get(code=WUCHENG)
    with pytest.raises(ProtectedError):
        region.delete()
    assert Region.objects.filter(code=WUCHENG).exists()


def test_only_a_stored_region_can_be_named():
    with pytest.raises(IntegrityError), transaction.atomic():
        EnterpriseFactory(region_id="999999")
        connection.check_constraints()


def test_each_county_has_its_own_current_plan():
    dates = {"starts_on": "2025-01-01", "ends_on": "2027-12-31", "is_active": True}
    Plan.objects.create(name="永康计划", **dates)
    Plan.objects.create(name="婺城计划", region_id=WUCHENG, **dates)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(name="永康另一计划", **dates)
    assert Plan.objects.filter(is_active=True).count() == 2


def test_an_import_places_new_enterprises_by_credit_code_and_leaves_known_ones(office, bureau_staff):
    """In a deployment for one county every new enterprise is the county's, whatever its credit code."""
    industry = IndustryFactory()
    known = EnterpriseFactory(credit_code=credit_code_of(WUCHENG, 3), branch_office=office, industry=industry)
    rows = [
        [code, name, office.name, industry.name]
        for code, name in (
            (credit_code_of(WUCHENG), "婺城登记企业"),
            (credit_code_of(JINHUA, 5), "金华市局登记企业"),
            (make_credit_code(), "永康登记企业"),
            (known.credit_code, "已有企业改名"),
        )
    ]
    data = xlsx(["统一社会信用代码", "企业名称", "所属监管所", "行业"], rows)

    plan = commit_import(EnterpriseImport(), "企业.xlsx", data, bureau_staff)

    assert plan.ok, [str(p) for p in plan.problems]
    assert dict(Enterprise.objects.values_list("name", "region_id")) == {
        "婺城登记企业": YONGKANG,
        "金华市局登记企业": YONGKANG,
        "永康登记企业": YONGKANG,
        "已有企业改名": YONGKANG,  # an update leaves the county as staff left it
    }


def test_an_import_refuses_an_enterprise_whose_county_is_not_its_offices(office, bureau_staff):
    """Where 婺城 is served too, a 婺城 credit code with a Yongkang office is a row to correct: put in
    婺城 it would drop out of the Yongkang office's view and 婺城's bureau would see an office not
    theirs. Nothing of the file is written."""
    BranchOfficeFactory(region_id=WUCHENG)
    industry = IndustryFactory()
    rows = [
        [make_credit_code(), "永康登记企业", office.name, industry.name],
        [credit_code_of(WUCHENG), "婺城登记企业", office.name, industry.name],
    ]
    data = xlsx(["统一社会信用代码", "企业名称", "所属监管所", "行业"], rows)

    plan = commit_import(EnterpriseImport(), "企业.xlsx", data, bureau_staff)

    assert not plan.ok
    (problem,) = [str(p) for p in plan.problems]
    assert "第 3 行" in problem and "婺城区" in problem and "永康市" in problem
    assert not Enterprise.objects.exists()


# -- the admin: staff correct an enterprise's county --


@pytest.fixture
def staff_client(client, bureau_staff):
    client.force_login(bureau_staff)
    return client


def enterprise_post(enterprise, **overrides):
    data = {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "region": enterprise.region_id,
        "branch_office": enterprise.branch_office_id,
        "industry": enterprise.industry_id,
        "seen_version": enterprise.version,
        "address": "",
        "legal_representative": "",
        "contact_person": "",
        "phone": "",
        "email": "",
        "credit_code_override_reason": "",
    }
    return {**data, **overrides}


def test_staff_see_and_keep_an_enterprises_county_in_the_admin(staff_client):
    BranchOfficeFactory(region_id=WUCHENG)  # a second county served: the county field is shown
    enterprise = EnterpriseFactory()
    url = reverse("admin:benchmarking_enterprise_change", args=[enterprise.pk])
    page = staff_client.get(url)
    assert "所属县（市、区）" in page.text and "永康市" in page.text

    response = staff_client.post(url, enterprise_post(enterprise, name="改名后的企业"))

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.region_id) == ("改名后的企业", YONGKANG)


def test_a_county_that_is_not_the_offices_is_refused_in_the_admin(staff_client):
    BranchOfficeFactory(region_id=WUCHENG)  # a second county served: the county field is shown
    enterprise = EnterpriseFactory()
    url = reverse("admin:benchmarking_enterprise_change", args=[enterprise.pk])

    response = staff_client.post(url, enterprise_post(enterprise, region=WUCHENG))

    # Yongkang's bureau is not offered another county at all.
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.text
    enterprise.refresh_from_db()
    assert enterprise.region_id == YONGKANG
    # And whoever writes it, the model refuses a county that is not its office's, naming both.
    enterprise.region_id = WUCHENG
    with pytest.raises(ValidationError) as error:
        enterprise.full_clean()
    assert "所属县（婺城区）与所属监管所" in str(error.value) and "（永康市）不一致" in str(error.value)


def test_the_admin_refuses_a_county_that_is_not_county_level(staff_client):
    BranchOfficeFactory(region_id=WUCHENG)  # a second county served: the county field is shown
    enterprise = EnterpriseFactory()
    url = reverse("admin:benchmarking_enterprise_change", args=[enterprise.pk])

    response = staff_client.post(url, enterprise_post(enterprise, region=JINHUA))

    assert response.status_code == 200
    assert "选择一个有效的选项" in response.text
    enterprise.refresh_from_db()
    assert enterprise.region_id == YONGKANG


def test_a_new_enterprise_left_without_a_county_takes_its_credit_codes(staff_client):
    office, industry = BranchOfficeFactory(), IndustryFactory()
    data = {
        "name": "婺城登记的永康企业",
        "branch_office": office.pk,
        "industry": industry.pk,
        "address": "",
        "legal_representative": "",
        "contact_person": "",
        "phone": "",
        "email": "",
        "credit_code_override_reason": "",
    }
    add = reverse("admin:benchmarking_enterprise_add")
    assert (
        staff_client.post(add, {**data, "credit_code": credit_code_of(WUCHENG), "region": ""}).status_code
        == 302
    )
    assert (
        staff_client.post(add, {**data, "credit_code": make_credit_code(), "region": ""}).status_code == 302
    )
    chosen = credit_code_of(WUCHENG, 13)
    assert staff_client.post(add, {**data, "credit_code": chosen, "region": YONGKANG}).status_code == 302
    # 婺城 is served by no office here: every one of them is Yongkang's.
    assert sorted(Enterprise.objects.values_list("region_id", flat=True)) == [YONGKANG] * 3
    # Once 婺城 is served, left empty a 婺城 credit code is taken, and refused with a Yongkang office.
    BranchOfficeFactory(region_id=WUCHENG)
    response = staff_client.post(add, {**data, "credit_code": credit_code_of(WUCHENG, 17), "region": ""})
    assert response.status_code == 200 and "所属县（婺城区）与所属监管所" in response.text


def test_the_region_autocomplete_offers_counties_only(staff_client):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "benchmarking", "model_name": "enterprise", "field_name": "region", "term": "金华"},
    )
    assert response.status_code == 200
    names = [result["text"] for result in response.json()["results"]]
    assert "金华市" not in names  # the prefecture is not a county


@pytest.mark.parametrize("role", ["branch_staff", "manager"])
def test_every_kind_of_staff_may_pick_a_region(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "benchmarking", "model_name": "enterprise", "field_name": "region", "term": "永康"},
    )
    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [YONGKANG]


def test_an_enterprise_user_gets_no_regions(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "benchmarking", "model_name": "enterprise", "field_name": "region", "term": "永康"},
    )
    assert response.status_code == 302  # to the admin's login: not staff
    assert "永康" not in response.text


def test_offices_plans_and_schemes_keep_the_home_region_when_left_empty(staff_client):
    office = BranchOfficeFactory()
    response = staff_client.post(
        reverse("admin:benchmarking_branchoffice_change", args=[office.pk]),
        {
            "name": office.name,
            "code": office.code,
            "order": 0,
            "region": "",
            "aliases-TOTAL_FORMS": 0,
            "aliases-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.region_id == YONGKANG
    assert not BranchOffice.objects.filter(region_id__isnull=True).exists()
    assert not TechnicalScheme.objects.filter(publisher_region_id__isnull=True).exists()


# -- a deployment for one county shows no region fields --


def test_one_county_served_shows_no_county_fields_but_an_offices(staff_client):
    enterprise = EnterpriseFactory()
    pages = {
        "enterprise": reverse("admin:benchmarking_enterprise_change", args=[enterprise.pk]),
        "scheme": reverse("admin:benchmarking_technicalscheme_add"),
        "plan": reverse("admin:benchmarking_plan_add"),
        "profile": reverse("admin:benchmarking_userprofile_add"),
    }
    for name, url in pages.items():
        page = staff_client.get(url)
        assert page.status_code == 200, name
        assert 'name="region"' not in page.text and 'name="publisher_region"' not in page.text, name
    # An office's county stays: an office in another county is how a second county is served.
    office_page = staff_client.get(reverse("admin:benchmarking_branchoffice_add"))
    assert 'name="region"' in office_page.text


def test_a_second_county_served_shows_the_county_fields(staff_client):
    BranchOfficeFactory(region_id=WUCHENG)
    enterprise = EnterpriseFactory()
    page = staff_client.get(reverse("admin:benchmarking_enterprise_change", args=[enterprise.pk]))
    assert 'name="region"' in page.text
    assert (
        'name="publisher_region"' in staff_client.get(reverse("admin:benchmarking_technicalscheme_add")).text
    )


# -- names are unique within a county --


def test_each_county_may_have_its_own_dongcheng_office_and_plan_name():
    BranchOffice.objects.create(name="东城市场监管所", code="DC")
    BranchOffice.objects.create(name="东城市场监管所", code="DC", region_id=WUCHENG)
    dates = {"starts_on": "2025-01-01", "ends_on": "2027-12-31"}
    Plan.objects.create(name="千项计划", **dates)
    Plan.objects.create(name="千项计划", region_id=WUCHENG, **dates)
    assert BranchOffice.objects.filter(code="DC").count() == 2


def test_a_county_refuses_a_second_office_of_the_same_name_or_code():
    BranchOffice.objects.create(name="东城市场监管所", code="DC")
    for twin in (
        BranchOffice(name="东城市场监管所", code="DC2"),
        BranchOffice(name="东城所（新）", code="DC"),
    ):
        with pytest.raises(ValidationError) as error:
            twin.full_clean()
        assert "本县（市、区）已有" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        BranchOffice.objects.create(name="东城市场监管所", code="DC3")


def test_an_import_reads_office_names_in_the_importers_county(bureau_staff):
    ours = BranchOffice.objects.create(name="东城市场监管所", code="DC")
    BranchOffice.objects.create(name="东城市场监管所", code="DC", region_id=WUCHENG)
    industry = IndustryFactory()
    data = xlsx(
        ["统一社会信用代码", "企业名称", "所属监管所", "行业"],
        [
            [make_credit_code(), "东城企业甲", "DC", industry.name],
            [make_credit_code(), "东城企业乙", "东城市场监管所", industry.name],
        ],
    )

    plan = commit_import(EnterpriseImport(), "企业.xlsx", data, bureau_staff)

    assert plan.ok, [str(p) for p in plan.problems]
    assert set(Enterprise.objects.values_list("branch_office_id", "region_id")) == {(ours.pk, YONGKANG)}


# -- nobody places a record or a login above their own county --


def test_a_county_bureau_places_offices_and_logins_in_its_county_only(staff_client, bureau_staff):
    BranchOfficeFactory(region_id=WUCHENG)  # a second county served: the county fields are shown
    add_office = reverse("admin:benchmarking_branchoffice_add")
    data = {"name": "新所", "code": "XS", "order": 0, "aliases-TOTAL_FORMS": 0, "aliases-INITIAL_FORMS": 0}
    refused = staff_client.post(add_office, {**data, "region": WUCHENG})
    assert refused.status_code == 200 and "选择一个有效的选项" in refused.text
    assert not BranchOffice.objects.filter(code="XS").exists()
    assert staff_client.post(add_office, {**data, "region": YONGKANG}).status_code == 302

    # A login of the province would read every county: a county's bureau cannot make one.
    login = get_user_model().objects.create_user("new_login")
    add_profile = reverse("admin:benchmarking_userprofile_add")
    for region in ("330000", JINHUA, WUCHENG):
        response = staff_client.post(add_profile, {"user": login.pk, "region": region})
        assert response.status_code == 200 and "选择一个有效的选项" in response.text, region
    assert staff_client.post(add_profile, {"user": login.pk, "region": YONGKANG}).status_code == 302
    assert login.profile.region_id == YONGKANG
