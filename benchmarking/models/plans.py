"""The thousand-item plan (千项计划) and each branch office's quota under it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .regions import county_region_field

__all__ = ["Plan", "PlanQuota"]


class Plan(models.Model):
    """The bureau's 对标达标千项计划: cumulative targets for schemes, enterprises and results."""

    # Unique within its county (the constraint below): every county may call its plan 千项计划.
    name = models.CharField(_("计划名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("截止日期"))
    target_schemes = models.PositiveIntegerField(_("发布对标技术方案目标"), default=100)
    target_enterprises = models.PositiveIntegerField(_("完成对标企业目标"), default=300)
    target_results = models.PositiveIntegerField(_("发布对标结果目标"), default=600)
    region = county_region_field(_("所属县（市、区）"), related_name="plans")
    is_active = models.BooleanField(
        _("当前计划"), default=False, help_text=_("进度页面展示当前计划；同一时间只能有一个。")
    )

    history = HistoricalRecords(verbose_name=_("千项计划变更记录"), verbose_name_plural=_("千项计划变更记录"))

    class Meta:
        verbose_name = _("千项计划")
        verbose_name_plural = _("千项计划")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("截止日期必须晚于开始日期。"),
            ),
            models.UniqueConstraint(
                fields=["region", "name"],
                name="%(app_label)s_%(class)s_unique_name_in_region",
                violation_error_message=_("本县（市、区）已有同名的计划。"),
            ),
            # One current plan per county (each county-level bureau has its own 千项计划).
            models.UniqueConstraint(
                fields=["region"],
                condition=models.Q(is_active=True),
                name="%(app_label)s_%(class)s_one_active",
                violation_error_message=_("已有一个当前计划，请先取消其“当前计划”标记。"),
            ),
        ]

    def __str__(self):
        return self.name


class PlanQuota(models.Model):
    """A branch office's share of the plan (the basis of 考核)."""

    plan = models.ForeignKey(Plan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="quotas")
    branch_office = models.ForeignKey(
        "BranchOffice", verbose_name=_("基层市场监管所"), on_delete=models.PROTECT, related_name="quotas"
    )
    enterprises = models.PositiveIntegerField(_("对标企业任务数"))
    results = models.PositiveIntegerField(_("对标结果任务数"))

    history = HistoricalRecords(
        verbose_name=_("监管所任务分解变更记录"), verbose_name_plural=_("监管所任务分解变更记录")
    )

    class Meta:
        verbose_name = _("监管所任务分解")
        verbose_name_plural = _("监管所任务分解")
        ordering = ["plan", "branch_office__order", "branch_office__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "branch_office"],
                name="%(app_label)s_%(class)s_one_per_branch",
                violation_error_message=_("该监管所在本计划中已有任务分解。"),
            ),
            models.CheckConstraint(
                condition=models.Q(results__gte=models.F("enterprises")),
                name="%(app_label)s_%(class)s_results_cover_enterprises",
                violation_error_message=_(
                    "对标结果任务数不应少于对标企业任务数：每家完成对标的企业至少发布一项结果。"
                ),
            ),
        ]

    def __str__(self):
        return f"{self.plan} · {self.branch_office}"
