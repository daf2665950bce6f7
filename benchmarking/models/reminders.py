"""Reminder digests (提醒): what each user was reminded of, once per period (docs/domain.md
"Reminders")."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import DigestKind

__all__ = ["Digest"]


class Digest(models.Model):
    """One user's digest of one kind for one period ("2026-12-06", "2026-W49", "2026-12"). The
    unique key is what makes a digest go out once per period however many workers run the
    job: the one whose insert wins sends the mail. Shown on the 提醒 page whether mailed or not."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="digests"
    )
    kind = models.CharField(_("提醒类型"), max_length=20, choices=DigestKind.choices)
    period = models.CharField(_("周期"), max_length=10)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    # The digest's sections as rendered data: [{"title", "items": [{"text", "url"}], ...}].
    sections = models.JSONField(_("内容"), default=list)
    mailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒摘要")
        verbose_name_plural = _("提醒摘要")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "period"], name="%(app_label)s_%(class)s_once_per_period"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.period}"

    @property
    def period_label(self) -> str:
        """The period as a clerk reads it: 2026年11月20日, 2026年第47周（11月16日—11月22日）,
        2026年11月 (the stored key, "2026-W47", means nothing to most)."""
        try:
            if "-W" in self.period:
                year, week = (int(part) for part in self.period.split("-W"))
                monday = dt.date.fromisocalendar(year, week, 1)
                sunday = monday + dt.timedelta(days=6)
                return _("%(year)d年第%(week)d周（%(start)s—%(end)s）") % {
                    "year": year,
                    "week": week,
                    "start": f"{monday.month}月{monday.day}日",
                    "end": f"{sunday.month}月{sunday.day}日",
                }
            parts = [int(part) for part in self.period.split("-")]
        except ValueError:
            return self.period
        if len(parts) == 3:
            year, month, day = parts
            return _("%(year)d年%(month)d月%(day)d日") % {"year": year, "month": month, "day": day}
        if len(parts) == 2:
            year, month = parts
            return _("%(year)d年%(month)d月") % {"year": year, "month": month}
        return self.period
