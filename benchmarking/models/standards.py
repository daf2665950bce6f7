"""Standards that schemes benchmark against and that enterprises execute."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import StandardKind
from ..validators import standard_kind_for
from .fields import StandardNumberField

__all__ = ["Standard"]


class Standard(models.Model):
    """A standard (标准), stored under one normalised number so it is never entered twice."""

    number = StandardNumberField(
        _("标准编号"),
        unique=True,
        error_messages={
            "unique": _(
                "该标准编号已存在（编号按统一格式比对，GB/T 1.1-2020、GBT 1.1-2020 与 GB/T 1.1—2020 视为同一标准）。"
            )
        },
        help_text=_("例如 GB/T 1.1—2020、ISO 8442-1:2008、T/ZZB 0123—2018。大小写、空格和连接号会自动统一。"),
    )
    title = models.CharField(_("标准名称"), max_length=200)
    kind = models.CharField(
        _("标准类别"),
        max_length=16,
        choices=StandardKind.choices,
        blank=True,
        help_text=_("留空时按编号前缀自动判断。"),
    )

    history = HistoricalRecords(verbose_name=_("标准变更记录"), verbose_name_plural=_("标准变更记录"))

    class Meta:
        verbose_name = _("标准")
        verbose_name_plural = _("标准")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=StandardKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message=_("请选择标准类别。"),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def clean(self):
        super().clean()
        if not self.kind and self.number:
            self.kind = standard_kind_for(self.number)
