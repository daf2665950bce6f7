"""Reminder digests (提醒): written once per user, kind and period, mailed by the one writer that
wrote them, and the user's own switch for the mails (docs/domain.md "Reminders").

Once per period however many workers run the job: ``digest_create`` inserts the ``Digest`` row
under its unique key (user, kind, period) in a transaction; a second worker's insert for the same
key fails and it sends nothing, so each user gets one digest and one mail. The mail is queued
after the commit (``digest_tasks.send_digest_mail``, retried like every mail) and marks the
digest ``mailed_at``.

Who is mailed: a user with an address who has not turned digests off
(``UserProfile.receives_digests``). A user who has turned them off still gets the digest on the
提醒 page: the switch is for the mails only, as its help text says.
"""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import profile_of, users_with_role_q
from ..choices import DigestKind, Role
from ..models import Digest, UserProfile
from ..notifications import absolute_url
from ..selectors.reminders import sections_for

logger = logging.getLogger(__name__)

__all__ = [
    "DIGEST_AUDIENCES",
    "DigestsIncomplete",
    "deliver_digest",
    "digest_create",
    "digest_recipients",
    "digests_mark_read",
    "profile_set_receives_digests",
    "receives_digest_mail",
    "send_digests",
]

# Who receives each kind of digest.
DIGEST_AUDIENCES: dict[str, tuple[Role, ...]] = {
    DigestKind.STAFF: (Role.BUREAU_STAFF, Role.BRANCH_STAFF),
    DigestKind.ENTERPRISE: (Role.ENTERPRISE,),
    DigestKind.MANAGER_MONTHLY: (Role.MANAGER,),
}
# The monthly summary goes out even when nothing is behind: its figures are the point.
ALWAYS_SENT = frozenset({DigestKind.MANAGER_MONTHLY})


class DigestsIncomplete(Exception):
    """Some users' digests could not be written this run; everyone else's were."""


def digest_recipients(kind: str) -> QuerySet:
    """The active users of the roles ``kind`` is for, with their profiles (the scope and the mail
    switch read them: no query per user)."""
    condition = Q()
    for role in DIGEST_AUDIENCES[kind]:
        condition |= users_with_role_q(role)
    return get_user_model().objects.filter(condition).select_related("profile").order_by("pk")


def receives_digest_mail(user) -> bool:
    """Mailed: an address, and digests not turned off (no profile: the default, on)."""
    profile = profile_of(user)
    return bool((user.email or "").strip()) and (profile is None or profile.receives_digests)


def digest_create(*, user, kind: str, period: str, sections: list[dict]) -> Digest | None:
    """Write ``user``'s digest of ``kind`` for ``period`` and queue its mail after the commit;
    None when it was already written (by this job's earlier run or another worker), and then
    nothing is sent."""
    from ..digest_tasks import queue_digest_mail

    with transaction.atomic():
        digest, created = Digest.objects.get_or_create(
            user=user, kind=kind, period=period, defaults={"sections": sections}
        )
        if not created:
            return None
        if receives_digest_mail(user):
            transaction.on_commit(lambda: queue_digest_mail(digest_id=digest.pk))
    return digest


def send_digests(*, kind: str, period: str, now: dt.datetime | None = None) -> int:
    """Every digest of ``kind`` for ``period``: one per user of its roles with something to say
    (the monthly summary always); returns how many this call wrote."""
    now = now or timezone.now()
    written, failed = 0, []
    for user in digest_recipients(kind):
        try:
            sections = sections_for(kind, user, period=period, now=now)
            if not sections and kind not in ALWAYS_SENT:
                continue  # no empty digests
            if digest_create(user=user, kind=kind, period=period, sections=sections) is not None:
                written += 1
        except Exception:
            # One user's broken profile must not cost everyone after them their digest.
            logger.exception("digest %s %s for user %s failed", kind, period, user.pk)
            failed.append(user.pk)
    logger.info("digests %s %s: %d written", kind, period, written)
    if failed:
        # Raised after everyone else's were written: the job tries again later (digest_tasks), and
        # each digest is written once, so only the missing ones are written then.
        raise DigestsIncomplete(f"{kind} {period}: no digest for users {failed}")
    return written


SUBJECTS = {
    DigestKind.STAFF: gettext_lazy("工作人员待办提醒（%(period)s）"),
    DigestKind.ENTERPRISE: gettext_lazy("企业待办提醒（%(period)s）"),
    DigestKind.MANAGER_MONTHLY: gettext_lazy("对标达标月度进展摘要（%(period)s）"),
}


def deliver_digest(*, digest_id: int) -> bool:
    """Mail one digest, unless already mailed or its user has since turned mails off; marks it
    ``mailed_at``. Returns whether it went; raises when the mail server does (the job tries
    again later)."""
    digest = Digest.objects.select_related("user__profile").get(pk=digest_id)
    if digest.mailed_at is not None or not receives_digest_mail(digest.user):
        return False
    sections = [
        {
            **section,
            "items": [
                {**item, "url": absolute_url(item["url"]) if item["url"] else ""} for item in section["items"]
            ],
            "more_url": absolute_url(section["more_url"]) if section.get("more_url") else "",
        }
        for section in digest.sections
    ]
    context = {
        "digest": digest,
        "user": digest.user,
        "sections": sections,
        "page_url": absolute_url(reverse("reminders")),
    }
    subject = str(SUBJECTS[digest.kind]) % {"period": digest.period_label}
    body = render_to_string("benchmarking/mail/digest.txt", context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [digest.user.email.strip()]).send()
    Digest.objects.filter(pk=digest.pk).update(mailed_at=timezone.now())
    return True


def digests_mark_read(*, user, digest_ids: list[int]) -> int:
    """Mark the user's own digests among ``digest_ids`` read (the 提醒 page shows them)."""
    return Digest.objects.filter(user=user, pk__in=digest_ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def profile_set_receives_digests(*, user, receives: bool) -> UserProfile:
    """Turn the user's own digest mails on or off, kept in the profile's history. A login with no
    profile (a superuser) gets one in the home county, which is where it already works
    (``access.region_scope_of``)."""
    with transaction.atomic():
        profile = UserProfile.objects.select_for_update().filter(user=user).first() or UserProfile(user=user)
        if profile.pk is None or profile.receives_digests != receives:
            profile.receives_digests = receives
            profile._history_user = user
            profile._change_reason = _("本人开启提醒摘要邮件") if receives else _("本人关闭提醒摘要邮件")
            profile.save()
    user.profile = profile
    return profile
