"""Enterprise logins: bureau staff open them for an enterprise and (re)send the invitation.

A new login has no password: the invitation mail carries a link that lets its holder set one
(Django's password-reset confirmation), so no password ever travels by mail or through staff.
Enterprise logins are never staff (``is_staff`` off): they use the portal, not the admin.
"""

from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..access import add_to_role, is_enterprise_user, may_manage_accounts, profile_of
from ..choices import Role
from ..models import Enterprise, UserProfile
from ..notifications import send_account_invitation
from ..tasks import invite_new_account
from .errors import WorkflowError

__all__ = ["enterprise_account_create", "enterprise_account_invite"]


def _require_account_manager(actor) -> None:
    if not may_manage_accounts(actor):
        raise WorkflowError(_("只有市局工作人员可以开通企业账号或发送邀请。"), code="not_allowed")


@transaction.atomic
def enterprise_account_create(
    *, enterprise: Enterprise, actor, username: str, email: str, full_name: str = ""
) -> AbstractUser:
    """Open a login for ``enterprise``: no usable password, not staff, in the enterprise users'
    group, its profile naming the enterprise. After the commit, the login's address is mailed
    the link that sets its password. Raises ValidationError keyed by field (username, email)."""
    _require_account_manager(actor)
    User = get_user_model()
    username, email, full_name = username.strip(), email.strip(), " ".join(full_name.split())

    errors: dict[str, list[ValidationError]] = {}
    if not username:
        errors.setdefault("username", []).append(ValidationError(_("请填写用户名。"), code="required"))
    # Django's own check is case-sensitive; "Ent_A" beside "ent_a" would be two look-alike logins.
    elif User.objects.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append(
            ValidationError(
                _("用户名“%(username)s”已被使用（不区分大小写），请换一个。"),
                code="duplicate",
                params={"username": username},
            )
        )
    if not email:
        errors.setdefault("email", []).append(
            ValidationError(_("请填写电子邮箱：设置密码的链接将发到这个地址。"), code="required")
        )
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append(
                ValidationError(_("请填写有效的电子邮箱地址。"), code="invalid")
            )

    user = User(username=username, email=email, first_name=full_name, is_staff=False, is_active=True)
    user.set_unusable_password()
    try:
        # The model's own rules too: allowed username characters and every field's length.
        user.full_clean(exclude=[*errors, "password"], validate_unique=False)
    except ValidationError as error:
        for field, messages in error.error_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The same username saved by someone else between the check and the save.
        raise ValidationError(
            {
                "username": ValidationError(
                    _("用户名“%(username)s”已被使用，请换一个。"), params={"username": username}
                )
            }
        ) from None
    add_to_role(user, Role.ENTERPRISE)
    profile = UserProfile(user=user, enterprise=enterprise, region_id=enterprise.region_id)
    profile.full_clean()
    profile._history_user = actor
    profile.save()
    # Only a login that exists is invited: a rolled-back one gets no mail.
    transaction.on_commit(partial(invite_new_account, user_id=user.pk))
    return user


def enterprise_account_invite(*, user, actor) -> bool:
    """Mail an existing enterprise login the link that sets its password again (the first
    mail lost or expired, or the password forgotten before it was ever set: the site's own
    "forgot password" form skips logins without a usable password). Returns whether it was sent."""
    _require_account_manager(actor)
    User = get_user_model()
    user = User.objects.select_related("profile").get(pk=user.pk)
    profile = profile_of(user)
    # Roles know nobody inactive, so an inactive enterprise login is known by its profile.
    if profile is None or profile.enterprise_id is None or (user.is_active and not is_enterprise_user(user)):
        raise WorkflowError(_("只能向企业账号发送邀请。"), code="not_enterprise")
    if not user.is_active:
        raise WorkflowError(_("该账号已停用，不能发送邀请。"), code="inactive")
    if not user.email:
        raise WorkflowError(_("该账号没有电子邮箱，请先在用户资料中填写。"), code="no_email")
    # Nothing is written, so there is nothing to wait for: send now and say whether it went.
    return send_account_invitation(user_id=user.pk)
