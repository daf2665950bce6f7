"""Data entry in the admin: duplicates are form errors, workflow moves go through the services."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from benchmarking.choices import DeclarationStatus, Grade, SchemeStatus
from benchmarking.models import Declaration, DeclarationEvent, Enterprise, Standard, TechnicalScheme
from benchmarking.services.declarations import declaration_create, declaration_submit
from tests.factories import EnterpriseFactory, IndustryFactory, SchemeFactory, StandardFactory

GOOD_CODE = "91350200MA2YJ1XR9G"


@pytest.fixture
def staff_client(client, bureau_staff):
    client.force_login(bureau_staff)
    return client


def enterprise_form(office, industry, **overrides):
    data = {
        "name": "永康市新企业工贸有限公司",
        "credit_code": GOOD_CODE,
        "branch_office": office.pk,
        "industry": industry.pk,
        "address": "",
        "legal_representative": "",
        "contact_person": "",
        "phone": "",
        "email": "",
        "credit_code_override_reason": "",
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_admin_speaks_chinese_whatever_the_browser_asks(staff_client):
    page = staff_client.get(
        reverse("admin:benchmarking_enterprise_add"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    ).content.decode()
    assert "统一社会信用代码" in page
    assert "所属监管所" in page
    assert "保存" in page  # Django's own admin strings, in zh-hans


@pytest.mark.django_db
def test_enterprise_added_with_pasted_code_is_stored_normalised(staff_client, office):
    response = staff_client.post(
        reverse("admin:benchmarking_enterprise_add"),
        enterprise_form(office, IndustryFactory(), credit_code=" ９１３５０２００ma2yj1xr9g "),
    )
    assert response.status_code == 302
    assert Enterprise.objects.get().credit_code == GOOD_CODE


@pytest.mark.django_db
def test_duplicate_credit_code_is_a_form_error_and_writes_nothing(staff_client, office):
    EnterpriseFactory(credit_code=GOOD_CODE, branch_office=office)
    response = staff_client.post(
        reverse("admin:benchmarking_enterprise_add"),
        enterprise_form(office, IndustryFactory(), credit_code="9135 0200 ma2y j1xr 9g"),
    )
    assert response.status_code == 200
    assert "统一社会信用代码已被另一家企业使用" in response.content.decode()
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_bad_check_character_needs_a_recorded_staff_override(staff_client, office, bureau_staff):
    industry = IndustryFactory()
    bad = GOOD_CODE[:-1] + "A"
    response = staff_client.post(
        reverse("admin:benchmarking_enterprise_add"), enterprise_form(office, industry, credit_code=bad)
    )
    assert response.status_code == 200
    assert "校验位不正确" in response.content.decode()
    assert not Enterprise.objects.exists()

    response = staff_client.post(
        reverse("admin:benchmarking_enterprise_add"),
        enterprise_form(
            office, industry, credit_code=bad, credit_code_override_reason="1998 年发证，营业执照原件已核对"
        ),
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get()
    assert enterprise.credit_code == bad
    assert enterprise.credit_code_override_by == bureau_staff


@pytest.mark.django_db
def test_duplicate_standard_number_in_another_spelling_is_a_form_error(staff_client):
    Standard.objects.create(number="GB/T 1.1—2020", title="标准化工作导则", kind="national")
    response = staff_client.post(
        reverse("admin:benchmarking_standard_add"), {"number": "gb/t 1.1-2020", "title": "重复", "kind": ""}
    )
    assert response.status_code == 200
    assert "该标准编号已存在" in response.content.decode()
    assert Standard.objects.count() == 1


@pytest.mark.django_db
def test_new_standard_gets_its_kind_from_the_number(staff_client):
    response = staff_client.post(
        reverse("admin:benchmarking_standard_add"),
        {"number": "t/zzb 0123-2018", "title": "保温杯", "kind": "", "status": "current"},
    )
    assert response.status_code == 302
    standard = Standard.objects.get()
    assert (standard.number, standard.kind) == ("T/ZZB 0123—2018", "group")


def scheme_form(industry, **overrides):
    data = {
        "code": "YKDB-2024-001",
        "title": "不锈钢真空杯对标技术方案",
        "product_category": "真空杯",
        "industry": industry.pk,
        "publisher": "永康市标准化研究院",
        "schemebenchmark_set-TOTAL_FORMS": "0",
        "schemebenchmark_set-INITIAL_FORMS": "0",
        "indicators-TOTAL_FORMS": "1",
        "indicators-INITIAL_FORMS": "0",
        "indicators-0-order": "1",
        "indicators-0-name": "保温效能",
        "indicators-0-unit": "h",
        "indicators-0-direction": "higher",
        "indicators-0-benchmark_value": "12",
        "indicators-0-is_core": "on",
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_scheme_with_indicators_is_entered_on_one_page(staff_client):
    response = staff_client.post(
        reverse("admin:benchmarking_technicalscheme_add"), scheme_form(IndustryFactory())
    )
    assert response.status_code == 302
    scheme = TechnicalScheme.objects.get()
    assert scheme.status == SchemeStatus.DRAFT
    assert list(scheme.indicators.values_list("name", "benchmark_value")) == [("保温效能", Decimal("12"))]


@pytest.mark.django_db
def test_duplicate_scheme_code_is_a_form_error_and_writes_nothing(staff_client):
    industry = IndustryFactory()
    SchemeFactory(code="YKDB-2024-001", industry=industry)
    response = staff_client.post(
        reverse("admin:benchmarking_technicalscheme_add"), scheme_form(industry, code=" ykdb-2024-001 ")
    )
    assert response.status_code == 200
    assert "该方案编号已存在" in response.content.decode()
    assert TechnicalScheme.objects.count() == 1
    assert not TechnicalScheme.objects.filter(title="不锈钢真空杯对标技术方案").exists()


@pytest.mark.django_db
def test_indicator_without_benchmark_value_is_refused_on_the_scheme_page(staff_client):
    response = staff_client.post(
        reverse("admin:benchmarking_technicalscheme_add"),
        scheme_form(IndustryFactory(), **{"indicators-0-benchmark_value": ""}),
    )
    assert response.status_code == 200
    assert "必须填写对标值" in response.content.decode()
    assert not TechnicalScheme.objects.exists()


def post_action(client, model, action, objects, **extra):
    return client.post(
        reverse(f"admin:benchmarking_{model}_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **extra},
        follow=True,
    )


@pytest.mark.django_db
def test_scheme_publish_action(staff_client):
    scheme = SchemeFactory()
    scheme.indicators.create(name="保温效能", direction="higher", benchmark_value=12)
    empty = SchemeFactory()
    response = post_action(staff_client, "technicalscheme", "publish_selected", [scheme, empty])
    page = response.content.decode()
    assert "方案至少要有一项关键指标才能发布" in page
    scheme.refresh_from_db()
    empty.refresh_from_db()
    assert scheme.status == SchemeStatus.PUBLISHED and scheme.published_at is not None
    assert empty.status == SchemeStatus.DRAFT


@pytest.mark.django_db
def test_paper_declaration_entered_by_staff_gets_a_row_per_indicator(
    staff_client, enterprise, scheme, executed_standard
):
    response = staff_client.post(
        reverse("admin:benchmarking_declaration_add"),
        {
            "enterprise": enterprise.pk,
            "scheme": scheme.pk,
            "product_name": "不锈钢真空杯",
            "product_model": "YK-500",
            "executed_standard": executed_standard.pk,
            "declared_on": "",
            "national_platform_url": "",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )
    declaration = Declaration.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:benchmarking_declaration_change", args=[declaration.pk])
    assert declaration.entered_on_paper
    assert declaration.items.count() == scheme.indicators.count() == 3
    assert declaration.events.get().action == "create"

    # Fill the values on the change page: the comparisons and the grade are computed.
    items = list(declaration.items.select_related("indicator").order_by("indicator__order"))
    data = {
        "seen_version": declaration.version,
        "product_name": "不锈钢真空杯",
        "product_model": "YK-500",
        "executed_standard": executed_standard.pk,
        "declared_on": "",
        "national_platform_url": "",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "3",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "1",
        "events-0-id": declaration.events.get().pk,
        "events-0-declaration": declaration.pk,
    }
    values = {"保温效能": ("value", "13"), "铅迁移量": ("value", "0.02"), "外观": ("passed", "true")}
    for i, item in enumerate(items):
        field, value = values[item.indicator.name]
        data |= {
            f"items-{i}-id": item.pk,
            f"items-{i}-declaration": declaration.pk,
            f"items-{i}-{field}": value,
        }
    response = staff_client.post(
        reverse("admin:benchmarking_declaration_change", args=[declaration.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    declaration.refresh_from_db()
    comparisons = dict(declaration.items.values_list("indicator__name", "comparison"))
    assert comparisons == {"保温效能": "better", "铅迁移量": "worse", "外观": "pass"}
    assert declaration.grade == Grade.AVERAGE  # of two core indicators one meets: exactly half

    # Staff may publish their own paper declaration directly from draft.
    post_action(staff_client, "declaration", "publish_selected", [declaration])
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.PUBLISHED
    assert list(declaration.events.values_list("action", flat=True)) == ["create", "publish"]


@pytest.mark.django_db
def test_each_indicator_row_takes_only_its_kind_of_answer(
    staff_client, enterprise, scheme, executed_standard, bureau_staff
):
    declaration = declaration_create(
        actor=bureau_staff,
        enterprise=enterprise,
        scheme=scheme,
        product_name="杯",
        product_model="M1",
        executed_standard=executed_standard,
    )
    item = declaration.items.get(indicator__name="外观")
    others = list(declaration.items.exclude(pk=item.pk))
    data = {
        "seen_version": declaration.version,
        "product_name": "杯",
        "product_model": "M1",
        "executed_standard": executed_standard.pk,
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "3",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "items-0-id": item.pk,
        "items-0-declaration": declaration.pk,
        "items-0-value": "5",
    }
    for i, other in enumerate(others, start=1):
        data |= {f"items-{i}-id": other.pk, f"items-{i}-declaration": declaration.pk}
    response = staff_client.post(
        reverse("admin:benchmarking_declaration_change", args=[declaration.pk]), data
    )
    # The value box of a pass/fail row is disabled: a number forced into it is ignored.
    assert response.status_code == 302
    assert declaration.items.get(pk=item.pk).value is None
    page = staff_client.get(reverse("admin:benchmarking_declaration_change", args=[declaration.pk]))
    items_formset = next(
        f.formset for f in page.context["inline_admin_formsets"] if f.formset.prefix == "items"
    )
    rows = {form.instance.pk: form for form in items_formset.forms}
    assert rows[item.pk].fields["value"].disabled and not rows[item.pk].fields["passed"].disabled
    assert all(
        rows[o.pk].fields["passed"].disabled and not rows[o.pk].fields["value"].disabled for o in others
    )


@pytest.fixture
def submitted(enterprise, enterprise_user, scheme, executed_standard):
    ids = dict(scheme.indicators.values_list("name", "pk"))
    declaration = declaration_create(
        actor=enterprise_user,
        enterprise=enterprise,
        scheme=scheme,
        product_name="真空杯",
        product_model="A1",
        executed_standard=executed_standard,
        values={ids["保温效能"]: Decimal("12"), ids["铅迁移量"]: Decimal("0.01"), ids["外观"]: True},
    )
    return declaration_submit(declaration=declaration, actor=enterprise_user)


@pytest.mark.django_db
def test_return_action_asks_for_a_reason_first(staff_client, submitted):
    page = post_action(staff_client, "declaration", "return_selected", [submitted]).content.decode()
    assert "退回声明" in page and 'name="comment"' in page
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.SUBMITTED

    page = post_action(
        staff_client, "declaration", "return_selected", [submitted], apply="1", comment="  "
    ).content.decode()
    assert "这个字段是必填项" in page
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.SUBMITTED

    post_action(
        staff_client, "declaration", "return_selected", [submitted], apply="1", comment="检测报告已过期"
    )
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.RETURNED
    event = submitted.events.latest("at")
    assert (event.action, event.from_status, event.to_status, event.comment) == (
        "return",
        "submitted",
        "returned",
        "检测报告已过期",
    )


@pytest.mark.django_db
def test_publish_then_withdraw_actions_record_events(staff_client, submitted, bureau_staff):
    post_action(staff_client, "declaration", "publish_selected", [submitted])
    post_action(
        staff_client, "declaration", "withdraw_selected", [submitted], apply="1", comment="产品已停产"
    )
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.WITHDRAWN
    events = list(submitted.events.values_list("action", "actor", "comment"))
    assert events[-2:] == [("publish", bureau_staff.pk, ""), ("withdraw", bureau_staff.pk, "产品已停产")]


@pytest.mark.django_db
def test_withdrawing_a_draft_is_refused_with_a_message(
    staff_client, enterprise, enterprise_user, scheme, executed_standard
):
    draft = declaration_create(
        actor=enterprise_user,
        enterprise=enterprise,
        scheme=scheme,
        product_name="杯",
        product_model="D1",
        executed_standard=executed_standard,
    )
    page = post_action(
        staff_client, "declaration", "withdraw_selected", [draft], apply="1", comment="测试"
    ).content.decode()
    assert "“草稿”状态的声明不能撤回" in page
    assert DeclarationEvent.objects.filter(declaration=draft).count() == 1


@pytest.mark.django_db
def test_published_declaration_cannot_be_edited_in_place(staff_client, submitted):
    post_action(staff_client, "declaration", "publish_selected", [submitted])
    url = reverse("admin:benchmarking_declaration_change", args=[submitted.pk])
    page = staff_client.get(url).content.decode()
    assert 'name="product_name"' not in page  # shown read-only
    response = staff_client.post(url, {"product_name": "改名", "product_model": "A1"})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.product_name == "真空杯"


@pytest.mark.django_db
def test_grade_override_action_needs_a_reason(staff_client, submitted):
    assert submitted.grade == Grade.ADVANCED
    page = post_action(
        staff_client,
        "declaration",
        "override_grade_selected",
        [submitted],
        apply="1",
        grade="leading",
        reason="",
    ).content.decode()
    assert "调整对标水平必须填写理由" in page
    post_action(
        staff_client,
        "declaration",
        "override_grade_selected",
        [submitted],
        apply="1",
        grade="leading",
        reason="专家组评审认定保温效能显著领先",
    )
    submitted.refresh_from_db()
    assert (submitted.grade, submitted.computed_grade, submitted.override_grade) == (
        "leading",
        "advanced",
        "leading",
    )


@pytest.mark.django_db
def test_deleting_is_limited_to_drafts(staff_client, submitted):
    assert (
        "delete_selected"
        not in staff_client.get(reverse("admin:benchmarking_declaration_changelist")).content.decode()
    )
    response = staff_client.post(
        reverse("admin:benchmarking_declaration_delete", args=[submitted.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Declaration.objects.filter(pk=submitted.pk).exists()


@pytest.mark.django_db
def test_the_admin_refuses_a_platform_link_elsewhere_beside_the_field(
    staff_client, enterprise, scheme, executed_standard
):
    response = staff_client.post(
        reverse("admin:benchmarking_declaration_add"),
        {
            "enterprise": enterprise.pk,
            "scheme": scheme.pk,
            "product_name": "不锈钢真空杯",
            "product_model": "YK-500",
            "executed_standard": executed_standard.pk,
            "declared_on": "",
            "national_platform_url": "https://phish.example/x",
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert not Declaration.objects.exists()
    assert response.context["adminform"].form.errors["national_platform_url"] == [
        "只接受企业标准信息公共服务平台的链接（www.cpbz.gov.cn）。"
    ]


@pytest.mark.django_db
def test_the_admin_does_not_link_a_stored_platform_link_elsewhere(staff_client, enterprise_user, scheme):
    declaration = declaration_create(
        actor=enterprise_user,
        enterprise=enterprise_user.profile.enterprise,
        scheme=scheme,
        product_name="不锈钢真空杯",
        product_model="YK-500",
        executed_standard=StandardFactory(),
        values={},
    )
    Declaration.objects.filter(pk=declaration.pk).update(national_platform_url="https://phish.example/x")
    page = staff_client.get(reverse("admin:benchmarking_declaration_change", args=[declaration.pk]))
    assert page.status_code == 200
    assert 'href="https://phish.example/x"' not in page.content.decode()
