"""The background jobs (Django's Tasks API; the queue and its workers: ``jobs``).

Mails are sent here, not in the request: queued after the transaction that caused them commits
(``transaction.on_commit``), so a rolled-back move tells nobody, and sent by a worker, so a slow
or unreachable SMTP server costs no page time. A send that fails is tried again later
(``MAIL_RETRY_DELAYS``), then logged as lost. Running a mail job twice (its worker killed after
the send, before the job was marked done) sends the mail twice: the one duplicate a crash can
cause, and better than none.
"""

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task, task_backends

from . import notifications

logger = logging.getLogger(__name__)

__all__ = [
    "MAIL_RETRY_DELAYS",
    "invite_new_account",
    "notify_declaration_moved",
    "send_declaration_mail",
    "send_invitation_mail",
]

# After a failed send, the next try comes this much later: a mail server back within the hour
# still delivers everything. len + 1 tries in all.
MAIL_RETRY_DELAYS = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(minutes=45),
)


def _retry_later(job, attempt: int, **kwargs) -> bool:
    """Queue ``job`` again for its next try, if there is one and the queue can wait; returns whether
    it did. The immediate backend (tests, or a deployment without workers) cannot defer a job."""
    if attempt > len(MAIL_RETRY_DELAYS) or not task_backends[job.backend].supports_defer:
        return False
    job.using(run_after=timezone.now() + MAIL_RETRY_DELAYS[attempt - 1]).enqueue(
        attempt=attempt + 1, **kwargs
    )
    return True


@task()
def send_declaration_mail(*, declaration_id: int, action: str, comment: str = "", attempt: int = 1) -> str:
    """The mails one workflow move calls for (``notifications.notify_declaration_moved``)."""
    try:
        sent = notifications.send_declaration_mail(
            declaration_id=declaration_id, action=action, comment=comment
        )
    except Exception:
        kwargs = {"declaration_id": declaration_id, "action": action, "comment": comment}
        if _retry_later(send_declaration_mail, attempt, **kwargs):
            logger.warning(
                "Mail about declaration %s (%s) failed, try %d; tried again later",
                declaration_id,
                action,
                attempt,
                exc_info=True,
            )
            return "retry"
        logger.exception(
            "Mail about declaration %s (%s) not sent after %d tries", declaration_id, action, attempt
        )
        raise
    return f"sent {sent}"


@task()
def send_invitation_mail(*, user_id: int, attempt: int = 1) -> str:
    """The invitation of a new enterprise login (``notifications.send_account_invitation``)."""
    try:
        notifications.deliver_account_invitation(user_id=user_id)
    except Exception:
        if _retry_later(send_invitation_mail, attempt, user_id=user_id):
            logger.warning(
                "Invitation mail to user %s failed, try %d; tried again later",
                user_id,
                attempt,
                exc_info=True,
            )
            return "retry"
        logger.exception("Invitation mail to user %s not sent after %d tries", user_id, attempt)
        raise
    return "sent"


# -- queued after the commit (services call these through transaction.on_commit) -----------------


def notify_declaration_moved(*, declaration_id: int, action: str, comment: str = "") -> None:
    """Queue the mails of a workflow move that has committed. A queue that cannot be written now
    (the database gone right after the commit) loses the mail, logged, never the move."""
    if action not in notifications.MAIL_MOVES:
        return  # creating a draft tells nobody
    try:
        send_declaration_mail.enqueue(declaration_id=declaration_id, action=action, comment=comment)
    except Exception:
        logger.exception("Mail about declaration %s (%s) not queued", declaration_id, action)


def invite_new_account(*, user_id: int) -> None:
    """Queue the invitation of an enterprise login that has committed."""
    try:
        send_invitation_mail.enqueue(user_id=user_id)
    except Exception:
        logger.exception("Invitation mail to user %s not queued", user_id)
