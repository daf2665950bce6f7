"""The reminder digests' jobs (docs/domain.md "Reminders"): one job per digest kind, run by the
calendar (``schedule``: staff each day, enterprises each week, managers each month, from
08:00, as ``settings.BENCHMARKING_SCHEDULE`` has it), and the job that mails one digest.

The calendar queues each job once per period; should a job still run twice for a period (run
by hand with ``run_scheduled``, or a worker killed after the work, before the job was marked
done), ``services.digests`` writes and mails each user's digest once.
"""

import logging

from django_tasks import task

from .choices import DigestKind
from .schedule import scheduled
from .services import digests
from .tasks import _retry_later

logger = logging.getLogger(__name__)

__all__ = ["enterprise_digest", "manager_digest", "queue_digest_mail", "send_digest_mail", "staff_digest"]


def _send(job, kind: str, period: str, attempt: int) -> str:
    """Write the period's digests of ``kind``; when some users' failed, the job runs again later
    for them (the others' are written once and not again) and, out of tries, fails to be seen."""
    try:
        return f"{digests.send_digests(kind=kind, period=period)} digests"
    except digests.DigestsIncomplete:
        if _retry_later(job, attempt, period=period):
            logger.warning("Digests %s %s incomplete, try %d; tried again later", kind, period, attempt)
            return "retry"
        raise


@scheduled("staff_digest", every="day", hour=8)
@task()
def staff_digest(*, period: str, attempt: int = 1) -> str:
    """Bureau and branch-office staff: declarations waiting for review, schemes needing revision."""
    return _send(staff_digest, DigestKind.STAFF, period, attempt)


@scheduled("enterprise_digest", every="week", hour=8)
@task()
def enterprise_digest(*, period: str, attempt: int = 1) -> str:
    """Enterprises: returned declarations and drafts left idle, updated standards, expiring 品字标."""
    return _send(enterprise_digest, DigestKind.ENTERPRISE, period, attempt)


@scheduled("manager_digest", every="month", hour=8)
@task()
def manager_digest(*, period: str, attempt: int = 1) -> str:
    """Managers: the month's summary of the three figures, the pace and the offices behind."""
    return _send(manager_digest, DigestKind.MANAGER_MONTHLY, period, attempt)


@task()
def send_digest_mail(*, digest_id: int, attempt: int = 1) -> str:
    """Mail one digest (``services.digests.deliver_digest``), tried again later like every mail."""
    try:
        sent = digests.deliver_digest(digest_id=digest_id)
    except Exception:
        if _retry_later(send_digest_mail, attempt, digest_id=digest_id):
            logger.warning(
                "Digest mail %s failed, try %d; tried again later", digest_id, attempt, exc_info=True
            )
            return "retry"
        logger.exception("Digest mail %s not sent after %d tries", digest_id, attempt)
        raise
    return "sent" if sent else "not mailed"


def queue_digest_mail(*, digest_id: int) -> None:
    """Queue the mail of a digest that has committed; a queue that cannot be written now loses the
    mail (logged), never the digest, which the 提醒 page shows anyway."""
    try:
        send_digest_mail.enqueue(digest_id=digest_id)
    except Exception:
        logger.exception("Digest mail %s not queued", digest_id)
