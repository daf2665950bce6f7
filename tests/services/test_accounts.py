"""Enterprise logins (benchmarking.services.accounts): who may open them, what a new login is,
what is refused with nothing created, and the invitation mailed only after the commit."""

import re
import smtplib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils.http import urlsafe_base64_decode

from benchmarking.access import ROLE_GROUP_NAMES, role_of
from benchmarking.choices import Role
from benchmarking.models import UserProfile
from benchmarking.services.accounts import enterprise_account_create, enterprise_account_invite
from benchmarking.services.errors import WorkflowError
from tests.factories import make_user

User = get_user_model()
LINK = re.compile(r"(https?://\S+?)(/accounts/reset/([^/\s]+)/([^/\s]+)/)")


class FailingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("connection refused (test)")


def invitation_link(message) -> re.Match:
    match = LINK.search(message.body)
    assert match, message.body
    return match


def create(enterprise, actor, **overrides):
    fields = {"username": "jia_cup", "email": "zhang@jia-cup.example.cn", "full_name": "张三"}
    return enterprise_account_create(enterprise=enterprise, actor=actor, **{**fields, **overrides})


@pytest.mark.django_db
def test_a_new_login_is_an_enterprise_user_without_password_and_not_staff(
    enterprise, bureau_staff, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user = create(enterprise, bureau_staff)

    user = User.objects.get(pk=user.pk)
    assert (user.username, user.email, user.first_name) == ("jia_cup", "zhang@jia-cup.example.cn", "张三")
    assert not user.is_staff and not user.is_superuser and user.is_active
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [ROLE_GROUP_NAMES[Role.ENTERPRISE]]
    assert user.profile.enterprise == enterprise and user.profile.branch_office is None
    assert role_of(user) == Role.ENTERPRISE
    # The profile's change history names the staff member who opened the login.
    assert user.profile.history.get().history_user == bureau_staff

    # Nothing is mailed until the transaction commits.
    assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["zhang@jia-cup.example.cn"]
    assert "企业账号开通" in message.subject
    assert enterprise.name in message.body and "jia_cup" in message.body


@pytest.mark.django_db
def test_the_invitation_link_is_absolute_on_site_url_and_carries_a_valid_token(
    enterprise, bureau_staff, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.SITE_URL = "https://dbdb.yk.example.gov.cn"
    with django_capture_on_commit_callbacks(execute=True):
        user = create(enterprise, bureau_staff)

    match = invitation_link(mailoutbox[0])
    assert match.group(1) == "https://dbdb.yk.example.gov.cn"
    uidb64, token = match.group(3), match.group(4)
    assert match.group(2) == reverse("password_reset_confirm", args=[uidb64, token])
    assert urlsafe_base64_decode(uidb64).decode() == str(user.pk)
    assert default_token_generator.check_token(User.objects.get(pk=user.pk), token)


@pytest.mark.django_db
def test_a_login_rolled_back_is_never_invited(
    enterprise, bureau_staff, django_capture_on_commit_callbacks, mailoutbox
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        create(enterprise, bureau_staff)
        raise RuntimeError("something later in the same transaction failed")
    assert callbacks == [] and mailoutbox == []
    assert not User.objects.filter(username="jia_cup").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["branch_staff", "manager", "enterprise_user"])
def test_only_bureau_staff_open_logins(
    request, enterprise, who, django_capture_on_commit_callbacks, mailoutbox
):
    actor = request.getfixturevalue(who)
    users_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(WorkflowError) as excinfo:
        create(enterprise, actor)
    assert excinfo.value.code == "not_allowed"
    assert "市局工作人员" in excinfo.value.messages[0]
    assert User.objects.count() == users_before and mailoutbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "phrase"),
    [
        ({"username": "ENT_A"}, "username", "已被使用"),  # the enterprise_user fixture is "ent_a"
        ({"username": "  "}, "username", "请填写用户名"),
        ({"username": "张 三"}, "username", "用户名"),  # spaces are not allowed in usernames
        ({"email": ""}, "email", "请填写电子邮箱"),
        ({"email": "not-an-address"}, "email", "有效的电子邮箱"),
        ({"email": "a@b@c.cn"}, "email", "有效的电子邮箱"),
    ],
)
def test_bad_input_is_refused_by_field_with_nothing_created(
    enterprise,
    enterprise_user,
    bureau_staff,
    overrides,
    field,
    phrase,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    users_before, profiles_before = User.objects.count(), UserProfile.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as excinfo:
        create(enterprise, bureau_staff, **overrides)
    errors = excinfo.value.message_dict
    assert field in errors, errors
    assert phrase in " ".join(errors[field])
    assert (User.objects.count(), UserProfile.objects.count()) == (users_before, profiles_before)
    assert mailoutbox == []


@pytest.mark.django_db
def test_both_fields_wrong_are_reported_together(enterprise, enterprise_user, bureau_staff):
    with pytest.raises(ValidationError) as excinfo:
        create(enterprise, bureau_staff, username="Ent_A", email="nope")
    assert set(excinfo.value.message_dict) == {"username", "email"}


@pytest.mark.django_db
def test_surrounding_spaces_are_trimmed(enterprise, bureau_staff):
    user = create(
        enterprise, bureau_staff, username=" yi_door ", email=" li@yi.example.cn ", full_name=" 李  四 "
    )
    assert (user.username, user.email, user.first_name) == ("yi_door", "li@yi.example.cn", "李 四")


# -- resending the invitation ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_invitation_is_resent_to_an_enterprise_login(enterprise, bureau_staff, mailoutbox):
    user = make_user(Role.ENTERPRISE, username="jia2", enterprise=enterprise, email="wang@jia.example.cn")
    assert enterprise_account_invite(user=user, actor=bureau_staff) is True
    assert [m.to for m in mailoutbox] == [["wang@jia.example.cn"]]
    invitation_link(mailoutbox[0])


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["branch_staff", "manager", "enterprise_user"])
def test_only_bureau_staff_resend(request, enterprise_user, who, mailoutbox):
    enterprise_user.email = "ent@a.example.cn"
    enterprise_user.save()
    with pytest.raises(WorkflowError):
        enterprise_account_invite(user=enterprise_user, actor=request.getfixturevalue(who))
    assert mailoutbox == []


@pytest.mark.django_db
def test_no_invitation_for_staff_inactive_or_addressless_logins(
    enterprise, branch_staff, bureau_staff, mailoutbox
):
    branch_staff.email = "branch@yk.example.gov.cn"
    branch_staff.save()
    with pytest.raises(WorkflowError) as excinfo:
        enterprise_account_invite(user=branch_staff, actor=bureau_staff)
    assert excinfo.value.code == "not_enterprise"

    inactive = make_user(Role.ENTERPRISE, username="gone", enterprise=enterprise, email="gone@a.example.cn")
    inactive.is_active = False
    inactive.save()
    with pytest.raises(WorkflowError) as excinfo:
        enterprise_account_invite(user=inactive, actor=bureau_staff)
    assert excinfo.value.code == "inactive"

    silent = make_user(Role.ENTERPRISE, username="silent", enterprise=enterprise)
    with pytest.raises(WorkflowError) as excinfo:
        enterprise_account_invite(user=silent, actor=bureau_staff)
    assert excinfo.value.code == "no_email"
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_mail_server_that_is_down_is_logged_not_raised(
    enterprise, bureau_staff, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.services.test_accounts.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        user = create(enterprise, bureau_staff)
    # The login stands; the failure is in the log, and a resend says it did not go out.
    assert User.objects.filter(pk=user.pk).exists()
    assert any(r.name == "benchmarking.tasks" and r.exc_info for r in caplog.records)
    assert enterprise_account_invite(user=user, actor=bureau_staff) is False
