"""Branch offices and industries: the two ways the bureau breaks its progress down."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .fields import IndustryCodeField

__all__ = ["BranchOffice", "Industry"]


class BranchOffice(models.Model):
    """A local market-supervision office (基层市场监管所) that enterprises fall under."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    code = models.CharField(
        _("简码"),
        max_length=12,
        unique=True,
        help_text=_("简短代码，用于导入导出和报表，例如 DC（东城所）。"),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords(
        verbose_name=_("基层市场监管所变更记录"), verbose_name_plural=_("基层市场监管所变更记录")
    )

    class Meta:
        verbose_name = _("基层市场监管所")
        verbose_name_plural = _("基层市场监管所")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Industry(models.Model):
    """A local industry (门业, 电动工具, …) with its optional GB/T 4754-2017 code."""

    name = models.CharField(_("行业名称"), max_length=60, unique=True)
    gb_code = IndustryCodeField(
        _("国民经济行业代码"),
        blank=True,
        help_text=_("GB/T 4754-2017 代码：门类字母加 2、3 或 4 位数字，例如 C3381。"),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords(verbose_name=_("行业变更记录"), verbose_name_plural=_("行业变更记录"))

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name
