"""E-mail the system sends: reviewers hear of each submitted declaration, the enterprise of its
publication, return or withdrawal, and a new enterprise login gets its invitation.

What each mail says and who gets it. They are sent by background jobs (``tasks``), queued after
the transaction that caused them has committed: by then the move or the new login stands, so
a mail that fails is tried again later, never an error page for the user (who would try the
move again). Only the invitation an administrator sends again by hand goes out at once, because
the admin page says whether it went.
"""

import logging
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, send_mass_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access import acting_for_enterprise_q, reviewers_for_q
from .models import Declaration, DeclarationAction

logger = logging.getLogger(__name__)

__all__ = [
    "MAIL_MOVES",
    "absolute_url",
    "deliver_account_invitation",
    "send_account_invitation",
    "send_declaration_mail",
]


def absolute_url(path: str) -> str:
    """``path`` (from ``reverse``) as a link that works from a mail: on ``settings.SITE_URL``."""
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/"))


def _addresses(*groups) -> list[str]:
    """The non-empty addresses of ``groups`` in order, each once (addresses compare case-blind)."""
    seen, result = set(), []
    for group in groups:
        for address in group:
            address = (address or "").strip()
            if address and address.lower() not in seen:
                seen.add(address.lower())
                result.append(address)
    return result


def _reviewer_addresses(enterprise) -> list[str]:
    """Those who may review the enterprise's declarations (``access.is_reviewer_for``):
    bureau staff, and branch-office staff of the enterprise's own office."""
    User = get_user_model()
    emails = (
        User.objects.filter(reviewers_for_q(enterprise))
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    return _addresses(emails)


def _enterprise_addresses(enterprise) -> list[str]:
    """The enterprise's own logins, then the address on its record."""
    User = get_user_model()
    emails = (
        User.objects.filter(acting_for_enterprise_q(enterprise))
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    return _addresses(emails, [enterprise.email])


# -- declaration moves ---------------------------------------------------------------------------

# action -> (template, subject, who hears of it, the page the link opens)
MAIL_MOVES = {
    DeclarationAction.SUBMIT: (
        "submitted",
        gettext_lazy("新的对标声明待审核：%(enterprise)s %(product)s"),
        "reviewers",
        "review-detail",
    ),
    DeclarationAction.PUBLISH: (
        "published",
        gettext_lazy("对标声明已发布：%(product)s"),
        "enterprise",
        "portal-declaration-detail",
    ),
    DeclarationAction.RETURN: (
        "returned",
        gettext_lazy("对标声明已退回，请修改后重新提交：%(product)s"),
        "enterprise",
        "portal-declaration-detail",
    ),
    DeclarationAction.WITHDRAW: (
        "withdrawn",
        gettext_lazy("对标声明已撤回：%(product)s"),
        "enterprise",
        "portal-declaration-detail",
    ),
}


def send_declaration_mail(*, declaration_id: int, action: str, comment: str = "") -> int:
    """Send the mails one workflow move calls for; returns how many. Raises when the mail server
    does (the job tries again later). Two queries, however many recipients."""
    if action not in MAIL_MOVES:
        return 0  # creating a draft tells nobody
    template, subject, audience, page = MAIL_MOVES[action]
    # enterprise and scheme: named in the mail; branch_office_id comes with the enterprise.
    declaration = Declaration.objects.select_related("enterprise", "scheme").get(pk=declaration_id)
    enterprise = declaration.enterprise
    recipients = (
        _reviewer_addresses(enterprise) if audience == "reviewers" else _enterprise_addresses(enterprise)
    )
    if not recipients:
        logger.info("Declaration %s (%s): nobody to tell by mail", declaration_id, action)
        return 0
    product = f"{declaration.product_name} {declaration.product_model}".strip()
    context = {
        "declaration": declaration,
        "enterprise": enterprise,
        "scheme": declaration.scheme,
        "product": product,
        "comment": comment,
        "link": absolute_url(reverse(page, args=[declaration.pk])),
    }
    body = render_to_string(f"benchmarking/mail/declaration_{template}.txt", context)
    subject = str(subject) % {"enterprise": enterprise.name, "product": product}
    # One message per recipient: no one sees who else was told.
    send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients],
        fail_silently=False,
    )
    return len(recipients)


# -- enterprise logins -----------------------------------------------------------------------------


def deliver_account_invitation(*, user_id: int) -> None:
    """Mail an enterprise login the link that sets its password (Django's password-reset
    confirmation page, which checks only the token, so it works for a password never set).
    Raises when the mail server does."""
    User = get_user_model()
    user = User.objects.select_related("profile__enterprise").get(pk=user_id)
    link = absolute_url(
        reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
    context = {
        "user": user,
        "enterprise": user.profile.enterprise,
        "link": link,
        "login_url": absolute_url(reverse("login")),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)),
    }
    subject = _("永康市对标达标工作台企业账号开通通知")
    body = render_to_string("benchmarking/mail/account_invitation.txt", context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()


def send_account_invitation(*, user_id: int) -> bool:
    """The invitation sent at once, for the administrator's "send again" button: returns whether
    it went out; a failure is logged, never raised."""
    try:
        deliver_account_invitation(user_id=user_id)
    except Exception:
        logger.exception("Invitation mail to user %s not sent", user_id)
        return False
    return True
