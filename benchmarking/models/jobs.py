"""The background job workers' roll call: what tells a worker that died from one still busy."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["JobWorker", "ScheduledRun"]


class JobWorker(models.Model):
    """One running ``manage.py run_jobs`` process. It writes ``seen_at`` every few seconds from a
    thread of its own, also while it runs a long job; a job whose worker has not been seen for
    ``jobs.WORKER_LOST_AFTER`` was cut off (the process killed, the machine gone) and is put back
    in the queue or, after its last attempt, failed (``jobs.recover_lost_tasks``).

    Operational state, not a record of the domain: no change history, rows of stopped workers
    are deleted."""

    worker_id = models.CharField(_("工作进程标识"), max_length=64, primary_key=True)
    hostname = models.CharField(_("主机"), max_length=255)
    pid = models.PositiveIntegerField(_("进程号"))
    started_at = models.DateTimeField(_("启动时间"))
    seen_at = models.DateTimeField(_("最近心跳"), db_index=True)

    class Meta:
        verbose_name = _("后台任务工作进程")
        verbose_name_plural = _("后台任务工作进程")

    def __str__(self):
        return f"{self.hostname}:{self.pid} ({self.worker_id})"


class ScheduledRun(models.Model):
    """A calendar job queued for one period ("2026-12-06", "2026-W49", "2026-12"): the unique key
    is what queues it once per period however many workers look (``schedule.enqueue_due_jobs``).
    Kept as the record of what ran when; rows older than a year are deleted."""

    name = models.CharField(_("定时任务"), max_length=40)
    period = models.CharField(_("周期"), max_length=10)
    enqueued_at = models.DateTimeField(_("排队时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("定时任务记录")
        verbose_name_plural = _("定时任务记录")
        constraints = [
            models.UniqueConstraint(fields=["name", "period"], name="%(app_label)s_%(class)s_once_per_period")
        ]

    def __str__(self):
        return f"{self.name} · {self.period}"
