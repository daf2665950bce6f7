"""Mail about declaration moves (benchmarking.notifications): who is told of each move, what the
mail says, its fixed query cost, and a failing mail server never undoing or breaking the move."""

import smtplib
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from benchmarking.choices import DeclarationStatus, Role
from benchmarking.models import Declaration, DeclarationAction
from benchmarking.services.declarations import (
    declaration_create,
    declaration_publish,
    declaration_return,
    declaration_submit,
    declaration_withdraw,
)
from benchmarking.services.errors import WorkflowError
from benchmarking.tasks import notify_declaration_moved
from tests.factories import make_user

User = get_user_model()
SITE = "https://dbdb.yk.example.gov.cn"


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.cn": (550, b"no such user")})


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def people(
    enterprise,
    enterprise_user,
    other_enterprise_user,
    bureau_staff,
    branch_staff,
    other_branch_staff,
    manager,
    office,
):
    """Everyone with an address, plus a few who must never be written to."""
    for user in (
        enterprise_user,
        other_enterprise_user,
        bureau_staff,
        branch_staff,
        other_branch_staff,
        manager,
    ):
        user.email = f"{user.username}@example.cn"
        user.save()
    gone = make_user(Role.BUREAU_STAFF, username="retired", email="retired@example.cn")
    gone.is_active = False
    gone.save()
    make_user(Role.BUREAU_STAFF, username="no_mail")  # no address: skipped, no error
    # The narrowest role wins (access.role_of): in both groups, this is an enterprise user of A.
    mixed = make_user(Role.ENTERPRISE, username="mixed", enterprise=enterprise, email="mixed@example.cn")
    mixed.groups.add(*bureau_staff.groups.all())
    # A superuser in no role group counts as bureau staff.
    User.objects.create_superuser("root", "root@example.cn", "pw-for-tests-only")
    enterprise.email = "OFFICE@jia.example.cn"
    enterprise.save()
    return {"enterprise_user": enterprise_user, "branch_staff": branch_staff, "office": office}


def values(scheme):
    ids = {indicator.name: indicator.pk for indicator in scheme.indicators.all()}
    return {ids["保温效能"]: Decimal("15"), ids["铅迁移量"]: Decimal("0.005"), ids["外观"]: True}


@pytest.fixture
def draft(enterprise, enterprise_user, scheme, executed_standard):
    return declaration_create(
        actor=enterprise_user,
        enterprise=enterprise,
        scheme=scheme,
        product_name="真空保温杯",
        product_model="YK-500",
        executed_standard=executed_standard,
        values=values(scheme),
    )


def recipients(mailoutbox) -> list[str]:
    # One message per recipient: nobody sees who else was told.
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in mailoutbox)
    return sorted(message.to[0] for message in mailoutbox)


@pytest.mark.django_db
def test_submission_goes_to_bureau_staff_and_the_enterprises_own_branch_office(
    people, draft, enterprise, scheme, enterprise_user, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        declaration_submit(declaration=draft, actor=enterprise_user)

    # Not: the other office's staff, the manager, the enterprises, the inactive or address-less.
    assert recipients(mailoutbox) == ["branch@example.cn", "bureau@example.cn", "root@example.cn"]
    message = mailoutbox[0]
    assert message.subject == f"新的对标声明待审核：{enterprise.name} 真空保温杯 YK-500"
    for text in (enterprise.name, enterprise.credit_code, "真空保温杯 YK-500", scheme.code, scheme.title):
        assert text in message.body
    assert SITE + reverse("review-detail", args=[draft.pk]) in message.body


@pytest.mark.django_db
def test_submission_of_an_enterprise_in_another_office_skips_this_offices_staff(
    people,
    other_enterprise,
    other_enterprise_user,
    scheme,
    executed_standard,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    declaration = declaration_create(
        actor=other_enterprise_user,
        enterprise=other_enterprise,
        scheme=scheme,
        product_name="防盗门",
        product_model="M-1",
        executed_standard=executed_standard,
        values=values(scheme),
    )
    with django_capture_on_commit_callbacks(execute=True):
        declaration_submit(declaration=declaration, actor=other_enterprise_user)
    assert recipients(mailoutbox) == ["branch_other@example.cn", "bureau@example.cn", "root@example.cn"]


@pytest.mark.django_db
def test_publication_tells_the_enterprise_its_grade(
    people, draft, enterprise_user, branch_staff, django_capture_on_commit_callbacks, mailoutbox
):
    declaration_submit(declaration=draft, actor=enterprise_user)
    with django_capture_on_commit_callbacks(execute=True):
        declaration_publish(declaration=draft, actor=branch_staff)

    # Its logins (the one in two groups is an enterprise user too) and the address on its record;
    # never another enterprise's users or staff.
    assert recipients(mailoutbox) == ["OFFICE@jia.example.cn", "ent_a@example.cn", "mixed@example.cn"]
    message = mailoutbox[0]
    assert message.subject == "对标声明已发布：真空保温杯 YK-500"
    assert "对标水平：领先" in message.body
    assert SITE + reverse("portal-declaration-detail", args=[draft.pk]) in message.body


@pytest.mark.django_db
def test_the_enterprise_address_is_not_written_to_twice(
    people, draft, enterprise, enterprise_user, branch_staff, django_capture_on_commit_callbacks, mailoutbox
):
    enterprise.email = "ENT_A@Example.cn"  # the same mailbox as its user's, in other letters
    enterprise.save()
    declaration_submit(declaration=draft, actor=enterprise_user)
    with django_capture_on_commit_callbacks(execute=True):
        declaration_publish(declaration=draft, actor=branch_staff)
    assert recipients(mailoutbox) == ["ent_a@example.cn", "mixed@example.cn"]


@pytest.mark.django_db
def test_return_tells_the_enterprise_the_reason(
    people, draft, enterprise_user, bureau_staff, django_capture_on_commit_callbacks, mailoutbox
):
    declaration_submit(declaration=draft, actor=enterprise_user)
    with django_capture_on_commit_callbacks(execute=True):
        declaration_return(
            declaration=draft, actor=bureau_staff, comment="检测报告已过有效期，请补充 2024 年报告。"
        )

    assert recipients(mailoutbox) == ["OFFICE@jia.example.cn", "ent_a@example.cn", "mixed@example.cn"]
    message = mailoutbox[0]
    assert "已退回" in message.subject
    assert "退回理由：检测报告已过有效期，请补充 2024 年报告。" in message.body
    assert SITE + reverse("portal-declaration-detail", args=[draft.pk]) in message.body


@pytest.mark.django_db
def test_withdrawal_tells_the_enterprise_the_reason(
    people, draft, enterprise_user, bureau_staff, django_capture_on_commit_callbacks, mailoutbox
):
    declaration_submit(declaration=draft, actor=enterprise_user)
    declaration_publish(declaration=draft, actor=bureau_staff)
    with django_capture_on_commit_callbacks(execute=True):
        declaration_withdraw(declaration=draft, actor=bureau_staff, comment="产品型号已停产 & 更换标准")

    assert recipients(mailoutbox) == ["OFFICE@jia.example.cn", "ent_a@example.cn", "mixed@example.cn"]
    # Plain text: nothing HTML-escaped.
    assert "撤回理由：产品型号已停产 & 更换标准" in mailoutbox[0].body


@pytest.mark.django_db
def test_a_refused_move_tells_nobody(
    people, draft, enterprise_user, bureau_staff, django_capture_on_commit_callbacks, mailoutbox
):
    declaration_submit(declaration=draft, actor=enterprise_user)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(WorkflowError):
        declaration_return(declaration=draft, actor=bureau_staff, comment="")  # a reason is required
    assert mailoutbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 30])
def test_the_query_count_does_not_grow_with_the_recipients(
    people, draft, enterprise, office, enterprise_user, extra, django_assert_num_queries, mailoutbox
):
    for n in range(extra):
        make_user(Role.BRANCH_STAFF, username=f"b{n}", branch_office=office, email=f"b{n}@example.cn")
        make_user(Role.ENTERPRISE, username=f"e{n}", enterprise=enterprise, email=f"e{n}@example.cn")
    declaration_submit(declaration=draft, actor=enterprise_user)
    # The declaration (with its enterprise and scheme), then the addresses.
    with django_assert_num_queries(2):
        notify_declaration_moved(declaration_id=draft.pk, action=DeclarationAction.SUBMIT)
    assert len(mailoutbox) == 3 + extra
    mailoutbox.clear()
    with django_assert_num_queries(2):
        notify_declaration_moved(declaration_id=draft.pk, action=DeclarationAction.RETURN, comment="补充")
    assert len(mailoutbox) == 3 + extra


@pytest.mark.django_db
def test_a_failing_mail_server_neither_undoes_nor_breaks_the_move(
    people,
    draft,
    enterprise_user,
    bureau_staff,
    settings,
    caplog,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    settings.EMAIL_BACKEND = "tests.test_notifications.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        declaration_submit(declaration=draft, actor=enterprise_user)
    assert len(callbacks) == 1  # the mail was attempted, and failed
    with django_capture_on_commit_callbacks(execute=True):
        declaration_publish(declaration=draft, actor=bureau_staff)

    stored = Declaration.objects.get(pk=draft.pk)
    assert stored.status == DeclarationStatus.PUBLISHED
    assert list(stored.events.order_by("id").values_list("action", flat=True)) == [
        "create",
        "submit",
        "publish",
    ]
    failures = [r for r in caplog.records if r.name == "benchmarking.tasks" and r.exc_info]
    assert len(failures) == 2
    assert mailoutbox == []
