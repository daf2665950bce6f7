"""Change history: every write path — admin form, admin action, workflow service, bulk
item writes — leaves exactly one history record on the record it changed, naming the
actor, with the old and new values; and the admin shows it, at a fixed query cost."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from benchmarking import models
from benchmarking.choices import DeclarationStatus, Grade, SchemeStatus
from benchmarking.models import Declaration, EditConflict, Enterprise
from benchmarking.services.declarations import (
    declaration_create,
    declaration_override_grade,
    declaration_publish,
    declaration_return,
    declaration_submit,
    declaration_update,
    declaration_withdraw,
)
from benchmarking.services.schemes import scheme_publish, scheme_withdraw
from tests.factories import EnterpriseFactory, IndicatorFactory, IndustryFactory, SchemeFactory

# The domain models whose every write is recorded; DeclarationEvent is itself the workflow's log.
RECORDED = (
    models.BranchOffice,
    models.Industry,
    models.Enterprise,
    models.Standard,
    models.TechnicalScheme,
    models.SchemeBenchmark,
    models.Indicator,
    models.IndicatorReferenceValue,
    models.Declaration,
    models.DeclarationItem,
    models.DeclarationEvidence,
    models.Plan,
    models.PlanQuota,
    models.UserProfile,
    models.Region,  # its history records are written by the data migration that loads it
)


def records(obj) -> list:
    """The history records of ``obj``, oldest first."""
    return list(type(obj).history.filter(id=obj.pk).order_by("history_date", "history_id"))


def one_new_record(obj, *, before: int):
    """The single history record written since ``obj`` had ``before`` records, and what it
    changed as {field: (old, new)} over every tracked field (status and dates included)."""
    rows = records(obj)
    assert len(rows) - before == 1, f"{len(rows) - before} new history records on {obj!r}, expected one"
    new = rows[-1]
    if len(rows) == 1:
        return new, {}
    old = rows[-2]
    changes = {change.field: (change.old, change.new) for change in new.diff_against(old).changes}
    # diff_against compares editable fields only; status, dates and grades (written by the
    # services alone) are compared directly.
    for field in new.tracked_fields:
        if not field.editable and getattr(old, field.attname) != getattr(new, field.attname):
            changes[field.name] = (getattr(old, field.attname), getattr(new, field.attname))
    return new, changes


def test_every_domain_model_but_the_event_log_is_recorded():
    for model in RECORDED:
        assert hasattr(model, "history"), model
    assert not hasattr(models.DeclarationEvent, "history")


# --- workflow services -------------------------------------------------------------------


@pytest.fixture
def ids(scheme):
    return dict(scheme.indicators.values_list("name", "pk"))


@pytest.fixture
def complete_values(ids):
    return {ids["保温效能"]: Decimal("12"), ids["铅迁移量"]: Decimal("0.01"), ids["外观"]: True}


@pytest.fixture
def draft(enterprise, enterprise_user, scheme, executed_standard, complete_values):
    return declaration_create(
        actor=enterprise_user,
        enterprise=enterprise,
        scheme=scheme,
        product_name="真空杯",
        product_model="A1",
        executed_standard=executed_standard,
        values=complete_values,
    )


@pytest.fixture
def submitted(draft, enterprise_user):
    return declaration_submit(declaration=draft, actor=enterprise_user)


@pytest.fixture
def published(submitted, bureau_staff):
    return declaration_publish(declaration=submitted, actor=bureau_staff)


@pytest.mark.django_db
def test_declaration_create_records_the_declaration_and_each_item_once(
    enterprise, enterprise_user, scheme, executed_standard, ids
):
    declaration = declaration_create(
        actor=enterprise_user,
        enterprise=enterprise,
        scheme=scheme,
        product_name="真空杯",
        product_model="A1",
        executed_standard=executed_standard,
        values={ids["保温效能"]: Decimal("13")},
    )
    record, _ = one_new_record(declaration, before=0)
    assert (record.history_type, record.history_user) == ("+", enterprise_user)
    assert (record.status, record.product_model) == (DeclarationStatus.DRAFT, "A1")
    items = list(declaration.items.all())
    assert len(items) == 3
    for item in items:
        item_record, _ = one_new_record(item, before=0)  # written by bulk_create_with_history
        assert (item_record.history_type, item_record.history_user) == ("+", enterprise_user)
        assert item_record.value == item.value and item_record.comparison == item.comparison


@pytest.mark.django_db
def test_declaration_update_records_the_details_change_once(draft, branch_staff):
    before = len(records(draft))
    declaration_update(declaration=draft, actor=branch_staff, product_name="不锈钢真空杯")
    record, changes = one_new_record(draft, before=before)
    assert record.history_type == "~" and record.history_user == branch_staff
    assert changes["product_name"] == ("真空杯", "不锈钢真空杯")
    assert changes["version"] == (draft.version, draft.version + 1)


@pytest.mark.django_db
def test_an_item_value_edit_records_that_item_once_and_no_other(draft, enterprise_user, ids):
    items = {item.indicator_id: item for item in draft.items.all()}
    counts = {pk: len(records(item)) for pk, item in items.items()}
    declaration_before = len(records(draft))

    declaration_update(declaration=draft, actor=enterprise_user, values={ids["保温效能"]: Decimal("11.5")})

    edited = items[ids["保温效能"]]
    record, changes = one_new_record(edited, before=counts[ids["保温效能"]])
    assert record.history_type == "~" and record.history_user == enterprise_user
    assert changes["value"] == (Decimal("12"), Decimal("11.5"))
    assert changes["comparison"] == ("equal", "worse")
    for pk in (ids["铅迁移量"], ids["外观"]):
        assert len(records(items[pk])) == counts[pk], "an unchanged item got a history record"
    # The declaration itself (its grade went down) is recorded once too.
    record, changes = one_new_record(draft, before=declaration_before)
    assert record.history_user == enterprise_user
    assert changes["grade"] == (Grade.ADVANCED, Grade.AVERAGE)


@pytest.mark.django_db
def test_a_stale_update_is_refused_and_records_nothing(draft, enterprise_user):
    before = len(records(draft))
    with pytest.raises(EditConflict):
        declaration_update(
            declaration=draft, actor=enterprise_user, expected_version=draft.version - 1, product_name="X"
        )
    assert len(records(draft)) == before


MOVES = {
    "submit": ("draft", "enterprise_user", declaration_submit, DeclarationStatus.SUBMITTED, ""),
    "publish": ("submitted", "bureau_staff", declaration_publish, DeclarationStatus.PUBLISHED, ""),
    "return": ("submitted", "branch_staff", declaration_return, DeclarationStatus.RETURNED, "报告过期"),
    "withdraw": ("published", "bureau_staff", declaration_withdraw, DeclarationStatus.WITHDRAWN, "停产"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("move", MOVES)
def test_each_declaration_move_is_recorded_once_naming_the_actor(request, move):
    state, actor_fixture, service, target, comment = MOVES[move]
    declaration = request.getfixturevalue(state)
    actor = request.getfixturevalue(actor_fixture)
    source = declaration.status
    before = len(records(declaration))

    service(declaration=declaration, actor=actor, comment=comment)

    record, changes = one_new_record(declaration, before=before)
    assert record.history_type == "~" and record.history_user == actor
    assert changes["status"] == (source, target)
    # The event row and the history record tell the same story.
    event = declaration.events.latest("at")
    assert (event.actor, event.to_status) == (record.history_user, record.status)


@pytest.mark.django_db
def test_grade_override_is_recorded_once(submitted, bureau_staff):
    before = len(records(submitted))
    declaration_override_grade(
        declaration=submitted, actor=bureau_staff, grade=Grade.LEADING, reason="专家评审"
    )
    record, changes = one_new_record(submitted, before=before)
    assert record.history_user == bureau_staff
    assert changes["grade"] == (Grade.ADVANCED, Grade.LEADING)
    assert changes["override_grade"] == ("", Grade.LEADING)
    assert changes["override_reason"] == ("", "专家评审")


@pytest.mark.django_db
def test_scheme_publish_and_withdraw_are_each_recorded_once(bureau_staff):
    scheme = SchemeFactory()
    IndicatorFactory(scheme=scheme)
    before = len(records(scheme))
    scheme_publish(scheme=scheme, actor=bureau_staff)
    record, changes = one_new_record(scheme, before=before)
    assert record.history_user == bureau_staff
    assert changes["status"] == (SchemeStatus.DRAFT, SchemeStatus.PUBLISHED)
    assert changes["published_at"][0] is None and changes["published_at"][1] is not None

    scheme_withdraw(scheme=scheme, actor=bureau_staff, reason="已被新版替代")
    record, changes = one_new_record(scheme, before=before + 1)
    assert record.history_user == bureau_staff
    assert changes["status"] == (SchemeStatus.PUBLISHED, SchemeStatus.WITHDRAWN)
    assert changes["withdraw_reason"] == ("", "已被新版替代")


# --- admin forms and actions ---------------------------------------------------------------


def enterprise_form(enterprise=None, **overrides):
    data = {
        "name": "永康市新企业工贸有限公司",
        "credit_code": "91350200MA2YJ1XR9G",
        "address": "",
        "legal_representative": "",
        "contact_person": "",
        "phone": "",
        "email": "",
        "credit_code_override_reason": "",
    }
    if enterprise is not None:
        data |= {
            "name": enterprise.name,
            "credit_code": enterprise.credit_code,
            "branch_office": enterprise.branch_office_id,
            "industry": enterprise.industry_id,
            "seen_version": enterprise.version,
        }
    return {**data, **overrides}


@pytest.mark.django_db
def test_admin_add_form_records_the_new_enterprise_once(client, bureau_staff, office):
    client.force_login(bureau_staff)
    response = client.post(
        reverse("admin:benchmarking_enterprise_add"),
        enterprise_form(branch_office=office.pk, industry=IndustryFactory().pk),
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get()
    record, _ = one_new_record(enterprise, before=0)
    assert (record.history_type, record.history_user, record.name) == ("+", bureau_staff, enterprise.name)


@pytest.mark.django_db
@pytest.mark.parametrize("editor", ["bureau_staff", "branch_staff"])
def test_admin_change_form_records_the_change_once_naming_the_editor(request, client, enterprise, editor):
    user = request.getfixturevalue(editor)
    client.force_login(user)
    before = len(records(enterprise))
    response = client.post(
        reverse("admin:benchmarking_enterprise_change", args=[enterprise.pk]),
        enterprise_form(enterprise, name="永康甲杯业股份有限公司", phone="0579-87000000"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record, changes = one_new_record(enterprise, before=before)
    assert record.history_type == "~" and record.history_user == user
    assert changes["name"] == ("永康甲杯业有限公司", "永康甲杯业股份有限公司")
    assert changes["phone"] == ("", "0579-87000000")


@pytest.mark.django_db
def test_a_stale_admin_save_records_nothing(client, bureau_staff, enterprise):
    client.force_login(bureau_staff)
    stale = enterprise_form(enterprise, name="甲")
    Enterprise.objects.get(pk=enterprise.pk).save()  # someone else saves first
    before = len(records(enterprise))
    response = client.post(reverse("admin:benchmarking_enterprise_change", args=[enterprise.pk]), stale)
    assert response.status_code == 200  # the conflict message, the editor's input kept
    assert len(records(enterprise)) == before


@pytest.mark.django_db
def test_admin_inline_rows_are_recorded_once_each_naming_the_editor(
    client, bureau_staff, office, other_office
):
    plan = models.Plan.objects.create(name="计划", starts_on="2024-01-01", ends_on="2026-12-31")
    quota = models.PlanQuota.objects.create(plan=plan, branch_office=office, enterprises=1, results=2)
    before = len(records(quota))
    client.force_login(bureau_staff)
    response = client.post(
        reverse("admin:benchmarking_plan_change", args=[plan.pk]),
        {
            "name": "计划",
            "starts_on": "2024-01-01",
            "ends_on": "2026-12-31",
            "target_schemes": "100",
            "target_enterprises": "300",
            "target_results": "600",
            "quotas-TOTAL_FORMS": "2",
            "quotas-INITIAL_FORMS": "1",
            "quotas-0-id": quota.pk,
            "quotas-0-plan": plan.pk,
            "quotas-0-branch_office": office.pk,
            "quotas-0-enterprises": "1",
            "quotas-0-results": "3",
            "quotas-1-plan": plan.pk,
            "quotas-1-branch_office": other_office.pk,
            "quotas-1-enterprises": "2",
            "quotas-1-results": "4",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record, changes = one_new_record(quota, before=before)
    assert record.history_user == bureau_staff and changes["results"] == (2, 3)
    added = models.PlanQuota.objects.get(branch_office=other_office)
    record, _ = one_new_record(added, before=0)
    assert (record.history_type, record.history_user) == ("+", bureau_staff)


def post_action(client, model, action, objects, **extra):
    return client.post(
        reverse(f"admin:benchmarking_{model}_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **extra},
        follow=True,
    )


@pytest.mark.django_db
def test_admin_scheme_publish_action_records_each_scheme_once(client, bureau_staff):
    schemes = [SchemeFactory(), SchemeFactory()]
    for scheme in schemes:
        IndicatorFactory(scheme=scheme)
    befores = [len(records(scheme)) for scheme in schemes]
    client.force_login(bureau_staff)
    post_action(client, "technicalscheme", "publish_selected", schemes)
    for scheme, before in zip(schemes, befores, strict=True):
        record, changes = one_new_record(scheme, before=before)
        assert record.history_user == bureau_staff
        assert changes["status"] == (SchemeStatus.DRAFT, SchemeStatus.PUBLISHED)


@pytest.mark.django_db
def test_admin_delete_action_records_each_deletion_once(client, bureau_staff, office):
    plan = models.Plan.objects.create(name="计划", starts_on="2024-01-01", ends_on="2026-12-31")
    quota = models.PlanQuota.objects.create(plan=plan, branch_office=office, enterprises=1, results=2)
    before = len(records(quota))
    client.force_login(bureau_staff)
    post_action(client, "planquota", "delete_selected", [quota], post="yes")
    assert not models.PlanQuota.objects.exists()
    record, _ = one_new_record(quota, before=before)
    assert (record.history_type, record.history_user) == ("-", bureau_staff)


ACTIONS = {
    "publish_selected": ("submitted", {}, DeclarationStatus.PUBLISHED),
    "return_selected": ("submitted", {"apply": "1", "comment": "检测报告已过期"}, DeclarationStatus.RETURNED),
    "withdraw_selected": ("published", {"apply": "1", "comment": "产品已停产"}, DeclarationStatus.WITHDRAWN),
    "override_grade_selected": ("submitted", {"apply": "1", "grade": "leading", "reason": "专家评审"}, None),
}


@pytest.mark.django_db
@pytest.mark.parametrize("action", ACTIONS)
def test_admin_declaration_action_records_the_move_once(request, client, branch_staff, action):
    state, extra, target = ACTIONS[action]
    declaration = request.getfixturevalue(state)
    source = declaration.status
    before = len(records(declaration))
    client.force_login(branch_staff)
    post_action(client, "declaration", action, [declaration], **extra)
    record, changes = one_new_record(declaration, before=before)
    assert record.history_user == branch_staff
    if target:
        assert changes["status"] == (source, target)
    else:
        assert changes["grade"] == (Grade.ADVANCED, Grade.LEADING)


@pytest.mark.django_db
def test_admin_declaration_form_records_the_declaration_and_the_edited_item_once(
    client, bureau_staff, draft, ids, executed_standard
):
    items = list(draft.items.select_related("indicator").order_by("indicator__order"))
    counts = {item.pk: len(records(item)) for item in items}
    before = len(records(draft))
    data = {
        "seen_version": draft.version,
        "product_name": "真空杯",
        "product_model": "A1",
        "executed_standard": executed_standard.pk,
        "declared_on": "",
        "national_platform_url": "",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "3",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    typed = {"保温效能": ("value", "14"), "铅迁移量": ("value", "0.01"), "外观": ("passed", "true")}
    for i, item in enumerate(items):
        field, value = typed[item.indicator.name]
        data |= {f"items-{i}-id": item.pk, f"items-{i}-declaration": draft.pk, f"items-{i}-{field}": value}
    client.force_login(bureau_staff)
    response = client.post(reverse("admin:benchmarking_declaration_change", args=[draft.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    record, _ = one_new_record(draft, before=before)
    assert record.history_user == bureau_staff
    edited = next(item for item in items if item.indicator_id == ids["保温效能"])
    record, changes = one_new_record(edited, before=counts[edited.pk])
    assert record.history_user == bureau_staff
    assert changes["value"] == (Decimal("12"), Decimal("14"))
    for item in items:
        if item is not edited:
            assert len(records(item)) == counts[item.pk]


# --- the admin history pages -----------------------------------------------------------------


def history_url(obj) -> str:
    return reverse(f"admin:benchmarking_{obj._meta.model_name}_history", args=[obj.pk])


def history_table(client, obj) -> str:
    """The list of changes on ``obj``'s admin history page (not the page's header, which
    names the logged-in user)."""
    response = client.get(history_url(obj))
    assert response.status_code == 200
    return response.content.decode().split('id="change-history"', 1)[1]


@pytest.mark.django_db
def test_enterprise_history_page_shows_who_changed_what(client, branch_staff, bureau_staff, enterprise):
    client.force_login(branch_staff)
    change_url = reverse("admin:benchmarking_enterprise_change", args=[enterprise.pk])
    assert history_url(enterprise) in client.get(change_url).content.decode()  # the "history" button
    client.post(change_url, enterprise_form(enterprise, name="永康甲杯业股份有限公司"))

    client.force_login(bureau_staff)
    table = history_table(client, enterprise)
    assert ">branch</a>" in table  # the editor's username
    assert "<strong>企业名称:</strong>" in table
    assert "永康甲杯业有限公司" in table and "永康甲杯业股份有限公司" in table  # old → new


@pytest.mark.django_db
def test_history_page_shows_workflow_moves(client, bureau_staff, published):
    client.force_login(bureau_staff)
    table = history_table(client, published)
    # Status is not an editable field; the page still shows its moves, by their labels.
    assert "<strong>状态:</strong>" in table
    assert "草稿" in table and "已提交" in table and "已发布" in table
    assert ">ent_a</a>" in table and ">bureau</a>" in table  # who submitted, who published


def recorded_sample(model):
    return model.objects.order_by("pk").last()


@pytest.mark.django_db
def test_every_recorded_models_history_pages_answer_and_never_revert(
    client,
    bureau_staff,
    published,
    enterprise_user,  # enterprise_user: a UserProfile
):
    models.Plan.objects.create(name="计划", starts_on="2024-01-01", ends_on="2026-12-31")
    models.PlanQuota.objects.create(
        plan=models.Plan.objects.get(),
        branch_office=published.enterprise.branch_office,
        enterprises=1,
        results=2,
    )
    scheme = published.scheme
    standard = models.Standard.objects.first()
    models.SchemeBenchmark.objects.create(scheme=scheme, standard=standard)
    models.IndicatorReferenceValue.objects.create(
        indicator=scheme.indicators.first(), standard=standard, value="8"
    )
    models.DeclarationEvidence.objects.create(declaration=published, title="检测报告", file="evidence/r.pdf")
    client.force_login(bureau_staff)
    checked = 0
    for model in RECORDED:
        assert isinstance(admin.site._registry[model], SimpleHistoryAdmin), model
        obj = recorded_sample(model)
        assert obj is not None, model
        assert client.get(history_url(obj)).status_code == 200, model
        version = type(obj).history.filter(id=obj.pk).latest()
        version_url = reverse(
            f"admin:benchmarking_{model._meta.model_name}_simple_history", args=[obj.pk, version.pk]
        )
        response = client.get(version_url)
        assert response.status_code == 200, model
        assert 'name="_save"' not in response.content.decode()  # no "revert" button
        before = len(records(obj))
        assert client.post(version_url, {}).status_code == 405, model
        assert len(records(obj)) == before
        checked += 1
    assert checked == len(RECORDED)


@pytest.mark.django_db
def test_history_pages_of_records_outside_ones_scope_are_404(
    client, branch_staff, enterprise, other_enterprise
):
    client.force_login(branch_staff)
    assert client.get(history_url(enterprise)).status_code == 200
    assert client.get(history_url(other_enterprise)).status_code == 404
    version = other_enterprise.history.latest()
    version_url = reverse(
        "admin:benchmarking_enterprise_simple_history", args=[other_enterprise.pk, version.pk]
    )
    assert client.get(version_url).status_code == 404


def _many_changes(declaration, n, staff):
    for i in range(n):
        declaration_update(declaration=declaration, actor=staff, product_name=f"真空杯 第{i}版")


@pytest.mark.django_db
def test_history_page_cost_does_not_grow_with_the_records(
    client, bureau_staff, enterprise, scheme, executed_standard, django_assert_max_num_queries
):
    client.force_login(bureau_staff)
    small = declaration_create(
        actor=bureau_staff,
        enterprise=enterprise,
        scheme=scheme,
        product_name="杯",
        product_model="S",
        executed_standard=executed_standard,
    )
    _many_changes(small, 3, bureau_staff)
    large = declaration_create(
        actor=bureau_staff,
        enterprise=EnterpriseFactory(),
        scheme=scheme,
        product_name="杯",
        product_model="L",
        executed_standard=executed_standard,
    )
    _many_changes(large, 30, bureau_staff)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(history_url(small)).status_code == 200
    with django_assert_max_num_queries(len(captured)):
        response = client.get(history_url(large))
    assert response.status_code == 200
    assert Declaration.history.filter(id=large.pk).count() == 31
    assert response.content.decode().count("真空杯 第") >= 30  # every change is on the page
