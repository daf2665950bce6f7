"""E-mail the system sends: reviewers hear of each submitted declaration, the enterprise of its
publication, return or withdrawal, and a new enterprise login gets its invitation.

Every mail here goes out after the transaction that caused it has committed. By then the move
or the new login stands, so a mail that fails is logged and swallowed: an unreachable SMTP server
must never turn a committed move into an error page (the user would try it again).
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

__all__ = ["absolute_url", "notify_declaration_moved", "send_account_invitation"]


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
_MOVES = {
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


def notify_declaration_moved(*, declaration_id: int, action: str, comment: str = "") -> None:
    """Send the mails one workflow move calls for. Called through transaction.on_commit, so the
    move has committed: a failure is logged, never raised. Two queries, however many recipients."""
    if action not in _MOVES:
        return  # creating a draft tells nobody
    try:
        _send_declaration_mail(declaration_id=declaration_id, action=action, comment=comment)
    except Exception:
        logger.exception("Mail about declaration %s (%s) not sent", declaration_id, action)


def _send_declaration_mail(*, declaration_id: int, action: str, comment: str) -> None:
    template, subject, audience, page = _MOVES[action]
    # enterprise and scheme: named in the mail; branch_office_id comes with the enterprise.
    declaration = Declaration.objects.select_related("enterprise", "scheme").get(pk=declaration_id)
    enterprise = declaration.enterprise
    recipients = (
        _reviewer_addresses(enterprise) if audience == "reviewers" else _enterprise_addresses(enterprise)
    )
    if not recipients:
        logger.info("Declaration %s (%s): nobody to tell by mail", declaration_id, action)
        return
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


# -- enterprise logins -----------------------------------------------------------------------------


def send_account_invitation(*, user_id: int) -> bool:
    """Mail an enterprise login the link that sets its password (Django's password-reset
    confirmation page, which checks only the token, so it works for a password never set).
    Returns whether the mail went out; a failure is logged, never raised."""
    try:
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
    except Exception:
        logger.exception("Invitation mail to user %s not sent", user_id)
        return False
    return True
