"""Dates that do not rewrite the past (docs/domain.md): a move a person makes — in the portal,
the review pages or an admin action — is stamped with the time it happens; a service asked
during a request to date a move in the past refuses; only the historic import and the demo
generators, outside any request, record past moments, and the history says so."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin import helpers
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from benchmarking.choices import DeclarationStatus, SchemeStatus
from benchmarking.interactive import InteractiveMovesMiddleware
from benchmarking.models import Declaration, DeclarationAction, DeclarationEvent, TechnicalScheme
from benchmarking.selectors.timeline import declaration_timeline
from benchmarking.services.declarations import (
    declaration_create,
    declaration_publish,
    declaration_submit,
    declaration_withdraw,
)
from benchmarking.services.errors import WorkflowError, interactive_moves, move_moment
from benchmarking.services.schemes import scheme_publish
from tests.conftest import sh
from tests.factories import SchemeFactory

pytestmark = pytest.mark.django_db

LAST_YEAR = sh(2025, 6, 30)


def values_for(scheme) -> dict:
    ids = dict(scheme.indicators.values_list("name", "pk"))
    return {ids["保温效能"]: Decimal("12"), ids["铅迁移量"]: Decimal("0.01"), ids["外观"]: True}


def draft(user, enterprise, scheme, executed_standard, *, model="MD-1", at=None) -> Declaration:
    return declaration_create(
        actor=user,
        enterprise=enterprise,
        scheme=scheme,
        product_name="真空保温杯",
        product_model=model,
        executed_standard=executed_standard,
        values=values_for(scheme),
        at=at,
    )


def just_now(moment: dt.datetime | None) -> bool:
    return moment is not None and abs(timezone.now() - moment) < dt.timedelta(seconds=30)


# -- interactive moves are stamped now --------------------------------------------------------


def test_portal_submission_and_review_publication_are_stamped_now(
    client, enterprise_user, branch_staff, enterprise, scheme, executed_standard
):
    declaration = draft(enterprise_user, enterprise, scheme, executed_standard)
    client.force_login(enterprise_user)
    client.post(reverse("portal-declaration-submit", args=[declaration.pk]))
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED and just_now(declaration.submitted_at)

    client.force_login(branch_staff)
    client.post(reverse("review-publish", args=[declaration.pk]), {"comment": ""})
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.PUBLISHED and just_now(declaration.published_at)
    assert declaration.declared_on == timezone.localdate()
    assert all(just_now(at) for at in declaration.events.values_list("at", flat=True))
    # Entered and moved as it happened: no move of it is 补录.
    assert [entry.entered_at for entry in declaration_timeline(declaration) if entry.is_move] == [None] * 3


def test_admin_actions_are_stamped_now(
    client, bureau_staff, enterprise_user, enterprise, scheme, executed_standard
):
    submitted = declaration_submit(
        declaration=draft(enterprise_user, enterprise, scheme, executed_standard), actor=enterprise_user
    )
    new_scheme = SchemeFactory()
    new_scheme.indicators.create(name="保温效能", direction="higher", benchmark_value=12)
    client.force_login(bureau_staff)

    def act(model, action, obj, **extra):
        client.post(
            reverse(f"admin:benchmarking_{model}_changelist"),
            {"action": action, helpers.ACTION_CHECKBOX_NAME: [obj.pk], **extra},
        )

    act("declaration", "publish_selected", submitted)
    act("declaration", "withdraw_selected", submitted, apply="1", comment="产品已停产")
    act("technicalscheme", "publish_selected", new_scheme)
    submitted.refresh_from_db()
    new_scheme.refresh_from_db()
    assert submitted.status == DeclarationStatus.WITHDRAWN
    assert just_now(submitted.published_at) and just_now(submitted.withdrawn_at)
    assert new_scheme.status == SchemeStatus.PUBLISHED and just_now(new_scheme.published_at)


def test_the_admin_offers_no_workflow_date_to_type(rf, bureau_staff):
    # editable=False: no ModelForm, the admin's change forms included, has a field for them.
    for model, names in (
        (Declaration, ("submitted_at", "published_at", "withdrawn_at", "created_at")),
        (TechnicalScheme, ("published_at", "withdrawn_at", "created_at")),
    ):
        for name in names:
            field = model._meta.get_field(name)
            assert not field.editable, (model, name)
    # The history's rows are written by the services only.
    request = rf.get("/")
    request.user = bureau_staff
    events = admin.site._registry[DeclarationEvent]
    assert not events.has_add_permission(request) and not events.has_change_permission(request)


# -- a past moment is refused during a request -------------------------------------------------


def test_a_back_dated_move_is_refused_during_a_request(
    bureau_staff, enterprise_user, enterprise, scheme, executed_standard
):
    submitted = declaration_submit(
        declaration=draft(enterprise_user, enterprise, scheme, executed_standard), actor=enterprise_user
    )
    with interactive_moves(), pytest.raises(WorkflowError) as refused:
        declaration_publish(declaration=submitted, actor=bureau_staff, at=LAST_YEAR)
    assert refused.value.code == "backdated"
    assert "不能填写过去的时间" in refused.value.messages[0]
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.SUBMITTED and submitted.published_at is None
    assert not submitted.events.filter(action=DeclarationAction.PUBLISH).exists()


@pytest.mark.parametrize("path", ["create", "withdraw", "scheme"])
def test_every_service_that_takes_a_moment_refuses_a_past_one_during_a_request(
    path, bureau_staff, enterprise, scheme, executed_standard
):
    with interactive_moves(), pytest.raises(WorkflowError, match="不能填写过去的时间"):
        if path == "create":
            draft(bureau_staff, enterprise, scheme, executed_standard, at=LAST_YEAR)
        elif path == "withdraw":
            published = declaration_publish(
                declaration=draft(bureau_staff, enterprise, scheme, executed_standard), actor=bureau_staff
            )
            declaration_withdraw(declaration=published, actor=bureau_staff, comment="有误", at=LAST_YEAR)
        else:
            new_scheme = SchemeFactory()
            new_scheme.indicators.create(name="保温效能", direction="higher", benchmark_value=12)
            scheme_publish(scheme=new_scheme, actor=bureau_staff, at=LAST_YEAR)


def test_the_middleware_makes_every_request_interactive(bureau_staff, enterprise, scheme, executed_standard):
    """Whatever view or admin page asks for a past date, the request refuses it."""
    declaration = draft(bureau_staff, enterprise, scheme, executed_standard)

    def view_that_back_dates(request):
        declaration_publish(declaration=declaration, actor=bureau_staff, at=LAST_YEAR)
        return HttpResponse("moved")

    with pytest.raises(WorkflowError, match="不能填写过去的时间"):
        InteractiveMovesMiddleware(view_that_back_dates)(RequestFactory().post("/"))
    # After the request, the demo generators' path is open again.
    assert move_moment(LAST_YEAR) == LAST_YEAR


def test_now_and_the_clock_tolerance_pass_during_a_request_the_future_never():
    with interactive_moves():
        assert just_now(move_moment(None))
        assert move_moment(timezone.now() - dt.timedelta(seconds=20)) is not None
        with pytest.raises(WorkflowError) as future:
            move_moment(timezone.now() + dt.timedelta(hours=1))
    assert future.value.code == "future"


# -- outside a request: the demo generators' past moments ----------------------------------------


def test_outside_a_request_a_past_moment_is_recorded_as_given(
    bureau_staff, enterprise, scheme, executed_standard
):
    declaration = draft(bureau_staff, enterprise, scheme, executed_standard, at=LAST_YEAR)
    published = declaration_publish(declaration=declaration, actor=bureau_staff, at=LAST_YEAR)
    assert published.published_at == LAST_YEAR
    # Entered now with moves dated a year ago: the timeline says they are 补录, entered when.
    moves = [entry for entry in declaration_timeline(published) if entry.is_move]
    assert [entry.entered_at for entry in moves] == [published.created_at] * 2
    html = render_to_string("benchmarking/declarations/_timeline.html", {"timeline": moves})
    assert html.count(">补录</span>") == 2
    assert f"录入于 {timezone.localtime(published.created_at):%Y-%m-%d %H:%M}" in html
